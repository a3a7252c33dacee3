"""Checking a content file, reporting every problem at once as ``path: what is wrong``.

Two passes. The shape pass is pydantic's validation of :class:`~api.content.model.Content`, with
its messages rewritten for editors. The meaning pass runs on the raw JSON, so it still reports
missing translations, duplicate ids and dangling references when the shape pass also failed:
an editor fixes a file in one round, not one error at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson
from pydantic import ValidationError

from api.content.model import KEBAB_ID, Content
from rules.blocks import BLOCK_TYPES

LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
NOT_TEXTS = {"locales", "translations", "signOffs"}  # top-level keys keyed by locale or path, not texts
DERIVED_REVIEW = ("reviewedBy", "lastReviewed")  # made from the sign-offs (api.content.signoffs)
REQUIRED_STRINGS = ("review.notByClinician",)  # what a page says until a clinician approves it
BLOCK_REFERENCES = [("termIds", "glossary term"), ("treatmentIds", "treatment"), ("roleIds", "care-team role"),
                    ("factorIds", "decision factor")]


class ContentError(Exception):
    """A content file that cannot be served; ``problems`` holds one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the content:\n" + "\n".join(problems))
        self.problems = problems


def format_path(loc: Iterable[Any]) -> str:
    """``('documents', 0, 'heading', 'es')`` → ``documents[0].heading.es``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def parse_json(raw: bytes) -> Any:
    """Parse the file, turning an empty or malformed file into a one-line problem."""
    if not raw.strip():
        raise ContentError(["(file): the file is empty"])
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        line = raw[: exc.pos].count(b"\n") + 1
        column = exc.pos - (raw.rfind(b"\n", 0, exc.pos) + 1) + 1
        reason = str(exc.msg).split(":")[0]
        raise ContentError([f"(file): not valid JSON at line {line}, column {column}: {reason}"]) from None


def _shape_message(error: dict[str, Any]) -> str:
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field (check the spelling; keys are camelCase)"
    if kind.startswith("date_"):
        return f"not a real date: {value!r} (write dates as YYYY-MM-DD)"
    if kind == "string_pattern_mismatch" and KEBAB_ID in str(error.get("ctx", {}).get("pattern", "")):
        return f"not a valid id: {value!r} (use lowercase kebab-case, like 'proton-therapy')"
    if kind == "union_tag_invalid":
        return f"unknown block type {error['ctx']['tag']!r} (one of: {', '.join(sorted(BLOCK_TYPES))})"
    if kind == "union_tag_not_found":
        return "block has no 'type'"
    if kind in {"string_type", "list_type", "dict_type", "model_type", "bool_type", "date_type"}:
        expected = {"string_type": "text", "list_type": "a list", "dict_type": "an object",
                    "model_type": "an object", "bool_type": "true or false", "date_type": "a date"}[kind]
        return f"should be {expected}, not {_json_type(value)}"
    return error["msg"][0].lower() + error["msg"][1:]


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _shape_problems(exc: ValidationError) -> list[str]:
    lines = []
    for error in exc.errors():
        loc = list(error["loc"])
        # pydantic puts the tag of a tagged union in the path; editors never wrote it.
        loc = [p for i, p in enumerate(loc) if not (p in BLOCK_TYPES and i and isinstance(loc[i - 1], int))]
        if loc and loc[-1] == "[key]":
            lines.append(f"{format_path(loc[:-1])}: {error['input']!r} is not a locale code")
            continue
        lines.append(f"{format_path(loc)}: {_shape_message(error)}")
    return lines


def validate(data: Any) -> Content:
    """Validate parsed JSON; return the model or raise :class:`ContentError` with every problem."""
    return _checked(Content.model_validate, data, check_parsed(data))


def validate_json(raw: bytes, problems: list[str]) -> Content:
    """Validate the file's bytes; ``problems`` are those :func:`check_parsed` found in its parse.

    Pydantic reads the bytes itself, so the parsed tree the meaning pass needed can be freed first
    and never lives beside the models (at 10,000 documents it is 850 MB), and pydantic makes each
    short string (ids, block types) once instead of once per use.
    """
    return _checked(Content.model_validate_json, raw, problems)


def check_parsed(data: Any) -> list[str]:
    """The meaning pass's problems in parsed JSON; raises at once when the top level is not an object."""
    if not isinstance(data, dict):
        raise ContentError([f"(top level): should be an object, not {_json_type(data)}"])
    return list(meaning_problems(data))


