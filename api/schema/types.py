"""The GraphQL types of the content. Each field says what it holds: the schema is the documentation.

Fields resolve by name from the content record (see :mod:`api.schema.localize`); only fields
that join records (a treatment's category, a document's glossary) have resolvers of their own.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from api.content import model
from api.content.readability import document_level, section_level
from api.listing.filters import named_in, terms_of, treatments_of
from api.lru import LRU
from api.schema.localize import RecordInLocale, context_of, localize, localized_resolver
from api.schema.paging import back_link


class ContentType(graphene.ObjectType):
    """Base of every content type: fields read from the record in the request's locale."""

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, default_resolver: Any = None, **options: Any) -> None:
        super().__init_subclass_with_meta__(default_resolver=default_resolver or localized_resolver, **options)


def _records(info: GraphQLResolveInfo, table: str, ids: list[str], locale: str) -> list[RecordInLocale]:
    snapshot = context_of(info).snapshot
    records = getattr(snapshot, table)
    return [RecordInLocale(records[i], locale) for i in ids if i in records]


class ReadingLevel(graphene.ObjectType):
    class Meta:
        description = "How hard a text is to read, measured with textstat 0.7.4."

    locale = graphene.String(required=True, description="The language measured.")
    scale = graphene.String(
        required=True,
        description="'flesch-kincaid-grade' for English (US school grade; lower is easier) or "
        "'fernandez-huerta' for Spanish (0-100+; higher is easier).",
    )
    value = graphene.Float(required=True, description="The score on that scale.")
    words = graphene.Int(required=True, description="How many words were measured.")


class Locale(graphene.ObjectType):
    class Meta:
        description = "A language the content is offered in, with the strings to choose it."

    code = graphene.String(required=True, description="Locale code used in `locale` arguments: 'en', 'es'.")
    native_name = graphene.String(required=True, description="The language's name in itself: 'Español'.")
    choose_prompt = graphene.String(
        required=True, description="The choice as a person says it: 'Quiero ver el sitio en Español'."
    )
    continue_label = graphene.String(required=True, description="Button label: 'Continuar en español'.")
    fallback = graphene.String(description="Locale whose text is shown when this one has none.")
    is_default = graphene.Boolean(required=True, description="True for the default locale.")


class GlossaryTerm(ContentType):
    class Meta:
        description = "A medical word the content uses, with a plain-language definition."

    id = graphene.ID(required=True, description="Stable id, e.g. 'radioembolization'.")
    term = graphene.String(required=True, description="The word as it appears in the text.")
    definition = graphene.String(required=True, description="What it means, in plain words.")
    also_matches = graphene.List(
        graphene.NonNull(graphene.String), required=True,
        description="Other forms of the word (plurals, short forms) that renderers also mark.",
    )
    documents = back_link("term", "this term")

    @staticmethod
    def resolve_also_matches(root: RecordInLocale, info: GraphQLResolveInfo) -> list[str]:
        forms = root.value.also_matches
        return list(forms.root.get(root.locale, [])) if forms else []


class InstitutionFact(ContentType):
    class Meta:
        description = "A fact about the institution itself, stated as the institution's claim."

    id = graphene.ID(required=True, description="Stable id.")
    text = graphene.String(required=True, description="The fact, in plain words.")


class Institution(ContentType):
    class Meta:
        description = "The cancer center whose page the content comes from."

    id = graphene.ID(required=True, description="Stable id.")
    name = graphene.String(required=True, description="The institution's name.")
    facts = graphene.List(graphene.NonNull(InstitutionFact), required=True, description="Its facts.")


class Source(ContentType):
    class Meta:
        description = "Where the facts of a page come from (attribution)."

    id = graphene.ID(required=True, description="Stable id.")
    title = graphene.String(required=True, description="Title of the source page.")
    publisher = graphene.String(required=True, description="Who published it.")
    url = graphene.String(description="Address of the source, when known.")
    retrieved = graphene.Date(required=True, description="When the source was read.")


class CareTeamRole(ContentType):
    class Meta:
        description = "A kind of specialist on the care team, and what they do."

    id = graphene.ID(required=True, description="Stable id, e.g. 'radiation-oncologist'.")
    name = graphene.String(required=True, description="The role's name.")
    description = graphene.String(required=True, description="What this person does for you.")


class DecisionFactor(ContentType):
    class Meta:
        description = "Something the care team weighs before choosing a treatment."

    id = graphene.ID(required=True, description="Stable id.")
    name = graphene.String(required=True, description="Short name.")
    description = graphene.String(required=True, description="Why it matters, in plain words.")


