from __future__ import annotations

import pytest

from replylint.engine import Engine
from replylint.model import Reply
from replylint.text.detect import choose_language, detect_language

LANGS = ("en", "fr")


def test_corpus_language_accuracy(corpus: list[dict]) -> None:
    """>= 95% of the labeled replies get their language right (issue 2)."""
    engine = Engine()
    labeled = [r for r in corpus if r.get("expected_language")]
    correct = sum(
        engine.detect_language(
            Reply(r["text"], incoming=r.get("incoming"), channel=r.get("channel", "private"))
        )
        == r["expected_language"]
        for r in labeled
    )
    assert len(labeled) > 200
    assert correct / len(labeled) >= 0.95, f"{correct}/{len(labeled)}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Merci pour votre message, nous regardons cela tout de suite.", "fr"),
        ("oui il est disponible en 50 ml", "fr"),
        ("Thanks for reaching out, we are looking into it now.", "en"),
        ("Sorry to hear that, can you DM us the details?", "en"),
    ],
)
def test_short_texts(text: str, expected: str) -> None:
    assert (
        choose_language(text, explicit=None, incoming=None, default="en", languages=LANGS)
        == expected
    )


def test_too_short_falls_back_to_incoming_then_default() -> None:
    assert detect_language("ok!", LANGS) is None
    assert (
        choose_language(
            "ok!",
            explicit=None,
            incoming="Bonjour, je cherche un parfum pour ma mère",
            default="en",
            languages=LANGS,
        )
        == "fr"
    )
    assert (
        choose_language("ok!", explicit=None, incoming=None, default="fr", languages=LANGS) == "fr"
    )


def test_explicit_language_wins() -> None:
    assert (
        choose_language(
            "Thanks a lot for your message",
            explicit="fr",
            incoming=None,
            default="en",
            languages=LANGS,
        )
        == "fr"
    )


def test_detection_is_repeatable() -> None:
    text = "Le colis part demain matin."
    assert len({detect_language(text, LANGS) for _ in range(5)}) == 1
