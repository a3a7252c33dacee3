"""The content's command line (the top of the import graph, like ``python -m api``):

    python -m api.content check [PATH] [--source FOLDER] [--strict]
                                                   validate a file: provenance, translations, review
                                                   states, reading levels (--strict: outdated fails)
    python -m api.content confirm PATH… [--locale es] [--in FILE]
                                                   record that a translation matches today's English
    python -m api.content review [--in FILE] [--source FOLDER] [--out HTML] [--lang en|es]
                                                   write the clinician review page
    python -m api.content jsonschema [OUT]         write content.schema.json
    python -m api.content publish DRAFT [--to LIVE] [--by NAME] [--dry-run]
    python -m api.content rollback [--to LIVE] [--by NAME]
    python -m api.content publications [--to LIVE] [--first N]     the changelog, as JSON
    python -m api.content deliveries [--to LIVE] [--first N] [--replay WEBHOOK_ID]
    python -m api.content secret                   a new WEBHOOK_SECRET

LIVE defaults to CONTENT_PATH (the file the server serves). See README, "Publishing".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from api.content import editing, editorial
from api.content.model import Content
from api.content.readability import document_level, section_level
from api.content.snapshot import ContentError, Snapshot, load_file
from api.publishing import cli as publishing

# The bar for the bundled content. Patient-education guidance asks for grade 6.
MAX_ENGLISH_GRADE = 6.0
MIN_SPANISH_EASE = 70.0


def within_bar(locale: str, value: float) -> bool:
    return value >= MIN_SPANISH_EASE if locale == "es" else value <= MAX_ENGLISH_GRADE


def check(path: str, source: Path | None = None, strict: bool = False) -> int:
    """Validate a content file, its provenance, translations and review states, and print its
    reading levels; 0 when all is well."""
    try:
        snapshot = load_file(path)
    except ContentError as exc:
        print(f"{path}: {len(exc.problems)} problem(s)", file=sys.stderr)
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    content = snapshot.content
    print(f"{path}: valid, version {snapshot.version}, {len(content.documents)} document(s), "
          f"{len(content.treatments)} treatments, {len(content.glossary)} glossary terms, "
          f"{len(content.strings)} UI strings")
    status = editorial_report(snapshot, source, strict)
    for doc in content.documents:
        print(f"\nReading level of {doc.slug!r} (English: Flesch-Kincaid grade, lower is easier; "
              f"Spanish: Fernández-Huerta, higher is easier)")
        print(f"  {'section':<28}" + "".join(f"{code:>24}" for code in snapshot.locales))
        for section in doc.sections:
            cells = [section_level(snapshot, section, code).label for code in snapshot.locales]
            print(f"  {section.id:<28}" + "".join(f"{c:>24}" for c in cells))
        levels = [document_level(snapshot, doc, code) for code in snapshot.locales]
        print(f"  {'WHOLE PAGE':<28}" + "".join(f"{lv.label:>24}" for lv in levels))
        for level in levels:
            if not within_bar(level.locale, level.value):
                status = 1
                print(f"  {doc.slug}: {level.locale} reading level {level.label} is outside the bar "
                      f"(English grade ≤ {MAX_ENGLISH_GRADE}, Spanish ≥ {MIN_SPANISH_EASE})", file=sys.stderr)
    return status


def editorial_report(snapshot: Snapshot, source: Path | None, strict: bool) -> int:
    """Print what the editors and clinicians need to trust the file; 1 when something is wrong."""
    found = editorial.report(snapshot, source)
    for line in found.summary():
        print(line)
    for line in found.problems:
        print(f"  {line}", file=sys.stderr)
    for line in found.warnings:
        print(f"  {line}", file=sys.stderr if strict else sys.stdout)
    return 1 if found.problems or (strict and found.warnings) else 0


def write_json_schema(out: str) -> int:
    schema = Content.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    Path(out).write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) >= 1 and argv[0] == "check":
        args = editing.check_arguments(argv[1:])
        return check(args.path, args.source, args.strict)
    if len(argv) >= 1 and argv[0] in editing.COMMANDS:
        return editing.run(argv)
    if len(argv) >= 1 and argv[0] == "jsonschema":
        return write_json_schema(argv[1] if len(argv) > 1 else "content.schema.json")
    if len(argv) >= 1 and argv[0] in publishing.COMMANDS:
        return publishing.run(argv)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
