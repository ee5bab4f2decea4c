"""Documentation stays complete: every hook and every rule is documented."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from replylint import hookspecs
from replylint.engine import Engine
from replylint.rule import DOC_SECTIONS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
HOOKS = [
    name
    for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("replylint_")
]
BUILTIN = [
    "brevity",
    "directness",
    "no-marketing-spam",
    "personal-tone",
    "saved-reply-fit",
    "sensitive-in-private",
    "signature-present",
]


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_documented(hook: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    assert ":return:" in doc
    assert f"{hook}()" in README


@pytest.mark.parametrize("name", BUILTIN)
def test_every_builtin_rule_has_full_docs(name: str) -> None:
    rule = Engine().rules.get(name)
    if rule is None:
        pytest.fail(f"built-in rule {name} is not installed")
    assert rule.summary
    markdown = rule.docs.markdown(rule.name, rule.summary)
    for _, title in DOC_SECTIONS:
        assert f"## {title}" in markdown, f"{name}: missing section {title}"
    assert rule.url is None  # no external page: explain, hovers and /rules/NAME hold the docs
    assert f"`{name}`" in README


def test_readme_starts_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.DOTALL)
    assert "pip install -e ." in blocks[0] and "replylint check examples/" in blocks[0]
    assert "pytest" in blocks[1]


DOCS = Path(__file__).resolve().parents[1] / "docs"


@pytest.mark.parametrize("name", BUILTIN)
def test_rule_page_in_docs_is_what_explain_prints(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from replylint.cli import main

    assert main(["explain", name]) == 0
    page = (DOCS / "rules" / f"{name}.md").read_text("utf-8")
    assert capsys.readouterr().out == page, "run: python -m replylint.rule_docs docs/rules"
    assert "## Must not flag" in page


def test_rules_index_lists_every_builtin_rule() -> None:
    from replylint.rule_docs import builtin_rules, index_page

    assert [r.name for r in builtin_rules()] == BUILTIN
    assert (DOCS / "rules" / "README.md").read_text("utf-8") == index_page(builtin_rules())


def test_configuration_example_is_a_valid_config() -> None:
    from replylint.config import Config, ConfigLayer
    from replylint.tomlcompat import tomllib

    text = (DOCS / "configuration.md").read_text("utf-8")
    example = re.search(r"```toml\n(.*?)```", text, re.DOTALL)
    assert example is not None
    layer = ConfigLayer.from_mapping(tomllib.loads(example.group(1)), "docs/configuration.md")
    engine = Engine(Config((layer,)))  # rule, option and check names are validated here
    settings = engine.config.rule_settings("sensitive-in-private", "public")
    assert settings.checks["own-matter"].enabled is False


def test_docstrings_point_to_the_repository_docs_not_the_design_notes() -> None:
    """Users have `docs/`, not the project's design notes."""
    root = Path(__file__).resolve().parents[1]
    sources = [*root.joinpath("src").rglob("*.py"), root / "README.md"]
    stale = [
        str(p.relative_to(root))
        for p in sources
        if re.search(r"\b(DESIGN|RULES)\.md", p.read_text("utf-8"))
    ]
    assert not stale, stale
