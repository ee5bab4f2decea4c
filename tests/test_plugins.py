from __future__ import annotations

import sys

import pytest

from replylint import hookimpl
from replylint.config import Config, ConfigLayer
from replylint.engine import Engine
from replylint.model import Reply, Severity
from replylint.plugins import collect, plugin_manager
from replylint.rule import Rule


def _shouting(analysis, ctx):  # type: ignore[no-untyped-def]
    for token in analysis.words:
        if len(token.text) > 3 and token.text.isupper():
            yield ctx.finding(token.idx, token.idx + len(token.text), "Don't shout.")


class ShoutingPlugin:
    @hookimpl
    def replylint_rules(self) -> list[Rule]:
        return [Rule(name="no-shouting", check=_shouting, default_severity=Severity.ERROR)]


class BrokenHookPlugin:
    @hookimpl
    def replylint_rules(self) -> list[Rule]:
        raise RuntimeError("boom")


def test_throwaway_plugin_rule_is_used() -> None:
    pm, errors = plugin_manager(extra=[("shouting", ShoutingPlugin())])
    try:
        loaded = collect(pm, errors)
        engine = Engine(Config((ConfigLayer("t", select=("no-shouting",)),)), rules=loaded.rules)
        report = engine.lint(Reply("This is VERY important.", language="en"))
        assert [(f.rule, report.reply.text[f.start : f.end]) for f in report.findings] == [
            ("no-shouting", "VERY")
        ]
        assert report.verdict == "block"
    finally:
        pm.unregister(name="shouting")


def test_broken_plugin_is_reported_and_others_still_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # A plugin whose import raises, found through the entry-point group.
    from importlib import metadata

    broken = metadata.EntryPoint("broken-plugin", "replylint_test_broken_module", "replylint")
    real = metadata.entry_points

    def fake_entry_points(**kwargs):  # type: ignore[no-untyped-def]
        found = list(real(**kwargs))
        return [*found, broken] if kwargs.get("group") == "replylint" else found

    monkeypatch.setattr("replylint.plugins.entry_points", fake_entry_points)
    monkeypatch.setitem(sys.modules, "replylint_test_broken_module", None)  # import fails
    pm, errors = plugin_manager(extra=[("broken-hook", BrokenHookPlugin())])
    loaded = collect(pm, errors)
    names = {e.plugin for e in loaded.errors}
    assert {"broken-plugin", "broken-hook"} <= names
    assert "brevity" in {r.name for r in loaded.rules}
    engine = Engine(Config(), rules=loaded.rules)
    long_reply = " ".join(["Word word word word word."] * 20)
    report = engine.lint(Reply(long_reply, channel="public", language="en"))
    assert any(f.rule == "brevity" for f in report.findings)


def test_a_rule_that_raises_does_not_hide_the_others() -> None:
    def explode(analysis, ctx):  # type: ignore[no-untyped-def]
        raise ValueError("bad rule")

    rules = [Rule(name="explodes", check=explode), Rule(name="no-shouting", check=_shouting)]
    report = Engine(Config(), rules=rules).lint(Reply("STOP that.", language="en"))
    assert [f.rule for f in report.findings] == ["no-shouting"]
    assert report.rule_errors and "explodes" in report.rule_errors[0]
