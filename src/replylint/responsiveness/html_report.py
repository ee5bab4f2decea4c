"""The self-contained HTML report: figures, advice and charts in one file that needs
no network (charts are inline SVG, styles inline, no script)."""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from replylint.responsiveness import charts

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1000px;
       color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
.verdict { padding: .6em 1em; border-radius: 6px; display: inline-block; }
.meets { background: #e8f6ec; } .misses { background: #fdecea; }
table { border-collapse: collapse; } td, th { padding: .2em .8em; text-align: right; }
td:first-child, th:first-child { text-align: left; }
figure { margin: 1em 0; } svg { max-width: 100%; height: auto; }
"""


def _fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds / 60:.1f} min" if seconds < 7200 else f"{seconds / 3600:.1f} h"


def _figure(title: str, svg: str, chart_id: str) -> str:
    return f'<h2>{html.escape(title)}</h2>\n<figure class="chart" id="{chart_id}">{svg}</figure>'


def render_html(report: dict[str, Any], response_s: np.ndarray) -> str:
    policy = report["policy"]
    within, times = report["within_target"], report["response_time_s"]
    meets = report["meets_policy"]
    verdict = "meets" if meets else "does not meet"
    summary = [
        ("customer messages", report["customer_messages"]),
        ("answered", report["answered"]),
        ("unanswered", report["unanswered"]),
        ("reply named but not in the export", report["reply_not_in_export"]),
        ("median response", _fmt_s(times["median"])),
        ("p90 response", _fmt_s(times["p90"])),
        ("mean response", _fmt_s(times["mean"])),
        ("answered in time (of all)", f"{(within['share_of_all'] or 0):.1%}"),
        ("rows skipped", len(report["skipped_rows"])),
    ]
    rows = "\n".join(
        f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>" for k, v in summary
    )
    advice = "\n".join(
        f"<li>{html.escape(item['advice'])}</li>" for item in report["availability_advice"]
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Responsiveness report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Responsiveness report</h1>",
        f'<p class="verdict {"meets" if meets else "misses"}" id="verdict">Policy '
        f"<b>{html.escape(policy['name'])}</b> ({html.escape(policy['title'])}): "
        f"{verdict} it.</p>",
        f'<table id="summary">{rows}</table>',
        "<h2>Availability advice</h2>",
        f'<ul id="advice">{advice or "<li>No hour falls short of the target.</li>"}</ul>',
        _figure(
            "Response times",
            charts.histogram(response_s, policy["target_time_s"]),
            "histogram",
        ),
        _figure(
            "Share in time by weekday and hour",
            charts.week_grid(report["by_weekday_hour"]),
            "week-grid",
        ),
        _figure(
            "Share in time per brand",
            charts.brand_shares(report["by_brand"], policy["target_share"]),
            "brands",
        ),
        _figure(
            "Daily trend", charts.daily_trend(report["by_day"], policy["target_share"]), "daily"
        ),
    ]
    if any(entry.get("findings") for entry in report["by_agent"]):
        parts.append(
            _figure("Findings per agent", charts.findings_per_agent(report["by_agent"]), "findings")
        )
    else:
        parts.append(
            '<h2>Findings per agent</h2><p id="findings">Run with <code>--lint</code> to see '
            "how each agent's replies fare against the seven rules.</p>"
        )
    parts.append("</body></html>\n")
    return "\n".join(parts)
