"""The start-up shortcuts keep results: French tokenization, language pre-check, hooks."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from replylint.text.detect import detect_language
from replylint.text.function_words import count_function_words
from replylint.text.nlp import pipeline

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPO = Path(__file__).resolve().parents[2]


def french_texts() -> list[str]:
    texts = [
        "L'équipe a répondu aujourd'hui, peut-être demain : c'est-à-dire qu'il viendra-t-il ?",
        "Saint-Étienne, entr'ouvert, arrière-grand-père, qu'est-ce que c'est, l'anti-âge",
    ]
    for path in FIXTURES.glob("*/fr.yaml"):
        texts += [case["record"]["text"] for case in yaml.safe_load(path.read_text("utf-8"))]
    return texts


def test_french_texts_include_every_french_fixture() -> None:
    fixture_files = list(FIXTURES.glob("*/fr.yaml"))
    cases = sum(len(yaml.safe_load(p.read_text("utf-8"))) for p in fixture_files)
    assert len(fixture_files) == 7
    assert len(french_texts()) == 2 + cases


def test_french_token_match_is_spacys() -> None:
    """The light TOKEN_MATCH accepts exactly the tokens spaCy's own pattern accepts."""
    light = pipeline("fr").tokenizer.token_match
    assert light is not None
    original = re.compile(light.__self__.pattern).match  # type: ignore[attr-defined]
    words = {w for text in french_texts() for w in text.split()}
    prefixes = ("anti", "arrière", "entr", "grand", "porte", "saint", "sous", "black", "new")
    joins = ("-", "'", "’", "-de-", "-en-l'", "-t-")
    tails = (
        "vampire",
        "ouvert",
        "ski",
        "Marie",
        "out",
        "york",
        "京都",
        "123",
        "a_b",
        "ŒUVRE",
        "ªb",
    )
    words |= {f"{p}{j}{t}" for p in prefixes for j in joins for t in tails}
    words |= {w.upper() for w in list(words)} | {w.title() for w in list(words)}
    differ = [w for w in words if bool(original(w)) != bool(light(w))]
    assert differ == []
    assert sum(bool(original(w)) for w in words) > 100  # the test does exercise matches


def test_french_elisions_and_hyphens() -> None:
    tokens = [t.text for t in pipeline("fr")("L'équipe vous répond aujourd'hui, peut-être demain.")]
    assert tokens[:2] == ["L'", "équipe"]
    assert "aujourd'hui" in tokens and "peut-être" in tokens


def test_stop_word_precheck_agrees_with_labels(corpus: list[dict]) -> None:
    decided = agree = 0
    for record in corpus:
        found = count_function_words(record["text"]).language()
        if found is None or not record.get("expected_language"):
            continue
        decided += 1
        agree += found == record["expected_language"]
    assert decided > 150 and agree == decided


def test_precheck_defers_when_unsure() -> None:
    assert count_function_words("Merci for the message").language() is None
    assert count_function_words("Thanks, we are on it and will reply").language() == "en"
    assert count_function_words("Merci, nous regardons cela pour vous").language() == "fr"
    # Other language sets do not use the en/fr word lists.
    found = detect_language("Thanks, we are on it and will reply", ("en", "es"))
    assert found is not None and found.language == "en"


def test_pre_commit_hook_definition() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "replylint" and hook["entry"] == "replylint check"
    assert hook["language"] == "python"
    files = re.compile(hook["files"])
    for path in (
        "replies/a.reply",
        "templates/en/refund.md",
        "x/saved-replies/all.jsonl",
        "templates/macros.json",
        "replies/canned.csv",
        "templates/lib.yml",
    ):
        assert files.search(path), path
    for path in ("README.md", "package.json", "src/replies.py", "docs/templates.txt.bak"):
        assert not files.search(path), path
