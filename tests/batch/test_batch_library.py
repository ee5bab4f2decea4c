"""Library-level checks: near-duplicate saved replies and saved replies without `faq`."""

from __future__ import annotations

import itertools
import random

from replylint.inputs.library import (
    LibraryCollector,
    LibraryEntry,
    jaccard,
    near_duplicates,
    shingles,
)
from replylint.model import Reply


def entry(name: str, text: str, **fields: object) -> LibraryEntry:
    reply = Reply(text, id=name, saved_reply=name, **fields)  # type: ignore[arg-type]
    found = LibraryEntry.from_reply("lib.jsonl", reply)
    assert found is not None
    return found


REFUND = (
    "Hi {{first_name}}, thanks for reaching out. Your refund was issued today and "
    "should appear on your card within 5 to 7 business days. – Marie"
)


def test_pairs_found_and_unrelated_not_paired() -> None:
    entries = [
        entry("refund", REFUND),
        entry(
            "shipping", "Your parcel left our warehouse this morning; tracking is in your email."
        ),
        entry("refund-2", REFUND.replace("5 to 7", "five to seven")),
        entry("refund-3", REFUND),
        entry("password", "To reset your password, open Settings, then Security, then Reset."),
    ]
    pairs = {(p.a.id, p.b.id): p.similarity for p in near_duplicates(entries, 0.6)}
    # An exact copy is paired with the first copy only (not with every copy).
    assert set(pairs) == {("refund", "refund-2"), ("refund", "refund-3")}
    assert pairs["refund", "refund-3"] == 1.0
    assert 0.6 <= pairs["refund", "refund-2"] < 0.8  # two numbers spelled out
    (only,) = near_duplicates(entries, 0.8)
    assert (only.a.id, only.b.id, only.similarity) == ("refund", "refund-3", 1.0)


def test_not_a_saved_reply_is_not_in_the_library() -> None:
    assert LibraryEntry.from_reply("x", Reply("hello there")) is None


def test_missing_faq_only_in_a_template_library() -> None:
    collector = LibraryCollector()
    collector.add(entry("a", "One answer."))
    collector.add(entry("b", "Another answer.", faq=("How?",)))
    collector.add(entry("c", "A sent reply.", incoming="Where is it?"))
    report = collector.report()
    assert [e.id for e in report.missing_faq] == ["a"]
    assert report.to_dict()["missing_faq"] == [{"path": "lib.jsonl", "id": "a", "saved_reply": "a"}]


def test_prefix_filtering_matches_brute_force() -> None:
    rnd = random.Random(7)
    vocabulary = [f"w{i}" for i in range(40)]
    texts = []
    for _ in range(120):
        base = rnd.sample(vocabulary, 12)
        texts.append(" ".join(base))
        mutated = list(base)
        mutated[rnd.randrange(12)] = rnd.choice(vocabulary)
        texts.append(" ".join(mutated))
    entries = [entry(str(i), t) for i, t in enumerate(texts)]
    for threshold in (0.5, 0.8, 1.0):
        expected = {
            (a.id, b.id)
            for a, b in itertools.combinations(entries, 2)
            if a.shingles
            and b.shingles
            and jaccard(frozenset(a.shingles), frozenset(b.shingles)) >= threshold
        }
        found = {(p.a.id, p.b.id) for p in near_duplicates(entries, threshold)}
        # Exact copies are paired with the first copy only, not with each other.
        assert found <= expected
        firsts = {}
        for e in entries:
            firsts.setdefault(e.shingles, e.id)
        by_id = {e.id: e for e in entries}
        copies = {
            (a, b)
            for a, b in expected
            if by_id[a].shingles == by_id[b].shingles and firsts[by_id[a].shingles] != a
        }
        assert found == expected - copies


def test_near_duplicates_among_ten_thousand_saved_replies() -> None:
    rnd = random.Random(1)
    words = [f"word{i}" for i in range(3000)]
    entries = [
        entry(str(i), " ".join(rnd.choice(words) for _ in range(rnd.randint(15, 60))))
        for i in range(10_000)
    ]
    entries.append(entry("copy", " ".join(["same"] * 3) + " " + "x y z"))
    entries.append(entry("copy2", " ".join(["same"] * 3) + " " + "x y z"))
    pairs = near_duplicates(entries)
    assert [(p.a.id, p.b.id) for p in pairs] == [("copy", "copy2")]


def test_short_texts_have_one_shingle() -> None:
    assert len(shingles("Thanks!")) == 1
    assert shingles("") == ()
    assert shingles("One Two three") == shingles("one two THREE")
