"""What the app asks the API for, and the checks a reply must pass before anything is stored.

One GraphQL query brings everything the phone keeps: the ``sync`` payload (complete documents in
each language), the language list and the UI strings. The same query, run in-process at build
time, produced the bundled ``data/snapshot.json``, so the first launch and every later sync go
through the same checks. A reply that fails any check is refused whole; nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

LOCALE_CODE = re.compile(r"^[a-z]{2,3}$")

DOCUMENT_FIELDS = """
fragment ClaraDocument on Document {
  slug locale version title summary audience disclaimer reviewedBy lastReviewed lastUpdated
  sources { title publisher url retrieved }
  institution { name facts { id text } }
  sections {
    id heading readingLevel { value scale }
    blocks {
      id type terms { id }
      ... on ParagraphBlock { text }
      ... on ListBlock { items }
      ... on CalloutBlock { text }
      ... on TreatmentsBlock { treatments { id } }
      ... on CareTeamBlock { roles { id name description } }
      ... on DecisionFactorsBlock { factors { id name description } }
    }
  }
  treatments { id name summary howItWorks category { id name } institutionFacts { id text } terms { id } }
  glossary { id term definition alsoMatches }
}
"""


def sync_query(locales: Sequence[str]) -> str:
    """The query for the languages the phone keeps (each gets its UI strings under an alias)."""
    for code in locales:
        if not LOCALE_CODE.match(code):
            raise ValueError(f"not a locale code: {code!r}")
    strings = "\n".join(f'  strings_{code}: strings(locale: "{code}") {{ key text }}' for code in locales)
    return (
        "query ClaraSync($since: String, $locales: [String!]) {\n"
        "  sync(since: $since, locales: $locales) {\n"
        "    version since fullSync locales removedSlugs\n"
        "    documents { slug locale version document { ...ClaraDocument } }\n"
        "  }\n"
        "  locales { code nativeName choosePrompt continueLabel isDefault }\n"
        f"{strings}\n"
        "}\n" + DOCUMENT_FIELDS
    )


class InvalidReply(ValueError):
    """The reply is not something we can store; the message says where and why."""


@dataclass(frozen=True)
class SyncedDocument:
    slug: str
    locale: str
    version: str
    document: dict[str, Any]


@dataclass(frozen=True)
class Reply:
    version: str
    since: str | None
    full_sync: bool
    locales: list[str]                  # the languages the documents were sent in
    removed_slugs: list[str]
    documents: list[SyncedDocument]
    languages: list[dict[str, Any]]     # the `locales` field: names and language-choice strings
    strings: dict[str, dict[str, str]]  # locale -> key -> text


# --- a small declarative checker -------------------------------------------------------------

Spec = Any


@dataclass(frozen=True)
class Many:
    item: Spec
    min: int = 0


@dataclass(frozen=True)
class Maybe:
    item: Spec


def _text(value: Any, path: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidReply(f"{path}: expected text, got {value!r:.60}")


def _string(value: Any, path: str) -> None:
    if not isinstance(value, str):
        raise InvalidReply(f"{path}: expected a string, got {value!r:.60}")


def _bool(value: Any, path: str) -> None:
    if not isinstance(value, bool):
        raise InvalidReply(f"{path}: expected true or false, got {value!r:.60}")


def _number(value: Any, path: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidReply(f"{path}: expected a number, got {value!r:.60}")


def _date(value: Any, path: str) -> None:
    _text(value, path)
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidReply(f"{path}: expected a date, got {value!r:.60}") from None


def check(value: Any, spec: Spec, path: str) -> None:
    if isinstance(spec, Maybe):
        if value is not None:
            check(value, spec.item, path)
    elif isinstance(spec, Many):
        if not isinstance(value, list):
            raise InvalidReply(f"{path}: expected a list, got {type(value).__name__}")
        if len(value) < spec.min:
            raise InvalidReply(f"{path}: expected at least {spec.min} item(s), got {len(value)}")
        for i, item in enumerate(value):
            check(item, spec.item, f"{path}[{i}]")
    elif isinstance(spec, dict):
        if not isinstance(value, dict):
            raise InvalidReply(f"{path}: expected an object, got {type(value).__name__}")
        for key, sub in spec.items():
            if key not in value:
                raise InvalidReply(f"{path}: missing {key!r}")
            check(value[key], sub, f"{path}.{key}")
    elif callable(spec):
        spec(value, path)
    else:  # pragma: no cover - a mistake in the specs below
        raise TypeError(spec)


REF = {"id": _text}
NAMED = {"id": _text, "name": _text, "description": _text}
BLOCK_FIELDS: dict[str, dict[str, Spec]] = {
    "paragraph": {"text": _text},
    "list": {"items": Many(_text, 1)},
    "callout": {"text": _text},
    "treatments": {"treatments": Many(REF, 1)},
    "careTeam": {"roles": Many(NAMED, 1)},
    "decisionFactors": {"factors": Many(NAMED, 1)},
}


def _block(value: Any, path: str) -> None:
    check(value, {"id": _text, "type": _text, "terms": Many(REF)}, path)
    # A block type this app does not know yet is kept and skipped when shown, so a newer server
    # does not stop older phones from syncing.
    check(value, BLOCK_FIELDS.get(value["type"], {}), path)


FACT = {"id": _text, "text": _text}
DOCUMENT: dict[str, Spec] = {
    "slug": _text, "locale": _text, "version": _text, "title": _text, "summary": _text,
    "audience": _text, "disclaimer": _text, "reviewedBy": _text, "lastReviewed": _date, "lastUpdated": _date,
    "sources": Many({"title": _text, "publisher": _text, "url": Maybe(_text), "retrieved": _date}, 1),
    "institution": {"name": _text, "facts": Many(FACT)},
    "sections": Many({"id": _text, "heading": _text, "readingLevel": {"value": _number, "scale": _text},
                      "blocks": Many(_block, 1)}, 1),
    "treatments": Many({"id": _text, "name": _text, "summary": _text, "howItWorks": _text,
                        "category": {"id": _text, "name": _text}, "institutionFacts": Many(FACT),
                        "terms": Many(REF)}),
    "glossary": Many({"id": _text, "term": _text, "definition": _text, "alsoMatches": Many(_text)}),
}
SYNC = {
    "version": _text, "since": Maybe(_string), "fullSync": _bool, "locales": Many(_text, 1),
    "removedSlugs": Many(_text),
    "documents": Many({"slug": _text, "locale": _text, "version": _text, "document": DOCUMENT}),
}
LANGUAGE = {"code": _text, "nativeName": _text, "choosePrompt": _text, "continueLabel": _text, "isDefault": _bool}


def _references(doc: Mapping[str, Any], path: str) -> None:
    """Every id a document points at is in the document: terms, treatments, unique section ids."""
    terms = {t["id"] for t in doc["glossary"]}
    treatments = {t["id"] for t in doc["treatments"]}
    sections = [s["id"] for s in doc["sections"]]
    if len(set(sections)) != len(sections):
        raise InvalidReply(f"{path}.sections: section ids repeat")
    for s, section in enumerate(doc["sections"]):
        for b, block in enumerate(section["blocks"]):
            where = f"{path}.sections[{s}].blocks[{b}]"
            missing = {t["id"] for t in block["terms"]} - terms
            if missing:
                raise InvalidReply(f"{where}: unknown glossary terms {sorted(missing)}")
            if block["type"] == "treatments":
                missing = {t["id"] for t in block["treatments"]} - treatments
                if missing:
                    raise InvalidReply(f"{where}: unknown treatments {sorted(missing)}")
    for t, treatment in enumerate(doc["treatments"]):
        missing = {x["id"] for x in treatment["terms"]} - terms
        if missing:
            raise InvalidReply(f"{path}.treatments[{t}]: unknown glossary terms {sorted(missing)}")


def parse(body: bytes | str, *, since: str | None, locales: Sequence[str] | None) -> Reply:
    """Check a reply to :func:`sync_query` sent with ``since`` and ``locales``; raise InvalidReply."""
    try:
        top = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidReply(f"not JSON: {exc}") from None
    if not isinstance(top, dict):
        raise InvalidReply("the reply is not an object")
    if top.get("errors"):
        messages = "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in top["errors"])
        raise InvalidReply(f"the server reported: {messages}"[:500])
    data = top.get("data")
    check(data, {"sync": SYNC, "locales": Many(LANGUAGE, 1)}, "data")
    sync = data["sync"]
    if sync["since"] != since:
        raise InvalidReply(f"data.sync.since: asked about {since!r}, answered about {sync['since']!r}")
    sent = list(sync["locales"])
    if locales is not None and set(sent) != set(locales):
        raise InvalidReply(f"data.sync.locales: asked for {sorted(locales)}, got {sorted(sent)}")
    codes = [lang["code"] for lang in data["locales"]]
    if not set(sent) <= set(codes):
        raise InvalidReply("data.sync.locales: a language is not in data.locales")
    strings: dict[str, dict[str, str]] = {}
    for code in sent:
        path = f"data.strings_{code}"
        check(data.get(f"strings_{code}"), Many({"key": _text, "text": _string}, 1), path)
        strings[code] = {s["key"]: s["text"] for s in data[f"strings_{code}"]}

    documents, seen = [], set()
    for i, entry in enumerate(sync["documents"]):
        path, doc = f"data.sync.documents[{i}]", entry["document"]
        for key in ("slug", "locale", "version"):
            if entry[key] != doc[key]:
                raise InvalidReply(f"{path}: {key} {entry[key]!r} differs from the document's {doc[key]!r}")
        if entry["locale"] not in sent:
            raise InvalidReply(f"{path}: language {entry['locale']!r} was not asked for")
        if (entry["slug"], entry["locale"]) in seen:
            raise InvalidReply(f"{path}: {entry['slug']} ({entry['locale']}) is sent twice")
        seen.add((entry["slug"], entry["locale"]))
        _references(doc, f"{path}.document")
        documents.append(SyncedDocument(entry["slug"], entry["locale"], entry["version"], doc))
    slugs = {slug for slug, _ in seen}
    for slug in slugs:
        missing = [code for code in sent if (slug, code) not in seen]
        if missing:
            raise InvalidReply(f"data.sync.documents: {slug} is missing in {missing}")
    if sync["fullSync"] and not documents:
        raise InvalidReply("data.sync: a full copy with no documents")
    return Reply(version=sync["version"], since=sync["since"], full_sync=sync["fullSync"], locales=sent,
                 removed_slugs=list(sync["removedSlugs"]), documents=documents,
                 languages=list(data["locales"]), strings=strings)

