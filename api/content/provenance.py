"""Where each text comes from: source passages, and the check that every reference still holds.

A source is a text file (the institution's page as it was read). Its passages are its non-blank
lines, numbered from 1 in order: the split a person can count by eye, and stable when blank lines
are added or removed. A record's ``sourceRefs`` name passages by that number, with the digest of
the passage's text (:mod:`api.content.digests`) when it was referenced: a changed passage flags
every record that restates it, a bad number or a missing file is a clear line. Records with
``sourceRefs: []`` are ours and say why in ``basis``; records with no ``sourceRefs`` at all are
not traced yet, which :func:`problems` reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from api.content import paths
from api.content.digests import digest
from api.content.model import Content, Traced

MAX_SOURCE_BYTES = 5 * 1024 * 1024  # a web page's text; a larger file is not a page


def passages(text: str) -> list[str]:
    """The passages of a source text: its non-blank lines, stripped (passage 1 is ``[0]``)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def read_passages(folder: Path, name: str) -> list[str]:
    """The passages of the source file ``name`` in ``folder``; OSError/ValueError when unreadable."""
    path = folder / name
    if path.stat().st_size > MAX_SOURCE_BYTES:
        raise ValueError(f"{path} is over {MAX_SOURCE_BYTES // 1024 // 1024} MB")
    return passages(path.read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class TracedRecord:
    """A record that must say where its words come from, and its path."""

    path: str
    record: Traced


def traced_records(content: Content) -> list[TracedRecord]:
    """Every record that carries (or should carry) ``sourceRefs``, in file order."""
    seen: dict[int, TracedRecord] = {}
    for at in paths.texts(content):
        if at.owner is not None and id(at.owner) not in seen:
            seen[id(at.owner)] = TracedRecord(at.owner_path, at.owner)
    return list(seen.values())


@dataclass
class Report:
    """What :func:`check` found: problems (one line each) and the counts the editor reads."""

    problems: list[str] = field(default_factory=list)
    traced: int = 0
    ours: Counter[str] = field(default_factory=Counter)
    references: int = 0


def source_passages(content: Content, folder: Path | None) -> tuple[dict[str, list[str]], list[str]]:
    """The passages of each source read from ``folder`` (none without a folder), and a problem line
    for each source that could not be read."""
    found: dict[str, list[str]] = {}
    problems = []
    for source in content.sources if folder is not None else []:
        if source.file is None:
            problems.append(f"sources[{source.id}].file: not given: the source's passages cannot be checked "
                            f"(name its text file in {folder})")
            continue
        try:
            found[source.id] = read_passages(folder, source.file)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            problems.append(f"sources[{source.id}].file: cannot read {source.file!r} in {folder}: "
                            f"{getattr(exc, 'strerror', None) or exc}")
    return found, problems


def check(content: Content, source_folder: Path | None) -> Report:
    """Check every record's provenance; against the source files when ``source_folder`` is given."""
    texts, problems = source_passages(content, source_folder)
    report = Report(problems)
    known = {s.id for s in content.sources}
    for item in traced_records(content):
        report.problems.extend(_record_problems(item, known, texts, report))
    return report


def _record_problems(item: TracedRecord, known: set[str], texts: dict[str, list[str]],
                     report: Report) -> Iterator[str]:
    """The problems of one record's references (a source not read is not checked against)."""
    refs, basis = item.record.source_refs, item.record.basis
    if refs is None:
        yield f"{item.path}: names no source: add sourceRefs, or \"sourceRefs\": [] with a basis if the text is ours"
        return
    if not refs:
        if basis is None:
            yield f"{item.path}: has no source and no basis: say why it needs none (explanation, navigation, guidance)"
        else:
            report.ours[basis] += 1
        return
    if basis is not None:
        yield f"{item.path}.basis: given with sourceRefs: a basis is only for a text of ours (sourceRefs: [])"
    report.traced += 1
    for i, ref in enumerate(refs):
        report.references += 1
        where = f"{item.path}.sourceRefs[{i}]"
        if ref.source not in known:
            yield f"{where}: unknown source {ref.source!r} (sources are: {', '.join(sorted(known))})"
            continue
        passages_ = texts.get(ref.source)
        if passages_ is None:
            continue
        if ref.passage > len(passages_):
            yield (f"{where}: passage {ref.passage} does not exist: source {ref.source!r} has "
                   f"{len(passages_)} passages")
            continue
        now = digest(passages_[ref.passage - 1])
        if now != ref.digest:
            yield (f"{where}: source {ref.source!r} passage {ref.passage} changed since it was referenced "
                   f"(digest {ref.digest}, now {now}): check that the text still says what the source says, "
                   "then update the digest")
