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
    assert rule.url and rule.url.endswith(name)
    assert f"`{name}`" in README


def test_readme_starts_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.DOTALL)
    assert "pip install -e ." in blocks[0] and "replylint check examples/" in blocks[0]
    assert "pytest" in blocks[1]
