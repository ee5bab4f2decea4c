"""Writes `docs/rules/`: one page per built-in rule, exactly what `replylint explain`
prints, and an index. `python -m replylint.rule_docs docs/rules` after changing a
rule's data; a test fails while the pages and `explain` differ."""

from __future__ import annotations

import sys
from pathlib import Path

from replylint.engine import Engine
from replylint.rule import Rule, rules_dir


def rule_page(rule: Rule) -> str:
    return rule.docs.markdown(rule.name, rule.summary)


def index_page(rules: list[Rule]) -> str:
    lines = [
        "# The rules",
        "",
        "Each page is what `replylint explain RULE` prints: what the rule flags, what it",
        "must not flag, an example, what to write instead, its options and its named",
        "sub-checks.",
        "",
        "| rule | default | summary |",
        "|---|---|---|",
    ]
    for rule in rules:
        lines.append(
            f"| [`{rule.name}`]({rule.name}.md) | {rule.default_severity} | {rule.summary} |"
        )
    return "\n".join(lines) + "\n"


def builtin_rules() -> list[Rule]:
    """The built-in rules (those whose data file ships in `rules/`), by name."""
    return [r for r in Engine().rules.values() if (rules_dir() / f"{r.name}.toml").is_file()]


def write(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rules = builtin_rules()
    written = []
    for rule in rules:
        path = folder / f"{rule.name}.md"
        path.write_text(rule_page(rule), "utf-8")
        written.append(path)
    (folder / "README.md").write_text(index_page(rules), "utf-8")
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/rules")
    for path in write(target):
        print(path)