class TreatmentCategory(ContentType):
    class Meta:
        description = "A family of treatments: surgery, radiation therapy..."

    id = graphene.ID(required=True, description="Stable id, e.g. 'radiation-therapy'.")
    name = graphene.String(required=True, description="The category's name.")
    treatments = graphene.List(
        graphene.NonNull(lambda: Treatment), required=True, description="The treatments in this category."
    )

    @staticmethod
    def resolve_treatments(root: RecordInLocale, info: GraphQLResolveInfo) -> list[RecordInLocale]:
        snapshot = context_of(info).snapshot
        return [RecordInLocale(t, root.locale) for t in snapshot.content.treatments if t.category == root.value.id]


class Treatment(ContentType):
    class Meta:
        description = "One treatment, with what it is, how it works and the institution's facts."

    id = graphene.ID(required=True, description="Stable id, e.g. 'proton-therapy'.")
    category = graphene.Field(TreatmentCategory, required=True, description="The family it belongs to.")
    name = graphene.String(required=True, description="The treatment's name.")
    summary = graphene.String(required=True, description="What it is, in one or two plain sentences.")
    how_it_works = graphene.String(required=True, description="How it works, in plain words.")
    institution_facts = graphene.List(
        graphene.NonNull(InstitutionFact), required=True,
        description="What the institution says about offering it.",
    )
    terms = graphene.List(
        graphene.NonNull(GlossaryTerm), required=True, description="Glossary terms its text uses."
    )
    documents = back_link("treatment", "this treatment")

    @staticmethod
    def resolve_category(root: RecordInLocale, info: GraphQLResolveInfo) -> RecordInLocale:
        return RecordInLocale(context_of(info).snapshot.categories[root.value.category], root.locale)

    @staticmethod
    def resolve_institution_facts(root: RecordInLocale, info: GraphQLResolveInfo) -> list[RecordInLocale]:
        return _records(info, "facts", root.value.institution_facts, root.locale)

    @staticmethod
    def resolve_terms(root: RecordInLocale, info: GraphQLResolveInfo) -> list[RecordInLocale]:
        return _records(info, "glossary", root.value.term_ids, root.locale)


class Block(graphene.Interface):
    class Meta:
        description = "A piece of a section: a paragraph, a list, a callout or a set of records."

    id = graphene.ID(required=True, description="Stable id, unique within the document.")
    type = graphene.String(
        required=True,
        description="paragraph, list, callout, treatments, careTeam or decisionFactors.",
    )
    terms = graphene.List(
        graphene.NonNull(GlossaryTerm), required=True, description="Glossary terms this block's text uses."
    )

    @classmethod
    def resolve_type(cls, instance: RecordInLocale, info: GraphQLResolveInfo) -> type[graphene.ObjectType]:
        return _BLOCK_TYPES[type(instance.value)]


class _BlockType(ContentType):
    class Meta:
        abstract = True

    @staticmethod
    def resolve_type(root: RecordInLocale, info: GraphQLResolveInfo) -> str:
        # Named explicitly: otherwise graphene would take Block.resolve_type (type resolution).
        return root.value.type

    @staticmethod
    def resolve_terms(root: RecordInLocale, info: GraphQLResolveInfo) -> list[RecordInLocale]:
        return _records(info, "glossary", root.value.term_ids, root.locale)


class ParagraphBlock(_BlockType):
    class Meta:
        interfaces = (Block,)
        description = "A paragraph of text."

    text = graphene.String(required=True, description="The paragraph.")


class ListBlock(_BlockType):
    class Meta:
        interfaces = (Block,)
        description = "A bulleted list."

    items = graphene.List(graphene.NonNull(graphene.String), required=True, description="The items.")


class CalloutBlock(_BlockType):
    class Meta:
        interfaces = (Block,)
        description = "A short text set apart from the rest: an important note."

    text = graphene.String(required=True, description="The note.")


class TreatmentsBlock(_BlockType):
    class Meta:
        interfaces = (Block,)
        description = "A set of treatments shown as cards."

    treatments = graphene.List(graphene.NonNull(Treatment), required=True, description="The treatments.")

    @staticmethod
    def resolve_treatments(root: RecordInLocale, info: GraphQLResolveInfo) -> list[RecordInLocale]:
        return _records(info, "treatments", root.value.treatment_ids, root.locale)


class CareTeamBlock(_BlockType):
    class Meta:
        interfaces = (Block,)
        description = "The specialists of the care team."

    roles = graphene.List(graphene.NonNull(CareTeamRole), required=True, description="The roles.")

    @staticmethod
    def resolve_roles(root: RecordInLocale, info: GraphQLResolveInfo) -> list[RecordInLocale]:
        return _records(info, "roles", root.value.role_ids, root.locale)


