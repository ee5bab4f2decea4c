"""Rules as data: list declarations validated on load, and named sub-checks with their
own severity and switch, from the config file, the editor settings and HTTP settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from replylint.config import Config, ConfigError, ConfigLayer, load_config_file
from replylint.engine import Engine
from replylint.lsp.settings import apply_settings
from replylint.model import Reply, Severity
from replylint.rule import Rule, RuleDataError, data_strings, rules_dir
from replylint.service.app import create_app
from replylint.tomlcompat import tomllib

# A Luhn-valid test card number (Visa's published test number) in a private reply.
CARD_REPLY = Reply(
    text="Hi Ann, the card 4111 1111 1111 1111 was declined, please try another one. – Marie",
    channel="private",
    language="en",
)


def _no_check(analysis: Any, ctx: Any) -> list[Any]:
    return []


def _rule(**data: Any) -> Rule:
    return Rule.from_data({"name": "demo", **data}, _no_check, source="demo.toml")


RULE_FILES = sorted(rules_dir().glob("*.toml"))
WITH_LISTS = [p for p in RULE_FILES if "data" in tomllib.loads(p.read_text("utf-8"))]


def test_the_rules_with_word_lists_are_found() -> None:
    assert len(WITH_LISTS) >= 5


@pytest.mark.parametrize("path", WITH_LISTS, ids=lambda p: p.stem)
def test_english_and_french_sections_have_the_same_lists(path: Path) -> None:
    data = tomllib.loads(path.read_text("utf-8"))["data"]
    assert set(data) == {"en", "fr"}
    assert sorted(data["en"]) == sorted(data["fr"])


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.stem)
def test_every_shipped_list_is_declared_with_its_kind(path: Path) -> None:
    data = tomllib.loads(path.read_text("utf-8"))
    declared = data.get("lists", {})
    for section in data.get("data", {}).values():
        assert set(section) == set(declared)
    assert set(declared.values()) <= {"form", "lemma", "table"}


def test_an_undeclared_list_names_file_and_key() -> None:
    with pytest.raises(RuleDataError, match=r"demo\.toml: data\.en\.thanks: unknown list"):
        _rule(lists={}, data={"en": {"thanks": ["thanks"]}})


def test_a_list_missing_from_one_language_is_an_error() -> None:
    with pytest.raises(RuleDataError, match=r"demo\.toml: data\.fr: missing list 'thanks'"):
        _rule(lists={"thanks": "lemma"}, data={"en": {"thanks": ["thanks"]}, "fr": {}})


def test_a_list_of_the_wrong_type_is_an_error() -> None:
    with pytest.raises(RuleDataError, match=r"data\.en\.thanks: expected a list of strings"):
        _rule(lists={"thanks": "form"}, data={"en": {"thanks": "thanks"}})


def test_an_unknown_match_kind_is_an_error() -> None:
    with pytest.raises(RuleDataError, match=r"lists\.thanks: unknown kind 'stem'"):
        _rule(lists={"thanks": "stem"}, data={"en": {"thanks": ["thanks"]}})


def test_a_misspelled_list_name_in_code_raises_instead_of_matching_nothing() -> None:
    with pytest.raises(KeyError, match="thank"):
        data_strings({"thanks": ["thanks"]}, "thank")
    # A language without data (a plugin language) still reads as empty.
    assert data_strings({}, "thanks") == ()


def test_a_check_with_a_bad_severity_names_its_key() -> None:
    with pytest.raises(RuleDataError, match=r"checks\.loud\.severity"):
        _rule(checks={"loud": {"severity": "fatal"}})


def _card_findings(engine: Engine) -> list[tuple[str | None, Severity]]:
    report = engine.lint(CARD_REPLY)
    return [(f.check, f.severity) for f in report.findings if f.rule == "sensitive-in-private"]


def _engine_with(settings: dict[str, Any]) -> Engine:
    return Engine(Config((ConfigLayer.from_mapping(settings, "test"),)))


def test_findings_name_their_sub_check() -> None:
    assert _card_findings(Engine()) == [("card-number", Severity.ERROR)]


def test_a_sub_check_can_be_switched_off() -> None:
    settings = {"rules": {"sensitive-in-private": {"checks": {"card-number": False}}}}
    assert _card_findings(_engine_with(settings)) == []


def test_a_sub_check_gets_its_own_severity() -> None:
    settings = {"rules": {"sensitive-in-private": {"checks": {"card-number": "info"}}}}
    assert _card_findings(_engine_with(settings)) == [("card-number", Severity.INFO)]


def test_an_explicit_rule_severity_wins_even_when_it_equals_the_default() -> None:
    # The rule's default is "warning"; its card check's is "error". Set explicitly,
    # "warning" applies to every check of the rule.
    settings = {"rules": {"sensitive-in-private": {"severity": "warning"}}}
    assert _card_findings(_engine_with(settings)) == [("card-number", Severity.WARNING)]


def test_a_check_severity_beats_the_rule_severity() -> None:
    rule = {"severity": "info", "checks": {"card-number": {"severity": "error"}}}
    settings = {"rules": {"sensitive-in-private": rule}}
    assert _card_findings(_engine_with(settings)) == [("card-number", Severity.ERROR)]


def test_an_unknown_check_is_a_config_error_naming_the_known_ones() -> None:
    settings = {"rules": {"sensitive-in-private": {"checks": {"card": False}}}}
    with pytest.raises(ConfigError, match=r"checks\.card: unknown check \(known: card-number"):
        _engine_with(settings)


def test_sub_check_settings_from_a_config_file(tmp_path: Path) -> None:
    path = tmp_path / "replylint.toml"
    path.write_text(
        '[rules.sensitive-in-private.checks.card-number]\nseverity = "warning"\n', "utf-8"
    )
    engine = Engine(Config((load_config_file(path),), path))
    assert _card_findings(engine) == [("card-number", Severity.WARNING)]


def test_sub_check_settings_from_the_editor() -> None:
    raw = {"rules": {"sensitive-in-private": {"checks": {"card-number": {"enabled": False}}}}}
    engine, warnings = apply_settings(Engine(), raw)
    assert warnings == []
    assert _card_findings(engine) == []


async def test_sub_check_settings_from_an_http_request() -> None:
    app = create_app(Engine(), warm_up=False)
    body = {
        "text": CARD_REPLY.text,
        "language": "en",
        "settings": {"rules": {"sensitive-in-private": {"checks": {"card-number": "warning"}}}},
    }
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://service.test") as client:
        response = await client.post("/v1/check", json=body)
    assert response.status_code == 200
    cards = [f for f in response.json()["findings"] if f.get("check") == "card-number"]
    assert [(f["rule"], f["severity"]) for f in cards] == [("sensitive-in-private", "warning")]
    assert response.json()["verdict"] == "warn"


def test_wording_rules_leave_an_unsupported_language_to_the_language_note() -> None:
    # German, public, unsigned: the sign-off, tone, directness and spam rules read
    # English and French wording only, so they stay silent; the engine says why.
    reply = Reply(
        text="Sehr geehrte Damen und Herren, Ihre Bestellung wurde heute versandt "
        "und kommt morgen an. Viele Grüße",
        channel="public",
    )
    report = Engine().lint(reply)
    assert [(f.rule, f.severity) for f in report.findings] == [("language", Severity.INFO)]


def test_a_rule_file_that_is_not_toml_is_named_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import replylint.rule as rule_module

    (tmp_path / "broken-rule.toml").write_text("[checks]\nbad = [\n", encoding="utf-8")
    monkeypatch.setattr(rule_module, "rules_dir", lambda: tmp_path)
    rule_module.load_rule_data.cache_clear()
    try:
        with pytest.raises(RuleDataError) as caught:
            rule_module.load_rule_data("broken-rule")
    finally:
        rule_module.load_rule_data.cache_clear()
    message = str(caught.value)
    assert str(tmp_path / "broken-rule.toml") in message
    assert "not valid TOML" in message


def test_selecting_a_rule_whose_plugin_failed_to_load_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import replylint.engine as engine_module
    from replylint.plugins import LoadedPlugins, PluginError

    failed = LoadedPlugins((), {}, (PluginError("brevity", "RuleDataError: brevity.toml: bad"),))
    monkeypatch.setattr(engine_module, "load_plugins", lambda: failed)
    layer = ConfigLayer.from_mapping({"select": ["brevity"]}, "test")
    with pytest.raises(ConfigError) as caught:
        Engine(Config((layer,)))
    assert "rule 'brevity' failed to load: RuleDataError: brevity.toml: bad" in str(caught.value)
    assert "unknown rule" not in str(caught.value)


def test_a_language_without_data_gets_one_shared_empty_table() -> None:
    """Values derived from a rule's data are kept per table: a fresh empty table per
    reply would rebuild them every time."""
    from replylint.rule import RuleContext, data_words

    rule = Rule("no-data-rule", _no_check, Severity.WARNING)
    first = RuleContext(rule, Severity.WARNING, {}, "de")
    second = RuleContext(rule, Severity.WARNING, {}, "de")
    assert first.data == {}
    assert first.data is second.data
    assert data_words(first.data, "anything") == frozenset()
