"""Literal @handles left in a template: the word after an "@" looked up in a set, and
handles with other characters through a pattern (placeholders.find_placeholders)."""

from __future__ import annotations

import pytest

from replylint.builtin.placeholders import find_placeholders

HANDLES = ["username", "maintainer", "your.name"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks @username for the report", ["@username"]),
        ("@Username please check", ["@Username"]),
        ("cc (@maintainer, @acme/team)", ["@maintainer"]),
        ("＠username hi", ["＠username"]),
        ("ping @your.name here", ["@your.name"]),
    ],
)
def test_a_listed_handle_is_a_slot(text: str, expected: list[str]) -> None:
    assert [p.text for p in find_placeholders(text, handles=HANDLES)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "write to me@username.com",  # inside an address
        "@@username",  # after another "@"
        "x_@username",  # after a word character
        "thanks @usernames",  # a longer word
        "thanks @116903 for waiting",  # a real handle
    ],
)
def test_other_at_words_are_no_slot(text: str) -> None:
    assert find_placeholders(text, handles=HANDLES) == []
