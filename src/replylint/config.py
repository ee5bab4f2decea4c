"""Configuration: `[tool.replylint]` in pyproject.toml, or `replylint.toml`.

Settings come in layers, lowest first: built-in defaults < config file < (per
channel sections) < editor / request settings < CLI flags. Each layer is validated
on its own so an error names the file (or source) and the key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from replylint.model import CHANNELS, Severity
from replylint.tomlcompat import tomllib

CONFIG_FILES = ("replylint.toml", "pyproject.toml")
DEFAULT_LANGUAGES = ("en", "fr")
_TOP_KEYS = {
    "channel",
    "language",
    "languages",
    "agent",
    "brand",
    "docs_url",
    "models",
    "select",
    "ignore",
    "rules",
    "channels",
    "phrases",
    "responsiveness",
    "files",
    "exclude",
}
_RULE_KEYS = {"enabled", "severity", "checks"}
_CHECK_KEYS = {"enabled", "severity"}
_PHRASE_KEYS = {"name", "message", "severity", "language", "phrases", "swap", "channels"}
# `replylint responsiveness` settings; each policy's own keys are checked by
# responsiveness/policies.py (`policies_from_config`), which knows them.
_RESPONSIVENESS_KEYS = {"policy", "policies"}


class ConfigError(ValueError):
    """A configuration problem; the message names the source and the key."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        super().__init__(f"{source}: {key}: {problem}" if key else f"{source}: {problem}")
        self.source = source
        self.key = key


@dataclass(frozen=True)
class CheckSettings:
    """One named sub-check of a rule: switched on or off, and its own severity."""

    enabled: bool | None = None
    severity: Severity | None = None


@dataclass(frozen=True)
class RuleSettings:
    enabled: bool | None = None
    severity: Severity | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    checks: Mapping[str, CheckSettings] = field(default_factory=dict)


@dataclass(frozen=True)
class PhraseRuleSpec:
    """A team's own phrase rule, declared in config (Vale-style existence/substitution)."""

    name: str
    message: str
    phrases: tuple[str, ...] = ()
    swap: Mapping[str, str] = field(default_factory=dict)
    severity: Severity = Severity.WARNING
    language: str | None = None
    channels: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConfigLayer:
    """One source of settings; every field is optional (None: not set here)."""

    source: str
    channel: str | None = None
    language: str | None = None
    languages: tuple[str, ...] | None = None
    agent: str | None = None
    brand: str | None = None
    docs_url: str | None = None  # rule pages for reports (SARIF helpUri): "...{rule}"
    models: Mapping[str, str] = field(default_factory=dict)
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    rules: Mapping[str, RuleSettings] = field(default_factory=dict)
    channels: Mapping[str, Mapping[str, RuleSettings]] = field(default_factory=dict)
    phrases: tuple[PhraseRuleSpec, ...] = ()
    # [responsiveness]: `policy` (the default's name) and `policies` ({name: table})
    responsiveness: Mapping[str, Any] = field(default_factory=dict)
    # Which files are replies (gitignore-style globs, relative to the config file).
    files: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: Any, source: str) -> ConfigLayer:
        return _parse_layer(data, source)


@dataclass(frozen=True)
class Config:
    """The layered configuration in force for a file, a workspace or a request."""

    layers: tuple[ConfigLayer, ...] = ()
    path: Path | None = None

    def with_layer(self, layer: ConfigLayer | None) -> Config:
        if layer is None:
            return self
        return Config((*self.layers, layer), self.path)

    def _last(self, name: str) -> Any:
        for layer in reversed(self.layers):
            value = getattr(layer, name)
            if value is not None:
                return value
        return None

    @property
    def channel(self) -> str:
        return self._last("channel") or "private"

    @property
    def language(self) -> str:
        return self._last("language") or "en"

    @property
    def languages(self) -> tuple[str, ...]:
        return self._last("languages") or DEFAULT_LANGUAGES

    @property
    def agent(self) -> str | None:
        return self._last("agent")

    @property
    def brand(self) -> str | None:
        return self._last("brand")

    @property
    def docs_url(self) -> str | None:
        return self._last("docs_url")

    @property
    def select(self) -> tuple[str, ...] | None:
        return self._last("select")

    @property
    def ignore(self) -> frozenset[str]:
        return frozenset(name for layer in self.layers for name in layer.ignore)

    @property
    def phrases(self) -> tuple[PhraseRuleSpec, ...]:
        specs: dict[str, PhraseRuleSpec] = {}
        for layer in self.layers:
            for spec in layer.phrases:
                specs[spec.name] = spec
        return tuple(specs.values())

    def model_for(self, language: str) -> str | None:
        for layer in reversed(self.layers):
            if language in layer.models:
                return layer.models[language]
        return None

    def rule_settings(self, rule: str, channel: str) -> RuleSettings:
        """Settings for `rule` in `channel`: each layer's rule section, then its
        channel section, so a higher layer always wins over a lower one."""
        enabled: bool | None = None
        severity: Severity | None = None
        options: dict[str, Any] = {}
        checks: dict[str, CheckSettings] = {}
        for layer in self.layers:
            for settings in (layer.rules.get(rule), layer.channels.get(channel, {}).get(rule)):
                if settings is None:
                    continue
                if settings.enabled is not None:
                    enabled = settings.enabled
                if settings.severity is not None:
                    severity = settings.severity
                options.update(settings.options)
                for name, check in settings.checks.items():
                    before = checks.get(name, CheckSettings())
                    checks[name] = CheckSettings(
                        check.enabled if check.enabled is not None else before.enabled,
                        check.severity if check.severity is not None else before.severity,
                    )
        return RuleSettings(enabled, severity, options, checks)

    def named_rules(self) -> Iterable[tuple[str, str]]:
        """(source, key) for every rule name the layers mention, for validation."""
        for layer in self.layers:
            for name in layer.rules:
                yield layer.source, f"rules.{name}"
            for channel, rules in layer.channels.items():
                for name in rules:
                    yield layer.source, f"channels.{channel}.rules.{name}"
            for name in (*(layer.select or ()), *layer.ignore):
                yield layer.source, name


