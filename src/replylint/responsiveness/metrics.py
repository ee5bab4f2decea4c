"""The definitions (docs/responsiveness.md), computed in DuckDB over `messages`.

- A customer message is answered by its first agent reply: where the export links
  replies to messages, the earliest agent message replying to it directly; otherwise
  the first agent message at or after it in the same conversation.
- Response time = reply time − message time (business seconds with `--hours`).
- Unanswered messages count against every share. A reply the export names but does
  not contain leaves the message unanswered; `reply_not_in_export` counts those.
- The policy says which messages count and over which window; every figure is over
  those messages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import numpy as np

from replylint.inputs.conversations import run
from replylint.responsiveness.agents import agents_by_text
from replylint.responsiveness.hours import WEEKDAYS, BusinessHours
from replylint.responsiveness.policies import Policy

UNKNOWN_BRAND = "(unknown)"
UNSIGNED = "(unsigned)"

# One row per customer message with its first agent reply (NULLs when unanswered).
_OUTCOMES = """
CREATE OR REPLACE TEMP TABLE outcomes AS
WITH customers AS (SELECT rowid AS key, * FROM messages WHERE role = 'customer'),
replies AS (SELECT * FROM messages WHERE role = 'agent'),
linked_answers AS (
    SELECT c.key,
           arg_min({'ts': a.ts, 'id': a.id, 'text': a.text, 'agent': a.agent,
                    'brand': a.brand}, (a.ts, a.id)) AS reply
    FROM customers c JOIN replies a ON a.source = c.source AND a.in_reply_to = c.id
    WHERE c.linked
    GROUP BY c.key
),
next_answers AS (
    SELECT c.key,
           CASE WHEN a.ts IS NOT NULL THEN {'ts': a.ts, 'id': a.id, 'text': a.text,
                'agent': a.agent, 'brand': a.brand} END AS reply
    FROM (SELECT * FROM customers WHERE NOT linked) c
    ASOF LEFT JOIN replies a
        ON a.source = c.source AND a.conversation = c.conversation AND a.ts >= c.ts
),
answers AS (SELECT * FROM linked_answers UNION ALL SELECT * FROM next_answers),
brands AS (
    SELECT lower(brand) AS handle, min(brand) AS brand FROM replies
    WHERE brand IS NOT NULL GROUP BY 1
),
mentioned AS (
    -- the first @mention of a brand that answers in this export
    SELECT m.key, arg_min(b.brand, m.position) AS brand
    FROM (
        SELECT key, unnest(regexp_extract_all(lower(text), '@(\\w+)', 1)) AS handle,
               generate_subscripts(regexp_extract_all(lower(text), '@(\\w+)', 1), 1)
                   AS position
        FROM customers
        WHERE brand IS NULL AND key NOT IN (SELECT key FROM answers WHERE reply IS NOT NULL)
    ) m JOIN brands b USING (handle)
    GROUP BY m.key
),
absent AS (
    -- unanswered messages whose export names a reply it does not contain
    SELECT DISTINCT c.key
    FROM (
        SELECT key, source, unnest(named_replies) AS named FROM customers
        WHERE len(named_replies) > 0
          AND key NOT IN (SELECT key FROM answers WHERE reply IS NOT NULL)
    ) c
    ANTI JOIN messages m ON m.source = c.source AND m.id = c.named
)
SELECT c.key, c.source, c.conversation, c.id, c.ts, c.text,
       answer.reply.ts AS reply_ts, answer.reply.text AS reply_text,
       answer.reply.agent AS agent,
       coalesce(answer.reply.brand, c.brand, parent.brand, mentioned.brand,
                '(unknown)') AS brand,
       answer.reply.ts IS NULL AND c.key IN (SELECT key FROM absent) AS reply_not_in_export
