"""sensitive-in-private reads the customer's message for their own matter: when its
raw text shows no word of trouble, no billing term, no complaint and no question on
the writer's own thing, nothing can be raised and its doc is not built; each of
those opens the full reading."""

from __future__ import annotations

import pytest

from rule_support import lint_watching_incoming

_REPLIES = {
    "en": "Thanks for letting us know, we're on it.",
    "fr": "Merci de nous avoir prévenus, on s'en occupe.",
}


def _checks_and_built(
    monkeypatch: pytest.MonkeyPatch, language: str, incoming: str
) -> tuple[list[str], bool]:
    """The checks the rule reports on a public reply to `incoming`, and whether the
    incoming message's doc was built."""
    report, built = lint_watching_incoming(
        monkeypatch,
        "sensitive-in-private",
        language=language,
        text=_REPLIES[language],
        incoming=incoming,
    )
    return [f.check for f in report.findings], built


@pytest.mark.parametrize(
    ("language", "incoming"),
    [
        ("en", "Do you ship orders to Canada?"),  # a topic word, nobody's own
        ("en", "My order arrived today"),  # their own, in no trouble and no question
        ("fr", "Vous livrez en Belgique ?"),
    ],
)
def test_a_message_without_trouble_or_own_question_is_not_tokenized(
    monkeypatch: pytest.MonkeyPatch, language: str, incoming: str
) -> None:
    assert _checks_and_built(monkeypatch, language, incoming) == ([], False)


@pytest.mark.parametrize(
    ("language", "incoming"),
    [
        ("en", "Refund please"),  # a billing term opening the message
        ("en", "Ordered a lamp last week 😡"),  # a complaint emoji
        ("en", "order arrived, so disappointed"),  # a complaint word
        ("en", "Im waiting on an order"),  # a word of trouble
        ("en", "Is my order on its way?"),  # a question on their own order
        ("en", "where is my parcel"),  # a status question without its "?"
        ("fr", "Où est ma commande"),
    ],
)
def test_each_sign_of_a_matter_opens_the_full_reading(
    monkeypatch: pytest.MonkeyPatch, language: str, incoming: str
) -> None:
    assert _checks_and_built(monkeypatch, language, incoming) == (["incoming-matter"], True)
