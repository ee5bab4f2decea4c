"""Token patterns: the anchor pre-test never hides a match the matcher would find."""

from __future__ import annotations

from replylint.text.nlp import pipeline
from replylint.text.token_patterns import TokenPatterns

_LISTS = {
    "inconvenience": ("lemma", ("inconvenience", "trouble")),
    "automated": ("form", ("automated", "automatic")),
}


def found(patterns: tuple[str, ...], text: str) -> list[tuple[str, str]]:
    """(matched text, pattern) of every match in `text`."""
    doc = pipeline("en")(text)
    return [
        (text[m.start : m.end], m.phrase)
        for m in TokenPatterns(patterns, _LISTS, {}, "en").find(doc)
    ]


def test_a_formula_in_a_later_sentence_is_found_by_its_word_forms() -> None:
    assert found(
        ("sorry for the? <inconvenience>",), "Thanks for writing. Sorry for the troubles!"
    ) == [("Sorry for the troubles", "sorry for the? <inconvenience>")]


def test_the_required_words_in_another_order_do_not_match() -> None:
    assert (
        found(("sorry for the? <inconvenience>",), "The trouble is that we are sorry for it.") == []
    )


def test_a_pattern_of_stop_words_only_still_matches() -> None:
    assert found(("to whom it may",), "To whom it may concern, hello.") == [
        ("To whom it may", "to whom it may")
    ]


def test_a_form_list_after_a_lemma_anchor_matches_its_forms_only() -> None:
    patterns = ("<automated> reply",)
    assert found(patterns, "This is an AUTOMATIC reply.") == [("AUTOMATIC reply", patterns[0])]
    assert found(patterns, "This is an automatically reply.") == []
    assert found(patterns, "Reply: automatic.") == []


def test_overlapping_patterns_keep_the_longest_match() -> None:
    patterns = ("sorry for the? <inconvenience>", "the <inconvenience>")
    assert found(patterns, "Sorry for the trouble.") == [("Sorry for the trouble", patterns[0])]


def test_a_reply_without_any_anchor_finds_nothing() -> None:
    assert found(("sorry for the? <inconvenience>",), "Your parcel left today.") == []
