"""directness_flags: a token's lexeme flags, read from its word form."""

from __future__ import annotations

import pytest

from replylint.builtin import directness_flags as flags
from replylint.builtin.directness_flags import LIKE_EMAIL, LIKE_NUM, LIKE_URL, STOP, TITLE, UPPER
from replylint.text import words
from replylint.text.nlp import pipeline, process


def test_flags_by_token_english() -> None:
    doc = process(pipeline("en"), "Call Sam at 0800 or see https://x.io NOW help@x.io")
    assert flags.token_flags(doc) == [
        TITLE | STOP,  # Call ("call" is on spaCy's English stop list)
        TITLE,  # Sam
        STOP,  # at
        LIKE_NUM,  # 0800
        STOP,  # or
        STOP,  # see
        LIKE_URL,  # https://x.io
        UPPER | STOP,  # NOW (stop words are compared in lower case)
        LIKE_EMAIL,  # help@x.io
    ]


def test_flags_are_the_language_own() -> None:
    """The flags follow the language: "les" is a French stop word, not an English one."""
    assert flags.token_flags(process(pipeline("en"), "les on")) == [0, STOP]
    assert flags.token_flags(process(pipeline("fr"), "les on")) == [STOP, STOP]


def test_flags_stay_right_when_the_form_table_is_cleared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nlp = pipeline("en")
    flags.token_flags(process(nlp, "zorblax the"))  # known forms
    monkeypatch.setattr(words, "_MAX_FORMS", 1)  # the shared per-form table's bound
    doc = process(nlp, "zorblax the Qwimble 12")  # new forms: the table is cleared
    assert flags.token_flags(doc) == [0, STOP, TITLE, LIKE_NUM]


def test_flags_of_a_token_range() -> None:
    """`token_flags(doc, start, end)` gives the flags of doc[start:end] only."""
    doc = process(pipeline("en"), "Call Sam at 0800 now")
    assert flags.token_flags(doc, 1, 4) == [TITLE, STOP, LIKE_NUM]  # Sam, at, 0800
    assert flags.token_flags(doc, 3) == [LIKE_NUM, STOP]  # 0800, now


def test_email_needs_at_with_spacy_own_test() -> None:
    """The default pipelines read LIKE_EMAIL with spaCy's own test, which needs an
    "@": a reply without one holds no e-mail address."""
    assert flags.email_needs_at(process(pipeline("en"), "write to us"))
    assert flags.email_needs_at(process(pipeline("fr"), "écrivez-nous"))


def test_email_needs_at_not_with_another_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """A vocabulary that reads LIKE_EMAIL its own way may find addresses without "@"."""
    from spacy.attrs import LIKE_EMAIL as SPACY_LIKE_EMAIL
    from spacy.vocab import Vocab

    vocab = Vocab(lex_attr_getters={SPACY_LIKE_EMAIL: lambda text: " at " in text})
    assert not flags._reads_like_email_by_spacy(vocab)