def _checked(validator: Callable[[Any], Content], value: Any, meaning: list[str]) -> Content:
    try:
        content = validator(value)
    except ValidationError as exc:
        raise ContentError(list(dict.fromkeys(_shape_problems(exc) + meaning))) from None
    if meaning:
        raise ContentError(list(dict.fromkeys(meaning)))
    return content


# ---- the meaning pass, on raw JSON ---------------------------------------------------------


def _items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]


def _ids(records: list[tuple[int, dict[str, Any]]], path: str, key: str = "id") -> tuple[set[str], list[str]]:
    """The ids of ``records`` and a problem line for each id used twice."""
    seen: dict[str, int] = {}
    problems = []
    for i, record in records:
        rid = record.get(key)
        if not isinstance(rid, str):
            continue
        if rid in seen:
            problems.append(f"{path}[{i}].{key}: duplicate id {rid!r} (already used by {path}[{seen[rid]}])")
        else:
            seen[rid] = i
    return set(seen), problems


def _any_unknown(value: Any, known: set[str]) -> bool:
    return any(isinstance(ref, str) and ref not in known for ref in (value if isinstance(value, list) else [value]))


def _refs(value: Any, known: set[str], path: str, what: str) -> Iterator[str]:
    refs = value if isinstance(value, list) else [value]
    for j, ref in enumerate(refs):
        if isinstance(ref, str) and ref not in known:
            where = f"{path}[{j}]" if isinstance(value, list) else path
            yield f"{where}: unknown {what} {ref!r}"


