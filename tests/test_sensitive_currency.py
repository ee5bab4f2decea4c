"""The currency-sign test of `sensitive-in-private` (a quick test before amounts)."""

from __future__ import annotations

import pytest

from replylint.builtin.sensitive_in_private import _has_currency_sign


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("you were charged $54 twice", True),
        ("no money here", False),
        ("", False),
        ("it costs £20", True),  # not ASCII
        ("vous avez payé 20 €", True),
        ("un café, s'il vous plaît", False),  # not ASCII, no sign
        ("¥500 and ₹90", True),
        ("a ₿ sign", True),  # the currency symbols block counts whole
        ("percent % and hash #", False),
    ],
)
def test_currency_sign_found_in_ascii_and_other_texts(text: str, expected: bool) -> None:
    assert _has_currency_sign(text) is expected
