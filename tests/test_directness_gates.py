"""directness: the cheap gate before the clause walk of the deflection check."""

from __future__ import annotations

import pytest

from replylint.builtin.directness import Reading
from replylint.engine import Engine
from replylint.inputs.record import parse_record
from replylint.text.analysis import analyze


def reading(text: str) -> Reading:
    engine = Engine()
    reply = engine.prepare(parse_record({"text": text, "language": "en"}))
    plan = engine._plan(reply.channel, "en")
    ctx = next(ctx for rule, ctx, _ in plan if rule.name == "directness")
    return Reading(analyze(reply, "en"), ctx)


@pytest.mark.parametrize(
    ("text", "may"),
    [
        ("Please visit our website.", True),  # going, and a place to go to
        ("Please visit us again soon.", False),  # going, but to no place
        ("Our team is available by phone.", True),  # a means and availability
        ("Our store is open today.", False),  # availability, but no line to reach
        ("Our store is open on 0800 123 4567.", True),  # availability and a phone line
        ("Please call us.", True),  # an act of contacting
    ],
)
def test_a_redirect_needs_its_way_and_a_place_or_line(text: str, may: bool) -> None:
    assert reading(text).may_deflect() is may