def find_config_file(start: Path) -> Path | None:
    """The nearest `replylint.toml`, or `pyproject.toml` with [tool.replylint], upward."""
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml" and not _has_tool_section(candidate):
                continue
            return candidate
    return None


def _has_tool_section(path: Path) -> bool:
    try:
        return "replylint" in _read_toml(path).get("tool", {})
    except ConfigError:
        return "[tool.replylint" in path.read_text("utf-8", errors="replace")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "", f"invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(str(path), "", f"cannot read: {exc.strerror}") from None


def load_config_file(path: Path) -> ConfigLayer:
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("replylint", {})
    elif "tool" in data and "replylint" in data["tool"] and len(data) == 1:
        data = data["tool"]["replylint"]
    return ConfigLayer.from_mapping(data, str(path))


def load_config(start: Path | None = None, explicit: Path | None = None) -> Config:
    """Config for linting at `start` (a file or folder), or from `explicit`."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(str(explicit), "", "config file not found")
        return Config((load_config_file(explicit),), explicit)
    path = find_config_file(start or Path.cwd())
    if path is None:
        return Config()
    return Config((load_config_file(path),), path)


# --- validation -------------------------------------------------------------------


def _expect_str(value: Any, source: str, key: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(source, key, f"expected a string, got {type(value).__name__}")
    return value


def _expect_str_list(value: Any, source: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(source, key, "expected a list of strings")
    return tuple(value)


def _parse_channel(value: Any, source: str, key: str) -> str:
    channel = _expect_str(value, source, key)
    if channel not in CHANNELS:
        raise ConfigError(
            source, key, f"unknown channel {channel!r} (one of {', '.join(CHANNELS)})"
        )
    return channel


def _parse_switch_and_severity(
    data: Mapping[str, Any], source: str, key: str
) -> tuple[bool | None, Severity | None]:
    enabled = data.get("enabled")
    if enabled is not None and not isinstance(enabled, bool):
        raise ConfigError(source, f"{key}.enabled", "expected true or false")
    severity = None
    if data.get("severity") is not None:
        try:
            severity = Severity.parse(_expect_str(data["severity"], source, f"{key}.severity"))
        except ValueError as exc:
            raise ConfigError(source, f"{key}.severity", str(exc)) from None
    return enabled, severity


def _parse_check_settings(data: Any, source: str, key: str) -> CheckSettings:
    """`checks.card-number = false`, or a table with `enabled` and `severity`."""
    if isinstance(data, bool):
        return CheckSettings(enabled=data)
    if isinstance(data, str):  # a bare severity: `checks.card-number = "warning"`
        return CheckSettings(*_parse_switch_and_severity({"severity": data}, source, key))
    if not isinstance(data, Mapping):
        raise ConfigError(source, key, "expected true/false, a severity, or a table")
    unknown = set(data) - _CHECK_KEYS
    if unknown:
        raise ConfigError(source, f"{key}.{sorted(unknown)[0]}", "unknown setting")
    return CheckSettings(*_parse_switch_and_severity(data, source, key))


def _parse_rule_settings(data: Any, source: str, key: str) -> RuleSettings:
    if isinstance(data, bool):
        return RuleSettings(enabled=data)
    if not isinstance(data, Mapping):
        raise ConfigError(source, key, "expected a table of rule settings")
    enabled, severity = _parse_switch_and_severity(data, source, key)
    raw_checks = data.get("checks", {})
    if not isinstance(raw_checks, Mapping):
        raise ConfigError(source, f"{key}.checks", "expected a table of check = settings")
    checks = {
        name: _parse_check_settings(value, source, f"{key}.checks.{name}")
        for name, value in raw_checks.items()
    }
    options = {k: v for k, v in data.items() if k not in _RULE_KEYS}
    return RuleSettings(enabled, severity, options, checks)


def _parse_rules(data: Any, source: str, key: str) -> dict[str, RuleSettings]:
    if not isinstance(data, Mapping):
        raise ConfigError(source, key, "expected a table of rules")
    return {
        name: _parse_rule_settings(value, source, f"{key}.{name}") for name, value in data.items()
    }


def _parse_phrase(data: Any, source: str, key: str) -> PhraseRuleSpec:
    if not isinstance(data, Mapping):
        raise ConfigError(source, key, "expected a table with name, message and phrases or swap")
    unknown = set(data) - _PHRASE_KEYS
    if unknown:
        raise ConfigError(source, f"{key}.{sorted(unknown)[0]}", "unknown key")
    name = _expect_str(data.get("name"), source, f"{key}.name")
    if not name or name.lower() != name or " " in name:
        raise ConfigError(source, f"{key}.name", "a rule name is kebab-case, e.g. 'acme-no-guys'")
    message = _expect_str(data.get("message", ""), source, f"{key}.message")
    phrases = _expect_str_list(data.get("phrases", []), source, f"{key}.phrases")
    swap = data.get("swap", {})
    if not isinstance(swap, Mapping) or not all(isinstance(v, str) for v in swap.values()):
        raise ConfigError(source, f"{key}.swap", "expected a table of phrase = replacement")
    if not phrases and not swap:
        raise ConfigError(source, key, "a phrase rule needs 'phrases' or 'swap'")
    try:
        severity = Severity.parse(data.get("severity", "warning"))
    except (ValueError, AttributeError) as exc:
        raise ConfigError(source, f"{key}.severity", str(exc)) from None
    language = data.get("language")
    if language is not None:
        language = _expect_str(language, source, f"{key}.language")
    channels = tuple(
        _parse_channel(c, source, f"{key}.channels")
        for c in _expect_str_list(data.get("channels", []), source, f"{key}.channels")
    )
    return PhraseRuleSpec(name, message, phrases, dict(swap), severity, language, channels)


def _parse_layer(data: Any, source: str) -> ConfigLayer:
    if not isinstance(data, Mapping):
        raise ConfigError(source, "", "expected a table of settings")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ConfigError(source, sorted(unknown)[0], "unknown setting")
    values: dict[str, Any] = {}
    if data.get("channel") is not None:
        values["channel"] = _parse_channel(data["channel"], source, "channel")
    for name in ("language", "agent", "brand", "docs_url"):
        if data.get(name) is not None:
            values[name] = _expect_str(data[name], source, name)
    if data.get("languages") is not None:
        values["languages"] = _expect_str_list(data["languages"], source, "languages")
    if data.get("models") is not None:
        models = data["models"]
        if not isinstance(models, Mapping) or not all(isinstance(v, str) for v in models.values()):
            raise ConfigError(source, "models", "expected a table of language = model name")
        values["models"] = dict(models)
    for name in ("files", "exclude"):
        if data.get(name) is not None:
            values[name] = _expect_str_list(data[name], source, name)
    if data.get("select") is not None:
        values["select"] = _expect_str_list(data["select"], source, "select")
    if data.get("ignore") is not None:
        values["ignore"] = _expect_str_list(data["ignore"], source, "ignore")
    if data.get("rules") is not None:
        values["rules"] = _parse_rules(data["rules"], source, "rules")
    if data.get("channels") is not None:
        channels = data["channels"]
        if not isinstance(channels, Mapping):
            raise ConfigError(source, "channels", "expected a table of channel sections")
        parsed: dict[str, dict[str, RuleSettings]] = {}
        for channel, section in channels.items():
            _parse_channel(channel, source, f"channels.{channel}")
            if not isinstance(section, Mapping):
                raise ConfigError(source, f"channels.{channel}", "expected a table")
            extra = set(section) - {"rules"}
            if extra:
                raise ConfigError(
                    source, f"channels.{channel}.{sorted(extra)[0]}", "unknown setting"
                )
            parsed[channel] = _parse_rules(
                section.get("rules", {}), source, f"channels.{channel}.rules"
            )
        values["channels"] = parsed
    if data.get("phrases") is not None:
        phrases = data["phrases"]
        if not isinstance(phrases, list):
            raise ConfigError(source, "phrases", "expected an array of tables ([[phrases]])")
        values["phrases"] = tuple(
            _parse_phrase(p, source, f"phrases[{i}]") for i, p in enumerate(phrases)
        )
    if data.get("responsiveness") is not None:
        values["responsiveness"] = _parse_responsiveness(data["responsiveness"], source)
    return ConfigLayer(source=source, **values)


def _parse_responsiveness(data: Any, source: str) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise ConfigError(source, "responsiveness", "expected a table ([responsiveness])")
    unknown = set(data) - _RESPONSIVENESS_KEYS
    if unknown:
        raise ConfigError(source, f"responsiveness.{sorted(unknown)[0]}", "unknown setting")
    if data.get("policy") is not None:
        _expect_str(data["policy"], source, "responsiveness.policy")
    policies = data.get("policies", {})
    if not isinstance(policies, Mapping):
        raise ConfigError(
            source,
            "responsiveness.policies",
            "expected a table of policies ([responsiveness.policies.NAME])",
        )
    for name, table in policies.items():
        if not isinstance(table, Mapping):
            raise ConfigError(source, f"responsiveness.policies.{name}", "expected a table")
    return dict(data)
