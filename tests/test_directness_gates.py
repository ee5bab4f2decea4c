"""directness: the cheap gates before the clause walks of the deflection and preamble checks."""

from __future__ import annotations

import pytest

from replylint.builtin.directness import Reading
from replylint.engine import Engine
from replylint.inputs.record import parse_record
from replylint.rule import RuleContext
from replylint.text.analysis import analyze


def reading(text: str) -> Reading:
    engine = Engine()
    reply = engine.prepare(parse_record({"text": text, "language": "en"}))
    return Reading(analyze(reply, "en"), directness_context(engine, reply.channel))


def directness_context(engine: Engine, channel: str) -> RuleContext:
    plan = engine._plan(channel, "en")
    return next(ctx for rule, ctx, _ in plan if rule.name == "directness")


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


@pytest.mark.parametrize(
    ("text", "may"),
    [
        # Two courtesy sentences and one with content: the default limit of two.
        ("Sorry for the wait. Thanks for your patience. Your order shipped today.", True),
        # The same courtesy with nothing after it: no sentence for it to delay.
        ("Sorry for the wait. Thanks for your patience.", False),
        # Three sentences, one courtesy match: too few for two courtesy sentences.
        ("Sorry for the wait. Your order shipped today. It arrives Friday.", False),
    ],
)
def test_a_preamble_needs_its_courtesy_and_a_sentence_after(text: str, may: bool) -> None:
    engine = Engine()
    ctx = directness_context(engine, "public")
    assert reading(text).may_have_preamble(ctx) is may