class DecisionFactorsBlock(_BlockType):
    class Meta:
        interfaces = (Block,)
        description = "What the care team weighs before deciding."

    factors = graphene.List(graphene.NonNull(DecisionFactor), required=True, description="The factors.")

    @staticmethod
    def resolve_factors(root: RecordInLocale, info: GraphQLResolveInfo) -> list[RecordInLocale]:
        return _records(info, "factors", root.value.factor_ids, root.locale)


_BLOCK_TYPES: dict[type, type[graphene.ObjectType]] = {
    model.ParagraphBlock: ParagraphBlock,
    model.ListBlock: ListBlock,
    model.CalloutBlock: CalloutBlock,
    model.TreatmentsBlock: TreatmentsBlock,
    model.CareTeamBlock: CareTeamBlock,
    model.DecisionFactorsBlock: DecisionFactorsBlock,
}
BLOCK_TYPES = list(_BLOCK_TYPES.values())


def _level(measured: Any) -> dict[str, Any]:
    return {"locale": measured.locale, "scale": measured.scale, "value": measured.value, "words": measured.words}


READING_LEVELS_PER_VERSION = 10_000  # measured sections and pages kept per content version
# Reading levels are costly (textstat), so each is measured once per content version: kept per
# snapshot, and gone with it. Inside one snapshot a section is its own key (section ids are unique
# only within a document), which is safe because the snapshot keeps its sections alive.
_levels: weakref.WeakKeyDictionary[Any, LRU[tuple[str, int | str, str], dict[str, Any]]] = \
    weakref.WeakKeyDictionary()
_levels_lock = threading.Lock()


def _cached_level(info: GraphQLResolveInfo, key: tuple[str, int | str, str], compute: Any) -> dict[str, Any]:
    snapshot = context_of(info).snapshot
    with _levels_lock:
        levels = _levels.get(snapshot)
        if levels is None:
            levels = _levels[snapshot] = LRU(READING_LEVELS_PER_VERSION)
        found = levels.get(key)
    if found is None:
        found = _level(compute())
        with _levels_lock:
            levels.put(key, found)
    return found


class Section(ContentType):
    class Meta:
        description = "A part of a document under one heading."

    id = graphene.ID(required=True, description="Stable id, e.g. 'radiation-therapy'.")
    heading = graphene.String(required=True, description="The section's heading.")
    blocks = graphene.List(graphene.NonNull(Block), required=True, description="The section's content, in order.")
    treatments = graphene.List(
        graphene.NonNull(Treatment), required=True, description="Every treatment the section shows."
    )
    terms = graphene.List(
        graphene.NonNull(GlossaryTerm), required=True, description="Every glossary term the section uses."
    )
    reading_level = graphene.Field(
        ReadingLevel, required=True, description="Reading level of this section in the served locale."
    )

    @staticmethod
    def resolve_treatments(root: RecordInLocale, info: GraphQLResolveInfo) -> list[RecordInLocale]:
        return _records(info, "treatments", named_in(root.value.blocks, "treatment"), root.locale)

    @staticmethod
    def resolve_terms(root: RecordInLocale, info: GraphQLResolveInfo) -> list[RecordInLocale]:
        return _records(info, "glossary", named_in(root.value.blocks, "term"), root.locale)

    @staticmethod
    def resolve_reading_level(root: RecordInLocale, info: GraphQLResolveInfo) -> dict[str, Any]:
        snapshot = context_of(info).snapshot
        return _cached_level(info, ("section", id(root.value), root.locale),
                             lambda: section_level(snapshot, root.value, root.locale))


