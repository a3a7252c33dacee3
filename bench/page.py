"""The request every scenario answers: the full liver-metastases page in Spanish.

One named query with its locale written in it, so that a hash-only GET (APQ) needs no variables
and every scenario sends the same text. It asks for what a page renderer shows: about a hundred
field selections, which expand to several hundred resolved fields through the page's lists.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import orjson

SLUG = "liver-metastases-treatment"
LOCALE = "es"

# The selection a page renderer makes on a document: about a hundred fields.
PAGE_FIELDS = """{
    slug locale version title summary audience disclaimer reviewedBy lastReviewed lastUpdated
    sources { id title publisher url retrieved }
    institution { id name facts { id text } }
    sections {
      id heading
      readingLevel { locale scale value words }
      treatments { id }
      terms { id }
      blocks {
        __typename id type terms { id term definition }
        ... on ParagraphBlock { text }
        ... on ListBlock { items }
        ... on CalloutBlock { text }
        ... on TreatmentsBlock { treatments { id name summary } }
        ... on CareTeamBlock { roles { id name description } }
        ... on DecisionFactorsBlock { factors { id name description } }
      }
    }
    treatments {
      id name summary howItWorks
      category { id name }
      institutionFacts { id text }
      terms { id term definition }
    }
    careTeam { id name description }
    decisionFactors { id name description }
    glossary { id term definition alsoMatches }
    readingLevel { locale scale value words }
    readingLevels { locale scale value words }
  }"""
QUERY = 'query Page {\n  document(slug: "%s", locale: "%s") %s\n}' % (SLUG, LOCALE, PAGE_FIELDS)
# What an offline reader asks for: the changes since its version, each document with the page's fields.
SYNC_QUERY = """query Sync($since: String, $locales: [String!]) {
  sync(since: $since, locales: $locales) {
    version since fullSync locales removedSlugs
    documents { slug locale version document { ...Page } }
  }
}
fragment Page on Document """ + PAGE_FIELDS + "\n"

SHA256 = hashlib.sha256(QUERY.encode("utf-8")).hexdigest()
EXTENSIONS = orjson.dumps({"persistedQuery": {"version": 1, "sha256Hash": SHA256}}).decode()
POST_BODY = orjson.dumps({"query": QUERY, "operationName": "Page"})
# What Apollo Client's persisted-query link sends: the hash alone, then the query with the hash once.
PERSISTED_PATH = "/graphql?" + urlencode({"operationName": "Page", "extensions": EXTENSIONS})
REGISTER_PATH = "/graphql?" + urlencode({"operationName": "Page", "query": QUERY, "extensions": EXTENSIONS})


def field_selections(query: str = QUERY) -> int:
    """How many field selections the query text makes (fragments counted where written)."""
    from graphql import FieldNode, parse, visit
    from graphql.language import Visitor

    class Count(Visitor):
        total = 0

        def enter_field(self, node: FieldNode, *_: object) -> None:
            Count.total += 1

    visit(parse(query), Count())
    return Count.total

