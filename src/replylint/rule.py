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
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from replylint.model import Finding, Fix, Severity
from replylint.text.derived import derived
from replylint.tomlcompat import tomllib

if TYPE_CHECKING:
    from replylint.text.analysis import Analysis

DOC_SECTIONS = (
    ("what", "What it does"),
    ("why", "Why it matters"),
    ("must_not", "Must not flag"),
    ("example", "Example"),
    ("use_instead", "Use instead"),
    ("options", "Options"),
    ("checks", "Checks"),
)

CheckFunction = Callable[["Analysis", "RuleContext"], Iterable[Finding]]

# How a word list in a rule's `[data.<lang>]` matches, declared in its `[lists]` table:
# "form" matches the lower-case word forms only ("tracks" is not "track"), "lemma" also
# matches every inflection through lemmas, "table" is a table of phrase = value.
LIST_KINDS = ("form", "lemma", "table")


class RuleDataError(ValueError):
    """A rule's data file is malformed; the message names the file and the key."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: {key}: {problem}" if key else f"{source}: {problem}")
        self.source = source
        self.key = key


@dataclass(frozen=True)
class CheckSpec:
    """A named sub-check of a rule: its own default severity and on/off switch."""

    name: str
    severity: Severity
    summary: str = ""


@dataclass(frozen=True)
class RuleDocs:
    what: str = ""
    why: str = ""
    must_not: str = ""
    example: str = ""
    use_instead: str = ""
    options: str = ""
    checks: str = ""  # made from the rule's [checks] table, not written by hand

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
    checks: Mapping[str, CheckSpec] = field(default_factory=dict)
    lists: Mapping[str, str] = field(default_factory=dict)  # list name -> LIST_KINDS

    @classmethod
    def from_data(
        cls, data: Mapping[str, Any], check: CheckFunction, *, source: str | None = None
    ) -> Rule:
        """A rule from the mapping of a `rules/<name>.toml` file, validated: a
        malformed file raises `RuleDataError` naming `source` and the key."""
        name = data["name"]
        source = source or f"rules/{name}.toml"
        languages = data.get("languages")
        lists = _validated_lists(data, source)
        try:
            severity = Severity.parse(data.get("severity", "warning"))
        except ValueError as exc:
            raise RuleDataError(source, "severity", str(exc)) from None
        checks = _validated_checks(data, source, severity)
        return cls(
            name=name,
            check=check,
            summary=data.get("summary", ""),
            default_severity=severity,
            languages=frozenset(languages) if languages else None,
            docs=RuleDocs(**data.get("docs", {}), checks=_checks_markdown(name, checks)),
            options=data.get("options", {}),
            channels=data.get("channels", {}),
            messages=data.get("messages", {}),
            data=data.get("data", {}),
            url=data.get("url"),  # a page of its own; else reports link where configured
            checks=checks,
            lists=lists,
        )

    @classmethod
    def builtin(cls, name: str, check: CheckFunction) -> Rule:
        """A built-in rule whose data lives in the shipped `rules/<name>.toml`."""
        return cls.from_data(load_rule_data(name), check, source=str(rules_dir() / f"{name}.toml"))

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
        try:
            data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise RuleDataError(str(path), "", f"not valid TOML: {exc}") from None
    data.setdefault("name", name)
    return data


def _validated_lists(data: Mapping[str, Any], source: str) -> dict[str, str]:
    """The `[lists]` declarations, checked against every `[data.<lang>]` section:
    each list declared once with its kind, present in every language, of its type."""
    declared = data.get("lists", {})
    if not isinstance(declared, Mapping):
        raise RuleDataError(source, "lists", "expected a table of list name = kind")
    for key, kind in declared.items():
        if kind not in LIST_KINDS:
            raise RuleDataError(
                source, f"lists.{key}", f"unknown kind {kind!r} (one of {', '.join(LIST_KINDS)})"
            )
    sections = data.get("data", {})
    if not isinstance(sections, Mapping):
        raise RuleDataError(source, "data", "expected a table of languages")
    for language, section in sections.items():
        where = f"data.{language}"
        if not isinstance(section, Mapping):
            raise RuleDataError(source, where, "expected a table of lists")
        for key, value in section.items():
            kind = declared.get(key)
            if kind is None:
                raise RuleDataError(
                    source, f"{where}.{key}", "unknown list (declare it in [lists])"
                )
            if kind == "table":
                if not isinstance(value, Mapping):
                    raise RuleDataError(source, f"{where}.{key}", "expected a table")
            elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise RuleDataError(source, f"{where}.{key}", "expected a list of strings")
        missing = sorted(set(declared) - set(section))
        if missing:
            raise RuleDataError(source, where, f"missing list {missing[0]!r}")
    return dict(declared)


def _validated_checks(
    data: Mapping[str, Any], source: str, rule_severity: Severity
) -> dict[str, CheckSpec]:
    checks = data.get("checks", {})
    if not isinstance(checks, Mapping):
        raise RuleDataError(source, "checks", "expected a table of named checks")
    out = {}
    for name, spec in checks.items():
        key = f"checks.{name}"
        if not isinstance(spec, Mapping):
            raise RuleDataError(source, key, "expected a table with severity and summary")
        unknown = set(spec) - {"severity", "summary"}
        if unknown:
            raise RuleDataError(source, f"{key}.{sorted(unknown)[0]}", "unknown key")
        try:
            severity = Severity.parse(spec.get("severity", str(rule_severity)))
        except ValueError as exc:
            raise RuleDataError(source, f"{key}.severity", str(exc)) from None
        out[name] = CheckSpec(name, severity, str(spec.get("summary", "")))
    return out


def _checks_markdown(rule: str, checks: Mapping[str, CheckSpec]) -> str:
    """The Checks section: each named sub-check, its default severity and what it
    flags, and how to configure one."""
    if not checks:
        return ""
    rows = [f"- `{c.name}` ({c.severity}): {c.summary}" for c in checks.values()]
    example = next(iter(checks))
    rows.append(
        f"\nEach can be switched off or given its own severity, e.g. "
        f'`[rules.{rule}.checks.{example}]` with `enabled = false` or `severity = "info"`.'
    )
    return "\n".join(rows)


_NO_DATA: Mapping[str, Any] = MappingProxyType({})


def data_strings(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """The list `key` of a rule's data table, as strings (empty if absent)."""
    return derived(data, ("strings", key), _strings, data, key)


