"""The engine never dies on a reply: odd text gets a report, not an exception."""

from __future__ import annotations

import pytest

import replylint
from replylint.model import Report


@pytest.mark.parametrize(
    "text",
    [
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


def test_a_lone_surrogate_is_an_input_error_naming_it() -> None:
    from replylint.inputs.record import RecordError

    with pytest.raises(RecordError, match=r"unpaired surrogate \(U\+D800 at character 6\)"):
        replylint.lint("Hello \ud800 there, your order ships today. – Marie")


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_nothing_to_send(text: str) -> None:
    from replylint.inputs.record import RecordError

    with pytest.raises(RecordError, match="nothing to send"):
        replylint.lint(text, channel="chat")


def test_large_reply_is_linted() -> None:
    text = ("Thanks for waiting, the parcel left our warehouse today. " * 2000).strip()
    report = replylint.lint(text, channel="email", language="en")
    assert not report.rule_errors
    assert any(f.rule == "brevity" for f in report.findings)


@pytest.mark.parametrize(
    "junk", ["(" * 20_000, "[{<" * 7_000, "https://x.example/" + "a/" * 10_000]
)
def test_long_runs_without_spaces_stay_fast(junk: str) -> None:
    """spaCy's affix splitting is quadratic on such runs (minutes for these);
    the engine hands it one opaque token instead, offsets unchanged."""
    text = f"Hi there, {junk} thanks!"
    report = replylint.lint(text, channel="public", language="en")
    assert not report.rule_errors
    assert all(0 <= f.start <= f.end <= len(text) for f in report.findings)


def test_text_longer_than_spacys_default_limit() -> None:
    text = "Your parcel is on its way. " * 40_000  # over 1,000,000 characters
    report = replylint.lint(text, channel="email", language="en")
    assert not report.rule_errors
    assert any(f.rule == "brevity" for f in report.findings)


UNSIGNED = "Thanks for waiting, your parcel left our warehouse today."


@pytest.mark.parametrize(
    ("ignored", "skipped"),
    [
        ("signature-present", True),
        (" brevity ,signature-present,", True),  # comma-separated, spaces and all
        (["signature-present"], True),
        ("brevity", False),
        (3, False),  # not a value the engine reads: nothing is skipped
        (None, False),
    ],
)
def test_a_record_skips_the_rules_it_names(ignored: object, skipped: bool) -> None:
    from replylint.engine import IGNORE_KEY, Engine
    from replylint.model import Reply

    reply = Reply(UNSIGNED, channel="public", extra={IGNORE_KEY: ignored})
    rules = {f.rule for f in Engine().lint(reply).findings}
    assert "signature-present" in {
        f.rule for f in Engine().lint(Reply(UNSIGNED, channel="public")).findings
    }
    assert ("signature-present" not in rules) is skipped


def test_a_rule_failing_midway_keeps_none_of_its_findings() -> None:
    """Its error is reported; what it yielded before failing is not (nor half kept)."""
    from replylint.engine import Engine
    from replylint.inputs.record import parse_record
    from replylint.rule import Rule

    def half_then_fail(analysis, ctx):  # type: ignore[no-untyped-def]
        yield ctx.finding(0, 5, "first of two")
        raise ValueError("broke after one")

    def steady(analysis, ctx):  # type: ignore[no-untyped-def]
        yield ctx.finding(6, 11, "kept")

    engine = Engine(rules=[Rule("half", half_then_fail), Rule("steady", steady)])
    report = engine.lint(parse_record({"text": "Hello there, friend.", "language": "en"}))
    assert [f.message for f in report.findings] == ["kept"]
    assert report.rule_errors == ("rule 'half' failed: ValueError: broke after one",)
