"""Lint one record with a single rule selected (shared by the rule unit tests)."""

from __future__ import annotations

from typing import Any

import pytest

from replylint.config import Config, ConfigLayer
from replylint.engine import Engine
from replylint.inputs.record import parse_record
from replylint.model import Report
from replylint.text import analysis as analysis_module

_engines: dict[str, Engine] = {}


def lint(rule: str, **record: Any) -> Report:
    """Lint one record with only `rule` selected (public channel unless given)."""
    record.setdefault("channel", "public")
    if rule not in _engines:
        _engines[rule] = Engine(Config((ConfigLayer("test", select=(rule,)),)))
    return _engines[rule].lint(parse_record(record))


def lint_watching_incoming(
    monkeypatch: pytest.MonkeyPatch, rule: str, **record: Any
) -> tuple[Report, bool]:
    """`lint`, and whether the incoming message's doc was built (the gates before it
    decide from the raw text whether a rule needs it)."""
    built: list[str] = []
    process = analysis_module.process

    def watched(nlp, text):  # type: ignore[no-untyped-def]
        built.append(text)
        return process(nlp, text)

    monkeypatch.setattr(analysis_module, "process", watched)
    report = lint(rule, **record)
    return report, record.get("incoming") in built
