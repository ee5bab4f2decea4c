"""Responsiveness policies as data: the shipped `rules/responsiveness.toml`, the
`[responsiveness.policies.NAME]` tables of the configuration, and a TOML file of the
same tables given with `--policies FILE` (docs/responsiveness.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from replylint.config import Config
from replylint.rule import rules_dir
from replylint.tomlcompat import tomllib

COUNTS = ("every", "first-of-day", "after-silence")
STATISTICS = ("share-within", "mean", "mean-fastest")
RATE_ANSWERED = ("any", "same-day")
DEFAULT_POLICY = "seed"


class PolicyError(ValueError):
    """A policy that does not exist or does not make sense."""


@dataclass(frozen=True)
class Policy:
    name: str
    title: str
    target_share: float  # of counted messages
    target_time_s: float
    counts: str = "every"
    window_days: int = 0  # 0: the whole export
    statistic: str = "share-within"
    rate_answered: str = "any"
    silence_hours: float = 24.0  # for counts = "after-silence"
    fastest_share: float = 0.9  # for statistic = "mean-fastest"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(
        cls, name: str, data: Mapping[str, Any], source: str, table: str | None = None
    ) -> Policy:
        """The policy in `data`; errors name `source` (the file) and the key, under
        `table` (where the policy's table is in the file; default: its name)."""
        where = table or name

        def problem(key: str, text: str) -> PolicyError:
            return PolicyError(f"{source}: {where}.{key}: {text}")

        def number(key: str, default: float | None = None) -> float:
            value = data.get(key, default)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise problem(key, "must be a number")
            return float(value)

        def choice(key: str, allowed: tuple[str, ...], default: str) -> str:
            value = data.get(key, default)
            if value not in allowed:
                raise problem(key, f"must be one of {', '.join(allowed)}")
            return str(value)

        unknown = set(data) - {f for f in cls.__dataclass_fields__ if f != "name"}
        if unknown:
            raise problem(sorted(unknown)[0], "unknown setting")
        share = number("target_share")
        if not 0 < share <= 1:
            raise problem("target_share", "must be in (0, 1]")
        fastest = number("fastest_share", 0.9)
        if not 0 < fastest <= 1:
            raise problem("fastest_share", "must be in (0, 1]")
        window = number("window_days", 0)
        if window < 0 or window != int(window):
            raise problem("window_days", "must be a whole number >= 0")
        return cls(
            name=name,
            title=str(data.get("title", name)),
            target_share=share,
            target_time_s=number("target_time_s"),
            counts=choice("counts", COUNTS, "every"),
            window_days=int(window),
            statistic=choice("statistic", STATISTICS, "share-within"),
            rate_answered=choice("rate_answered", RATE_ANSWERED, "any"),
            silence_hours=number("silence_hours", 24),
            fastest_share=fastest,
        )


def read_policies(path: Path) -> dict[str, Policy]:
    """Every policy in a TOML file: one table per policy name."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path}: invalid TOML: {exc}") from None
    policies = {}
    for name, table in data.items():
        if not isinstance(table, Mapping):
            raise PolicyError(f"{path}: {name!r} should be a [table] of policy settings")
        policies[name] = Policy.from_data(name, table, str(path))
    return policies


def builtin_policies() -> dict[str, Policy]:
    return read_policies(rules_dir() / "responsiveness.toml")


def configured_policies(config: Config) -> tuple[str | None, dict[str, Policy]]:
    """The configuration's default policy name (None: not set) and its own policies
    (`[responsiveness]`, every layer, the last one winning)."""
    default: str | None = None
    policies: dict[str, Policy] = {}
    for layer in config.layers:
        section = layer.responsiveness
        default = section.get("policy", default)
        for name, table in section.get("policies", {}).items():
            policies[name] = Policy.from_data(
                name, table, layer.source, f"responsiveness.policies.{name}"
            )
    return default, policies


def config_path(config: Config | None) -> str:
    return str(config.path) if config is not None and config.path else "configuration"


def find_policy(
    name: str | None = None, extra: Path | None = None, config: Config | None = None
) -> Policy:
    """The named policy (None: the configuration's `policy`, else `seed`): a
    `--policies` file first, then the configuration's, then the shipped ones."""
    policies = builtin_policies()
    default, configured = configured_policies(config or Config())
    policies.update(configured)
    if extra is not None:
        policies.update(read_policies(extra))
    if name is None and default is not None and default not in policies:
        raise PolicyError(
            f"{config_path(config)}: responsiveness.policy: unknown policy {default!r}; "
            f"known: {', '.join(sorted(policies))}"
        )
    name = name or default or DEFAULT_POLICY
    if name not in policies:
        raise PolicyError(f"unknown policy {name!r}; known: {', '.join(sorted(policies))}")
    return policies[name]