FROM customers c
LEFT JOIN answers answer ON answer.key = c.key
LEFT JOIN replies parent ON parent.source = c.source AND parent.id = c.in_reply_to
LEFT JOIN mentioned ON mentioned.key = c.key
"""

# Local time fields, and the flags the policy's counting needs.
_COUNTED = """
CREATE OR REPLACE TEMP TABLE counted AS
WITH local AS (
    SELECT o.*, timezone($zone, to_timestamp(o.ts)) AS local_time,
           CASE WHEN o.reply_ts IS NOT NULL
                THEN CAST(timezone($zone, to_timestamp(o.reply_ts)) AS DATE) END AS reply_day
    FROM outcomes o
),
flagged AS (
    SELECT *, CAST(local_time AS DATE) AS day, isodow(local_time) - 1 AS weekday,
           hour(local_time) AS hour,
           {counts} AS counts
    FROM local
)
SELECT * EXCLUDE (counts) FROM flagged
WHERE counts AND ts > (SELECT max(ts) FROM flagged WHERE counts) - $window
"""
_COUNTS = {
    "every": "true",
    "first-of-day": (
        "row_number() OVER (PARTITION BY source, conversation, CAST(local_time AS DATE)"
        " ORDER BY ts, key) = 1"
    ),
    # previous_ts: the conversation's message before this one, from either side
    "after-silence": "previous_ts IS NULL OR ts - previous_ts >= $silence",
}
_PREVIOUS = """
CREATE OR REPLACE TEMP TABLE outcomes AS
SELECT o.*, p.previous_ts FROM outcomes o JOIN (
    SELECT rowid AS key,
           lag(ts) OVER (PARTITION BY source, conversation ORDER BY ts, rowid) AS previous_ts
    FROM messages
) p USING (key)
"""

# Every figure of one breakdown; `{key}` is the grouping expression.
_FIGURES = """
WITH ranked AS (
    SELECT {key} AS group_key, response_s, rate_answered, reply_not_in_export,
           row_number() OVER (PARTITION BY {key} ORDER BY response_s NULLS LAST) AS rank,
           count(response_s) OVER (PARTITION BY {key}) AS answered_here
    FROM scored
)
SELECT group_key,
       count(*) AS customer_messages,
       count(response_s) AS answered,
       quantile_cont(response_s, 0.5) AS median,
       quantile_cont(response_s, 0.9) AS p90,
       avg(response_s) AS mean,
       count(*) FILTER (WHERE response_s <= $target) AS within,
       count(*) FILTER (WHERE rate_answered) AS rate_answered,
       avg(response_s) FILTER (WHERE rank <= ceil($fastest * answered_here)) AS fastest_mean,
       count(*) FILTER (WHERE reply_not_in_export) AS reply_not_in_export
FROM ranked GROUP BY group_key ORDER BY group_key
"""
_GROUPINGS = {
    "overall": "true",
    "by_brand": "brand",
    "by_agent": "{'brand': brand, 'agent': agent}",
    "by_weekday_hour": "{'weekday': weekday, 'hour': hour}",
    "by_day": "CAST(day AS VARCHAR)",
}


@dataclass(frozen=True)
class Settings:
    policy: Policy
    zone: ZoneInfo
    hours: BusinessHours | None = None


def analyse(connection: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, Any]:
    """Every figure of the report (JSON keys of docs/responsiveness.md), except the
    skipped rows, which the reader knows."""
    policy = settings.policy
    run(connection, _OUTCOMES)
    _name_agents(connection)
    if policy.counts == "after-silence":
        run(connection, _PREVIOUS)
    run(
        connection,
        _COUNTED.format(counts=_COUNTS[policy.counts]),
        {
            "zone": settings.zone.key,
            "window": policy.window_days * 86400 if policy.window_days else math.inf,
            **(
                {"silence": policy.silence_hours * 3600} if policy.counts == "after-silence" else {}
            ),
        },
    )
    _score(connection, settings)
    figures = {name: _figures(connection, key, policy) for name, key in _GROUPINGS.items()}
    overall = figures["overall"][0][1] if figures["overall"] else _empty(policy)
    result: dict[str, Any] = {"policy": policy.to_dict(), **overall}
    result["by_brand"] = [{"brand": k, **f} for k, f in figures["by_brand"]]
    result["by_agent"] = [{**k, **f} for k, f in figures["by_agent"] if k["agent"] is not None]
    grid = {(k["weekday"], k["hour"]): f for k, f in figures["by_weekday_hour"]}
    result["by_weekday_hour"] = [
        {"weekday": WEEKDAYS[day], "hour": hour, **grid.get((day, hour), _empty(policy))}
        for day in range(7)
        for hour in range(24)
    ]
    result["by_day"] = [{"day": k, **f} for k, f in figures["by_day"]]
    result["timezone"] = settings.zone.key
    result["business_hours"] = _hours_dict(settings.hours)
    return result


def response_times(connection: duckdb.DuckDBPyConnection) -> np.ndarray:
    """The counted messages' response times in seconds (for the histogram)."""
    rows = connection.execute(
        "SELECT response_s FROM scored WHERE response_s IS NOT NULL ORDER BY response_s"
    ).fetchnumpy()
    return np.asarray(rows["response_s"], dtype=np.float64)


