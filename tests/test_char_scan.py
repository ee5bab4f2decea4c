"""text.char_scan.contains_any: the ASCII shortcut and the class agree."""

from __future__ import annotations

import re

import pytest

from replylint.text.char_scan import contains_any

DIGIT = re.compile(r"\d")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("order 42 shipped", True),  # ASCII digit
        ("no digits here", False),
        ("commande ٤٢ expédiée", True),  # Arabic-Indic digits: not ASCII, found by the class
        ("café sans chiffre", False),  # non-ASCII text without a digit
        ("", False),
    ],
)
def test_contains_any_finds_a_member(text: str, expected: bool) -> None:
    assert contains_any(text, "0123456789", DIGIT) is expected
