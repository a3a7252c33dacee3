"""The content model: the one source of truth for the shape of ``content.json``.

Everything a person reads is a :class:`LocalizedText` (``{"en": "…", "es": "…"}``), and every
record has a stable kebab-case id so that clients can link to it and sync it. These classes
import nothing else from ``api``: the HTTP layer, the embeds and the phone app all stand on them.
``content.schema.json`` is generated from them (``make schema``), so editors validate their files
against exactly the shape the server loads.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel
from pydantic.alias_generators import to_camel

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


class LocalizedText(RootModel[dict[LocaleCode, str]]):
    """One piece of readable text in every supported language, keyed by locale code."""

    model_config = ConfigDict(frozen=True)

    def get(self, locale: str) -> str | None:
        """The text in ``locale``, or None when that language has no (non-blank) text."""
        text = self.root.get(locale)
        return text if text and text.strip() else None


class LocalizedList(RootModel[dict[LocaleCode, list[str]]]):
    """A list of short strings per locale (used for the other spellings of a glossary term)."""

    model_config = ConfigDict(frozen=True)


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


class InstitutionFact(_Model):
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


class GlossaryTerm(_Model):
    """A medical word with a plain definition; renderers mark its uses in the text."""

    id: Id
    term: LocalizedText
    definition: LocalizedText
    also_matches: LocalizedList | None = Field(
        default=None, description="Other forms of the word to mark in the text (plurals, short forms)."
    )


class CareTeamRole(_Model):
    id: Id
    name: LocalizedText
    description: LocalizedText


class DecisionFactor(_Model):
    """Something the care team weighs before choosing a treatment."""

    id: Id
    name: LocalizedText
    description: LocalizedText


class TreatmentCategory(_Model):
    id: Id
    name: LocalizedText


class Treatment(_Model):
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


class _Block(_Model):
    id: Id
    term_ids: list[Id] = Field(default_factory=list, description="Glossary terms the block uses.")


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


class Section(_Model):
    id: Id
    heading: LocalizedText
    blocks: list[Block] = Field(min_length=1)


class Review(_Model):
    """Who checked the page and when, as cancer.gov's PDQ summaries state it."""

    reviewed_by: LocalizedText
    last_reviewed: dt.date
    last_updated: dt.date


class Document(_Model):
    slug: Id
    title: LocalizedText
    summary: LocalizedText
    audience: LocalizedText
    review: Review
    source_ids: list[Id] = Field(min_length=1)
    disclaimer: LocalizedText
    sections: list[Section] = Field(min_length=1)


class UiString(_Model):
    """A label the app or the embeds show (buttons, headings, messages)."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*)*$")]
    text: LocalizedText


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
