"""words: which tokens count as words, worked out once per word form."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from replylint.text import words
from replylint.text.nlp import pipeline, process

if TYPE_CHECKING:
    from spacy.lexeme import Lexeme


def test_doc_word_flags_by_token() -> None:
    doc = process(pipeline("en"), "Hi @acme, see https://x.io 😀 now!")
    # Hi, @acme, ",", see, https://x.io, 😀, now, !
    assert words.doc_word_flags(doc) == [True, False, False, True, False, False, True, False]


def test_flags_stay_right_when_the_form_table_is_cleared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A full table is cleared while a doc is read: forms known before keep their
    answer (they used to raise KeyError)."""
    nlp = pipeline("en")
    words.doc_word_flags(process(nlp, "zorblax , qwimble"))  # known forms
    monkeypatch.setattr(words, "_MAX_FORMS", 1)
    doc = process(nlp, "zorblax , qwimble snorfy")  # one new form: the table is cleared
    assert words.doc_word_flags(doc) == [True, False, True, True]
    assert words.word_flags(tuple(doc)) == [True, False, True, True]


def _length(lexeme: Lexeme) -> int:
    return len(lexeme.orth_)


def test_flags_of_a_doc_the_annotator_did_not_see() -> None:
    """A doc without the annotator's form table (a statistical pipeline's) is read
    by ORTH hash, with the same answers."""
    doc = pipeline("en").make_doc("Hi @acme, see https://x.io 😀 now!")
    assert words.doc_word_flags(doc) == [True, False, False, True, False, False, True, False]


def test_flags_of_forms_met_after_the_first_read() -> None:
    """Forms the annotator adds after a function's values were first read get
    their value too (the per-form list grows)."""
    nlp = pipeline("en")
    assert words.doc_word_flags(process(nlp, "glorpwise !")) == [True, False]
    doc = process(nlp, "@snarfield , blimpocket ?")
    assert words.doc_word_flags(doc) == [False, False, True, False]
    assert words.doc_values(doc, _length, 2) == [10, 1]  # "blimpocket", "?"


def test_flags_stay_right_when_the_annotator_starts_a_new_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A doc annotated before the annotator's form table was replaced keeps reading
    the table it was annotated with."""
    from replylint.text import nlp as nlp_module

    nlp = pipeline("en")
    before = process(nlp, "wumpled , frobnix")
    monkeypatch.setattr(nlp_module, "_MAX_FORMS", 1)
    after = process(nlp, "frobnix , wumpled snoot")  # a new table
    assert words.doc_word_flags(before) == [True, False, True]
    assert words.doc_word_flags(after) == [True, False, True, True]
