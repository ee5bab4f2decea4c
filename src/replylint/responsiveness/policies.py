"""Responsiveness policies as data: the shipped `rules/responsiveness.toml`, plus the
user's own TOML file of the same shape (docs/responsiveness.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

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
    def from_data(cls, name: str, data: Mapping[str, Any], source: str) -> Policy:
        def number(key: str, default: float | None = None) -> float:
            value = data.get(key, default)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise PolicyError(f"{source}: policy {name!r}: {key} must be a number")
            return float(value)

        def choice(key: str, allowed: tuple[str, ...], default: str) -> str:
            value = data.get(key, default)
            if value not in allowed:
                raise PolicyError(
                    f"{source}: policy {name!r}: {key} must be one of {', '.join(allowed)}"
                )
            return str(value)

        unknown = set(data) - {f for f in cls.__dataclass_fields__ if f != "name"}
        if unknown:
            raise PolicyError(f"{source}: policy {name!r}: unknown key {sorted(unknown)[0]!r}")
        share = number("target_share")
        if not 0 < share <= 1:
            raise PolicyError(f"{source}: policy {name!r}: target_share must be in (0, 1]")
        fastest = number("fastest_share", 0.9)
        if not 0 < fastest <= 1:
            raise PolicyError(f"{source}: policy {name!r}: fastest_share must be in (0, 1]")
        window = number("window_days", 0)
        if window < 0 or window != int(window):
            raise PolicyError(f"{source}: policy {name!r}: window_days must be a whole number >= 0")
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


def find_policy(name: str, extra: Path | None = None) -> Policy:
    """The named policy: the user's file first, then the shipped ones."""
    policies = builtin_policies()
    if extra is not None:
        policies.update(read_policies(extra))
    if name not in policies:
        raise PolicyError(f"unknown policy {name!r}; known: {', '.join(sorted(policies))}")
    return policies[name]
