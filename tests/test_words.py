"""words: which tokens count as words, worked out once per word form."""

from __future__ import annotations

import pytest

from replylint.text import words
from replylint.text.nlp import pipeline, process


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