def _locale_codes(data: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(all declared locale codes, the required ones)."""
    codes, required = set(), set()
    for _, loc in _items(data, "locales"):
        if isinstance(loc.get("code"), str):
            codes.add(loc["code"])
            if loc.get("required", True) is not False:
                required.add(loc["code"])
    return codes, required


def _texts(value: Any, path: str, codes: set[str], out: list[tuple[str, dict[str, Any]]]) -> None:
    """Append every localized text below ``value``: an object whose keys include a declared locale.

    Most of a file is text, so this looks only into objects and lists and builds a path only for
    those: it runs over millions of values in a large file.
    """
    if isinstance(value, dict):
        if not codes.isdisjoint(value) and all(isinstance(k, str) and len(k) <= 3 for k in value):
            out.append((path, value))
            return
        for key, child in value.items():
            if isinstance(child, (dict, list)) and key not in NOT_TEXTS:
                _texts(child, f"{path}.{key}" if path else key, codes, out)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            if isinstance(child, (dict, list)):
                _texts(child, f"{path}[{i}]", codes, out)


def meaning_problems(data: dict[str, Any]) -> Iterator[str]:
    """Problems a schema cannot see: translations, ids, references, locale settings."""
    codes, required = _locale_codes(data)
    yield from _locale_problems(data, codes)
    texts: list[tuple[str, dict[str, Any]]] = []
    _texts(data, "", codes, texts)
    checked = [(code, LANGUAGE_NAMES.get(code, code)) for code in sorted(required)]
    for path, text in texts:
        for code, name in checked:
            value = text.get(code)
            if code not in text:
                yield f"{path}.{code}: missing {name} text"
            elif isinstance(value, str) and not value.strip():
                yield f"{path}.{code}: empty {name} text"
            elif isinstance(value, list) and not value:
                yield f"{path}.{code}: empty {name} list"
        if not text.keys() <= codes:
            for code in sorted(set(text) - codes):
                yield f"{path}.{code}: {code!r} is not one of the declared locales ({', '.join(sorted(codes))})"
    yield from _id_and_reference_problems(data)


def _locale_problems(data: dict[str, Any], codes: set[str]) -> Iterator[str]:
    _, dupes = _ids(_items(data, "locales"), "locales", key="code")
    yield from dupes
    default = data.get("defaultLocale")
    if isinstance(default, str) and codes and default not in codes:
        yield f"defaultLocale: {default!r} is not one of the declared locales ({', '.join(sorted(codes))})"
    for i, loc in _items(data, "locales"):
        fallback = loc.get("fallback")
        if isinstance(fallback, str) and (fallback not in codes or fallback == loc.get("code")):
            yield f"locales[{i}].fallback: {fallback!r} must be another declared locale"


def _id_and_reference_problems(data: dict[str, Any]) -> Iterator[str]:
    institution = data.get("institution") if isinstance(data.get("institution"), dict) else {}
    known: dict[str, set[str]] = {}
    for kind, records, path in [
        ("institution fact", _items(institution, "facts"), "institution.facts"),
        ("source", _items(data, "sources"), "sources"),
        ("glossary term", _items(data, "glossary"), "glossary"),
        ("care-team role", _items(data, "careTeamRoles"), "careTeamRoles"),
        ("decision factor", _items(data, "decisionFactors"), "decisionFactors"),
        ("treatment category", _items(data, "treatmentCategories"), "treatmentCategories"),
        ("treatment", _items(data, "treatments"), "treatments"),
    ]:
        known[kind], dupes = _ids(records, path)
        yield from dupes
    _, dupes = _ids(_items(data, "strings"), "strings", key="key")
    yield from dupes
    _, dupes = _ids(_items(data, "documents"), "documents", key="slug")
    yield from dupes

    for i, t in _items(data, "treatments"):
        yield from _refs(t.get("category"), known["treatment category"], f"treatments[{i}].category",
                         "treatment category")
        yield from _refs(t.get("institutionFacts"), known["institution fact"],
                         f"treatments[{i}].institutionFacts", "institution fact")
        yield from _refs(t.get("termIds"), known["glossary term"], f"treatments[{i}].termIds", "glossary term")
    strings = {s.get("key") for _, s in _items(data, "strings")}
    for key in REQUIRED_STRINGS:
        if _items(data, "documents") and key not in strings:
            yield f"strings: the string {key!r} is missing (a page's review line is made from it)"
    for d, doc in _items(data, "documents"):
        base = f"documents[{d}]"
        review = doc.get("review")
        for key in DERIVED_REVIEW if isinstance(review, dict) else ():
            if key in review:
                yield f"{base}.review.{key}: made from the sign-offs (signOffs), not typed: remove it"
        yield from _refs(doc.get("sourceIds"), known["source"], f"{base}.sourceIds", "source")
        sections = _items(doc, "sections")
        _, dupes = _ids(sections, f"{base}.sections")
        yield from dupes
        block_ids: dict[str, tuple[int, int]] = {}
        for s, section in sections:
            for b, block in _items(section, "blocks"):
                # Paths are made only for a problem: there are hundreds of thousands of blocks.
                bid = block.get("id")
                if isinstance(bid, str):
                    if bid in block_ids:
                        first = "{}.sections[{}].blocks[{}]".format(base, *block_ids[bid])
                        yield f"{base}.sections[{s}].blocks[{b}].id: duplicate id {bid!r} (already used by {first})"
                    else:
                        block_ids[bid] = (s, b)
                for key, kind in BLOCK_REFERENCES:
                    value = block.get(key)
                    if value is not None and _any_unknown(value, known[kind]):
                        yield from _refs(value, known[kind], f"{base}.sections[{s}].blocks[{b}].{key}", kind)
