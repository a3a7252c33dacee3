"""Publishing a content file: a draft checked completely, written over the live file atomically,
kept so that it can be rolled back, and recorded.

Beside the live file (say ``content.json``) lives ``.content.json.releases/``: the last
:data:`KEEP_FILES` published files, named by publication and version, and
``publications.sqlite`` (:mod:`api.content.publications`). The live file is replaced by a rename
of a complete, fsynced temporary file in the same folder, so a server, however many workers and
machines read it, sees the old file or the new one, never half of one; servers notice the new file
by watching it (see :class:`api.content.watch.FileWatch`).

The first publication also keeps the file it replaces, so that it can be rolled back to.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from api.content.changes import Changes, compare, with_reading_levels
from api.content.publications import PUBLISHED, ROLLED_BACK, Publication, PublicationLog
from api.content.snapshot import ContentError, Snapshot, load_bytes

KEEP_FILES = 20
PUBLICATIONS_FILE = "publications.sqlite"


class PublishError(Exception):
    """A publication that did not happen; the live file is as it was."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


@dataclass(frozen=True)
class Outcome:
    publication: Publication | None  # None: nothing changed, nothing was published
    changes: Changes


def releases_folder(live: Path) -> Path:
    return live.parent / f".{live.name}.releases"


def write_atomically(path: Path, data: bytes) -> None:
    """``path`` holds ``data`` or what it held before, whatever happens (temporary file, fsync, rename)."""
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a crash
    finally:
        os.close(folder)


class Releases:
    """The publishing side of one live content file."""

    def __init__(self, live: Path) -> None:
        self.live = live
        self.folder = releases_folder(live)

    @property
    def published(self) -> bool:
        """Whether this file has a changelog yet (reading one never makes it)."""
        return (self.folder / PUBLICATIONS_FILE).exists()

    @functools.cached_property
    def log(self) -> PublicationLog:
        """The changelog (made on first use: a dry run writes nothing)."""
        return PublicationLog(self.folder / PUBLICATIONS_FILE)

    def _load(self, raw: bytes, what: str) -> Snapshot:
        try:
            return load_bytes(raw)
        except ContentError as exc:
            raise PublishError(f"{what} is not valid content: {len(exc.problems)} problem(s)", exc.problems) from exc

    def _live(self) -> tuple[bytes, Snapshot | None] | None:
        """The live file's bytes and snapshot (None when it is broken: anything valid replaces it)."""
        if not self.live.exists():
            return None
        raw = self.live.read_bytes()
        try:
            return raw, load_bytes(raw)
        except ContentError:
            return raw, None

    def _keep(self, seq_hint: int, version: str, raw: bytes) -> str:
        name = f"{seq_hint:06d}-{version}.json"
        path = self.folder / name
        if not path.exists():
            write_atomically(path, raw)
        kept = sorted(p for p in self.folder.glob("*-*.json"))
        for old in kept[:-KEEP_FILES]:
            old.unlink(missing_ok=True)
        return name

    def _against_live(self, raw: bytes) -> tuple[Snapshot, tuple[bytes, Snapshot | None] | None, Changes]:
        """The draft validated (a bad one raises), the live file, and what the draft changes in it."""
        new = self._load(raw, "the draft")
        live = self._live()
        old = live[1] if live else None
        changes = compare(orjson.loads(live[0]) if live and old else None, orjson.loads(raw))
        return new, live, with_reading_levels(changes, old, new)

    def preview(self, raw: bytes) -> Changes:
        """What publishing ``raw`` would change (it is validated: a bad draft raises)."""
        return self._against_live(raw)[2]

    @contextlib.contextmanager
    def _one_at_a_time(self) -> Iterator[None]:
        """Two editors publishing at once take turns (an exclusive ``flock`` in the releases folder),
        so each compares against, keeps and records what was really live before it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.folder / "publish.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def publish(self, raw: bytes, by: str) -> Outcome:
        """Validate ``raw`` completely, then make it the live file and record it."""
        with self._one_at_a_time():
            return self._publish(raw, by)

    def rollback(self, by: str) -> Outcome:
        """Make the version before the current one live again (each rollback goes one further back)."""
        with self._one_at_a_time():
            return self._rollback(by)

    def _publish(self, raw: bytes, by: str) -> Outcome:
        new, live, changes = self._against_live(raw)
        old = live[1] if live else None
        if old is not None and old.version == new.version:
            return Outcome(None, changes)
        latest = self.log.latest()
        seq = (latest.seq if latest else 0) + 1
        if live and old is not None and latest is None:
            self._keep(0, old.version, live[0])  # what the first publication replaces, to roll back to
        name = self._keep(seq, new.version, raw)
        write_atomically(self.live, raw)
        publication = self.log.append(PUBLISHED, new.version, old.version if old else None, by, name,
                                      changes.summary())
        return Outcome(publication, changes)

    def _rollback(self, by: str) -> Outcome:
        live = self._live()
        if live is None or live[1] is None:
            raise PublishError(f"{self.live} is missing or not valid: publish a good file instead")
        current = live[1]
        made = self.log.last_published_as(current.version)
        if made is None or made.previous is None:
            raise PublishError(f"nothing to roll back to: {current.version} was not made live by a publication "
                               "that replaced another version")
        kept = next(iter(sorted(self.folder.glob(f"*-{made.previous}.json"))), None)
        if kept is None:
            raise PublishError(f"version {made.previous} is no longer kept (the last {KEEP_FILES} are)")
        raw = kept.read_bytes()
        old_snapshot = self._load(raw, f"the kept file {kept.name}")
        changes = with_reading_levels(compare(orjson.loads(live[0]), orjson.loads(raw)), current, old_snapshot)
        write_atomically(self.live, raw)
        publication = self.log.append(ROLLED_BACK, made.previous, current.version, by, kept.name, changes.summary())
        return Outcome(publication, changes)
