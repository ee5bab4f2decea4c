"""Agents named from sign-offs, read without spaCy, as the signature-present rule
reads them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from replylint.model import Reply
from replylint.responsiveness.agents import signed_agent
from replylint.text.analysis import analyze, find_signoff
from replylint.text.language_data import language_data

# Own texts, one per way of signing, plus ones that name no person.
REPLIES = [
    ("@sam_r We've refunded the second charge, it shows in 3-5 days. ^KD", "en"),
    ("Sorry for the wait! Your order left the depot this morning. *BRT", "en"),
    ("Hi Dana, the store reopens at 9 tomorrow. -Priya", "en"),
    ("Hello Ana,\nYour card is on its way.\nBest regards,\nLeo Martin", "en"),
    ("Bonjour,\nVotre colis arrive demain.\nCamille, service client", "fr"),
    ("Thanks for flagging this, we'll pass it on.\nThe Northwind Team", "en"),
    ("Could you DM us your order number?", "en"),
    ("Thanks!", "en"),
]


@pytest.mark.parametrize(("text", "language"), REPLIES)
def test_the_sign_off_is_the_one_the_analysis_finds(text: str, language: str) -> None:
    expected = analyze(Reply(text), language).signoff
    assert find_signoff(text, language_data(language)) == expected


@pytest.mark.parametrize(
    ("text", "agent"),
    [
        (REPLIES[0][0], "^KD"),
        (REPLIES[1][0], "*BRT"),
        (REPLIES[2][0], "-Priya"),
        (REPLIES[3][0], "Leo Martin"),
        (REPLIES[4][0], "Camille"),
        (REPLIES[5][0], None),  # the team, not a person
        (REPLIES[6][0], None),  # no sign-off
    ],
)
def test_the_agent_is_the_name_signed(text: str, agent: str | None) -> None:
    assert signed_agent(text, "Northwind") == agent


def test_naming_agents_does_not_load_spacy() -> None:
    code = (
        "import sys\n"
        "from replylint.responsiveness.agents import agents_by_text\n"
        "agents_by_text([('Your parcel ships today. ^KD', 'Acme')])\n"
        "print('spacy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
