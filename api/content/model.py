"""The content model: the one source of truth for the shape of ``content.json``.

Everything a person reads is a :class:`LocalizedText` (``{"en": "…", "es": "…"}``), and every
record has a stable kebab-case id so that clients can link to it and sync it. These classes
import nothing else from ``api``: the HTTP layer, the embeds and the phone app all stand on them.
``content.schema.json`` is generated from them (``make schema``), so editors validate their files
against exactly the shape the server loads.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.alias_generators import to_camel
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from rules.blocks import BLOCKS, attribute

KEBAB_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LOCALE_CODE = r"^[a-z]{2,3}$"

Id = Annotated[str, Field(pattern=KEBAB_ID, min_length=1, max_length=80)]
LocaleCode = Annotated[str, Field(pattern=LOCALE_CODE)]


class _Model(BaseModel):
    """Base of every record: camelCase in JSON, no unknown keys, immutable once loaded."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="forbid",
        frozen=True,
    )

    def model_post_init(self, context: Any, /) -> None:
        """Share one "fields given" set among all records given the same fields.

        Pydantic makes one set per record (200 to 470 bytes): 200 MB for the 640,000 records of
        10,000 documents, while they hold a handful of different sets. Records are frozen, so
        pydantic never adds to the set, and ``model_copy`` copies it before it changes it.
        """
        given = self.__pydantic_fields_set__
        object.__setattr__(self, "__pydantic_fields_set__", _FIELDS_GIVEN.setdefault(frozenset(given), given))


_FIELDS_GIVEN: dict[frozenset[str], set[str]] = {}


class _PerLocale:
    """A value per locale code, validated by pydantic as a dict but stored in two tuples.

    These were pydantic ``RootModel``s: about 780 bytes of instance, ``__dict__`` and fields set on
    top of the dict itself, and content has one per piece of text (over 870,000 at 10,000
    documents, most of the memory of a loaded file). This is about 110 bytes: the locale codes
    (one tuple shared by every value with the same codes) and the values in the same order.
    ``.root`` still gives the dict. Constructing one directly does not validate: only loading
    through :class:`Content` does.
    """

    __slots__ = ("__weakref__", "_codes", "_values")
    _shape: ClassVar[Any]  # what ``root`` is validated as

    def __init__(self, root: dict[str, Any]) -> None:
        codes = tuple(root)
        object.__setattr__(self, "_codes", _CODES.setdefault(codes, codes))
        object.__setattr__(self, "_values", tuple(root.values()))

    @property
    def root(self) -> dict[str, Any]:
        """The values by locale code (a new dict: changing it changes nothing here)."""
        return dict(zip(self._codes, self._values, strict=True))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    __delattr__ = __setattr__  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.root == self.root  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # like the frozen RootModel of a dict: unhashable

    def __repr__(self) -> str:
        return f"{type(self).__name__}(root={self.root!r})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        shape = handler.generate_schema(cls._shape)
        return core_schema.no_info_after_validator_function(
            cls, shape, ref=f"{cls.__module__}.{cls.__qualname__}",
            serialization=core_schema.plain_serializer_function_ser_schema(_root, return_schema=shape),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        handler.resolve_ref_schema(json_schema).update(title=cls.__name__, description=cls.__doc__)
        return json_schema


def _root(value: _PerLocale) -> dict[str, Any]:
    return value.root


_CODES: dict[tuple[str, ...], tuple[str, ...]] = {}


class LocalizedText(_PerLocale):
    """One piece of readable text in every supported language, keyed by locale code."""

    __slots__ = ()
    _shape = dict[LocaleCode, str]

    def get(self, locale: str) -> str | None:
        """The text in ``locale``, or None when that language has no (non-blank) text."""
        try:
            text = self._values[self._codes.index(locale)]
        except ValueError:
            return None
        return text if text and text.strip() else None

    def first(self, chain: list[str]) -> tuple[str, str] | None:
        """(locale, text) for the first locale of ``chain`` that has text here; None if none has."""
        for code in chain:
            text = self.get(code)
            if text is not None:
                return code, text
        return None


class LocalizedList(_PerLocale):
    """A list of short strings per locale (used for the other spellings of a glossary term)."""

    __slots__ = ()
    _shape = dict[LocaleCode, list[str]]


class Locale(_Model):
    """A language the content is offered in."""

    code: LocaleCode
    native_name: str = Field(description="The language's name in itself: 'English', 'Español'.")
    fallback: LocaleCode | None = Field(
        default=None, description="Locale whose text is shown when this one has none."
    )
    required: bool = Field(
        default=True,
        description="When true every text must exist in this locale; a draft locale may be partial.",
    )
    choose_prompt: str = Field(description="'I want to see the site in English', in this language.")
    continue_label: str = Field(description="'Continue in English', in this language.")


DIGEST = r"^[0-9a-f]{10}$"
Digest = Annotated[str, Field(pattern=DIGEST, description="The first 10 hex digits of a SHA-256 (see "
                                                           "api.content.digests).")]
Basis = Literal["explanation", "navigation", "guidance"]


class SourceRef(_Model):
    """A passage of a source that a text restates: where it is, and what it said then.

    The repository keeps no sentence of the source: ``passage`` counts the source file's
    non-blank lines from 1 (see :mod:`api.content.provenance`) and ``digest`` is that passage's
    text's digest when it was referenced, so a changed source flags every text that restates it.
    """

    source: Id = Field(description="Id of a source.")
    passage: int = Field(ge=1, description="The passage's number: its place among the source's non-blank lines.")
    digest: Digest


class Traced(_Model):
    """A record that says where its words come from: source passages, or why it needs none.

    ``sourceRefs`` absent means not traced yet (the loader accepts it; ``check-content`` does
    not). An empty list is a text of ours, and ``basis`` says which kind: ``explanation`` (what a
    word or a step means, in our words), ``navigation`` (headings and lead-ins that only say what
    comes next), ``guidance`` (what to ask or do, the disclaimer).
    """

    source_refs: list[SourceRef] | None = Field(
        default=None, max_length=20, description="The source passages this record restates; [] for a text of ours.")
    basis: Basis | None = Field(default=None, description="Why a record with no source needs none.")


class InstitutionFact(Traced):
    """A claim about the institution itself (a machine it has, a 'first in the region')."""

    id: Id
    text: LocalizedText


class Institution(_Model):
    id: Id
    name: LocalizedText
    facts: list[InstitutionFact] = Field(default_factory=list)


class Source(_Model):
    """Where the facts come from: shown as attribution under every page."""

    id: Id
    title: LocalizedText
    publisher: LocalizedText
    url: str | None = Field(default=None, pattern=r"^https?://")
    retrieved: dt.date = Field(description="When the source page was read.")
    file: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=200,
                             description="The source's text file in the source folder (check-content SOURCE=).")


