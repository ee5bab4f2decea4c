"""Lint one record with a single rule selected (shared by the rule unit tests)."""

from __future__ import annotations

from typing import Any

from replylint.config import Config, ConfigLayer
from replylint.engine import Engine
from replylint.inputs.record import parse_record
from replylint.model import Report

_engines: dict[str, Engine] = {}


def lint(rule: str, **record: Any) -> Report:
    """Lint one record with only `rule` selected (public channel unless given)."""
    record.setdefault("channel", "public")
    if rule not in _engines:
        _engines[rule] = Engine(Config((ConfigLayer("test", select=(rule,)),)))
    return _engines[rule].lint(parse_record(record))
