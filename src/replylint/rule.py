"""What a rule is: a name, data and docs from `rules/<name>.toml`, and a check.

A rule's check receives the shared `Analysis` and a `RuleContext` (its resolved
options, severity and messages for the reply's language) and yields `Finding`s.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from replylint.model import Finding, Fix, Severity
from replylint.text.derived import derived
from replylint.tomlcompat import tomllib

if TYPE_CHECKING:
    from replylint.text.analysis import Analysis

DOCS_URL = "https://replylint.dev/rules/{rule}"
DOC_SECTIONS = (
    ("what", "What it does"),
    ("why", "Why it matters"),
    ("example", "Example"),
    ("use_instead", "Use instead"),
    ("options", "Options"),
)

CheckFunction = Callable[["Analysis", "RuleContext"], Iterable[Finding]]


@dataclass(frozen=True)
class RuleDocs:
    what: str = ""
    why: str = ""
    example: str = ""
    use_instead: str = ""
    options: str = ""

    def markdown(self, name: str, summary: str = "") -> str:
        """The rule's documentation, same sections every time (ruff-style)."""
        parts = [f"# {name}", ""]
        if summary:
            parts += [summary, ""]
        for key, title in DOC_SECTIONS:
            body = getattr(self, key).strip()
            if body:
                parts += [f"## {title}", "", body, ""]
        return "\n".join(parts).rstrip() + "\n"


@dataclass(frozen=True)
class Rule:
    """A lint rule. Build one with `Rule.from_data(...)` or directly."""

    name: str
    check: CheckFunction
    summary: str = ""
    default_severity: Severity = Severity.WARNING
    languages: frozenset[str] | None = None  # None: every language
    docs: RuleDocs = field(default_factory=RuleDocs)
    options: Mapping[str, Any] = field(default_factory=dict)
    channels: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    messages: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    data: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    url: str | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any], check: CheckFunction) -> Rule:
        """A rule from the mapping of a `rules/<name>.toml` file."""
        name = data["name"]
        languages = data.get("languages")
        return cls(
            name=name,
            check=check,
            summary=data.get("summary", ""),
            default_severity=Severity.parse(data.get("severity", "warning")),
            languages=frozenset(languages) if languages else None,
            docs=RuleDocs(**data.get("docs", {})),
            options=data.get("options", {}),
            channels=data.get("channels", {}),
            messages=data.get("messages", {}),
            data=data.get("data", {}),
            url=data.get("url", DOCS_URL.format(rule=name)),
        )

    @classmethod
    def builtin(cls, name: str, check: CheckFunction) -> Rule:
        """A built-in rule whose data lives in the shipped `rules/<name>.toml`."""
        return cls.from_data(load_rule_data(name), check)

    def enabled_for(self, language: str) -> bool:
        return self.languages is None or language in self.languages


def rules_dir() -> Path:
    """The shipped rule data: inside the wheel, or the checkout's `rules/`."""
    packaged = resources.files("replylint") / "_rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "rules"


@cache
def load_rule_data(name: str) -> Mapping[str, Any]:
    path = rules_dir() / f"{name}.toml"
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    data.setdefault("name", name)
    return data


def data_strings(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """The list `key` of a rule's data table, as strings (empty if absent)."""
    return derived(data, ("strings", key), _strings, data, key)


def data_words(data: Mapping[str, Any], key: str) -> frozenset[str]:
    """The list `key` of a rule's data table, lower-cased, for token lookups."""
    return derived(data, ("words", key), _words, data, key)


def _strings(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    values = data.get(key, ())
    return tuple(str(v) for v in values) if isinstance(values, list) else ()


def _words(data: Mapping[str, Any], key: str) -> frozenset[str]:
    return frozenset(w.lower() for w in data_strings(data, key))


@dataclass(frozen=True)
class RuleContext:
    """What one rule knows while checking one reply."""

    rule: Rule
    severity: Severity
    options: Mapping[str, Any]
    language: str

    @property
    def data(self) -> Mapping[str, Any]:
        """The rule's data for the reply's language (empty if it has none)."""
        return self.rule.data.get(self.language, {})

    def message(self, key: str, **values: Any) -> str:
        """The message `key` in the reply's language, else English, formatted."""
        for lang in (self.language, "en"):
            template = self.rule.messages.get(lang, {}).get(key)
            if template is not None:
                return template.format(**values)
        return key.format(**values) if values else key

    def finding(
        self,
        start: int,
        end: int,
        message: str,
        *,
        fixes: Iterable[Fix] = (),
        severity: Severity | None = None,
    ) -> Finding:
        return Finding(
            rule=self.rule.name,
            severity=severity if severity is not None else self.severity,
            message=message,
            start=start,
            end=end,
            fixes=tuple(fixes),
            url=self.rule.url,
        )

    def option_for(self, key: str, *selectors: str, default: Any = None) -> Any:
        """An option that may be a table keyed by channel or language.

        `option_for("max_words", "public")` reads `max_words = 60` or
        `max_words = {public = 60, default = 90}`.
        """
        value = self.options.get(key, default)
        if isinstance(value, Mapping):
            for selector in selectors:
                if selector in value:
                    return value[selector]
            return value.get("default", default)
        return value
