"""`runs_of`: a text's runs of letters and runs of digits, the same on every path
(ASCII, ASCII beside symbols, other word characters)."""

from __future__ import annotations

import pytest

from replylint.text.runs import runs_of


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        # ASCII: letters and digits part ways, "_" and punctuation end a run.
        ("order #A12b was_late, 3 days", ["order", "A", "b", "was", "late", "days", "12", "3"]),
        ("", []),
        ("?!", []),
        # Curly quotes and emoji are no word characters: they end runs too.
        ("it\u2019s late \U0001f621 x2", ["it", "s", "late", "x", "2"]),
        # An accented letter is part of its run; a non-ASCII digit makes a digit run.
        ("numéro 42 reçu", ["numéro", "reçu", "42"]),
        ("n\u00b0\u0663\u0664", ["n", "\u0663\u0664"]),
    ],
)
def test_runs_are_letter_runs_and_digit_runs(text: str, runs: list[str]) -> None:
    assert sorted(runs_of(text)) == sorted(runs)


def test_case_is_kept_as_written() -> None:
    assert sorted(runs_of("Refund REFUND")) == ["REFUND", "Refund"]
