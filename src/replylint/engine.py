"""The only place rules run: analyse a reply once, hand it to every active rule."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from replylint.builtin.phrase_rules import phrase_rule
from replylint.config import Config, ConfigError, ConfigLayer, RuleSettings
from replylint.language_rule import LANGUAGE_RULE, unsupported_language_finding
from replylint.model import Finding, Reply, Report, Severity
from replylint.plugins import PluginError, load_plugins
from replylint.rule import Rule, RuleContext
from replylint.text.analysis import analyze
from replylint.text.detect import LanguageChoice, choose_language
from replylint.text.language_data import LanguageData, language_data

# Front-matter / record key listing rules to skip for this one reply.
IGNORE_KEY = "replylint-ignore"
# `replylint-ignore: all` skips every rule: the file is not linted.
IGNORE_ALL = "all"


@dataclass(frozen=True)
class ActiveRule:
    rule: Rule
    severity: Severity
    options: dict[str, object]
    # The named sub-checks switched on, with their resolved severity.
    check_severities: dict[str, Severity] = dataclasses.field(default_factory=dict)


class Engine:
    """Rules plus configuration; `lint()` is pure and safe to call from many threads."""

    def __init__(
        self,
        config: Config | None = None,
        rules: Sequence[Rule] | None = None,
        *,
        languages: Mapping[str, LanguageData] | None = None,
        validate: bool = True,
    ) -> None:
        """`rules` and `languages` default to every installed plugin's; an engine
        given its rules gets only the languages it is given (and the built-ins)."""
        self.config = config or Config()
        self.plugin_errors: tuple[PluginError, ...] = ()
        if rules is None:
            loaded = load_plugins()
            rules, self.plugin_errors = loaded.rules, loaded.errors
            if languages is None:
                languages = loaded.languages
        self.plugin_languages: dict[str, LanguageData] = dict(languages or {})
        own = [phrase_rule(spec) for spec in self.config.phrases]
        by_name = {LANGUAGE_RULE.name: LANGUAGE_RULE, **{rule.name: rule for rule in rules}}
        for rule in own:
            if rule.name in by_name:
                raise ConfigError(
                    "phrases", rule.name, "this name is taken by a built-in or plugin rule"
                )
            by_name[rule.name] = rule
        self.rules: dict[str, Rule] = dict(sorted(by_name.items()))
        self._active: dict[str, list[ActiveRule]] = {}
        self._plans: dict[tuple[str, str], list[_Step]] = {}
        if validate:
            self._validate()

    def _validate(self) -> None:
        for source, key in self.config.named_rules():
            name = key.rsplit(".", 1)[-1]
            if name not in self.rules:
                # A plugin that failed to load names the rule it would have provided.
                failed = next((e for e in self.plugin_errors if e.plugin == name), None)
                if failed is not None:
                    raise ConfigError(
                        source, key, f"rule {name!r} failed to load: {failed.message}"
                    )
                raise ConfigError(source, key, f"unknown rule {name!r}")
        for layer in self.config.layers:
            for name, settings in layer.rules.items():
                self._validate_options(
                    layer.source, f"rules.{name}", self.rules[name], settings.options
                )
                self._validate_checks(layer.source, f"rules.{name}", self.rules[name], settings)
            for channel, section in layer.channels.items():
                for name, settings in section.items():
                    key = f"channels.{channel}.rules.{name}"
                    self._validate_options(layer.source, key, self.rules[name], settings.options)
                    self._validate_checks(layer.source, key, self.rules[name], settings)

    @staticmethod
    def _validate_checks(source: str, key: str, rule: Rule, settings: RuleSettings) -> None:
        for check in settings.checks:
            if check not in rule.checks:
                known = ", ".join(sorted(rule.checks)) or "none"
                raise ConfigError(
                    source, f"{key}.checks.{check}", f"unknown check (known: {known})"
                )

    @staticmethod
    def _validate_options(source: str, key: str, rule: Rule, options: Mapping[str, Any]) -> None:
        for option, value in options.items():
            if option not in rule.options:
                known = ", ".join(sorted(rule.options)) or "none"
                raise ConfigError(source, f"{key}.{option}", f"unknown option (known: {known})")
            default = rule.options[option]
            if isinstance(default, dict) and not isinstance(value, dict):
                default = next(iter(default.values()), value)  # a scalar sets every key
            if isinstance(default, bool) != isinstance(value, bool) or not isinstance(
                value, (type(default), int) if isinstance(default, float) else type(default)
            ):
                raise ConfigError(
                    source,
                    f"{key}.{option}",
                    f"expected {type(default).__name__}, got {type(value).__name__}",
                )

    def with_layer(self, layer: ConfigLayer | None) -> Engine:
        """This engine with one more settings layer (editor, request or CLI)."""
        if layer is None:
            return self
        engine = Engine.__new__(Engine)
        engine.config = self.config.with_layer(layer)
        engine.plugin_errors = self.plugin_errors
        engine.plugin_languages = self.plugin_languages
        engine.rules = dict(self.rules)
        for spec in layer.phrases:
            engine.rules[spec.name] = phrase_rule(spec)
        engine._active = {}
        engine._plans = {}
        engine._validate()
        return engine

    def active_rules(self, channel: str) -> list[ActiveRule]:
        """The rules that run in `channel`, with their resolved severity and options."""
        cached = self._active.get(channel)
        if cached is not None:
            return cached
        config = self.config
        select = config.select
        ignore = config.ignore
        active = []
        for name, rule in self.rules.items():
            if select is not None and name not in select:
                continue
            if name in ignore:
                continue
            defaults = rule.channels.get(channel, {})
            settings = config.rule_settings(name, channel)
            enabled = settings.enabled
            if enabled is None:
                enabled = defaults.get("enabled", True)
            if not enabled:
                continue
            severity = settings.severity or rule.default_severity
            options = dict(rule.options)
            options.update({k: v for k, v in defaults.items() if k != "enabled"})
            options.update(settings.options)
            active.append(ActiveRule(rule, severity, options, _check_severities(rule, settings)))
        self._active[channel] = active
        return active

    def prepare(self, reply: Reply) -> Reply:
        """Fill the reply's context from configuration where the record has none."""
        agent, brand = self._context_defaults
        changes: dict[str, Any] = {}
        if reply.agent is None and agent:
            changes["agent"] = agent
        if reply.brand is None and brand:
            changes["brand"] = brand
        return dataclasses.replace(reply, **changes) if changes else reply

    @functools.cached_property
    def _context_defaults(self) -> tuple[str | None, str | None]:
        """The configured agent and brand (fixed per engine: each reads every layer)."""
        return self.config.agent, self.config.brand

    @functools.cached_property
    def _default_language(self) -> str:
        """The configured default language (fixed per engine; read for every reply)."""
        return self.config.language

    @functools.cached_property
    def languages(self) -> tuple[str, ...]:
        """Languages detection may answer: configured ones, then plugins' (fixed per engine)."""
        return tuple(dict.fromkeys((*self.config.languages, *self.plugin_languages)))

    def language_data(self, language: str) -> LanguageData:
        """The word lists the analysis uses for `language` (built-in or a plugin's)."""
        return language_data(language, self.plugin_languages)

    def detect_language(self, reply: Reply) -> str:
        return self.language_choice(reply).language

    def language_choice(self, reply: Reply) -> LanguageChoice:
        """The reply's language, where it came from, and whether it is supported."""
        return choose_language(
            reply.text,
            explicit=reply.language,
            incoming=reply.incoming,
            default=self._default_language,
            languages=self.languages,
            extra=self.plugin_languages,
        )

    def _plan(self, channel: str, language: str) -> list[_Step]:
        """The rules to run on a reply in `channel` and `language`, with their context
        and whether some of their checks are off (immutable, so made once per pair)."""
        plan = self._plans.get((channel, language))
        if plan is None:
            plan = []
            for a in self.active_rules(channel):
                if not a.rule.enabled_for(language) or a.rule is LANGUAGE_RULE:
                    continue
                ctx = RuleContext(a.rule, a.severity, a.options, language, a.check_severities)
                some_off = not a.rule.checks.keys() <= a.check_severities.keys()
                plan.append((a.rule, ctx, some_off))
            self._plans[(channel, language)] = plan
        return plan

    def lint(self, reply: Reply) -> Report:
        reply = self.prepare(reply)
        choice = self.language_choice(reply)
        language = choice.language
        plan = self._plan(reply.channel, language)
        skipped = _ignored_rules(reply)
        findings: list[Finding] = []
        errors: list[str] = []
        if IGNORE_ALL in skipped:
            plan = []
        elif not choice.supported and LANGUAGE_RULE.name not in skipped:
            findings += self._unsupported_language(reply, choice)
        if plan and reply.text.strip():
            analysis = analyze(
                reply, language, self.config.model_for(language), self.language_data(language)
            )
            for rule, ctx, some_checks_off in plan:
                if rule.name in skipped:
                    continue
                try:
                    # Taken whole before any is kept: a rule that fails midway adds none.
                    if some_checks_off:  # a switched-off check's findings never leave
                        found = [
                            f
                            for f in rule.check(analysis, ctx)
                            if f.check is None or ctx.enabled(f.check)
                        ]
                    else:
                        found = list(rule.check(analysis, ctx))
                    findings.extend(found)
                except Exception as exc:  # a broken rule must not hide the others
                    errors.append(f"rule {rule.name!r} failed: {type(exc).__name__}: {exc}")
        if len(findings) > 1:
            findings.sort(key=_finding_order)
        return Report(reply, language, reply.channel, tuple(findings), tuple(errors))

    def _unsupported_language(self, reply: Reply, choice: LanguageChoice) -> list[Finding]:
        """The `language` finding, if that rule is on in the reply's channel."""
        for active in self.active_rules(reply.channel):
            if active.rule is LANGUAGE_RULE:
                message_language = choice.fallback or self.config.language
                return [
                    unsupported_language_finding(
                        choice.language, message_language, active.severity, reply.text
                    )
                ]
        return []


