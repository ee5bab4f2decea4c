"""nlp: the default pipeline's sentence starts and lemmas, against spaCy's own."""

from __future__ import annotations

import pytest
import spacy
from spacy.lookups import load_lookups

from replylint.text.nlp import pipeline, process
from replylint.text.token_arrays import token_bounds

TEXTS = {
    "en": [
        'Hi... what?! Really?? Yes. (ok.) "Quoted." Done',
        "We apologise for the delay!!! Your children's order shipped. Thanks",
        "…",
        "?!",
        "",
        "@acme Where is it? I've waited 3 weeks -- nothing.",
        'Sent!) ("Ok?" she said.) Fine. . . and then? ,yes!',
        "No final at all, just words",
    ],
    "fr": [
        "Bonjour ! Ça va ? Oui… merci.",
        "Nous sommes là : la commande part demain. L'équipe vous remercie.",
    ],
}


@pytest.mark.parametrize(
    ("language", "text"), [(lang, t) for lang, ts in TEXTS.items() for t in ts]
)
def test_sentences_and_lemmas_match_spacy(language: str, text: str) -> None:
    """Same sentence starts as spaCy's Sentencizer; lemmas from the lookup table,
    the lower-case form looked up first (texts without the French forms the
    annotator corrects: see the tests below)."""
    doc = process(pipeline(language), text)
    reference = spacy.blank(language)
    reference.add_pipe("sentencizer")
    expected = reference(text)
    assert [s.start for s in doc.sents] == [s.start for s in expected.sents]
    assert [t.is_sent_start for t in doc] == [t.is_sent_start for t in expected]
    # The reference is spacy-lookups-data's own table, read by spaCy (French entries
    # may be lists: the first is the lemma).
    table = load_lookups(language, ["lemma_lookup"]).get_table("lemma_lookup")

    def lookup(form: str) -> str | None:
        found = table.get(form)
        return found[0] if isinstance(found, list) else found

    lemmas = [(lookup(t.lower_) or lookup(t.text) or t.lower_).lower() for t in expected]
    assert [t.lemma_ for t in doc] == lemmas


@pytest.mark.parametrize("language", ["en", "fr"])
def test_tokenizer_has_spacy_blank_settings_and_exceptions(language: str) -> None:
    """The tokenizer built without re-checking spaCy's shipped exceptions has the
    same affix patterns, token and URL matches and exceptions as `spacy.blank`'s."""
    ours = pipeline(language).tokenizer.to_bytes(exclude=["vocab"])
    assert ours == spacy.blank(language).tokenizer.to_bytes(exclude=["vocab"])


def test_shipped_exceptions_split_as_spacy_splits_them() -> None:
    """Exceptions added unchecked still split their string: "can't" is "ca" + "n't",
    "y'all" is "y'" + "all" (spaCy's English exceptions)."""
    tokens = [t.text for t in process(pipeline("en"), "I can't, y'all")]
    assert tokens == ["I", "ca", "n't", ",", "y'", "all"]


def test_lemmas_worked_out_by_hand() -> None:
    doc = process(pipeline("en"), "The children's parcels shipped. We waited.")
    lemmas = [t.lemma_ for t in doc]
    assert lemmas[:2] + lemmas[3:] == ["the", "child", "parcel", "ship", ".", "we", "wait", "."]
    doc = process(pipeline("fr"), "Désolés, on vous remercie.")
    lemmas_by_form = {t.text: t.lemma_ for t in doc}
    # The table gives "désolé", a participle it keeps as it is: its verb is "désoler".
    assert lemmas_by_form["Désolés"] == "désoler"
    assert lemmas_by_form["remercie"] == "remercier"


def test_french_participles_the_table_keeps_take_their_verb() -> None:
    """spacy-lookups-data keeps "envoyé", "appelé", "livrée" as they are (while
    "envoyée" -> "envoyer"): a first-group participle takes the infinitive when the
    table leads another form of that verb to it; a noun with no such verb stays."""
    text = "Colis envoyé, client appelé, commande livrée. Le café, une journée."
    lemmas = {t.text: t.lemma_ for t in process(pipeline("fr"), text)}
    assert lemmas["envoyé"] == "envoyer"
    assert lemmas["appelé"] == "appeler"
    assert lemmas["livrée"] == "livrer"
    assert lemmas["café"] == "café"
    assert lemmas["journée"] == "journée"
    # English has no such rule: "used" is the table's.
    assert [t.lemma_ for t in process(pipeline("en"), "used")] == ["use"]


