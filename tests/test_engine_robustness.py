"""The engine never dies on a reply: odd text gets a report, not an exception."""

from __future__ import annotations

import pytest

import replylint
from replylint.model import Report


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "Hello \ud800 there, your order ships today. – Marie",  # lone surrogate
        "bin\x00ary\x00junk \x01\x02",
        "😀" * 500,
        "{{first_name}} " * 200,
        "a" * 20_000,
        "\u202e\u200d\ufeff text with controls",
    ],
)
def test_odd_text_is_linted(text: str) -> None:
    for channel in ("public", "chat"):
        report = replylint.lint(text, channel=channel, incoming=text[:100] or None)
        assert isinstance(report, Report)
        assert not report.rule_errors, report.rule_errors
        for finding in report.findings:
            assert 0 <= finding.start <= finding.end <= len(text)


def test_large_reply_is_linted() -> None:
    text = ("Thanks for waiting, the parcel left our warehouse today. " * 2000).strip()
    report = replylint.lint(text, channel="email", language="en")
    assert not report.rule_errors
    assert any(f.rule == "brevity" for f in report.findings)
