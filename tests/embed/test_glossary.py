"""Glossary words are found where the reader first meets them, and only there."""

from __future__ import annotations

from api.embed.glossary import Use, find_uses, split


def marked(text: str, forms: dict[str, list[str]], used: set[str] | None = None) -> list[str]:
    return [text[u.start:u.end] for u in find_uses(text, forms, set() if used is None else used)]


def test_the_first_use_of_each_term_is_marked_once() -> None:
    text = "A tumor is a lump. Tumors can grow."
    assert marked(text, {"tumor": ["tumor", "tumors"]}) == ["tumor"]


def test_matching_ignores_case_and_uses_the_other_forms() -> None:
    assert marked("Tumors can grow.", {"tumor": ["tumor", "tumors"]}) == ["Tumors"]


def test_only_whole_words_match() -> None:
    assert marked("Tumorous growths and an MRI scan.", {"tumor": ["tumor"], "mr": ["MR"]}) == []


def test_accented_words_are_whole_words_too() -> None:
    text = "Las metástasis hepáticas son un cáncer."
    assert marked(text, {"liver": ["metástasis hepáticas"], "meta": ["metástasis"]}) == ["metástasis hepáticas"]


def test_the_longer_term_wins_where_two_overlap_and_the_shorter_is_found_later() -> None:
    text = "Liver metastases are cancer. When cancer spreads like this, it is called metastasis."
    uses = find_uses(text, {"metastasis": ["metastasis", "metastases"], "liver-metastases": ["liver metastases"]},
                     set())
    assert [(u.term_id, text[u.start:u.end]) for u in uses] == [
        ("liver-metastases", "Liver metastases"), ("metastasis", "metastasis")]


def test_terms_already_used_in_the_reading_unit_are_not_marked_again() -> None:
    used: set[str] = set()
    assert marked("Surgery removes tumors.", {"tumor": ["tumors"]}, used) == ["tumors"]
    assert marked("Radiation shrinks tumors.", {"tumor": ["tumors"]}, used) == []
    assert used == {"tumor"}


def test_regex_characters_in_a_term_are_literal() -> None:
    text = "It is called stereotactic body radiation therapy (SBRT). SBRT is precise."
    assert marked(text, {"sbrt": ["stereotactic body radiation therapy (SBRT)", "SBRT"]}) == [
        "stereotactic body radiation therapy (SBRT)"]


def test_split_keeps_every_character_in_order() -> None:
    text = "Ask about a clinical trial today."
    uses = find_uses(text, {"trial": ["clinical trial", "trial"]}, set())
    parts = split(text, uses)
    assert parts == ["Ask about a ", Use("trial", 12, 26), " today."]
    assert "".join(p if isinstance(p, str) else text[p.start:p.end] for p in parts) == text
