"""directness and no-marketing-spam read the customer's message for a few phrase lists
only: its doc is built when a phrase of them can be in it (an inflected form opens the
gate as the phrase itself would), and not built when none can."""

from __future__ import annotations

import pytest

from replylint.model import Finding
from rule_support import lint_watching_incoming

_REDIRECT = "@ana Please call our billing team on 0800 555 0123. ^RJ"
_CODE = "Use code SAVE20 for 20% off your next order!"
_PREORDER = "Pre-order it on the UK site."


def _lint_watching_incoming(
    monkeypatch: pytest.MonkeyPatch, rule: str, text: str, incoming: str
) -> tuple[list[Finding], bool]:
    """The rule's findings on an English reply to `incoming`, and whether the
    incoming message's doc was built."""
    report, built = lint_watching_incoming(
        monkeypatch, rule, language="en", text=text, incoming=incoming
    )
    return list(report.findings), built


# --- directness: a redirect excused by a question asking how to reach someone -----


def test_an_inflected_contact_word_still_excuses_the_redirect(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "contacting" is not in the list; its lemma "contact" is.
    findings, built = _lint_watching_incoming(
        monkeypatch, "directness", _REDIRECT, "Is contacting your billing team by phone possible?"
    )
    assert findings == []
    assert built


def test_a_message_without_contact_words_is_not_tokenized_for_the_redirect(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    findings, built = _lint_watching_incoming(
        monkeypatch, "directness", _REDIRECT, "Why was I charged twice for my order?"
    )
    assert [f.check for f in findings] == ["deflection"]
    assert not built


# --- no-marketing-spam: an offer asked about, a purchase asked, a charge complained ---


def test_an_inflected_offer_word_still_counts_as_asking_about_offers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "trials" is not in the `asked` list; its lemma "trial" is.
    findings, built = _lint_watching_incoming(
        monkeypatch, "no-marketing-spam", _CODE, "Do the trials last a month?"
    )
    assert findings == []
    assert built


def test_an_inflected_purchase_word_still_asks_how_to_buy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "ordered" is not in the `purchase_question` list; its lemma "order" is.
    findings, built = _lint_watching_incoming(
        monkeypatch, "no-marketing-spam", _PREORDER, "Can it be ordered from Canada?"
    )
    assert findings == []
    assert built


def test_an_inflected_charge_word_still_makes_a_complaint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "renewed" is not in the `charge_complaint` list; its lemma "renew" is.
    findings, built = _lint_watching_incoming(
        monkeypatch, "no-marketing-spam", _CODE, "They renewed my plan without asking me"
    )
    assert [f.check for f in findings] == ["promotion"]
    assert "after a complaint about a charge" in findings[0].message
    assert built


@pytest.mark.parametrize(
    ("text", "incoming"),
    [
        (_CODE, "Do they last a month?"),  # no offer, purchase or charge word
        (_PREORDER, "Is it in the shops yet?"),  # a question, but no purchase word
    ],
)
def test_a_message_without_any_of_the_words_is_not_tokenized_for_a_promotion(
    monkeypatch: pytest.MonkeyPatch, text: str, incoming: str
) -> None:
    findings, built = _lint_watching_incoming(monkeypatch, "no-marketing-spam", text, incoming)
    assert [f.check for f in findings] == ["promotion"]
    assert "the customer did not ask for" in findings[0].message
    assert not built


def test_a_promotion_that_offers_something_still_reads_the_customer_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A sign-up pitch names what it offers: the customer's own words are read to see
    # whether they asked about it (here they did not).
    findings, built = _lint_watching_incoming(
        monkeypatch,
        "no-marketing-spam",
        "Sign up for our newsletter to get the latest deals!",
        "Do they last a month?",
    )
    assert [f.check for f in findings] == ["promotion"]
    assert built
