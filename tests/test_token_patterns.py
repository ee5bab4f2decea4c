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


# Adjacent required words of a pattern ("sorry for") are looked for as one run, a
# far rarer anchor than either word: these check that no match is lost by it.


def test_a_run_of_adjacent_words_matches_their_inflections() -> None:
    pattern = "apologize for the? <inconvenience>"
    assert found((pattern,), "We apologized for the troubles.") == [
        ("apologized for the troubles", pattern)
    ]


def test_a_run_is_found_in_a_later_sentence_but_not_across_a_sentence_end() -> None:
    pattern = "sorry , for the? <inconvenience>"
    assert found((pattern,), "Hello there. Sorry, for the troubles!") == [
        ("Sorry, for the troubles", pattern)
    ]
    # "!" ends the sentence: "for" opens the next one, and a formula stays in one.
    assert found(("sorry ! for the? <inconvenience>",), "Sorry! for the troubles.") == []


def test_an_optional_word_between_required_words_may_be_there_or_not() -> None:
    pattern = "we be very? sorry for the? <inconvenience>"
    assert found((pattern,), "We are sorry for the trouble.") == [
        ("We are sorry for the trouble", pattern)
    ]
    assert found((pattern,), "We are very sorry for the trouble.") == [
        ("We are very sorry for the trouble", pattern)
    ]
    assert found((pattern,), "We are very sorry for trouble.") == [
        ("We are very sorry for trouble", pattern)
    ]


def test_a_run_holds_an_optional_word_or_not() -> None:
    pattern = "for your kind? information"
    assert found((pattern,), "For your information, we open at nine.") == [
        ("For your information", pattern)
    ]
    assert found((pattern,), "Here it is for your kind information.") == [
        ("for your kind information", pattern)
    ]
    assert found((pattern,), "For your kind of information, call us.") == []


def test_a_repeated_word_between_required_words_may_stand_once_or_twice() -> None:
    pattern = "sorry for <determiners>{1,2} <inconvenience>"
    lists = {**_LISTS, "determiners": ("lemma", ("all", "the", "this"))}
    doc = pipeline("en")("Sorry for all the trouble. Sorry for this trouble.")
    matches = TokenPatterns((pattern,), lists, {}, "en").find(doc)
    assert [doc.text[m.start : m.end] for m in matches] == [
        "Sorry for all the trouble",
        "Sorry for this trouble",
    ]


def test_a_run_of_word_forms_matches_those_forms_only() -> None:
    pattern = "=kindly =note that"
    assert found((pattern,), "Kindly note that we close at six.") == [("Kindly note that", pattern)]
    assert found((pattern,), "Kindly noted that we close at six.") == []


def test_the_words_of_a_run_in_another_order_or_apart_do_not_match() -> None:
    pattern = "sorry for the? <inconvenience>"
    assert found((pattern,), "For the trouble we are sorry.") == []
    assert found((pattern,), "Sorry, but for the trouble see below.") == []


def test_matches_any_says_whether_find_finds_something() -> None:
    patterns = TokenPatterns(
        ("sorry for the? <inconvenience>", "<automated> reply"), _LISTS, {}, "en"
    )
    nlp = pipeline("en")
    assert patterns.matches_any(nlp("Hi. This is an automatic reply. Sorry for the trouble."))
    assert patterns.matches_any(nlp("Sorry for the trouble."))
    assert not patterns.matches_any(nlp("Sorry, the trouble is an automatic one."))
    assert not patterns.matches_any(nlp(""))


# A sentence is matched only around a variant's required words, as far as its
# optional or any-word tokens may reach before and after them.


def test_optional_words_before_and_after_the_required_ones_are_matched() -> None:
    pattern = "very? sorry for the? <inconvenience> indeed?"
    assert found((pattern,), "Well, we are very sorry for the trouble indeed, truly.") == [
        ("very sorry for the trouble indeed", pattern)
    ]


def test_any_words_before_the_required_ones_are_matched_as_far_as_they_reach() -> None:
    assert found(
        ("_{0,2} sorry for the? <inconvenience>",), "Well we are sorry for the trouble."
    ) == [("we are sorry for the trouble", "_{0,2} sorry for the? <inconvenience>")]
    assert found(("_+ sorry for the? <inconvenience>",), "Well we are sorry for the trouble.") == [
        ("Well we are sorry for the trouble", "_+ sorry for the? <inconvenience>")
    ]


# Variants of finite words are enumerated into phrases found in one pass; these
# compare what that finds with the matcher alone (`phrases=False`) on the same text.

_MORE_LISTS = {
    **_LISTS,
    "determiners": ("form", ("the", "any", "this")),
    "we_i": ("form", ("we", "i")),
}


def both(patterns: tuple[str, ...], text: str) -> list[tuple[str, str]]:
    """(matched text, pattern) of every match, asserted equal on both paths."""
    doc = pipeline("en")(text)
    results = []
    for phrases in (True, False):
        found = TokenPatterns(patterns, _MORE_LISTS, {}, "en", phrases=phrases).find(doc)
        results.append([(text[m.start : m.end], m.phrase) for m in found])
    assert results[0] == results[1]
    return results[0]


def test_enumerated_optional_words_match_with_or_without_them() -> None:
    pattern = "sorry for <determiners>? <inconvenience>"
    assert both((pattern,), "Sorry for trouble. Sorry for any trouble!") == [
        ("Sorry for trouble", pattern),
        ("Sorry for any trouble", pattern),
    ]


def test_enumerated_repetitions_match_each_count() -> None:
    pattern = "sorry for <determiners>{1,2} <inconvenience>"
    assert both(
        (pattern,), "Sorry for the trouble. Sorry for any this trouble. Sorry for trouble."
    ) == [
        ("Sorry for the trouble", pattern),
        ("Sorry for any this trouble", pattern),
    ]


def test_enumerated_lemma_items_match_inflections_and_form_items_only_forms() -> None:
    pattern = "<we_i> apologize for the <inconvenience>"
    assert both((pattern,), "WE APOLOGIZED for the troubles.") == [
        ("WE APOLOGIZED for the troubles", pattern)
    ]
    # "us" has the lemma of no form of <we_i>; "=forms" match their forms only
    assert both((pattern,), "Us apologized for the troubles.") == []
    assert both(("=kindly =note",), "Kindly noted. Kindly note.") == [
        ("Kindly note", "=kindly =note")
    ]


def test_enumerated_matches_stay_inside_a_sentence() -> None:
    assert both(("sorry ! for the <inconvenience>",), "Sorry! for the trouble.") == []
    assert both(("sorry for the <inconvenience>",), "Hi. Sorry for the trouble.") == [
        ("Sorry for the trouble", "sorry for the <inconvenience>")
    ]


def test_overlapping_matches_of_both_paths_keep_the_longest_then_the_earliest() -> None:
    # "_" keeps the second pattern on the matcher path; the first is enumerated.
    patterns = ("sorry for the <inconvenience>", "_ sorry for the <inconvenience> indeed")
    assert both(patterns, "We sorry for the trouble indeed.") == [
        ("We sorry for the trouble indeed", patterns[1])
    ]
    patterns = ("for the <inconvenience>", "sorry for")
    assert both(patterns, "Sorry for the trouble.") == [("for the trouble", patterns[0])]
    # the same words twice: on a tie the pattern first by name
    assert both(("the trouble", "the <inconvenience>"), "The trouble.") == [
        ("The trouble", "the <inconvenience>")
    ]