class GlossaryTerm(Traced):
    """A medical word with a plain definition; renderers mark its uses in the text."""

    id: Id
    term: LocalizedText
    definition: LocalizedText
    also_matches: LocalizedList | None = Field(
        default=None, description="Other forms of the word to mark in the text (plurals, short forms)."
    )
    search_also: LocalizedList | None = Field(
        default=None,
        description="Words patients may type for this term that our text does not use (lay words, other "
        "spellings): search leads them to the term. Never a word for something else.",
    )


class CareTeamRole(Traced):
    id: Id
    name: LocalizedText
    description: LocalizedText


class DecisionFactor(Traced):
    """Something the care team weighs before choosing a treatment."""

    id: Id
    name: LocalizedText
    description: LocalizedText


class TreatmentCategory(_Model):
    id: Id
    name: LocalizedText


class Treatment(Traced):
    """One treatment, a record of its own so clients can list, link and search it."""

    id: Id
    category: Id = Field(description="Id of a treatment category.")
    name: LocalizedText
    summary: LocalizedText = Field(description="What it is, in one or two plain sentences.")
    how_it_works: LocalizedText
    institution_facts: list[Id] = Field(
        default_factory=list, description="Ids of institution facts about this treatment."
    )
    term_ids: list[Id] = Field(default_factory=list, description="Glossary terms the text uses.")


class _Block(Traced):
    """A block's words and references are where :data:`rules.blocks.BLOCKS` says; these read them."""

    id: Id
    term_ids: list[Id] = Field(default_factory=list, description="Glossary terms the block uses.")

    def own_texts(self) -> list[LocalizedText]:
        """The texts the block holds itself, in reading order (its text, or its list's items)."""
        shape = BLOCKS[self.type]  # type: ignore[attr-defined]
        if shape.text:
            return [getattr(self, attribute(shape.text))]
        return list(getattr(self, attribute(shape.items))) if shape.items else []

    def referenced(self) -> tuple[str, list[str]] | None:
        """``(kind, ids)`` of the records the block shows (treatments, roles, factors), or None."""
        shape = BLOCKS[self.type]  # type: ignore[attr-defined]
        return (shape.kind or "", getattr(self, attribute(shape.refers))) if shape.refers else None


