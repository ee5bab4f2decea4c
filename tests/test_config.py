from __future__ import annotations

from pathlib import Path

import pytest

from replylint.config import Config, ConfigError, ConfigLayer, find_config_file, load_config
from replylint.engine import Engine
from replylint.model import Reply, Severity


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def brevity(engine: Engine, channel: str = "public", words: int = 70) -> list:
    # Five-word sentences, so only the reply's length can trip the rule.
    text = " ".join("word" if i % 5 else "Word." for i in range(1, words + 1))
    report = engine.lint(Reply(text, channel=channel, language="en"))
    return [f for f in report.findings if f.rule == "brevity"]


def test_found_upward_replylint_toml_first(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.replylint]\nchannel = 'email'\n")
    write(tmp_path / "replylint.toml", "channel = 'chat'\n")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert find_config_file(nested) == (tmp_path / "replylint.toml").resolve()
    assert load_config(nested).channel == "chat"


def test_pyproject_without_section_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "replylint.toml", "channel = 'chat'\n")
    project = tmp_path / "project"
    project.mkdir()
    write(project / "pyproject.toml", "[project]\nname = 'x'\n")
    # The project's pyproject.toml has no [tool.replylint]: the search goes on upward.
    assert find_config_file(project) == (tmp_path / "replylint.toml").resolve()


def test_precedence_defaults_file_channel_editor_cli(tmp_path: Path) -> None:
    path = write(
        tmp_path / "replylint.toml",
        "[rules.brevity]\nseverity = 'warning'\nmax_words = 100\n"
        "[channels.public.rules.brevity]\nmax_words = 50\n",
    )
    config = load_config(explicit=path)
    engine = Engine(config)
    # Built-in default is 60 for public; the file says 100, its public section 50.
    assert [f.severity for f in brevity(engine, words=55)] == [Severity.WARNING]
    assert brevity(engine, channel="private", words=95) == []
    # Editor settings sit above the file's channel section.
    editor = engine.with_layer(ConfigLayer("editor", rules={"brevity": _settings(max_words=80)}))
    assert brevity(editor, words=70) == []
    # CLI flags sit above everything.
    cli = editor.with_layer(ConfigLayer("cli", ignore=("brevity",)))
    assert brevity(cli, words=200) == []


def _settings(**options):  # type: ignore[no-untyped-def]
    from replylint.config import RuleSettings

    return RuleSettings(options=options)


def test_per_channel_enable(tmp_path: Path) -> None:
    path = write(tmp_path / "replylint.toml", "[channels.public.rules.brevity]\nenabled = false\n")
    engine = Engine(load_config(explicit=path))
    assert brevity(engine, channel="public", words=200) == []
    assert brevity(engine, channel="chat", words=200)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("channel = 'fax'\n", "channel"),
        ("[rules.no-such-rule]\nenabled = false\n", "rules.no-such-rule"),
        ("[rules.brevity]\nseverity = 'fatal'\n", "rules.brevity.severity"),
        ("[rules.brevity]\nmax_words = 'many'\n", "rules.brevity.max_words"),
        ("[rules.brevity]\nbudget = 3\n", "rules.brevity.budget"),
        ("colour = 'red'\n", "colour"),
        ("select = ['brevity', 'nope']\n", "nope"),
        ("[[phrases]]\nname = 'x'\n", "phrases[0]"),
    ],
)
def test_config_errors_name_file_and_key(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path / "replylint.toml", text)
    with pytest.raises(ConfigError) as info:
        Engine(load_config(explicit=path))
    assert str(path) in str(info.value)
    assert key in str(info.value)


def test_bad_toml_is_a_config_error(tmp_path: Path) -> None:
    path = write(tmp_path / "replylint.toml", "channel = \n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(explicit=path)


def test_phrase_rule_from_config(tmp_path: Path) -> None:
    path = write(
        tmp_path / "replylint.toml",
        "[[phrases]]\nname = 'acme-no-guys'\nmessage = 'Say folks, not guys.'\n"
        "severity = 'error'\nswap = {'hey guys' = 'hey folks'}\n",
    )
    engine = Engine(load_config(explicit=path))
    report = engine.lint(Reply("Hey guys, the outage is over.", language="en"))
    found = [f for f in report.findings if f.rule == "acme-no-guys"]
    assert len(found) == 1 and found[0].severity is Severity.ERROR
    assert found[0].fixes[0].apply(report.reply.text) == "hey folks, the outage is over."


def test_defaults_fill_reply_context() -> None:
    engine = Engine(Config((ConfigLayer("t", agent="Marie", brand="Acme"),)))
    reply = engine.prepare(Reply("hi"))
    assert (reply.agent, reply.brand) == ("Marie", "Acme")
