"""`--lint`: the seven rules on every agent reply, through the same path as `check`
(a `Checker` with the user's configuration, `lint_units` for `--jobs`), summed per
brand and per agent as the share of replies with each rule's finding."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb

from replylint.check.checker import RECORDS_PER_UNIT, Checker, Unit
from replylint.check.parallel import lint_units, plan_jobs
from replylint.inputs.files import STDIN, InputError, Item
from replylint.model import Reply
from replylint.responsiveness.agents import agents_by_text
from replylint.responsiveness.metrics import UNKNOWN_BRAND, UNSIGNED

Key = tuple[str, str]  # (brand, agent)


def _units(replies: Sequence[tuple[str, str, str | None]], config: Path | None) -> Iterator[Unit]:
    # Without a config file of its own, the checker looks for one from the current
    # folder (as for stdin), as this command did: none there means the defaults.
    path = str(config) if config is not None else STDIN
    for start in range(0, len(replies), RECORDS_PER_UNIT):
        yield Unit(
            items=tuple(
                Item(
                    path, Reply(text, id=str(start + i), channel="public", brand=brand, agent=agent)
                )
                for i, (text, brand, agent) in enumerate(replies[start : start + RECORDS_PER_UNIT])
            )
        )


def lint_replies(
    connection: duckdb.DuckDBPyConnection, jobs: int | None = None, config: Path | None = None
) -> dict[str, Any]:
    """Per brand and per (brand, agent): {rule: share of replies with a finding}.
    `jobs` as `check --jobs` (None: as many as worth it); `config` the configuration
    file in force (None: the built-in defaults)."""
    replies = connection.execute(
        "SELECT coalesce(text, ''), coalesce(brand, $unknown), agent FROM messages"
        " WHERE role = 'agent' ORDER BY rowid",
        {"unknown": UNKNOWN_BRAND},
    ).fetchall()
    signed = agents_by_text((text, brand) for text, brand, agent in replies if agent is None)
    checker = Checker(explicit_config=config)
    checker.engine_for(str(config) if config is not None else STDIN)  # a bad config fails now
    batches = lint_units(checker, _units(replies, config), plan_jobs(jobs, len(replies)))
    totals: Counter[Any] = Counter()
    hits: dict[Any, Counter[str]] = defaultdict(Counter)
    try:
        for batch in batches:
            for linted in batch:
                if isinstance(linted, InputError):  # not expected: the items are built here
                    continue
                text, brand, agent = replies[int(linted.id or 0)]
                who = agent or signed.get((text, brand), UNSIGNED)
                rules = {finding["rule"] for finding in linted.findings}
                for key in (brand, (brand, who)):
                    totals[key] += 1
                    hits[key].update(rules)
    finally:
        close = getattr(batches, "close", None)
        if close is not None:
            close()  # the workers stop even if reading a result failed
    return {
        "replies": len(replies),
        "shares": {
            key: {rule: hits[key][rule] / totals[key] for rule in sorted(hits[key])}
            for key in totals
        },
    }


def add_findings(report: dict[str, Any], linted: dict[str, Any]) -> None:
    """Put the shares beside the speed figures: `findings` on each brand and agent."""
    shares = linted["shares"]
    for entry in report["by_brand"]:
        entry["findings"] = shares.get(entry["brand"], {})
    for entry in report["by_agent"]:
        entry["findings"] = shares.get((entry["brand"], entry["agent"]), {})
    report["linted_replies"] = linted["replies"]
