"""``python -m bench.corpus N [-o FILE] [--change K]``: N realistic bilingual documents.

Each document is shaped like the real one (12 sections, about 40 blocks, 5 treatment blocks, the
care team and the decision factors) and is the real page retold for another topic: its slug,
title and texts name another organ or cancer (in English and Spanish), its prose is told a
little differently (sentences dropped, reordered or added, now and then a paragraph fewer, so
no two pages are copies), its treatments are its own records with unique ids (12 per document),
and it brings one glossary term of its own (a made-up drug name, so the search vocabulary grows
as a real one does). The glossary's base terms, care
team roles, decision factors, categories, sources, institution and UI strings are shared, as a
cancer center's would be. Document 0 is the bundled page itself, unchanged.

``--change K`` edits document K's summary: the next version of the same corpus with exactly one
document changed (for measuring a delta sync).
"""

from __future__ import annotations

import argparse
import copy
import random
import re
import sys
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent

# (slug word, English name, Spanish noun phrase, Spanish adjective) of the organ a document is about
TOPICS = [
    ("lung", "lung", "el pulmón", "pulmonares"), ("bone", "bone", "el hueso", "óseas"),
    ("brain", "brain", "el cerebro", "cerebrales"), ("adrenal", "adrenal gland", "la glándula suprarrenal",
                                                     "suprarrenales"),
    ("peritoneal", "peritoneum", "el peritoneo", "peritoneales"), ("spine", "spine", "la columna", "espinales"),
    ("skin", "skin", "la piel", "cutáneas"), ("lymph-node", "lymph node", "el ganglio linfático", "ganglionares"),
    ("pancreas", "pancreas", "el páncreas", "pancreáticas"), ("kidney", "kidney", "el riñón", "renales"),
    ("ovary", "ovary", "el ovario", "ováricas"), ("stomach", "stomach", "el estómago", "gástricas"),
    ("spleen", "spleen", "el bazo", "esplénicas"), ("pleura", "pleura", "la pleura", "pleurales"),
    ("breast", "breast", "la mama", "mamarias"), ("colon", "colon", "el colon", "colónicas"),
]
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zi", "pa", "do", "fe", "gu", "xi", "be", "ta"]
# Sentences a page may add, in both languages: {word} is a made-up name, {n} a small number.
EXTRA = [
    ("Ask your care team about the {word} study.", "Pregunte a su equipo de atención sobre el estudio {word}."),
    ("Some centers offer this as part of the {word} program.",
     "Algunos centros lo ofrecen como parte del programa {word}."),
    ("This step may take about {n} weeks.", "Este paso puede tomar unas {n} semanas."),
    ("Your doctor may call it {word}.", "Su médico puede llamarlo {word}."),
    ("Bring a list of your medicines to visit {n}.", "Traiga una lista de sus medicamentos a la visita {n}."),
]
VARIED = {"text", "summary", "howItWorks", "description"}  # prose, not names or headings
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def made_up_word(i: int) -> str:
    """A pronounceable word unique to ``i``, like a drug or trial name: 0 → 'kaka', 17 → 'lolo'…"""
    word = ""
    for _ in range(4):
        word += SYLLABLES[i % len(SYLLABLES)]
        i //= len(SYLLABLES)
    return word + ("" if i == 0 else str(i))


def _retell(value: Any, english: str, spanish: str, adjective: str) -> Any:
    """Every localized text below ``value`` with the liver swapped for another organ."""
    if isinstance(value, dict):
        if set(value) <= {"en", "es"} and all(isinstance(v, str) for v in value.values()):
            out = dict(value)
            if "en" in out:
                out["en"] = re.sub(r"\b[Ll]iver\b", english, out["en"])
            if "es" in out:
                text = re.sub(r"\bhepáticas\b", adjective, out["es"])
                text = re.sub(r"\bhepática\b", adjective[:-1], text)
                out["es"] = re.sub(r"\bel hígado\b", spanish, text).replace("hígado", spanish.split(" ", 1)[1])
            return out
        return {k: _retell(v, english, spanish, adjective) for k, v in value.items()}
    if isinstance(value, list):
        return [_retell(v, english, spanish, adjective) for v in value]
    return value


