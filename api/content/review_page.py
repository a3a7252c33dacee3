"""The clinician review page: every text beside the source passage it restates, in one file.

``make review`` writes it; it needs no server and opens from disk. For each record (a block, a
treatment, a glossary term…) it shows the source passages (read from the source folder when it is
there; their place and digest otherwise), then each of its texts in English and Spanish with the
reading level, the review state (:mod:`api.content.signoffs`) and the translation state. A
checkbox hides what is approved, leaving what needs review; it is CSS only (``:has``), so the
page works with scripts off. The page's own words come in English or Spanish (``--lang``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from api.content import provenance
from api.content.digests import digest
from api.content.paths import texts
from api.content.readability import measure
from api.content.releases import write_atomically
from api.content.snapshot import Snapshot

ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
MIN_MEASURED_WORDS = 8  # a heading or a name has no meaningful reading level

WORDS = {
    "en": {
        "title": "Clinician review", "intro": "Each text beside the source passage it restates. Approve a text "
        "only when it says what the source says, and no more.", "onlyNeeds": "Show only texts that need review",
        "source": "Source passage", "noSource": "No source: a text of ours", "english": "English",
        "spanish": "Spanish", "level": "Reading level", "state": "Review", "translation": "Translation",
        "path": "Path", "summary": "Summary", "passage": "passage", "unread": "Source file not found: passage",
        "generated": "Made on", "version": "content version", "records": "records", "texts": "texts",
        "states": {"approved": "Approved by a clinician", "checked": "Checked by the content team, not a clinician",
                   "edited": "Changed after sign-off: review again", "needs-review": "Needs review"},
        "translations": {"current": "Matches its English", "outdated": "Outdated: its English changed",
                         "unrecorded": "Not recorded"},
        "bases": {"explanation": "our explanation", "navigation": "a heading or lead-in", "guidance": "our guidance"},
        "byOn": "by {by} on {on}",
    },
    "es": {
        "title": "Revisión clínica", "intro": "Cada texto junto al pasaje de la fuente que repite. Apruebe un "
        "texto solo si dice lo que dice la fuente, y nada más.", "onlyNeeds": "Mostrar solo los textos por revisar",
        "source": "Pasaje de la fuente", "noSource": "Sin fuente: un texto nuestro", "english": "Inglés",
        "spanish": "Español", "level": "Nivel de lectura", "state": "Revisión", "translation": "Traducción",
        "path": "Ruta", "summary": "Resumen", "passage": "pasaje", "unread": "No se encontró el archivo de la "
        "fuente: pasaje", "generated": "Hecho el", "version": "versión del contenido", "records": "registros",
        "texts": "textos",
        "states": {"approved": "Aprobado por un médico", "checked": "Revisado por el equipo de contenido, no por "
                   "un médico", "edited": "Cambió después de aprobarse: revisar de nuevo",
                   "needs-review": "Por revisar"},
        "translations": {"current": "Coincide con su inglés", "outdated": "Desactualizada: su inglés cambió",
                         "unrecorded": "Sin registrar"},
        "bases": {"explanation": "nuestra explicación", "navigation": "un título o una introducción",
                  "guidance": "nuestro consejo"},
        "byOn": "por {by} el {on}",
    },
}


@dataclass(frozen=True)
class Passage:
    label: str
    text: str | None  # None when the source file could not be read, or the passage is not in it
    changed: bool


@dataclass(frozen=True)
class TextRow:
    path: str
    english: str
    spanish: str
    level_en: str
    level_es: str
    state: str
    state_detail: str
    translation: str


@dataclass(frozen=True)
class RecordRow:
    path: str
    passages: tuple[Passage, ...]
    basis: str | None
    texts: tuple[TextRow, ...]

    @property
    def needs_review(self) -> bool:
        return any(t.state != "approved" for t in self.texts)


def _level(text: str, locale: str) -> str:
    if len(text.split()) < MIN_MEASURED_WORDS:
        return "—"
    level = measure(text, locale)
    return f"{level.value:.1f}"


def rows(snapshot: Snapshot, source: Path | None, lang: str) -> list[RecordRow]:
    """The page's records in file order, each with its texts."""
    words = WORDS[lang]
    content = snapshot.content
    read, _ = provenance.source_passages(content, source)  # a source not read shows its place only
    outdated = {(o.path, o.locale) for o in snapshot.translations.outdated}
    recorded = content.translations.get("es", {})
    grouped: dict[str, list[TextRow]] = {}
    owners: dict[str, object] = {}
    for at in texts(content):
        if at.owner is None:  # UI labels, names of categories and sources: nothing to review medically
            continue
        key = at.owner_path
        owners.setdefault(key, at.owner)
        review = snapshot.sign_offs.of(at.path, at.text)
        detail = words["byOn"].format(by=", ".join(review.by), on=review.on.isoformat()) if review.on else ""
        english, spanish = at.text.get("en") or "", at.text.get("es") or ""
        translation = "outdated" if (at.path, "es") in outdated else (
            "current" if at.path in recorded else "unrecorded")
        grouped.setdefault(key, []).append(TextRow(
            at.path, english, spanish, _level(english, "en"), _level(spanish, "es"), review.state, detail,
            translation))
    out = []
    for key, rows_ in grouped.items():
        owner = owners[key]
        refs = getattr(owner, "source_refs", None) or []
        shown = []
        for ref in refs:
            passages = read.get(ref.source)
            text = passages[ref.passage - 1] if passages is not None and ref.passage <= len(passages) else None
            changed = text is not None and digest(text) != ref.digest
            shown.append(Passage(f"{ref.source}, {words['passage']} {ref.passage}", text, changed))
        basis = getattr(owner, "basis", None)
        out.append(RecordRow(key, tuple(shown), words["bases"].get(basis) if basis else None, tuple(rows_)))
    return out


def write_review_page(snapshot: Snapshot, source: Path | None, out: Path, lang: str = "en") -> dict[str, int]:
    """Write the page to ``out``; the counts it shows."""
    records = rows(snapshot, source, lang)
    counts = {"records": len(records), "texts": sum(len(r.texts) for r in records),
              "needsReview": sum(1 for r in records for t in r.texts if t.state != "approved")}
    html = ENV.get_template("review.html").render(
        lang=lang, words=WORDS[lang], records=records, counts=counts, version=snapshot.version,
        made_on=dt.date.today().isoformat())
    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(out, html.encode("utf-8"))
    return counts
