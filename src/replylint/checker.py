"""The `check` command's work: find files, pick each one's config, lint every reply.

Config is looked up per file (nearest replylint.toml / pyproject.toml upward) and
one engine is kept per config file, so a tree with several configs is linted with
the right settings everywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from replylint.config import Config, ConfigLayer, find_config_file, load_config, load_config_file
from replylint.engine import Engine
from replylint.inputs import STDIN, InputError, Item, expand_paths, read_items
from replylint.model import Finding, LineIndex, Severity


@dataclass(frozen=True)
class Result:
    """The findings for one reply, with positions relative to `source`."""

    path: str
    id: str | None
    language: str
    channel: str
    findings: tuple[Finding, ...]
    source: str
    rule_errors: tuple[str, ...] = ()
    is_document: bool = False  # one reply per file: positions are file positions

    def to_dict(self) -> dict[str, Any]:
        index = LineIndex(self.source)
        return {
            "path": self.path,
            "id": self.id,
            "language": self.language,
            "channel": self.channel,
            "findings": [f.to_dict(index) for f in self.findings],
        }


@dataclass
class Summary:
    replies: int = 0
    findings: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)
    by_severity: Counter[str] = field(default_factory=Counter)
    worst: Severity | None = None

    def add(self, result: Result) -> None:
        self.replies += 1
        self.findings += len(result.findings)
        for finding in result.findings:
            self.by_rule[finding.rule] += 1
            self.by_severity[str(finding.severity)] += 1
            if self.worst is None or finding.severity > self.worst:
                self.worst = finding.severity

    def to_dict(self) -> dict[str, Any]:
        return {
            "replies": self.replies,
            "findings": self.findings,
            "by_rule": dict(sorted(self.by_rule.items())),
            "by_severity": dict(sorted(self.by_severity.items())),
        }


class Checker:
    """Lints files with the configuration that applies to each."""

    def __init__(
        self,
        *,
        cli_layer: ConfigLayer | None = None,
        explicit_config: Path | None = None,
        defaults: dict[str, Any] | None = None,
    ) -> None:
        self.cli_layer = cli_layer
        self.explicit_config = explicit_config
        self.defaults = defaults or {}
        self._engines: dict[Path | None, Engine] = {}
        self._config_for_dir: dict[Path, Path | None] = {}

    def engine_for(self, path: str) -> Engine:
        """The engine for `path`; raises ConfigError for a bad config file."""
        if self.explicit_config is not None:
            key: Path | None = self.explicit_config
        else:
            start = Path.cwd() if path == STDIN else Path(path).resolve().parent
            if start not in self._config_for_dir:
                self._config_for_dir[start] = find_config_file(start)
            key = self._config_for_dir[start]
        engine = self._engines.get(key)
        if engine is None:
            if key is None:
                config = Config()
            elif self.explicit_config is not None:
                config = load_config(explicit=key)
            else:
                config = Config((load_config_file(key),), key)
            engine = Engine(config.with_layer(self.cli_layer))
            self._engines[key] = engine
        return engine

    def lint_item(self, engine: Engine, item: Item) -> Result:
        report = engine.lint(item.reply)
        findings = report.findings
        source = item.reply.text
        if item.offsets is not None and item.source is not None:
            findings = tuple(f.shifted(item.offsets) for f in findings)
            source = item.source
        return Result(
            item.path,
            item.reply.id,
            report.language,
            report.channel,
            findings,
            source,
            report.rule_errors,
            is_document=item.offsets is not None,
        )

    def run_file(self, path: str, stdin_text: str | None = None) -> Iterator[Result | InputError]:
        engine = self.engine_for(path)
        defaults = dict(self.defaults)
        if "channel" not in defaults:
            defaults["channel"] = engine.config.channel
        for item in read_items(path, defaults, stdin_text):
            if isinstance(item, InputError):
                yield item
            else:
                yield self.lint_item(engine, item)

    def run(self, paths: Iterable[str], stdin_text: str | None = None) -> Iterator[Result | InputError]:
        for path in expand_paths(paths):
            if isinstance(path, InputError):
                yield path
            else:
                yield from self.run_file(path, stdin_text)