def _vary_text(text: dict[str, str], rng: random.Random) -> dict[str, str]:
    """The same prose told a little differently: a sentence dropped, the order turned, one added."""
    parts = {code: SENTENCE.split(value) for code, value in text.items()}
    count = {len(p) for p in parts.values()}
    if len(count) == 1 and (n := count.pop()) > 1:  # both languages have the same sentences
        if rng.random() < 0.35:
            drop = rng.randrange(n)
            parts = {code: p[:drop] + p[drop + 1:] for code, p in parts.items()}
        elif rng.random() < 0.3:
            parts = {code: p[1:] + p[:1] for code, p in parts.items()}
    if rng.random() < 0.35:
        english, spanish = rng.choice(EXTRA)
        fill = {"word": made_up_word(rng.randrange(1, 1_000_000)), "n": rng.randint(2, 12)}
        extra = {"en": english.format(**fill), "es": spanish.format(**fill)}
        parts = {code: [*p, extra[code]] for code, p in parts.items()}
    return {code: " ".join(p) for code, p in parts.items()}


def _vary(value: Any, rng: random.Random, key: str = "") -> Any:
    """Every prose text below ``value`` varied (see :func:`_vary_text`)."""
    if isinstance(value, dict):
        if key in VARIED and set(value) <= {"en", "es"}:
            return _vary_text(value, rng)
        return {k: _vary(v, rng, k) for k, v in value.items()}
    if isinstance(value, list):
        if key == "items":
            return [_vary_text(v, rng) for v in value]
        return [_vary(v, rng, key) for v in value]
    return value


def _document(base: dict[str, Any], treatments: list[dict[str, Any]], i: int) -> tuple[dict, list, dict]:
    """Document ``i`` (≥ 1), its own treatments, and its own glossary term."""
    slug_word, english, spanish, adjective = TOPICS[(i - 1) % len(TOPICS)]
    word = made_up_word(i)
    rng = random.Random(i)
    doc = _vary(_retell(copy.deepcopy(base), english, spanish, adjective), rng)
    for section in doc["sections"]:  # now and then a page has one paragraph fewer
        prose = [b for b in section["blocks"] if b["type"] in {"paragraph", "callout"}]
        if len(section["blocks"]) > 1 and prose and rng.random() < 0.3:
            section["blocks"].remove(rng.choice(prose))
    doc["slug"] = f"{slug_word}-metastases-treatment-{i}"
    suffix = f"-d{i}"
    renamed = {t["id"]: t["id"] + suffix for t in treatments}
    term = {
        "id": f"{word}-therapy{suffix}",
        "term": {"en": f"{word} therapy", "es": f"terapia {word}"},
        "definition": {"en": f"A treatment studied for cancer in the {english}, named {word} in trials.",
                       "es": f"Un tratamiento que se estudia para el cáncer en {spanish}, llamado {word}."},
    }
    doc["summary"]["en"] += f" It also explains {word} therapy."
    doc["summary"]["es"] += f" También explica la terapia {word}."
    first = True
    for section in doc["sections"]:
        for block in section["blocks"]:
            if "treatmentIds" in block:
                block["treatmentIds"] = [renamed[t] for t in block["treatmentIds"]]
            if first and block["type"] == "paragraph":
                block["termIds"] = [*block.get("termIds", []), term["id"]]
                first = False
    own = []
    for treatment in _vary(_retell(copy.deepcopy(treatments), english, spanish, adjective), rng):
        treatment["id"] = renamed[treatment["id"]]
        own.append(treatment)
    return doc, own, term


def build(n: int, change: int | None = None, template: Path = ROOT / "content.json") -> dict[str, Any]:
    """A content file with ``n`` documents (document 0 is the bundled page)."""
    if n < 1:
        raise ValueError("a content file has at least one document")
    data = orjson.loads(template.read_bytes())
    base, treatments = data["documents"][0], data["treatments"]
    documents, all_treatments, glossary = [base], list(treatments), list(data["glossary"])
    for i in range(1, n):
        doc, own, term = _document(base, treatments, i)
        documents.append(doc)
        all_treatments += own
        glossary.append(term)
    if change is not None:
        documents[change] = copy.deepcopy(documents[change])
        documents[change]["summary"] = {k: v + " (Updated.)" if k == "en" else v + " (Actualizado.)"
                                        for k, v in documents[change]["summary"].items()}
    return {**data, "glossary": glossary, "treatments": all_treatments, "documents": documents}


def dumps(n: int, change: int | None = None) -> bytes:
    return orjson.dumps(build(n, change))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="how many documents")
    parser.add_argument("-o", "--out", type=Path, help="write here (default: standard output)")
    parser.add_argument("--change", type=int, metavar="K", help="edit document K's summary (a next version)")
    args = parser.parse_args(argv)
    raw = dumps(args.n, args.change)
    if args.out:
        args.out.write_bytes(raw)
    else:
        sys.stdout.buffer.write(raw)
    return 0


if __name__ == "__main__":
    sys.exit(main())
