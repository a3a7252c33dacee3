"""The editors' commands beside ``check``: ``confirm`` a translation, write the ``review`` page.

    python -m api.content confirm PATH… [--locale es] [--in FILE]
    python -m api.content confirm --all [--locale es] [--in FILE]
    python -m api.content sign-off --by NAME --role clinician|editor (--document SLUG | PATH…) [--in FILE]
    python -m api.content review [--in FILE] [--source FOLDER] [--out HTML] [--lang en|es]

``confirm`` records that the translation at each PATH (as ``check-content`` prints it, e.g.
``treatments[cryoablation].howItWorks``) says what today's English says: after re-translating
it, or after reading it and finding it still holds. It rewrites the file in place (same layout,
atomically): run it on a draft, then publish the draft. ``--all`` records every translated
text, for a file whose translations were never recorded. Nothing is written when any PATH is wrong.

``sign-off`` records that NAME approved texts as they read now: every text a document shows
(``--document``), or the texts named. Who signs is the file's business, not the tool's: the record
says who and in which role, and a text edited afterwards needs review again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from api.content import paths as text_paths
from api.content import translations
from api.content.digests import digest_all
from api.content.releases import write_atomically
from api.content.review_page import write_review_page
from api.content.snapshot import ContentError, Snapshot, load_file

COMMANDS = {"confirm", "review", "sign-off"}
DEFAULT_SOURCE = Path("..") / "shared" / "source"


def check_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m api.content check")
    parser.add_argument("path", nargs="?", default="content.json")
    parser.add_argument("--source", type=Path, default=None,
                        help="the folder of the sources' text files: check every reference against them")
    parser.add_argument("--strict", action="store_true", help="outdated or unrecorded translations fail the check")
    return parser.parse_args(argv)


def run(argv: list[str]) -> int:
    command, rest = argv[0], argv[1:]
    if command == "confirm":
        parser = argparse.ArgumentParser(prog="python -m api.content confirm")
        parser.add_argument("paths", nargs="*")
        parser.add_argument("--all", action="store_true", help="confirm every translated text")
        parser.add_argument("--locale", default="es")
        parser.add_argument("--in", dest="file", default=os.environ.get("CONTENT_PATH", "content.json"))
        args = parser.parse_args(rest)
        return confirm(Path(args.file), args.paths, args.locale, args.all)
    if command == "sign-off":
        parser = argparse.ArgumentParser(prog="python -m api.content sign-off")
        parser.add_argument("paths", nargs="*")
        parser.add_argument("--by", required=True)
        parser.add_argument("--role", choices=["clinician", "editor"], required=True)
        parser.add_argument("--document", default=None)
        parser.add_argument("--on", type=dt.date.fromisoformat, default=dt.date.today())
        parser.add_argument("--in", dest="file", default=os.environ.get("CONTENT_PATH", "content.json"))
        args = parser.parse_args(rest)
        return sign_off(Path(args.file), args.by, args.role, args.on, args.document, args.paths)
    parser = argparse.ArgumentParser(prog="python -m api.content review")
    parser.add_argument("--in", dest="file", default=os.environ.get("CONTENT_PATH", "content.json"))
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=Path("build") / "review.html")
    parser.add_argument("--lang", choices=["en", "es"], default="en", help="the language of the page's own words")
    args = parser.parse_args(rest)
    snapshot = _loaded(Path(args.file))
    if snapshot is None:
        return 1
    counts = write_review_page(snapshot, args.source, args.out, args.lang)
    print(f"wrote {args.out}: {counts['texts']} texts, {counts['needsReview']} need review")
    return 0


def confirm(file: Path, paths: list[str], locale: str, everything: bool) -> int:
    snapshot = _loaded(file)
    if snapshot is None:
        return 1
    if everything:
        paths = translations.every_path(snapshot.content, locale)
    if not paths:
        print("name the texts to confirm (paths as check-content prints them), or --all", file=sys.stderr)
        return 2
    data = json.loads(file.read_text(encoding="utf-8"))
    failed = False
    for path in paths:
        try:
            recorded = translations.confirmed(snapshot.content, data, path, locale)
        except ValueError as exc:
            print(f"{path}: {exc}", file=sys.stderr)
            failed = True
        else:
            if not everything:
                print(f"confirmed {path} [{locale}]: translates the English with digest {recorded}")
    if failed:
        print(f"{file}: not changed", file=sys.stderr)
        return 1
    write_atomically(file, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    if everything:
        print(f"confirmed {len(paths)} texts [{locale}]")
    return 0


def sign_off(file: Path, by: str, role: str, on: dt.date, document: str | None, paths: list[str]) -> int:
    snapshot = _loaded(file)
    if snapshot is None:
        return 1
    try:
        approved = _approved(snapshot, document, paths)
    except ValueError as exc:
        print(f"{exc}; {file} not changed", file=sys.stderr)
        return 1
    data = json.loads(file.read_text(encoding="utf-8"))
    data.setdefault("signOffs", []).append({"by": by, "role": role, "on": on.isoformat(), "texts": approved})
    write_atomically(file, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    print(f"signed off {len(approved)} texts as {role} {by!r} on {on.isoformat()}")
    return 0


def _approved(snapshot: Snapshot, document: str | None, paths: list[str]) -> dict[str, str]:
    """Path → digest of each text signed off (ValueError naming what is wrong)."""
    if (document is None) == (not paths):
        raise ValueError("name a --document or the texts' paths (not both)")
    if document is not None:
        if document not in snapshot.documents:
            raise ValueError(f"no document {document!r}")
        return {at.path: digest_all(at.text.root) for at in snapshot.shown_texts(document)}
    finder = text_paths.Finder(snapshot.content)
    approved = {}
    for path in paths:
        text = finder.find(path)
        if text is None:
            raise ValueError(f"no text at {path!r}")
        approved[path] = digest_all(text.root)
    return approved


def _loaded(file: Path) -> Snapshot | None:
    """The file's snapshot; None (and a line saying so) when it does not validate."""
    try:
        return load_file(file)
    except ContentError as exc:
        print(f"{file}: {len(exc.problems)} problem(s); fix them first (make check-content)", file=sys.stderr)
        return None
