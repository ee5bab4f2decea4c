"""The raw-text test for a customer's message that may open a question: what it
compares, and that `directness` answers the same with it."""

from __future__ import annotations

import pytest

from replylint.builtin.directness_asking import opener_gate
from rule_support import lint


def test_gate_holds_each_question_word_and_every_split_of_a_single_word() -> None:
    gate = opener_gate(["how", "is there"], {})
    # "is there": its first word, and its longest run for the phrase itself.
    assert gate.singles == {"how", "is", "there"}
    # "how" run together from two words: "h" + "ow" or "ho" + "w", both ways round.
    assert gate.pairs == {
        "h": {"ow"},
        "ow": {"h"},
        "ho": {"w"},
        "w": {"ho"},
    }
    assert gate.sigma is False


def test_special_case_that_cuts_a_run_stands_for_its_piece() -> None:
    # "cannot" is tokenized "can" "not": the text holds the run "cannot", not "can".
    gate = opener_gate(["can"], {"cannot": [{"ORTH": "can"}, {"ORTH": "not"}]})
    assert "cannot" in gate.singles


def test_question_word_with_a_sigma_lets_a_capital_sigma_pass() -> None:
    assert opener_gate(["πού"], {}).sigma is False
    assert opener_gate(["ποσος"], {}).sigma is True


_COURTESY_ONLY = "Thanks for reaching out! We're here for you."


@pytest.mark.parametrize(
    ("language", "incoming", "checks"),
    [
        # No "?", but a first word that is a question word: still a question.
        ("en", "Hey, how do I change my delivery address", ["unanswered-question"]),
        # Two words run together into one ("est" + "-ce").
        ("fr", "est-ce que vous livrez en Martinique", ["unanswered-question"]),
        # Nothing asked: no question word, no "?", no indirect question.
        ("en", "my order never arrived", []),
        ("en", "Thanks, the parcel came today", []),
    ],
)
def test_unanswered_question_without_a_question_mark(
    language: str, incoming: str, checks: list[str]
) -> None:
    text = _COURTESY_ONLY if language == "en" else "Merci de votre message !"
    report = lint("directness", language=language, incoming=incoming, text=text)
    assert [f.check for f in report.findings] == checks