# A rule to run, its context, and whether some of its checks are off (then its
# findings are filtered; with every check on, as by default, they need not be).
_Step = tuple[Rule, RuleContext, bool]


def _finding_order(finding: Finding) -> tuple[int, int, str]:
    return finding.start, finding.end, finding.rule


def _check_severities(rule: Rule, settings: RuleSettings) -> dict[str, Severity]:
    """Each sub-check that is on, at its severity. An explicitly configured severity
    always wins: the check's own, else the rule's (even when it equals a default)."""
    resolved = {}
    for name, spec in rule.checks.items():
        own = settings.checks.get(name)
        if own is not None and own.enabled is False:
            continue
        if own is not None and own.severity is not None:
            resolved[name] = own.severity
        else:
            resolved[name] = settings.severity or spec.severity
    return resolved


_NONE_IGNORED: frozenset[str] = frozenset()


def _ignored_rules(reply: Reply) -> frozenset[str]:
    value = reply.extra.get(IGNORE_KEY)
    if value is None:  # nearly every reply: no set to build
        return _NONE_IGNORED
    return frozenset(ignored_rule_names(value) or ())


def ignored_rule_names(value: object) -> list[str] | None:
    """A `replylint-ignore` value as the rule names it skips: a list, or a
    comma-separated string; None (nothing skipped) for any other value."""
    if value is None:
        return []
    if isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    if isinstance(value, list):
        return [str(name) for name in value]
    return None