def test_french_homographs_get_the_word_a_reply_means() -> None:
    """The table reads "est" as the noun "east" and "informe" as the adjective, and
    has no entry for "joignables": in a reply they are "être", "informer" and
    "joignable"."""
    doc = process(pipeline("fr"), "Le service est joignable ; je vous informe. Joignables")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["est"] == "être"
    assert lemmas["informe"] == "informer"
    assert lemmas["Joignables"] == "joignable"


# Special cases (contractions, elisions) early in a text, then chunks with affixes:
# spaCy stops caching a text's chunks after its first special case.
CONTRACTION_TEXTS = {
    "en": [
        "You'll get it (soon), we're sure. Don't worry: it's shipped! Can't wait...",
        "I'm on it -- you'll see the refund by Monday; isn't that ok?",
        "we'll, you'll, they'll... (don't) 'quoted' e-mail co-op U.S.A. 10:30am",
    ],
    "fr": [
        "J'ai vu qu'il l'a envoyé aujourd'hui ; c'est-à-dire (demain) : peut-être !",
        "L'équipe s'en occupe, n'hésitez pas... qu'en dites-vous ?",
    ],
}


@pytest.mark.parametrize(
    ("language", "text"), [(lang, t) for lang, ts in CONTRACTION_TEXTS.items() for t in ts]
)
def test_tokens_match_spacy_after_special_cases(language: str, text: str) -> None:
    """The chunk cache that `process` fills changes no token: the same tokens and
    whitespace as a fresh blank pipeline of spaCy's, on first and later calls."""
    expected = [(t.text, t.whitespace_) for t in spacy.blank(language)(text)]
    nlp = pipeline(language)
    for _ in range(2):
        assert [(t.text, t.whitespace_) for t in process(nlp, text)] == expected
        # Each chunk alone first, then the text: the order the cache is filled in.
        for chunk in text.split():
            process(nlp, chunk)


def test_chunks_remembered_for_the_tokenizer_cache_stay_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No more chunks are remembered than spaCy's tokenizer cache could hold."""
    from replylint.text import nlp as nlp_module
    from replylint.text.derived import derived

    nlp = pipeline("en")
    seen: set[str] = derived(nlp, "tokenizer-cached chunks", set)
    monkeypatch.setattr(nlp_module, "_TOKENIZER_CACHE_SIZE", len(seen) + 3)
    doc = process(nlp, "zqa1 zqa2 zqa3 zqa4 zqa5 zqa6")
    assert len(doc) == 6
    assert len(seen) == nlp_module._TOKENIZER_CACHE_SIZE
    assert {"zqa1", "zqa2", "zqa3"} <= seen and "zqa4" not in seen


def test_lower_case_forms_come_with_the_annotation() -> None:
    """The annotator hands every token's lower-case form to `token_lowers`."""
    from replylint.text.token_arrays import token_lowers

    doc = process(pipeline("en"), "Hello WORLD, it's ÉTÉ!")
    assert token_lowers(doc) == ["hello", "world", ",", "it", "'s", "été", "!"]
    assert token_lowers(doc) is token_lowers(doc)  # kept with the doc, not remade


def test_the_annotators_form_table_starts_over_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long-lived server meets new word forms forever: a doc that finds the table
    full starts a new one (holding only its own forms), and docs on both sides of
    the reset get the same lemmas as in a fresh table."""
    import replylint.text.nlp as nlp_module
    from replylint.text.token_arrays import token_lowers

    nlp = pipeline("en")
    annotator = nlp.get_pipe("replylint_annotate")
    monkeypatch.setattr(nlp_module, "_MAX_FORMS", 4)
    first = process(nlp, "Parcels arrived late again today, Wilma")
    assert [t.lemma_ for t in first] == ["parcel", "arrive", "late", "again", "today", ",", "wilma"]
    assert token_lowers(first) == ["parcels", "arrived", "late", "again", "today", ",", "wilma"]
    second = process(nlp, "Orders ship tomorrow")
    assert len(annotator._forms.numbers) == 3  # the seven forms above were dropped
    assert [t.lemma_ for t in second] == ["order", "ship", "tomorrow"]
    assert token_lowers(second) == ["orders", "ship", "tomorrow"]


def test_token_bounds_from_the_annotator_are_the_tokens_offsets() -> None:
    # "Hi", ",", "it", "'s", "me": offsets worked out by hand.
    expected = ([0, 2, 4, 6, 9], [2, 3, 6, 8, 11])
    assert token_bounds(process(pipeline("en"), "Hi, it's me")) == expected
    # A doc the annotator never saw reads them itself: the same offsets.
    assert token_bounds(pipeline("en").make_doc("Hi, it's me")) == expected