class ParagraphBlock(_Block):
    type: Literal["paragraph"]
    text: LocalizedText


class ListBlock(_Block):
    type: Literal["list"]
    items: list[LocalizedText] = Field(min_length=1)


class CalloutBlock(_Block):
    """A short text set apart: an important note or a fact about the institution."""

    type: Literal["callout"]
    text: LocalizedText


class TreatmentsBlock(_Block):
    type: Literal["treatments"]
    treatment_ids: list[Id] = Field(min_length=1)


class CareTeamBlock(_Block):
    type: Literal["careTeam"]
    role_ids: list[Id] = Field(min_length=1)


class DecisionFactorsBlock(_Block):
    type: Literal["decisionFactors"]
    factor_ids: list[Id] = Field(min_length=1)


Block = Annotated[
    ParagraphBlock | ListBlock | CalloutBlock | TreatmentsBlock | CareTeamBlock | DecisionFactorsBlock,
    Field(discriminator="type"),
]


class Section(Traced):
    id: Id
    heading: LocalizedText
    blocks: list[Block] = Field(min_length=1)


class Review(_Model):
    """Who checked the page and when, as cancer.gov's PDQ summaries state it.

    A file gives only ``lastUpdated``: who reviewed and when are made from the sign-offs at load
    (:mod:`api.content.signoffs`), so a page edited after its review never claims that review.
    """

    reviewed_by: LocalizedText | None = None
    last_reviewed: dt.date | None = None
    last_updated: dt.date


AUDIENCES = ("patients", "caregivers", "health-professionals")
Audience = Literal["patients", "caregivers", "health-professionals"]


class Document(Traced):
    slug: Id
    title: LocalizedText
    summary: LocalizedText
    audience: LocalizedText = Field(description="Who the page is written for, as readers see it.")
    audiences: list[Audience] = Field(
        default_factory=lambda: ["patients"], min_length=1, max_length=len(AUDIENCES),
        description="Who the page is written for, as ids front-ends filter by (default: patients).",
    )
    review: Review
    source_ids: list[Id] = Field(min_length=1)
    disclaimer: LocalizedText
    sections: list[Section] = Field(min_length=1)


class UiString(_Model):
    """A label the app or the embeds show (buttons, headings, messages)."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$")]
    text: LocalizedText


class SignOff(_Model):
    """Someone approved these texts as they read then: the digest of each, all its languages.

    A document's sign-off lists every text the page shows; a text's, only that one. A text whose
    digest no longer matches was edited since, and needs review again.
    """

    by: str = Field(min_length=1, max_length=200, description="Name (and credentials) of who signed off.")
    role: Literal["clinician", "editor"] = Field(
        description="A clinician's sign-off is a medical review; an editor's only says the content team checked it.")
    on: dt.date
    texts: dict[str, Digest] = Field(min_length=1, description="Text path → digest of the text approved.")


class Content(_Model):
    """The whole content file."""

    model_config = ConfigDict(json_schema_extra={"title": "Clara content"})

    schema_: str | None = Field(default=None, alias="$schema")
    default_locale: LocaleCode
    locales: list[Locale] = Field(min_length=1)
    institution: Institution
    sources: list[Source] = Field(min_length=1)
    glossary: list[GlossaryTerm] = Field(default_factory=list)
    care_team_roles: list[CareTeamRole] = Field(default_factory=list)
    decision_factors: list[DecisionFactor] = Field(default_factory=list)
    treatment_categories: list[TreatmentCategory] = Field(default_factory=list)
    treatments: list[Treatment] = Field(default_factory=list)
    strings: list[UiString] = Field(default_factory=list)
    documents: list[Document] = Field(min_length=1)
    translations: dict[LocaleCode, dict[str, Digest]] = Field(
        default_factory=dict,
        description="Per language other than the default, text path → digest of the English it translates.")
    sign_offs: list[SignOff] = Field(default_factory=list)
