"""token_arrays: per-doc lists of token attributes, read without Token objects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from replylint.text.nlp import pipeline, process
from replylint.text.token_arrays import form_values, token_bounds, token_orths

if TYPE_CHECKING:
    from spacy.lexeme import Lexeme


_WORDS = ["Hi", "there", ",", "Ana", "!"]


def test_word_forms_of_an_annotated_doc() -> None:
    nlp = pipeline("en")
    doc = process(nlp, "Hi there, Ana!")
    assert [nlp.vocab.strings[orth] for orth in token_orths(doc)] == _WORDS


def test_word_forms_of_a_doc_the_annotator_did_not_see() -> None:
    nlp = pipeline("en")
    doc = nlp.make_doc("Hi there, Ana!")
    assert [nlp.vocab.strings[orth] for orth in token_orths(doc)] == _WORDS
    assert form_values(doc, _is_title) is None  # no form table: callers read by ORTH hash


def test_per_form_values_of_a_token_range() -> None:
    doc = process(pipeline("en"), "Hi there, Ana!")
    assert form_values(doc, _is_title) == [True, False, False, True, False]
    assert form_values(doc, _is_title, 1, 4) == [False, False, True]


def test_token_bounds() -> None:
    doc = process(pipeline("en"), "Hi there, Ana!")
    assert token_bounds(doc) == ([0, 3, 8, 10, 13], [2, 8, 9, 13, 14])


def _is_title(lexeme: Lexeme) -> bool:
    return bool(lexeme.is_title)
