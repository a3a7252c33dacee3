"""The short digests that tie a text to what it was when someone looked at it.

One rule for all of them (a source passage when referenced, the English a translation was made
from, a text as a clinician approved it): Unicode NFC, runs of whitespace made one space, ends
trimmed, then the first 10 hex digits of its SHA-256. Reflowing a line does not count as a
change; any change of a word, an accent or a number does. 40 bits is plenty to tell two versions
of one text apart (it is not a security measure: the file is the editors' own).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping

LENGTH = 10
_SPACES = re.compile(r"\s+")


def normalized(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def digest(text: str) -> str:
    """The digest of one text in one language."""
    return hashlib.sha256(normalized(text).encode("utf-8")).hexdigest()[:LENGTH]


def digest_all(values: Mapping[str, str]) -> str:
    """The digest of a text in all its languages (what a sign-off approves): any change in any
    language changes it."""
    joined = "\x1e".join(f"{code}\x1f{normalized(values[code])}" for code in sorted(values))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:LENGTH]
