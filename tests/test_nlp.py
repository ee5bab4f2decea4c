"""nlp: the default pipeline's sentence starts and lemmas, against spaCy's own."""

from __future__ import annotations

import pytest
import spacy

from replylint.text.nlp import _lemma_table, pipeline, process

TEXTS = {
    "en": [
        'Hi... what?! Really?? Yes. (ok.) "Quoted." Done',
        "We apologise for the delay!!! Your children's order shipped. Thanks",
        "…",
        "?!",
        "",
        "@acme Where is it? I've waited 3 weeks -- nothing.",
    ],
    "fr": [
        "Bonjour ! Ça va ? Oui… merci.",
        "Nous sommes désolés : la commande est partie. L'équipe vous remercie.",
    ],
}


@pytest.mark.parametrize(
    ("language", "text"), [(lang, t) for lang, ts in TEXTS.items() for t in ts]
)
def test_sentences_and_lemmas_match_spacy(language: str, text: str) -> None:
    """Same sentence starts as spaCy's Sentencizer; lemmas from the lookup table,
    the lower-case form looked up first."""
    doc = process(pipeline(language), text)
    reference = spacy.blank(language)
    reference.add_pipe("sentencizer")
    expected = reference(text)
    assert [s.start for s in doc.sents] == [s.start for s in expected.sents]
    table = _lemma_table(language)
    lemmas = [(table.get(t.lower_) or table.get(t.text) or t.lower_).lower() for t in expected]
    assert [t.lemma_ for t in doc] == lemmas


def test_lemmas_widen_word_forms() -> None:
    doc = process(pipeline("en"), "Apologizing, the children went.")
    assert [t.lemma_ for t in doc if t.is_alpha] == ["apologize", "the", "child", "go"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_blank_pipeline_tokenizes_as_spacy_blank(language: str) -> None:
    """`_blank` skips `spacy.blank`'s config resolution: same tokenizer, same settings."""
    from replylint.text.nlp import _blank, _light_french_import

    ours = _blank(language)
    with _light_french_import():
        theirs = spacy.blank(language)
    assert ours.lang == theirs.lang
    assert ours.config["nlp"] == theirs.config["nlp"]
    assert ours.tokenizer.to_bytes() == theirs.tokenizer.to_bytes()
    text = "Bonjour l'équipe, peut-être demain ? Don't worry: order #123 ships 12/03. :)"
    assert [t.text for t in ours.make_doc(text)] == [t.text for t in theirs.make_doc(text)]
