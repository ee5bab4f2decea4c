"""The cheap pre-tests rules run before reading tokens keep every finding."""

from __future__ import annotations

import pytest

from replylint.builtin.placeholders import find_placeholders
from replylint.model import Report
from rule_support import lint


def checks(report: Report) -> list[tuple[str | None, str]]:
    return [(f.check, report.reply.text[f.start : f.end]) for f in report.findings]


@pytest.mark.parametrize(
    ("text", "handles"),
    [
        ("@username thanks for the report", ["@username"]),
        ("Hi @username, thanks", ["@username"]),
        ("(＠username) thanks", ["＠username"]),
        ("Write to me@username.com", []),  # inside an address
        ("Hi @@username", []),  # doubled mark
        ("Hi @usernames", []),  # a longer handle
    ],
)
def test_template_handles_stand_after_no_word_or_mark(text: str, handles: list[str]) -> None:
    found = find_placeholders(text, handles=("username",))
    assert [p.text for p in found] == handles


def test_slot_words_are_read_for_bracketed_slots() -> None:
    found = find_placeholders("Hi [Customer name], thanks", slot_words=("name",))
    assert [p.text for p in found] == ["[Customer name]"]


def test_sentence_length_is_judged_only_past_the_limit() -> None:
    # One sentence of 36 words in a body of 36 words: one past the default 35.
    words = " ".join(["word"] * 35)
    assert checks(lint("brevity", language="en", text=f"{words} end.")) == [
        ("sentence-length", f"{words} end.")
    ]
    assert checks(lint("brevity", language="en", text=f"{words}.")) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your order shipped. Get 20 per cent off next time.", ["20 per cent off"]),
        ("Your order shipped per your request, 20 items in all.", []),
        ("Your order shipped. Use code SAVE20 at checkout.", ["Use code SAVE20"]),
        ("Your order shipped. Error code E42 is fixed.", []),
    ],
)
def test_discounts_and_codes_are_read_where_their_words_stand(
    text: str, expected: list[str]
) -> None:
    report = lint("no-marketing-spam", language="en", text=text)
    assert [report.reply.text[f.start : f.end] for f in report.findings] == expected


def test_initials_sign_off_of_another_agent_is_flagged() -> None:
    report = lint(
        "signature-present", language="en", agent="Marie Dupont", text="All sorted now! ^JK"
    )
    assert checks(report) == [("other-agent", "JK")]


def test_team_only_sign_off_is_flagged() -> None:
    report = lint(
        "signature-present", language="en", brand="Acme", text="All sorted now.\nThe Acme Team"
    )
    assert checks(report) == [("team-only", "The Acme Team")]