class Document(ContentType):
    class Meta:
        description = "A patient-education page: sections, treatments, care team, glossary and review data."

    slug = graphene.ID(required=True, description="Stable id used in URLs: 'liver-metastases-treatment'.")
    locale = graphene.String(required=True, description="The locale this document is served in.")
    version = graphene.String(
        required=True, description="Changes whenever anything the document shows changes (for sync)."
    )
    title = graphene.String(required=True, description="The page title.")
    summary = graphene.String(required=True, description="What the page covers, in one or two sentences.")
    audience = graphene.String(required=True, description="Who the page is written for, in words.")
    audiences = graphene.List(
        graphene.NonNull("api.schema.connections.Audience"), required=True,
        description="Who the page is written for, as values to filter by (`documentsConnection(filter:)`).",
    )
    disclaimer = graphene.String(required=True, description="The medical disclaimer to show with the page.")
    reviewed_by = graphene.String(required=True, description="The clinicians who approved every text the page "
                                                              "shows; until they have, a line saying no doctor has.")
    last_reviewed = graphene.Date(description="The day by which every text the page shows had been signed off "
                                               "as it reads now; null while any text has not (see `reviewedBy`).")
    last_updated = graphene.Date(required=True, description="When the content last changed.")
    sources = graphene.List(graphene.NonNull(Source), required=True, description="Where the facts come from.")
    institution = graphene.Field(Institution, required=True, description="The institution the page is about.")
    sections = graphene.List(graphene.NonNull(Section), required=True, description="The sections, in order.")
    section = graphene.Field(
        Section, id=graphene.ID(required=True, description="Section id."), description="One section by id."
    )
    treatments = graphene.List(
        graphene.NonNull(Treatment), required=True, description="Every treatment the page shows, in order."
    )
    care_team = graphene.List(
        graphene.NonNull(CareTeamRole), required=True, description="Every care-team role the page shows."
    )
    decision_factors = graphene.List(
        graphene.NonNull(DecisionFactor), required=True, description="What the care team weighs."
    )
    glossary = graphene.List(
        graphene.NonNull(GlossaryTerm), required=True,
        description="Every glossary term the page uses (in its blocks and its treatments).",
    )
    reading_level = graphene.Field(
        ReadingLevel, required=True, description="Reading level of the whole page in the served locale."
    )
    reading_levels = graphene.List(
        graphene.NonNull(ReadingLevel), required=True, description="Reading level of the page in every locale."
    )

    @staticmethod
    def resolve_locale(root: RecordInLocale, info: GraphQLResolveInfo) -> str:
        return root.locale

    @staticmethod
    def resolve_version(root: RecordInLocale, info: GraphQLResolveInfo) -> str:
        return context_of(info).snapshot.document_versions[root.value.slug]

    @staticmethod
    def resolve_reviewed_by(root: RecordInLocale, info: GraphQLResolveInfo) -> str | None:
        return localize(context_of(info).snapshot.review(root.value.slug).reviewed_by, root.locale, info)

    @staticmethod
    def resolve_last_reviewed(root: RecordInLocale, info: GraphQLResolveInfo) -> Any:
        return context_of(info).snapshot.review(root.value.slug).last_reviewed

    @staticmethod
    def resolve_last_updated(root: RecordInLocale, info: GraphQLResolveInfo) -> Any:
        return root.value.review.last_updated

    @staticmethod
    def resolve_sources(root: RecordInLocale, info: GraphQLResolveInfo) -> list[RecordInLocale]:
        return _records(info, "sources", root.value.source_ids, root.locale)

    @staticmethod
    def resolve_institution(root: RecordInLocale, info: GraphQLResolveInfo) -> RecordInLocale:
        return RecordInLocale(context_of(info).snapshot.content.institution, root.locale)

    @staticmethod
    def resolve_section(root: RecordInLocale, info: GraphQLResolveInfo, id: str) -> RecordInLocale | None:
        found = next((s for s in root.value.sections if s.id == id), None)
        return RecordInLocale(found, root.locale) if found else None

    @staticmethod
    def resolve_audiences(root: RecordInLocale, info: GraphQLResolveInfo) -> list[str]:
        return list(root.value.audiences)

    @staticmethod
    def resolve_treatments(root: RecordInLocale, info: GraphQLResolveInfo) -> list[RecordInLocale]:
        return _records(info, "treatments", treatments_of(root.value), root.locale)

    @staticmethod
    def resolve_care_team(root: RecordInLocale, info: GraphQLResolveInfo) -> list[RecordInLocale]:
        blocks = [b for s in root.value.sections for b in s.blocks]
        return _records(info, "roles", named_in(blocks, "role"), root.locale)

    @staticmethod
    def resolve_decision_factors(root: RecordInLocale, info: GraphQLResolveInfo) -> list[RecordInLocale]:
        blocks = [b for s in root.value.sections for b in s.blocks]
        return _records(info, "factors", named_in(blocks, "factor"), root.locale)

    @staticmethod
    def resolve_glossary(root: RecordInLocale, info: GraphQLResolveInfo) -> list[RecordInLocale]:
        return _records(info, "glossary", terms_of(context_of(info).snapshot, root.value), root.locale)

    @staticmethod
    def resolve_reading_level(root: RecordInLocale, info: GraphQLResolveInfo) -> dict[str, Any]:
        snapshot = context_of(info).snapshot
        return _cached_level(info, ("document", root.value.slug, root.locale),
                             lambda: document_level(snapshot, root.value, root.locale))

    @staticmethod
    def resolve_reading_levels(root: RecordInLocale, info: GraphQLResolveInfo) -> list[dict[str, Any]]:
        snapshot = context_of(info).snapshot
        return [
            _cached_level(info, ("document", root.value.slug, code),
                          lambda code=code: document_level(snapshot, root.value, code))
            for code in snapshot.locales
        ]


class UiString(ContentType):
    class Meta:
        description = "A label the app or the embeds show."

    key = graphene.String(required=True, description="Dotted key, e.g. 'nav.back'.")
    text = graphene.String(required=True, description="The label in the served locale.")
