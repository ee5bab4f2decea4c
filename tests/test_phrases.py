"""Phrase lists match linguistically: word forms via lemmas, elisions as tokens."""

from __future__ import annotations

from pathlib import Path

import pytest

from replylint.text.nlp import pipeline, process
from replylint.text.phrases import PhraseMatch, phrase_list, phrase_table


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


def test_matches_on_demand_give_what_find_gives_list_by_list() -> None:
    doc = pipeline("en")("Sorry, so sorry for the wait: please call our hotline or call us.")
    table = phrase_table(
        {
            "apology": ("sorry", "so sorry"),
            "redirect": ("call our hotline", "call", "call us"),
            "none": ("xyz",),
        },
        "en",
    )
    on_demand = table.find_on_demand(doc)
    # Longest first, then in text order: "so sorry" takes the second "sorry".
    assert [m.phrase for m in on_demand["apology"]] == ["sorry", "so sorry"]
    assert [m.phrase for m in on_demand["redirect"]] == ["call our hotline", "call us"]
    assert list(on_demand["none"]) == []
    assert on_demand["apology"] == table.find(doc)["apology"]
    with pytest.raises(KeyError):
        on_demand["not a list"]


def test_fast_word_shape_matches_spacy() -> None:
    """The word-shape getter installed on the pipelines gives spaCy's own result."""
    from spacy.lang.lex_attrs import word_shape

    from replylint.text.nlp import _word_shape, pipeline

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


def test_lemma_lookup_finds_every_form_and_nothing_else() -> None:
    from replylint.text.lemma_lookup import LemmaLookup

    pairs = [("went", "go"), ("children", "child"), ("été", "être"), ("a\tb", "x"), ("", "y")]
    lookup = LemmaLookup.from_pairs(pairs)
    assert len(lookup) == 3  # a form with a tab, and an empty form, are left out
    assert [lookup.get(f) for f in ("went", "children", "été")] == ["go", "child", "être"]
    assert lookup.get("go") is None and lookup.get("") is None and lookup.get("zzz") is None
    assert LemmaLookup("").get("went") is None
    assert LemmaLookup(lookup.block).get("été") == "être"  # as read back from the cache


def test_lemma_lookup_across_many_segments() -> None:
    """Small segments: forms at the start, middle and end of a segment, before the
    first form, after the last, between two, and prefixes of real forms."""
    import random

    from replylint.text.lemma_lookup import LemmaLookup

    class Small(LemmaLookup):
        SEGMENT = 16

    rng = random.Random(7)
    letters = "abcdeéz-'"
    table = {
        "".join(rng.choice(letters) for _ in range(rng.randrange(1, 7))): str(i) for i in range(400)
    }
    lookup = Small(LemmaLookup.from_pairs(table.items()).block)
    assert len(lookup) == len(table)
    assert all(lookup.get(form) == lemma for form, lemma in table.items())
    probes = [
        "",
        "\t",
        "a\nb",
        "0",
        "zzzzzzzz",
        *(form[:-1] for form in table),
        *(f + "x" for f in table),
    ]
    assert [lookup.get(p) for p in probes] == [table.get(p) for p in probes]


def test_lemma_cache_is_written_and_read_back(tmp_path: Path) -> None:
    from replylint.text.lemma_lookup import load_lemma_lookup

    first = load_lemma_lookup("en", tmp_path)
    assert list(tmp_path.glob("lemmas-en-*.tsv"))
    again = load_lemma_lookup("en", tmp_path)
    assert len(first) == len(again) > 1000
    assert again.get("children") == "child"


def test_a_table_matches_form_lists_and_lemma_lists_each_their_own_way() -> None:
    # One table, two kinds of list: "tracks" is a form of "track" (the lemma list
    # finds it) but not the word "track" itself (the form list does not).
    table = phrase_table(
        {"by_lemma": ("track",), "by_form": ("track", "these")},
        "en",
        form_keys=frozenset({"by_form"}),
    )
    doc = pipeline("en")("I love these tracks.")
    found = table.find(doc)
    assert [m.phrase for m in found["by_lemma"]] == ["track"]
    assert [(m.phrase, m.start, m.end) for m in found["by_form"]] == [("these", 7, 12)]


