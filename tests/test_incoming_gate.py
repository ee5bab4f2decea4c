"""The raw-text gate before a customer's message is tokenized: it passes every text
in which a phrase can match, however the tokenizer and the lemmas reach it."""

from __future__ import annotations

import pytest

from replylint.builtin.incoming_gate import PhraseGate, phrase_gate, word_gate
from replylint.text.nlp import pipeline, process
from replylint.text.phrases import data_phrase_table
from rule_support import lint


def _gate_and_matches(
    phrases: list[str], text: str, language: str, *, by_form: bool = False
) -> tuple[bool, list[str]]:
    """The gate's answer on `text` for one list of `phrases`, and the phrases the
    list's table really finds in `text`'s doc."""
    data = {"words": phrases}
    forms = frozenset({"words"}) if by_form else frozenset()
    gate = phrase_gate(data, ("words",), language, None, forms)
    assert gate is not None
    table = data_phrase_table(data, ("words",), language, form_keys=forms)
    found = table.find(process(pipeline(language), text))["words"]
    return gate.may_hold(text), [match.phrase for match in found]


@pytest.mark.parametrize(
    ("phrases", "text", "language", "phrase"),
    [
        # A contraction's special case cuts a word in two: "can" + "not", "do" + "n't".
        (["not"], "I cannot wait", "en", "not"),
        (["do"], "Please don't.", "en", "do"),
        (["gon"], "I'm gonna wait", "en", "gon"),
        # An inflected form whose lemma is the phrase's: "refunded" -> "refund".
        (["refund"], "They refunded half of it", "en", "refund"),
        (["child"], "Both CHILDREN travel with me", "en", "child"),
        # A French elision: "d'" and "l'" are tokens of their own before the word.
        (["achat"], "Mon bon d'achat a expiré", "fr", "achat"),
        (["l'équipe"], "Merci à l'équipe", "fr", "l'équipe"),
        (["livrer"], "Le colis n'a pas été livré", "fr", "livrer"),
        # A participle the table keeps as it is, led to its verb by the annotator.
        (["livrer"], "Toujours pas livrée", "fr", "livrer"),
        # A form the annotator corrects: "est" is "être" (the table: "east").
        (["être"], "Il est là", "fr", "être"),
        # A unit after a number is cut from it: "5" + "km", "2" + "kg".
        (["km"], "The depot is 5km away", "en", "km"),
        (["kg"], "Le colis pèse 2kg", "fr", "kg"),
    ],
)
def test_the_gate_passes_a_text_whose_only_match_the_tokenizer_or_lemmas_make(
    phrases: list[str], text: str, language: str, phrase: str
) -> None:
    passes, found = _gate_and_matches(phrases, text, language)
    assert found == [phrase]
    assert passes


@pytest.mark.parametrize(
    ("phrases", "text", "language"),
    [
        (["refund"], "Thanks for the quick answer", "en"),
        (["not"], "Nothing to report here", "en"),
        (["achat"], "Merci pour votre réponse", "fr"),
        (["km"], "See you at 5 pm", "en"),
    ],
)
def test_the_gate_stops_a_text_without_any_of_the_words(
    phrases: list[str], text: str, language: str
) -> None:
    assert _gate_and_matches(phrases, text, language) == (False, [])


def test_a_list_matched_by_form_is_not_opened_by_another_form_of_the_word() -> None:
    # "refunded" is no lower-case form of "refund": neither matches nor passes.
    assert _gate_and_matches(["refund"], "They refunded it", "en", by_form=True) == (False, [])


def test_a_statistical_model_has_no_gate() -> None:
    assert phrase_gate({"words": ["refund"]}, ("words",), "en", "en_core_web_sm") is None


@pytest.mark.parametrize(
    ("incoming", "language"),
    [
        ("I was double-charged and can't get through to anyone", "en"),
        ("Still waiting, the parcels haven't arrived", "en"),
        ("Ma commande n'est jamais arrivée", "fr"),
        ("On m'a prélevé 2 fois", "fr"),
    ],
)
def test_a_matter_raised_through_an_inflected_or_elided_word_is_still_read(
    incoming: str, language: str
) -> None:
    text = (
        "Thanks for letting us know, we're on it."
        if language == "en"
        else "Merci de nous avoir prévenus, on s'en occupe."
    )
    report = lint("sensitive-in-private", language=language, text=text, incoming=incoming)
    assert [f.check for f in report.findings] == ["incoming-matter"]


@pytest.mark.parametrize(
    ("text", "passes"),
    [
        ("One bag, please", True),
        ("Bag2 and 16", True),  # the digit ends the word; "16" is a run of its own
        ("My baggage", False),  # "bag" is no whole run here
        ("ab cd", False),  # runs shorter than any of the gate's are skipped
        ("1616 or 160", False),
    ],
)
def test_the_gate_compares_whole_runs_of_letters_or_digits(text: str, passes: bool) -> None:
    assert PhraseGate(["bag", "16"], [], sigma=False).may_hold(text) is passes


@pytest.mark.parametrize(
    ("word", "text", "language"),
    [
        # A special case makes the token: "im" -> "i" + "m", "don't" -> "do" + "n't".
        ("i", "Im waiting for it", "en"),
        ("n't", "They don't answer", "en"),
        ("not", "I cannot log in", "en"),
        # An elision is a token of its own before the word.
        ("j'", "J'attends toujours", "fr"),
        ("my", "MY parcel", "en"),
    ],
)
def test_the_word_gate_passes_a_text_whose_doc_holds_the_word(
    word: str, text: str, language: str
) -> None:
    assert word in [token.lower_ for token in process(pipeline(language), text)]
    gate = word_gate(frozenset({word}), language, None)
    assert gate is not None
    assert gate.may_hold(text)


@pytest.mark.parametrize(
    ("words", "text", "language"),
    [
        # "nothing" and "know" hold "no" and "not" inside a run, never as a token.
        ({"not", "no"}, "Nothing I know of", "en"),
        ({"my", "i"}, "Is the shop open on Sunday?", "en"),
        ({"ne", "pas"}, "Vous livrez en Belgique ?", "fr"),
    ],
)
def test_the_word_gate_stops_a_text_without_any_of_the_words(
    words: set[str], text: str, language: str
) -> None:
    assert not set(words) & {token.lower_ for token in process(pipeline(language), text)}
    gate = word_gate(frozenset(words), language, None)
    assert gate is not None
    assert not gate.may_hold(text)


def test_a_statistical_model_has_no_word_gate() -> None:
    assert word_gate(frozenset({"not"}), "en", "en_core_web_sm") is None
