"""Glossary words become tappable on their first use in a block; text is escaped for Kivy markup."""

from __future__ import annotations

from mobile.markup import Term, escape, find_first_uses, link_terms

METASTASIS = Term("metastasis", "metastasis", "Cancer that has spread.", ("metastases",))
LIVER = Term("liver-metastases", "liver metastases", "Cancer in the liver.", ("liver metastasis",))
TUMOR = Term("tumor", "tumor", "A lump.", ("tumors",))


def test_only_the_first_use_in_a_block_is_marked() -> None:
    [text] = link_terms(["A tumor. Another tumor."], [TUMOR], "#0000ff")
    assert text.count("[ref=tumor]") == 1
    assert text.startswith("A [ref=tumor][color=#0000ff][u]tumor.[/u][/color][/ref]")


def test_matching_ignores_case_and_uses_the_other_forms() -> None:
    [text] = link_terms(["Tumors grow. METASTASES spread."], [TUMOR, METASTASIS], "#000")
    assert "[u]Tumors[/u]" in text
    assert "[u]METASTASES[/u]" in text


def test_a_longer_term_wins_over_a_shorter_one_inside_it() -> None:
    [spans] = find_first_uses(["Liver metastases are a metastasis."], [METASTASIS, LIVER])
    assert [(s, e, t) for s, e, t in spans] == [(0, 16, "liver-metastases"), (23, 33, "metastasis")]


def test_the_first_use_across_a_list_is_in_the_first_item_that_has_it() -> None:
    texts = link_terms(["No words here.", "A tumor.", "Another tumor."], [TUMOR], "#000")
    assert "[ref=" not in texts[0]
    assert "[ref=tumor]" in texts[1]
    assert "[ref=" not in texts[2]


def test_words_inside_other_words_are_not_marked() -> None:
    assert link_terms(["Tumorous tissue."], [TUMOR], "#000") == ["Tumorous tissue."]


def test_markup_characters_in_content_are_escaped() -> None:
    assert escape("[b]x[/b] & y") == "&bl;b&br;x&bl;/b&br; &amp; y"
    [text] = link_terms(["See [1] & a tumor"], [TUMOR], "#000")
    assert text.startswith("See &bl;1&br; &amp; a [ref=tumor]")


def test_punctuation_touching_a_word_stays_with_it_so_lines_do_not_start_with_a_period() -> None:
    [text] = link_terms(["(tumor), then"], [TUMOR], "#000")
    assert "[u](tumor),[/u]" in text


def test_spanish_accents_and_inverted_marks() -> None:
    term = Term("metastasis", "metástasis", "Cáncer que se extendió.", ("metastásico",))
    [text] = link_terms(["¿Qué es la metástasis? Un cáncer metastásico."], [term], "#000")
    assert "[u]metástasis?[/u]" in text
    assert "metastásico" in text and text.count("[ref=") == 1
