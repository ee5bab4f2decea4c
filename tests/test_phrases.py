"""Phrase lists match linguistically: word forms via lemmas, elisions as tokens."""

from __future__ import annotations

import pytest

from replylint.nlp import pipeline
from replylint.phrases import phrase_list, phrase_table


@pytest.mark.parametrize(
    "text",
    [
        "We apologize for any inconvenience.",
        "We apologise for any inconvenience.",
        "We are apologizing for any inconveniences.",
        "WE APOLOGIZE FOR ANY INCONVENIENCE",
    ],
)
def test_word_forms_match_through_lemmas(text: str) -> None:
    phrases = phrase_list(
        ("apologize for any inconvenience", "apologise for any inconvenience"), "en"
    )
    (match,) = phrases.find(pipeline("en")(text))
    assert text[match.start : match.end].lower().startswith("apolog")


def test_french_elision_and_accents() -> None:
    doc = pipeline("fr")("Bonjour, l'équipe Acme vous remercie.")
    (match,) = phrase_list(("équipe acme",), "fr").find(doc)
    assert doc.text[match.start : match.end] == "équipe Acme"


def test_exact_forms_only_when_asked() -> None:
    doc = pipeline("en")("I love these tracks.")
    assert phrase_list(("track",), "en").find(doc)
    assert not phrase_list(("track",), "en", lemmas=False).find(doc)


def test_table_matches_each_list_separately() -> None:
    doc = pipeline("en")("Sorry for the wait, please call our hotline.")
    table = phrase_table(
        {"apology": ("sorry",), "redirect": ("call our hotline",), "none": ("xyz",)}, "en"
    )
    found = table.find(doc)
    assert [m.phrase for m in found["apology"]] == ["sorry"]
    assert [m.phrase for m in found["redirect"]] == ["call our hotline"]
    assert found["none"] == []


def test_fast_word_shape_matches_spacy() -> None:
    """The word-shape getter installed on the pipelines gives spaCy's own result."""
    from spacy.lang.lex_attrs import word_shape

    from replylint.nlp import _word_shape, pipeline

    samples = ["", "a", "Hello", "HELLO", "hello!!!!!!", "2026", "1234567", "ab12CD",
               "x" * 100, "\n\n\n\n\n\n", "Ünïcode", "aaaaAAAA", ".....", "ǅungla", "٣٣٣٣٣"]  # fmt: skip
    assert [_word_shape(s) for s in samples] == [word_shape(s) for s in samples]
    assert pipeline("en").vocab["Quickly99"].shape_ == word_shape("Quickly99")


@pytest.mark.parametrize(
    ("text", "possible"),
    [
        ("Where is my ORDER?", True),  # case does not matter
        ("The e - mail never came", True),  # "e-mail" splits into "e", "-", "mail"
        ("Thanks a lot", False),
    ],
)
def test_could_match_is_a_safe_pre_test(text: str, possible: bool) -> None:
    """False only where the table cannot match; whenever the table finds a match,
    `could_match` said True."""
    table = phrase_table({"topics": ("order", "e-mail")}, "en", lemmas=False)
    assert table.could_match(text, ["topics"]) is possible
    if table.find(pipeline("en")(text))["topics"]:
        assert possible


def test_could_match_cannot_tell_for_lemma_tables() -> None:
    table = phrase_table({"topics": ("order",)}, "en")
    assert table.could_match("Thanks a lot", ["topics"])
