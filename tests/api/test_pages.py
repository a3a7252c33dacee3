"""Cutting pages: the walk over a filter's own places gives exactly the plain walk's pages."""

from __future__ import annotations

import random

import pytest

from api.listing.pages import Page, PageError, PageRequest, cursor, cut

IDS = [f"r{n}" for n in range(300)]
PLACE = {i: n for n, i in enumerate(IDS)}


def _seen(page: Page) -> tuple:
    return page.ids, page.cursors, page.has_next, page.has_previous, page.total


@pytest.mark.parametrize("seed", range(40))
def test_the_walk_over_a_filters_places_and_the_plain_walk_cut_the_same_pages(seed: int) -> None:
    rng = random.Random(seed)
    allowed = frozenset(rng.sample(IDS, rng.choice([0, 1, 2, 5, 18, 60, 299])))
    wider = allowed | frozenset(rng.sample(IDS, 7))  # a filter given with another that keeps less
    places = sorted(PLACE[i] for i in wider)
    for _ in range(30):
        after = cursor("s", rng.choice(IDS)) if rng.random() < 0.5 else None
        before = cursor("s", rng.choice(IDS)) if rng.random() < 0.3 else None
        first = rng.choice([None, 0, 1, 3, 20]) if rng.random() < 0.6 else None
        last = rng.choice([None, 0, 1, 4, 20]) if first is None or rng.random() < 0.2 else None
        request = PageRequest(first, after, last, before)
        plain = cut(IDS, PLACE, allowed, request, "s")
        along = cut(IDS, PLACE, allowed, request, "s", walked=places)
        assert _seen(along) == _seen(plain), (sorted(allowed, key=PLACE.get), request)


def test_the_plain_walk_of_everything_pages_to_the_end_and_back() -> None:
    seen, after = [], None
    while True:
        page = cut(IDS, PLACE, None, PageRequest(first=70, after=after), "s")
        seen += page.ids
        if not page.has_next:
            break
        after = page.cursors[-1]
    assert seen == IDS
    back, before = [], None
    while True:
        page = cut(IDS, PLACE, None, PageRequest(last=70, before=before), "s")
        back = page.ids + back
        if not page.has_previous:
            break
        before = page.cursors[0]
    assert back == IDS


def test_a_cursor_of_a_record_that_left_is_gone_and_one_of_another_list_is_refused() -> None:
    with pytest.raises(PageError) as gone:
        cut(IDS, PLACE, None, PageRequest(after=cursor("s", "r-removed")), "s")
    assert gone.value.code == "CURSOR_GONE"
    with pytest.raises(PageError) as other:
        cut(IDS, PLACE, None, PageRequest(after=cursor("other", "r1")), "s")
    assert other.value.code == "BAD_CURSOR"
