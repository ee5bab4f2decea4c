"""The pre-send Python API: `lint(text, ...)` and `lint_record(record)`.

    report = lint("Hi Sam, it ships today. – Marie", channel="chat")
    report.verdict      # "pass", "warn" or "block"
    report.to_dict()    # the JSON that `replylint serve` returns

Both functions are safe to call from many threads at once: they share one engine
(rules, configuration and caches) and keep no other state. Pass `engine=` to use
your own configuration, e.g. `Engine(load_config(explicit=Path("replylint.toml")))`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from replylint.engine import Engine
from replylint.inputs.record import parse_record
from replylint.model import Reply, Report

_default_engine: Engine | None = None
_lock = threading.Lock()


def default_engine() -> Engine:
    """An engine with every installed rule and built-in defaults (no config file)."""
    global _default_engine
    if _default_engine is None:
        with _lock:
            if _default_engine is None:
                _default_engine = Engine()
    return _default_engine


def lint(
    text: str,
    *,
    channel: str | None = None,
    incoming: str | None = None,
    language: str | None = None,
    agent: str | None = None,
    brand: str | None = None,
    customer: str | None = None,
    saved_reply: bool | str = False,
    faq: Sequence[str] = (),
    engine: Engine | None = None,
) -> Report:
    """Lint one reply. `Report.verdict` is "pass", "warn" or "block".

    The keyword arguments are the reply-record fields (docs/record-fields.md); `engine`
    defaults to `default_engine()`. Raises `RecordError` for an unknown channel or
    a malformed field. Thread-safe: the engine and its caches are shared, nothing
    else is.
    """
    record: dict[str, Any] = {
        "text": text,
        "channel": channel,
        "incoming": incoming,
        "language": language,
        "agent": agent,
        "brand": brand,
        "customer": customer,
        "saved_reply": saved_reply,
        "faq": list(faq),
    }
    return lint_record(record, engine=engine)


def lint_record(record: Mapping[str, Any], *, engine: Engine | None = None) -> Report:
    """Lint one reply record (fields in docs/record-fields.md).

    Raises `RecordError` if it is malformed: an unknown field (its message names the
    closest known one; put your own data under `meta`), an empty `text`, a language
    the engine does not support, a wrong type.
    """
    engine = engine or default_engine()
    reply: Reply = parse_record(
        record, default_channel=engine.config.channel, strict=True, languages=engine.languages
    )
    return engine.lint(reply)
