"""The content a server process is serving right now, and how it is swapped.

``LiveContent.current`` is one immutable :class:`Snapshot`; a reload validates the new file
completely before replacing that one reference, so a request sees one version from start to end,
and a bad file changes nothing. Recent versions are remembered (bounded) so that ``sync`` can
send a phone only the documents that changed since the version it has.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path

from api.content.snapshot import ContentError, Snapshot, load_file

log = logging.getLogger("clara.content")

HISTORY = 64


class LiveContent:
    def __init__(self, path: Path, snapshot: Snapshot) -> None:
        self.path = path
        self.current = snapshot
        self._history: OrderedDict[str, dict[str, str]] = OrderedDict()
        self._remember(snapshot)
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: str | Path) -> LiveContent:
        """Load the content file at start-up; a bad file stops the start with every problem."""
        return cls(Path(path), load_file(path))

    def _remember(self, snapshot: Snapshot) -> None:
        self._history[snapshot.version] = snapshot.document_versions
        self._history.move_to_end(snapshot.version)
        while len(self._history) > HISTORY:
            self._history.popitem(last=False)

    def document_versions_at(self, version: str) -> dict[str, str] | None:
        """What each document's version was at ``version``; None when that version is unknown."""
        return self._history.get(version)

    def reload(self) -> bool:
        """Re-read the file. Returns True when a new good version is now served."""
        with self._lock:
            try:
                snapshot = load_file(self.path)
            except ContentError as exc:
                log.error("content reload refused, still serving %s: %s", self.current.version,
                          "; ".join(exc.problems))
                for line in exc.problems:
                    log.error("  %s", line)
                return False
            if snapshot.version == self.current.version:
                log.info("content reload: %s unchanged", snapshot.version)
                return False
            previous = self.current
            self._remember(snapshot)
            self.current = snapshot
            log.info("content reloaded: %s -> %s", previous.version, snapshot.version)
            return True