def test_overlapping_matches_keep_the_longest_and_disjoint_ones_all() -> None:
    table = phrase_table({"k": ("thank you", "thank you so much", "much")}, "en", lemmas=False)
    doc = pipeline("en")("Thank you so much. Thank you, much appreciated.")
    matches = table.find(doc)["k"]
    # Offsets worked out by hand: "Thank you so much" 0-17, "Thank you" 19-28, "much" 30-34.
    assert [(m.phrase, m.start, m.end) for m in matches] == [
        ("thank you so much", 0, 17),
        ("thank you", 19, 28),
        ("much", 30, 34),
    ]


def test_an_elided_word_alone_in_a_list_matches_before_a_word() -> None:
    # "j'" alone tokenizes as "j" + "'", yet in a reply it is one token ("j'" "ai").
    doc = process(pipeline("fr", None), "J'ai noté qu'il manque l’étiquette.")
    for lemmas in (True, False):
        found = [m.phrase for m in phrase_list(["j'", "qu'", "l’"], "fr", lemmas=lemmas).find(doc)]
        assert found == ["j'", "qu'", "l’"]


@pytest.mark.parametrize(
    ("text", "reach"),
    [
        ("Thanks for waiting, all sorted.", set()),  # "go for" needs "go" too
        ("Did you go for the bigger box?", {"forms"}),  # the lower-case words of "go for"
        ("Go sit for a bit.", {"forms"}),  # both words, not side by side: a gate may say so
        ("She signed up yesterday.", {"lemmas"}),  # "sign up" by its lemma alone
        ("Sign-in works again, go for it.", {"forms"}),
    ],
)
def test_lists_in_reach_hold_every_list_find_fills(text: str, reach: set[str]) -> None:
    """A list is out of reach only where `find` cannot match it."""
    table = phrase_table(
        {"forms": ("go for",), "lemmas": ("sign up",)}, "en", form_keys=frozenset({"forms"})
    )
    doc = process(pipeline("en"), text)
    in_reach = table.lists_in_reach(doc, {t.lower_ for t in doc})
    assert in_reach == reach
    assert {key for key, found in table.find(doc).items() if found} <= in_reach


def _phrases(found: dict[str, list[PhraseMatch]]) -> dict[str, list[tuple[str, int, int]]]:
    return {key: [(m.phrase, m.token_start, m.token_end) for m in ms] for key, ms in found.items()}


def test_tables_sharing_a_doc_match_as_each_alone() -> None:
    # Two tables with an overlapping phrase ("refund") and a lemma list each: one
    # pass over the doc must give each table what its own matchers give it.
    text = "We refunded your parcel fee; the parcels were shipped back to our depot."
    apart_lists = (
        {"money": ("refund", "parcel fee"), "place": ("our depot",)},
        {"goods": ("parcel",), "money": ("refund",), "moves": ("ship back",)},
    )
    shared = [phrase_table(lists, "en", shared=True) for lists in apart_lists]
    alone = [phrase_table(lists, "en") for lists in apart_lists]
    doc = process(pipeline("en"), text)
    # Worked out by hand: "refunded" is refund by lemma; "parcel fee" (tokens 3-5)
    # takes "parcel" in the first table only; "shipped back" is "ship back".
    assert _phrases(shared[0].find(doc)) == {
        "money": [("refund", 1, 2), ("parcel fee", 3, 5)],
        "place": [("our depot", 12, 14)],
    }
    assert _phrases(shared[1].find(doc)) == {
        "goods": [("parcel", 3, 4), ("parcel", 7, 8)],
        "money": [("refund", 1, 2)],
        "moves": [("ship back", 9, 11)],
    }
    fresh = process(pipeline("en"), text)  # each table alone, on a doc of its own
    for table_shared, table_alone in zip(shared, alone, strict=True):
        assert _phrases(table_alone.find(fresh)) == _phrases(table_shared.find(doc))
        on_demand = table_shared.find_on_demand(doc)
        assert {k: on_demand[k] for k in table_shared.keys} == table_alone.find(fresh)
        assert table_shared.lists_in_reach(doc, set()) == {
            key for key, ms in table_alone.find(fresh).items() if ms
        }


def test_table_joining_after_a_doc_was_matched_still_finds_its_phrases() -> None:
    doc = process(pipeline("en"), "Your courier left the box at the gatehouse.")
    first = phrase_table({"courier": ("courier",)}, "en", shared=True)
    assert [m.phrase for m in first.find(doc)["courier"]] == ["courier"]
    later = phrase_table({"spot": ("the gatehouse",)}, "en", shared=True)
    assert [m.phrase for m in later.find(doc)["spot"]] == ["the gatehouse"]
    assert [m.phrase for m in first.find(doc)["courier"]] == ["courier"]
