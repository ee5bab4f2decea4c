"""Unit tests for `personal-tone`, `directness` and `no-marketing-spam` beyond fixtures."""

from __future__ import annotations

import pytest

from replylint.config import Config, ConfigLayer, RuleSettings
from replylint.engine import Engine
from replylint.inputs.record import parse_record
from replylint.model import Report
from rule_support import lint


def flagged(report: Report) -> list[str]:
    return [report.reply.text[f.start : f.end] for f in report.findings]


# --- no-marketing-spam -------------------------------------------------------


def test_shouting_fix_keeps_one_exclamation_mark_per_run() -> None:
    report = lint(
        "no-marketing-spam", language="en", text="Shipped!! Limited time offer on shoes!!"
    )
    shouting = next(f for f in report.findings if report.reply.text[f.start : f.end] == "!!")
    assert "2" in shouting.message
    assert shouting.fixes[0].apply(report.reply.text) == "Shipped! Limited time offer on shoes!"


def test_exclamation_runs_alone_are_not_spam() -> None:
    report = lint("no-marketing-spam", language="en", text="It's fixed!! Enjoy!!")
    assert report.findings == ()


def test_promotion_that_is_the_whole_reply_has_no_removal_fix() -> None:
    report = lint("no-marketing-spam", language="en", text="Follow us on Instagram for more!")
    assert flagged(report) == ["Follow us on"]
    assert report.findings[0].fixes == ()


def test_promotion_in_the_sign_off_is_flagged_and_the_name_kept() -> None:
    report = lint(
        "no-marketing-spam",
        language="en",
        text="Thanks Tom! Follow us on Instagram for more. - Marie",
    )
    assert flagged(report) == ["Follow us on"]
    assert report.findings[0].fixes[0].apply(report.reply.text) == "Thanks Tom! - Marie"


def test_past_tense_is_not_a_follow_pitch() -> None:
    report = lint(
        "no-marketing-spam",
        language="en",
        text="Thanks for the shout-out! I see you followed us on Twitter.",
    )
    assert report.findings == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Get 20% off this week. Your order shipped.", "20% off"),
        ("Save up to 30% on shoes. Your order shipped.", "Save up to 30%"),
        ("Your order shipped. Enjoy 15 percent off your next one.", "15 percent off"),
    ],
)
def test_english_discounts(text: str, expected: str) -> None:
    assert flagged(lint("no-marketing-spam", language="en", text=text)) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Votre colis part demain. -30 % sur les parfums ce week-end.", "-30 %"),
        ("Votre colis part demain. 20 % de réduction sur tout.", "20 % de réduction"),
    ],
)
def test_french_discounts(text: str, expected: str) -> None:
    assert flagged(lint("no-marketing-spam", language="fr", text=text)) == [expected]


# --- personal-tone -----------------------------------------------------------


def test_boilerplate_closing_a_sentence_is_removed_with_its_comma() -> None:
    report = lint(
        "personal-tone",
        language="fr",
        channel="email",
        text="Ceci est un message automatique, merci de ne pas répondre à ce message.",
    )
    assert flagged(report) == [
        "Ceci est un message automatique",
        "merci de ne pas répondre à ce message",
    ]
    second = report.findings[1].fixes[0].apply(report.reply.text)
    assert second == "Ceci est un message automatique."
    first = report.findings[0].fixes[0].apply(report.reply.text)
    assert first == "Merci de ne pas répondre à ce message."


def test_last_boilerplate_sentence_is_removed_with_the_space_before_it() -> None:
    report = lint(
        "personal-tone",
        language="en",
        channel="email",
        text="Your ticket is 4411. Please do not reply to this email.",
    )
    assert report.findings[0].fixes[0].apply(report.reply.text) == "Your ticket is 4411."


def test_min_words_option() -> None:
    settings = RuleSettings(options={"min_words": 5})
    engine = Engine(
        Config((ConfigLayer("test", select=("personal-tone",), rules={"personal-tone": settings}),))
    )
    short = parse_record({"text": "The update is out now for everyone.", "language": "en"})
    assert len(engine.lint(short).findings) == 1
    assert lint("personal-tone", language="en", text=short.text).findings == ()


def test_directness_preamble_check_can_be_switched_off() -> None:
    layer = ConfigLayer.from_mapping(
        {"select": ["directness"], "rules": {"directness": {"checks": {"preamble": False}}}}, "test"
    )
    engine = Engine(Config((layer,)))
    text = "Thanks for your message. Sorry for the wait. Your order ships today."
    assert len(lint("directness", language="en", text=text).findings) == 1
    assert engine.lint(parse_record({"text": text, "language": "en"})).findings == ()


# --- directness --------------------------------------------------------------


def test_unanswered_message_names_the_question() -> None:
    report = lint(
        "directness",
        language="en",
        incoming="Loved it. Why was my flight to Boston cancelled?",
        text="Thanks for reaching out! We're here for you.",
    )
    assert len(report.findings) == 1
    assert "Why was my flight to Boston cancelled?" in report.findings[0].message


