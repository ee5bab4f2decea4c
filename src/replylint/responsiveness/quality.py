"""`--lint`: the seven rules on every agent reply, through the same engine as `check`,
summed per brand and per agent as the share of replies with each rule's finding."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import duckdb

from replylint.api import default_engine
from replylint.model import Reply
from replylint.responsiveness.agents import agents_by_text
from replylint.responsiveness.metrics import UNKNOWN_BRAND, UNSIGNED

Key = tuple[str, str]  # (brand, agent)


def _rules_found(texts: Sequence[tuple[str, str | None, str | None]]) -> list[frozenset[str]]:
    engine = default_engine()
    return [
        frozenset(
            f.rule
            for f in engine.lint(Reply(text, channel="public", brand=brand, agent=agent)).findings
        )
        for text, brand, agent in texts
    ]


def lint_replies(connection: duckdb.DuckDBPyConnection, jobs: int = 1) -> dict[str, Any]:
    """Per brand and per (brand, agent): {rule: share of replies with a finding}."""
    replies = connection.execute(
        "SELECT text, coalesce(brand, $unknown), agent FROM messages WHERE role = 'agent'",
        {"unknown": UNKNOWN_BRAND},
    ).fetchall()
    signed = agents_by_text((text, brand) for text, brand, agent in replies if agent is None)
    work = [(text, brand, agent) for text, brand, agent in replies]
    if jobs > 1 and len(work) > 200:
        size = -(-len(work) // (jobs * 4))
        chunks = [work[i : i + size] for i in range(0, len(work), size)]
        with ProcessPoolExecutor(jobs) as pool:
            found = [rules for part in pool.map(_rules_found, chunks) for rules in part]
    else:
        found = _rules_found(work)
    totals: Counter[Any] = Counter()
    hits: dict[Any, Counter[str]] = defaultdict(Counter)
    for (text, brand, agent), rules in zip(work, found, strict=True):
        who = agent or signed.get((text, brand), UNSIGNED)
        for key in (brand, (brand, who)):
            totals[key] += 1
            hits[key].update(rules)
    return {
        "replies": len(work),
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
