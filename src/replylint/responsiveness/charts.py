"""The report's charts, drawn with matplotlib as inline SVG.

matplotlib rather than Vega-Lite: it is one pure wheel with no JavaScript runtime or
browser engine to ship, and SVG it writes is readable offline as is (docs/responsiveness.md).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from replylint.responsiveness.hours import WEEKDAYS

plt.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, searchable
plt.rcParams["svg.hashsalt"] = "replylint"  # the same report gives the same SVG


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def histogram(response_s: np.ndarray, target_s: float) -> str:
    """Response times in minutes, up to the 95th percentile, with the target line."""
    figure, axes = plt.subplots(figsize=(8, 3.2))
    minutes = response_s / 60
    if len(minutes):
        top = max(float(np.percentile(minutes, 95)), target_s / 60 * 2)
        axes.hist(np.clip(minutes, None, top), bins=40, range=(min(0, minutes.min()), top),
                  color="#4878a8")  # fmt: skip
    axes.axvline(target_s / 60, color="#c0392b", linewidth=2,
                 label=f"target {target_s / 60:g} min")  # fmt: skip
    axes.set_xlabel("response time (minutes; the last bar holds everything slower)")
    axes.set_ylabel("messages")
    axes.legend()
    return _svg(figure)


def week_grid(grid: Sequence[dict[str, Any]]) -> str:
    """Share answered in time per weekday and hour; blank where no message came."""
    shares = np.full((7, 24), np.nan)
    counts = np.zeros((7, 24), dtype=int)
    for cell in grid:
        day, hour = WEEKDAYS.index(cell["weekday"]), cell["hour"]
        counts[day, hour] = cell["customer_messages"]
        if cell["customer_messages"]:
            shares[day, hour] = cell["within_target"]["share_of_all"]
    figure, axes = plt.subplots(figsize=(10, 3.4))
    image = axes.imshow(np.ma.masked_invalid(shares), cmap="RdYlGn", vmin=0, vmax=1,
                        aspect="auto")  # fmt: skip
    for day in range(7):
        for hour in range(24):
            if counts[day, hour]:
                axes.text(hour, day, str(counts[day, hour]), ha="center", va="center",
                          fontsize=6)  # fmt: skip
    axes.set_yticks(range(7), WEEKDAYS)
    axes.set_xticks(range(24), [f"{h:02d}" for h in range(24)], fontsize=7)
    axes.set_xlabel("hour (numbers: messages that arrived)")
    figure.colorbar(image, ax=axes, label="share in time")
    return _svg(figure)


def brand_shares(by_brand: Sequence[dict[str, Any]], target_share: float, limit: int = 20) -> str:
    busiest = sorted(by_brand, key=lambda e: -e["customer_messages"])[:limit][::-1]
    figure, axes = plt.subplots(figsize=(8, 0.3 * len(busiest) + 1.2))
    shares = [e["within_target"]["share_of_all"] or 0 for e in busiest]
    colours = ["#27ae60" if s >= target_share else "#e67e22" for s in shares]
    axes.barh([e["brand"] for e in busiest], shares, color=colours)
    axes.axvline(target_share, color="#c0392b", linewidth=2, label=f"{target_share:.0%} target")
    axes.set_xlim(0, 1)
    axes.set_xlabel(f"share answered in time (the {len(busiest)} busiest brands)")
    axes.legend(loc="lower right")
    return _svg(figure)


def daily_trend(by_day: Sequence[dict[str, Any]], target_share: float) -> str:
    figure, axes = plt.subplots(figsize=(8, 3.2))
    days = [e["day"] for e in by_day]
    axes.bar(days, [e["customer_messages"] for e in by_day], color="#bdc3c7", label="messages")
    axes.set_ylabel("messages")
    share_axes = axes.twinx()
    share_axes.plot(days, [e["within_target"]["share_of_all"] for e in by_day],
                    color="#2c3e50", marker="o", label="share in time")  # fmt: skip
    share_axes.axhline(target_share, color="#c0392b", linestyle="--")
    share_axes.set_ylim(0, 1)
    share_axes.set_ylabel("share in time")
    step = max(1, len(days) // 12)
    axes.set_xticks(range(0, len(days), step), days[::step], rotation=45, ha="right", fontsize=7)
    return _svg(figure)


def findings_per_agent(by_agent: Sequence[dict[str, Any]], limit: int = 15) -> str:
    linted = [e for e in by_agent if e.get("findings")]
    busiest = sorted(linted, key=lambda e: -e["answered"])[:limit][::-1]
    rules = sorted({rule for e in busiest for rule in e["findings"]})
    figure, axes = plt.subplots(figsize=(8, 0.3 * len(busiest) + 1.5))
    labels = [f"{e['agent']} ({e['brand']})" for e in busiest]
    left = np.zeros(len(busiest))
    for rule in rules:
        values = np.array([e["findings"].get(rule, 0.0) for e in busiest])
        axes.barh(labels, values, left=left, label=rule)
        left += values
    axes.set_xlabel("share of replies with each rule's finding (stacked)")
    if rules:
        axes.legend(fontsize=7, loc="lower right")
    return _svg(figure)