def _name_agents(connection: duckdb.DuckDBPyConnection) -> None:
    """Fill `agent` from the reply's sign-off where the export has no agent field."""
    unsigned = connection.execute(
        "SELECT DISTINCT reply_text, brand FROM outcomes"
        " WHERE reply_ts IS NOT NULL AND agent IS NULL AND reply_text IS NOT NULL"
    ).fetchall()
    found = agents_by_text(unsigned)
    if found:
        texts, brands, names = (
            list(column) for column in zip(*((*k, v) for k, v in found.items()), strict=True)
        )
        signed = {
            "text": np.array(texts, dtype=object),
            "brand": np.array(brands, dtype=object),
            "agent": np.array(names, dtype=object),
        }
        connection.register("signed_agents", signed)
        run(
            connection,
            """UPDATE outcomes SET agent = s.agent FROM signed_agents s
               WHERE outcomes.agent IS NULL AND outcomes.reply_text = s.text
                 AND outcomes.brand IS NOT DISTINCT FROM s.brand""",
        )
        connection.unregister("signed_agents")
    run(
        connection,
        f"UPDATE outcomes SET agent = '{UNSIGNED}' WHERE reply_ts IS NOT NULL AND agent IS NULL",
    )


def _score(connection: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """`scored`: the counted messages with their response time and whether the reply
    counts toward the response rate."""
    same_day = settings.policy.rate_answered == "same-day"
    rate = "reply_ts IS NOT NULL" + (" AND reply_day = day" if same_day else "")
    if settings.hours is None:
        run(
            connection,
            f"""CREATE OR REPLACE TEMP TABLE scored AS
                SELECT *, reply_ts - ts AS response_s, {rate} AS rate_answered FROM counted""",
        )
        return
    pairs = connection.execute(
        "SELECT key, ts, reply_ts FROM counted WHERE reply_ts IS NOT NULL"
    ).fetchnumpy()
    elapsed = settings.hours.elapsed(
        np.asarray(pairs["ts"], dtype=np.float64), np.asarray(pairs["reply_ts"], dtype=np.float64)
    )
    connection.register("business", {"key": np.asarray(pairs["key"]), "response_s": elapsed})
    run(
        connection,
        f"""CREATE OR REPLACE TEMP TABLE scored AS
            SELECT c.*, b.response_s, {rate} AS rate_answered
            FROM counted c LEFT JOIN business b USING (key)""",
    )
    connection.unregister("business")


def _figures(
    connection: duckdb.DuckDBPyConnection, key: str, policy: Policy
) -> list[tuple[Any, dict[str, Any]]]:
    rows = connection.execute(
        _FIGURES.format(key=key),
        {"target": policy.target_time_s, "fastest": policy.fastest_share},
    ).fetchall()
    return [(row[0], _figure_dict(row[1:], policy)) for row in rows]


def _figure_dict(row: tuple[Any, ...], policy: Policy) -> dict[str, Any]:
    total, answered, median, p90, mean, within, rate_answered, fastest, absent = row
    response_rate = rate_answered / total if total else None
    figures: dict[str, Any] = {
        "customer_messages": total,
        "answered": answered,
        "unanswered": total - answered,
        "reply_not_in_export": absent,
        "response_time_s": {"median": median, "p90": p90, "mean": mean},
        "within_target": {
            "count": within,
            "share_of_all": within / total if total else None,
            "share_of_answered": within / answered if answered else None,
        },
        "response_rate": response_rate,
    }
    statistic = {"share-within": None, "mean": mean, "mean-fastest": fastest}[policy.statistic]
    figures["policy_statistic_s"] = statistic
    figures["meets_policy"] = _meets(policy, figures, statistic)
    return figures


def _meets(policy: Policy, figures: dict[str, Any], statistic: float | None) -> bool:
    if not figures["customer_messages"]:
        return False
    if policy.statistic == "share-within":
        return bool(figures["within_target"]["share_of_all"] >= policy.target_share)
    rate = figures["response_rate"] or 0.0
    return (
        statistic is not None and rate >= policy.target_share and statistic <= policy.target_time_s
    )


def _empty(policy: Policy) -> dict[str, Any]:
    return _figure_dict((0, 0, None, None, None, 0, 0, None, 0), policy)


def _hours_dict(hours: BusinessHours | None) -> dict[str, Any] | None:
    if hours is None:
        return None
    return {
        "openings": [
            {
                "weekday": WEEKDAYS[day],
                "open": f"{start // 60:02d}:{start % 60:02d}",
                "close": f"{end // 60:02d}:{end % 60:02d}",
            }
            for day, start, end in hours.openings
        ],
        "timezone": hours.zone.key,
        "holidays": sorted(day.isoformat() for day in hours.holidays),
    }
