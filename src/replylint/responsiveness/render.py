"""The report as text (a `rich` table), JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich.console import Console
from rich.table import Table

BREAKDOWNS = ("by_brand", "by_agent", "by_weekday_hour", "by_day")
CSV_COLUMNS = (
    "scope", "key", "customer_messages", "answered", "unanswered", "reply_not_in_export",
    "median_s", "p90_s", "mean_s", "within_target", "share_of_all", "share_of_answered",
    "response_rate", "meets_policy",
)  # fmt: skip


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _key(scope: str, entry: dict[str, Any]) -> str:
    if scope == "by_agent":
        return f"{entry['brand']} {entry['agent']}"
    if scope == "by_weekday_hour":
        return f"{entry['weekday']} {entry['hour']:02d}:00"
    return str(entry.get("brand", entry.get("day", "")))


def to_csv(report: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    rows = [("overall", "", report)]
    rows += [(scope, _key(scope, e), e) for scope in BREAKDOWNS for e in report[scope]]
    for scope, key, figures in rows:
        times, within = figures["response_time_s"], figures["within_target"]
        writer.writerow(
            [
                scope,
                key,
                figures["customer_messages"],
                figures["answered"],
                figures["unanswered"],
                figures["reply_not_in_export"],
                times["median"],
                times["p90"],
                times["mean"],
                within["count"],
                within["share_of_all"],
                within["share_of_answered"],
                figures["response_rate"],
                figures["meets_policy"],
            ]
        )
    return buffer.getvalue()


def to_text(report: dict[str, Any], width: int = 120, brands: int = 12) -> str:
    policy = report["policy"]
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    times, within = report["response_time_s"], report["within_target"]
    verdict = "meets" if report["meets_policy"] else "does not meet"
    console.print(
        f"Policy {policy['name']}: {policy['title']} — {verdict} it "
        f"(target {policy['target_share']:.0%} within {_duration(policy['target_time_s'])})"
    )
    console.print(
        f"{report['customer_messages']} customer messages, {report['answered']} answered, "
        f"{report['unanswered']} unanswered ({report['reply_not_in_export']} name a reply "
        f"not in the export); {len(report['skipped_rows'])} rows skipped"
    )
    console.print(
        f"Response time: median {_duration(times['median'])}, p90 {_duration(times['p90'])}, "
        f"mean {_duration(times['mean'])}; within target: {within['count']} "
        f"({_share(within['share_of_all'])} of all, {_share(within['share_of_answered'])} "
        "of answered)"
    )
    table = Table(title=f"Busiest brands (of {len(report['by_brand'])})", title_justify="left")
    for column in ("brand", "messages", "answered", "median", "p90", "in time", "meets"):
        table.add_column(column, justify="left" if column == "brand" else "right")
    busiest = sorted(report["by_brand"], key=lambda e: -e["customer_messages"])[:brands]
    for entry in busiest:
        table.add_row(
            entry["brand"], str(entry["customer_messages"]), str(entry["answered"]),
            _duration(entry["response_time_s"]["median"]),
            _duration(entry["response_time_s"]["p90"]),
            _share(entry["within_target"]["share_of_all"]),
            "yes" if entry["meets_policy"] else "no",
        )  # fmt: skip
    console.print(table)
    for item in report.get("availability_advice", []):
        console.print(f"- {item['advice']}")
    for row in report["skipped_rows"][:5]:
        console.print(f"skipped: {row['path']}:{row['line'] or '?'}: {row['reason']}")
    output = console.file.getvalue()  # type: ignore[attr-defined]
    return str(output)