def data_words(data: Mapping[str, Any], key: str) -> frozenset[str]:
    """The list `key` of a rule's data table, lower-cased, for token lookups."""
    return derived(data, ("words", key), _words, data, key)


def _strings(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    if data and key not in data:
        # Every declared list is in every language's data (checked on load), so a
        # miss here is a misspelled name in the code: never silently an empty list.
        raise KeyError(f"the rule data has no list {key!r}")
    values = data.get(key, ())
    return tuple(str(v) for v in values) if isinstance(values, list) else ()


def _words(data: Mapping[str, Any], key: str) -> frozenset[str]:
    return frozenset(w.lower() for w in data_strings(data, key))


@dataclass(frozen=True)
class RuleContext:
    """What one rule knows while checking one reply.

    `check_severities` holds the resolved severity of each named sub-check that is
    switched on; a check missing from it is off (`enabled()` says so, and the engine
    drops its findings).
    """

    rule: Rule
    severity: Severity
    options: Mapping[str, Any]
    language: str
    check_severities: Mapping[str, Severity] = field(default_factory=dict)

    def enabled(self, check: str) -> bool:
        """Is the named sub-check on? Rules skip an off check's work."""
        return check in self.check_severities or check not in self.rule.checks

    def list_kind(self, key: str) -> str:
        """How the data list `key` matches, as its `[lists]` declaration says."""
        try:
            return self.rule.lists[key]
        except KeyError:
            raise KeyError(f"rule {self.rule.name!r} declares no list {key!r}") from None

    @property
    def data(self) -> Mapping[str, Any]:
        """The rule's data for the reply's language (empty if it has none)."""
        # One shared empty table, not a new one per call: `derived` values are kept
        # per table, and a fresh table would rebuild them on every reply.
        return self.rule.data.get(self.language, _NO_DATA)

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
        check: str | None = None,
        personal_data: bool = False,
    ) -> Finding:
        """A finding of this rule; with `check`, of that named sub-check and at its
        resolved severity (an explicit `severity` still wins)."""
        if severity is None:
            severity = self.check_severities.get(check, self.severity) if check else self.severity
        return Finding(
            rule=self.rule.name,
            severity=severity,
            message=message,
            start=start,
            end=end,
            fixes=tuple(fixes),
            url=self.rule.url,
            check=check,
            personal_data=personal_data,
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