def test_question_without_question_mark() -> None:
    report = lint(
        "directness",
        language="fr",
        channel="chat",
        incoming="que me conseillez vous en parfum femme pour ma mère",
        text="je suis désolée, je ne sais pas.",
    )
    assert len(report.findings) == 1


def test_no_question_in_incoming_means_no_unanswered_finding() -> None:
    report = lint(
        "directness",
        language="en",
        incoming="Great flight today, thanks!",
        text="Thanks for flying with us! We're here for you.",
    )
    assert report.findings == ()


def test_thanks_for_contacting_us_is_not_a_redirect() -> None:
    report = lint(
        "directness",
        language="en",
        incoming="Why is my bill higher this month?",
        text="Thanks for contacting us! Your bill includes the new router rental of $5.",
    )
    assert report.findings == ()


def test_sorry_we_dont_carries_the_answer() -> None:
    report = lint(
        "directness",
        language="en",
        text="Thanks for asking. Sorry we don't ship there. A forwarding service works though.",
    )
    assert report.findings == ()


def test_deflection_message_quotes_the_redirect() -> None:
    report = lint(
        "directness",
        language="en",
        text="@ana Please reach our billing team on 0800 555 0100, thanks. ^RJ",
    )
    assert len(report.findings) == 1
    assert '"reach our billing team on 0800 555 0100"' in report.findings[0].message


def test_contact_words_outside_the_questions_do_not_excuse_a_redirect() -> None:
    text = "@ana Please call our billing team on 0800 555 0123. ^RJ"
    told = lint(
        "directness",
        language="en",
        incoming="I tried to contact you all week. Why was I charged twice?",
        text=text,
    )
    assert [f.check for f in told.findings] == ["deflection"]


def test_a_later_question_asking_whom_to_contact_excuses_the_redirect() -> None:
    asked = lint(
        "directness",
        language="en",
        incoming="Why was I charged twice? Who do I contact?",
        text="@ana Please call our billing team on 0800 555 0123. ^RJ",
    )
    assert asked.findings == ()


def test_feedback_link_counts_only_when_a_question_was_asked() -> None:
    text = "@sam Please post your idea on our ideas board: https://example.com/ideas ^LK"
    asked = lint("directness", language="en", incoming="Can I sort playlists by date?", text=text)
    told = lint("directness", language="en", incoming="Sorting by date would be nice.", text=text)
    assert [f.check for f in asked.findings] == ["deflection"]
    assert told.findings == ()


# --- performance -------------------------------------------------------------


def test_every_formula_in_a_long_reply_is_flagged() -> None:
    """200 sentences, each with the hedged apology formula: 200 boilerplate findings,
    and nothing else (the content answers the incoming question). Speed on long
    replies is measured in benchmarks/, not here."""
    engine = Engine(
        Config((ConfigLayer("test", select=("personal-tone", "directness", "no-marketing-spam")),))
    )
    sentence = (
        "Thanks for your patience, we apologize for any inconvenience and your order ships today. "
    )
    record = {
        "text": sentence * 200,
        "incoming": "Where is my order? " * 50,
        "language": "en",
        "channel": "email",
    }
    report = engine.lint(parse_record(record))
    found = [(f.rule, f.check) for f in report.findings]
    assert found == [("personal-tone", "boilerplate")] * 200


def test_preamble_limit_option_counts_down_to_one_courtesy_sentence() -> None:
    # The rule skips the preamble check when there are fewer courtesy phrases than
    # the limit: with a limit of 1, one apology before the answer is a preamble.
    settings = RuleSettings(options={"preamble_sentences": 1})
    engine = Engine(
        Config((ConfigLayer("test", select=("directness",), rules={"directness": settings}),))
    )
    text = "Sorry for the wait. Your order ships today."
    assert lint("directness", language="en", text=text).findings == ()
    report = engine.lint(parse_record({"text": text, "language": "en"}))
    assert flagged(report) == ["Sorry for the wait."]


# A reply that only files the feedback (every sentence says nothing of the question)
# is read token by token for something answer-like: a time or a count answers, a link
# given with the feedback does not.
_DARK_MODE = "Can you add dark mode to the app?"


@pytest.mark.parametrize(
    ("text", "unanswered"),
    [
        ("Thanks for the feedback, we'll pass it on to the team!", True),
        ("Thanks for the feedback, we'll pass it on to the team at 9:30!", False),
        ("Thanks for the feedback, we'll pass it on to the team 2 times!", False),
        ("Thanks for the feedback, we'll pass it on to the team: https://example.com/ideas", True),
    ],
)
def test_feedback_only_reply_answers_with_a_time_or_count_not_a_link(
    text: str, unanswered: bool
) -> None:
    report = lint("directness", language="en", incoming=_DARK_MODE, text=text)
    assert [f.check for f in report.findings] == (["unanswered-question"] if unanswered else [])
