"""nlp: the default pipeline's sentence starts and lemmas, against spaCy's own."""

from __future__ import annotations

import pytest
import spacy
from spacy.lookups import load_lookups

from replylint.text.nlp import pipeline, process

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
    # The reference is spacy-lookups-data's own table, read by spaCy (French entries
    # may be lists: the first is the lemma).
    table = load_lookups(language, ["lemma_lookup"]).get_table("lemma_lookup")

    def lookup(form: str) -> str | None:
        found = table.get(form)
        return found[0] if isinstance(found, list) else found

    lemmas = [(lookup(t.lower_) or lookup(t.text) or t.lower_).lower() for t in expected]
    assert [t.lemma_ for t in doc] == lemmas


def test_lemmas_worked_out_by_hand() -> None:
    doc = process(pipeline("en"), "The children's parcels shipped. We waited.")
    lemmas = [t.lemma_ for t in doc]
    assert lemmas[:2] + lemmas[3:] == ["the", "child", "parcel", "ship", ".", "we", "wait", "."]
    doc = process(pipeline("fr"), "Désolés, on vous remercie.")
    lemmas_by_form = {t.text: t.lemma_ for t in doc}
    assert lemmas_by_form["Désolés"] == "désolé"
    assert lemmas_by_form["remercie"] == "remercier"
