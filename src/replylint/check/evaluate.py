"""`replylint eval`: per-rule precision and recall against labeled reply records.

A record carries `"expected": [rule names]`; a rule counts as fired on a record
when it reports at least one finding there. Optional `expected_language` is
scored too. `--by source` repeats the table per source (the record's `source`
repository, else its id prefix such as `en-twcs`), so a rule that only works on one
brand's phrasing shows.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from replylint.config import Config, ConfigLayer, load_config
from replylint.engine import Engine
from replylint.inputs.record import RecordError, parse_record
from replylint.language_rule import NAME as LANGUAGE_RULE


@dataclass
class Case:
    id: str
    text: str
    expected: frozenset[str]
    fired: frozenset[str]
    messages: dict[str, str]
    source: str = ""


@dataclass
class Evaluation:
    rules: list[str]
    cases: list[Case] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    language_total: int = 0
    language_correct: int = 0

    def counts(self, rule: str) -> tuple[int, int, int]:
        tp = sum(1 for c in self.cases if rule in c.fired and rule in c.expected)
        fp = sum(1 for c in self.cases if rule in c.fired and rule not in c.expected)
        fn = sum(1 for c in self.cases if rule not in c.fired and rule in c.expected)
        return tp, fp, fn

    def by_source(self) -> dict[str, Evaluation]:
        """One evaluation per source, in order of first appearance."""
        groups: dict[str, Evaluation] = {}
        for case in self.cases:
            groups.setdefault(case.source, Evaluation(self.rules)).cases.append(case)
        return groups


def source_of(record: dict[str, object], record_id: str) -> str:
    """Where a labeled record comes from: its `source` repository (before the ':' of
    the file path), else its id's prefix ("en-twcs-52" -> "en-twcs")."""
    source = record.get("source")
    if isinstance(source, str) and source:
        return source.split(":", 1)[0]
    parts = record_id.split("-")
    return "-".join(parts[:2]) if len(parts) > 2 else parts[0]


def evaluate(
    dataset: Path, select: list[str] | None = None, config_path: Path | None = None
) -> Evaluation:
    config = load_config(explicit=config_path) if config_path else Config()
    if select:
        config = config.with_layer(ConfigLayer("--select", select=tuple(select)))
    engine = Engine(config)
    rules = [name for name in engine.rules if not select or name in select]
    evaluation = Evaluation(rules)
    with dataset.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                reply = parse_record(data, default_id=str(number))
            except (json.JSONDecodeError, RecordError) as exc:
                evaluation.errors.append(f"{dataset}:{number}: {exc}")
                continue
            expected = data.get("expected")
            if not isinstance(expected, list):
                evaluation.errors.append(f"{dataset}:{number}: no 'expected' list")
                continue
            report = engine.lint(reply)
            messages: dict[str, str] = {}
            for finding in report.findings:
                messages.setdefault(finding.rule, finding.message)
            evaluation.cases.append(
                Case(
                    reply.id or str(number),
                    reply.text,
                    frozenset(expected) & frozenset(rules),
                    frozenset(messages),
                    messages,
                    source_of(data, reply.id or str(number)),
                )
            )
            if data.get("expected_language"):
                evaluation.language_total += 1
                evaluation.language_correct += report.language == data["expected_language"]
    # The engine's own `language` rule is scored only when the dataset labels it.
    if not any(LANGUAGE_RULE in case.expected for case in evaluation.cases):
        evaluation.rules = [rule for rule in evaluation.rules if rule != LANGUAGE_RULE]
    return evaluation


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.2f}" if den else "  - "


def _table(evaluation: Evaluation, *, skip_silent: bool = False) -> list[str]:
    lines = [
        f"{'rule':<22} {'precision':>9} {'recall':>7} {'support':>8} {'tp':>4} {'fp':>4} {'fn':>4}"
    ]
    for rule in evaluation.rules:
        tp, fp, fn = evaluation.counts(rule)
        if skip_silent and not (tp or fp or fn):
            continue
        lines.append(
            f"{rule:<22} {_ratio(tp, tp + fp):>9} {_ratio(tp, tp + fn):>7} {tp + fn:>8} {tp:>4} {fp:>4} {fn:>4}"
        )
    return lines


def render_by_source(evaluation: Evaluation) -> str:
    """The precision/recall table per source (rules neither expected nor fired there
    are left out)."""
    parts = []
    for source, group in evaluation.by_source().items():
        count = len(group.cases)
        parts.append(f"== {source} ({count} record{'' if count == 1 else 's'})")
        parts.extend(_table(group, skip_silent=True))
        parts.append("")
    return "\n".join(parts)


def render_evaluation(evaluation: Evaluation, show: int = 0) -> str:
    lines = _table(evaluation)
    fired = Counter(rule for case in evaluation.cases for rule in case.fired)
    lines.append(
        f"records: {len(evaluation.cases)}; findings by rule: {dict(sorted(fired.items()))}"
    )
    if evaluation.language_total:
        lines.append(
            f"language: {evaluation.language_correct}/{evaluation.language_total} correct "
            f"({evaluation.language_correct / evaluation.language_total:.1%})"
        )
    for error in evaluation.errors:
        lines.append(f"error: {error}")
    if show:
        for rule in evaluation.rules:
            misses = [c for c in evaluation.cases if rule in c.expected and rule not in c.fired]
            alarms = [c for c in evaluation.cases if rule in c.fired and rule not in c.expected]
            for title, cases in (("missed", misses), ("false alarm", alarms)):
                for case in cases[:show]:
                    excerpt = case.text.replace("\n", " / ")[:160]
                    detail = f" -> {case.messages[rule]}" if rule in case.messages else ""
                    lines.append(f"[{rule}] {title} {case.id}: {excerpt}{detail}")
    return "\n".join(lines) + "\n"
