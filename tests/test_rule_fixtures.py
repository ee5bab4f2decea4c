"""Fixture tests for every rule: inputs with their expected findings, one rule on.

Each `tests/fixtures/<rule>/*.yaml` file is a list of cases:

    - name: what the case shows
      record: {text: "...", channel: public, incoming: "...", ...}   # a reply record
      flags: ["exact flagged text", ...]   # the text of each finding's span, in order
      # or: flags: []                        (must not flag)
      severity: warning                    # optional: every finding's severity
      message: "substring"                 # optional: in every finding's message
      fix: "text after applying the first fix of the first finding"   # optional

The case runs with only that rule selected; a `fix` case also re-lints the fixed
text and expects that rule to be satisfied.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from replylint.config import Config, ConfigLayer
from replylint.engine import Engine
from replylint.inputs.record import parse_record

FIXTURES = Path(__file__).parent / "fixtures"


def _cases() -> list[Any]:
    params = []
    for path in sorted(FIXTURES.glob("*/*.yaml")):
        rule = path.parent.name
        for index, case in enumerate(yaml.safe_load(path.read_text("utf-8")) or []):
            case_id = f"{rule}/{path.stem}/{index}-{case.get('name', '')[:40]}"
            params.append(pytest.param(rule, case, id=case_id))
    return params


_engines: dict[str, Engine] = {}


def engine_for(rule: str) -> Engine:
    if rule not in _engines:
        _engines[rule] = Engine(Config((ConfigLayer("test", select=(rule,)),)))
    return _engines[rule]


@pytest.mark.parametrize(("rule", "case"), _cases())
def test_fixture(rule: str, case: dict[str, Any]) -> None:
    engine = engine_for(rule)
    reply = parse_record(case["record"])
    report = engine.lint(reply)
    assert not report.rule_errors, report.rule_errors
    flagged = [reply.text[f.start : f.end] for f in report.findings]
    assert flagged == case["flags"], [f.message for f in report.findings]
    for finding in report.findings:
        assert finding.rule == rule
        if "severity" in case:
            assert str(finding.severity) == case["severity"]
        if "message" in case:
            assert case["message"] in finding.message
    if "fix" in case:
        assert report.findings and report.findings[0].fixes, "expected a fix"
        fixed = report.findings[0].fixes[0].apply(reply.text)
        assert fixed == case["fix"]
        relinted = engine.lint(parse_record({**case["record"], "text": fixed}))
        assert not relinted.findings, [f.message for f in relinted.findings]


BUILTIN_RULES = (
    "brevity",
    "directness",
    "no-marketing-spam",
    "personal-tone",
    "saved-reply-fit",
    "sensitive-in-private",
    "signature-present",
)


def test_every_builtin_rule_has_fixtures_in_both_languages() -> None:
    assert set(BUILTIN_RULES) <= set(Engine().rules)
    missing = [
        f"{name}/{language}.yaml"
        for name in BUILTIN_RULES
        for language in ("en", "fr")
        if not (FIXTURES / name / f"{language}.yaml").is_file()
    ]
    assert not missing, f"rules without fixtures: {missing}"


SHINGLE_WORDS = 8


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def test_fixtures_are_our_own_texts_not_copies_of_the_labeled_sets(
    corpus: list[dict], corpus2: list[dict]
) -> None:
    """The labeled sets measure the rules; fixtures specify them. A fixture sharing
    a run of eight words with a labeled reply (or its incoming message) is a copy."""
    labeled: set[tuple[str, ...]] = set()
    for record in corpus + corpus2:
        labeled |= _shingles(record["text"]) | _shingles(record.get("incoming") or "")
    copies = [
        f"{path.parent.name}/{path.name}: {case['name']}"
        for path in sorted(FIXTURES.glob("*/*.yaml"))
        for case in yaml.safe_load(path.read_text("utf-8"))
        if _shingles(case["record"]["text"]) & labeled
    ]
    assert not copies, copies
