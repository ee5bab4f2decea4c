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

import re
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

# The definitions in three steps, so that each costly part runs once and over as few
# rows as it needs:
# - `answers`: one row per customer message with its first agent reply (NULLs when
#   unanswered): the reply's time, text, agent field and brand;
# - `unanswered_facts`: for the messages still without a brand or a reply, the brand
#   from the agent message they reply to or their first @mention, and whether the
#   export names a reply it does not contain (only these messages' texts and named
#   reply ids are read);
# - `outcomes`: a view putting the two together.
_ANSWERS = """
CREATE OR REPLACE TEMP TABLE answers AS
WITH first_replies AS (
    -- the earliest agent message replying directly to each message id
    SELECT export, in_reply_to, arg_min(rowid, (ts, id)) AS reply_key
    FROM messages
    WHERE role = 'agent' AND linked AND in_reply_to IS NOT NULL
    GROUP BY export, in_reply_to
),
customers AS (
    SELECT c.rowid AS key, c.export, c.ts, c.brand, f.reply_key
    FROM messages c LEFT JOIN first_replies f ON f.export = c.export AND f.in_reply_to = c.id
    WHERE c.role = 'customer' AND c.linked
    UNION ALL
    -- unlinked exports: the first agent message at or after it in the conversation
    SELECT c.key, c.export, c.ts, c.brand, a.key AS reply_key
    FROM (SELECT rowid AS key, * FROM messages WHERE role = 'customer' AND NOT linked) c
    ASOF LEFT JOIN (SELECT rowid AS key, export, conversation, ts FROM messages
                    WHERE role = 'agent' AND NOT linked) a
        ON a.export = c.export AND a.conversation = c.conversation AND a.ts >= c.ts
)
SELECT c.*, r.ts AS reply_ts, r.text AS reply_text, r.agent, r.brand AS reply_brand
FROM customers c LEFT JOIN messages r ON r.rowid = c.reply_key
"""
_UNANSWERED_FACTS = """
CREATE OR REPLACE TEMP TABLE unanswered_facts AS
WITH open AS (
    -- unanswered, or answered but neither the message nor its reply has a brand
    SELECT a.key, a.export, a.brand, c.in_reply_to, c.named_replies,
           a.reply_key IS NULL AS unanswered
    FROM answers a JOIN messages c ON c.rowid = a.key
    WHERE a.reply_key IS NULL OR (a.brand IS NULL AND a.reply_brand IS NULL)
),
parents AS (
    -- the agent message a customer message replies to, for its brand
    SELECT c.key, p.brand
    FROM open c JOIN messages p ON p.export = c.export AND p.id = c.in_reply_to
    WHERE c.brand IS NULL AND p.role = 'agent'
),
brands AS (
    SELECT lower(brand) AS handle, min(brand) AS brand
    FROM (SELECT DISTINCT brand FROM messages WHERE role = 'agent' AND brand IS NOT NULL)
    GROUP BY 1
),
mentioned AS (
    -- the first @mention of a brand that answers in this export, for the unanswered
    -- messages with no brand yet
    SELECT m.key, arg_min(b.brand, m.position) AS brand
    FROM (
        SELECT key, unnest(handles) AS handle, generate_subscripts(handles, 1) AS position
        FROM (
            SELECT t.rowid AS key, regexp_extract_all(lower(t.text), '@(\\w+)', 1) AS handles
            FROM messages t
            WHERE t.rowid IN (
                SELECT key FROM open
                WHERE unanswered AND brand IS NULL AND key NOT IN (SELECT key FROM parents)
            ) AND t.text LIKE '%@%'
        )
    ) m JOIN brands b USING (handle)
    GROUP BY m.key
),
absent AS (
    -- unanswered messages whose export names a reply it does not contain
    SELECT DISTINCT c.key
    FROM (
        SELECT key, export, named_reply_id(written) AS named
        FROM (
            SELECT key, export, unnest(string_split(named_replies, ',')) AS written FROM open
            WHERE unanswered AND named_replies IS NOT NULL
        )
        WHERE trim(written) <> ''
    ) c
    ANTI JOIN messages m ON m.export = c.export AND m.id = c.named
)
SELECT o.key, coalesce(parent.brand, mentioned.brand) AS brand,
       absent.key IS NOT NULL AS reply_not_in_export
FROM open o
LEFT JOIN parents parent ON parent.key = o.key
LEFT JOIN mentioned ON mentioned.key = o.key
LEFT JOIN absent ON absent.key = o.key
WHERE parent.brand IS NOT NULL OR mentioned.brand IS NOT NULL OR absent.key IS NOT NULL
"""
# `{conversation}` adds the message's conversation for the policies that count the
# first message of a conversation's day; `{previous}`, `previous_ts` (the
# conversation's message before this one, from either side) for those that count
# messages after a silence.
_OUTCOMES = """
CREATE OR REPLACE TEMP VIEW outcomes AS
SELECT a.key, a.export, a.ts, a.reply_key, a.reply_ts, a.reply_text, a.agent,
       coalesce(a.reply_brand, a.brand, f.brand, '(unknown)') AS brand,
       coalesce(f.reply_not_in_export, false) AS reply_not_in_export{conversation_column}{previous_column}
FROM answers a
LEFT JOIN unanswered_facts f ON f.key = a.key{conversation_join}{previous_join}
"""
_CONVERSATION_COLUMN = ", c.conversation"
_CONVERSATION_JOIN = "\nJOIN messages c ON c.rowid = a.key"
_PREVIOUS_COLUMN = ", p.previous_ts"
_PREVIOUS_JOIN = """
LEFT JOIN (
    SELECT m.rowid AS key,
           lag(m.ts) OVER (PARTITION BY m.export, c.conversation ORDER BY m.ts, m.rowid)
               AS previous_ts
    FROM messages m JOIN message_conversations c ON c.key = m.rowid
) p ON p.key = a.key"""

# The counted messages with their local time fields, response time (wall-clock; see
# `_business_times`) and whether the reply counts toward the response rate.
# `{reply_day}` and `{window}` are left out when the policy does not use them. A view
# (its parameters written in, as a view cannot take any), so that the breakdowns,
# read once, do not wait for half a million rows to be stored first.
_COUNTED = """
CREATE OR REPLACE TEMP VIEW counted AS
WITH local AS (
    SELECT o.* REPLACE (
               CASE WHEN o.reply_ts IS NOT NULL
                    THEN coalesce(o.agent, s.agent, $unsigned) END AS agent),
           {local_time} AS local_time{reply_day}
    FROM outcomes o LEFT JOIN signed_agents s
        ON s.text = o.reply_text AND s.brand IS NOT DISTINCT FROM o.brand
),
flagged AS (
    SELECT *, CAST(local_time AS DATE) AS day, isodow(local_time) - 1 AS weekday,
           hour(local_time) AS hour,
           {counts} AS counts
    FROM local
)
SELECT * EXCLUDE (counts, reply_text{conversation}), reply_ts - ts AS response_s, {rate} AS rate_answered
FROM flagged
WHERE counts{window}
"""
_REPLY_DAY = """,
           CASE WHEN o.reply_ts IS NOT NULL
                THEN CAST({local_reply_time} AS DATE) END AS reply_day"""
_WINDOW = " AND ts > (SELECT max(ts) FROM flagged WHERE counts) - $window"
_COUNTS = {
    "every": "true",
    "first-of-day": (
        "row_number() OVER (PARTITION BY export, conversation, CAST(local_time AS DATE)"
        " ORDER BY ts, key) = 1"
    ),
    "after-silence": "previous_ts IS NULL OR ts - previous_ts >= $silence",
}
# Every breakdown in one pass over `scored` (GROUPING SETS); `grouping` says which
# set a row belongs to: one bit per column left out, the first column highest.
_FIGURES = """
SELECT grouping(brand, agent, weekday, hour, day) AS grouping,
       brand, agent, weekday, hour, CAST(day AS VARCHAR) AS day,
       count(*) AS customer_messages,
       count(response_s) AS answered,
       quantile_cont(response_s, [0.5, 0.9]) AS quantiles,
       avg(response_s) AS mean,
       count(*) FILTER (WHERE response_s <= $target) AS within,
       count(*) FILTER (WHERE rate_answered) AS rate_answered,
       count(*) FILTER (WHERE reply_not_in_export) AS reply_not_in_export
FROM scored
GROUP BY GROUPING SETS ((), (brand), (brand, agent), (weekday, hour), (day))
"""
_SETS = {0b11111: "overall", 0b01111: "by_brand", 0b00111: "by_agent",
         0b11001: "by_weekday_hour", 0b11110: "by_day"}  # fmt: skip
# For mean-fastest: the mean of each group's fastest responses, one breakdown a query.
_FASTEST = """
SELECT {columns}, avg(response_s) FILTER (WHERE rank <= ceil($fastest * answered_here))
FROM (
    SELECT *, row_number() OVER (PARTITION BY {columns} ORDER BY response_s NULLS LAST) AS rank,
           count(response_s) OVER (PARTITION BY {columns}) AS answered_here
    FROM scored
) GROUP BY {columns}
"""
_SET_COLUMNS = {
    "overall": (), "by_brand": ("brand",), "by_agent": ("brand", "agent"),
    "by_weekday_hour": ("weekday", "hour"), "by_day": ("day",),
}  # fmt: skip
_AS_TEXT = {"day": "CAST(day AS VARCHAR)"}


@dataclass(frozen=True)
class Settings:
    policy: Policy
    zone: ZoneInfo
    hours: BusinessHours | None = None


def analyse(connection: duckdb.DuckDBPyConnection, settings: Settings) -> dict[str, Any]:
    """Every figure of the report (JSON keys of docs/responsiveness.md), except the
    skipped rows, which the reader knows."""
    policy = settings.policy
    run(connection, _ANSWERS)
    run(connection, _UNANSWERED_FACTS)
    silence = policy.counts == "after-silence"
    first_of_day = policy.counts == "first-of-day"
    run(
        connection,
        _OUTCOMES.format(
            conversation_column=_CONVERSATION_COLUMN if first_of_day else "",
            conversation_join=_CONVERSATION_JOIN if first_of_day else "",
            previous_column=_PREVIOUS_COLUMN if silence else "",
            previous_join=_PREVIOUS_JOIN if silence else "",
        ),
    )
    _name_agents(connection)
    same_day = policy.rate_answered == "same-day"
    parameters: dict[str, Any] = {"zone": settings.zone.key, "unsigned": UNSIGNED}
    if policy.window_days:
        parameters["window"] = policy.window_days * 86400
    if policy.counts == "after-silence":
        parameters["silence"] = policy.silence_hours * 3600
    counted = _COUNTED.format(
        counts=_COUNTS[policy.counts],
        conversation=", conversation" if first_of_day else "",
        local_time=_local_time("o.ts", settings.zone),
        reply_day=_REPLY_DAY.format(local_reply_time=_local_time("o.reply_ts", settings.zone))
        if same_day
        else "",
        window=_WINDOW if policy.window_days else "",
        rate="reply_ts IS NOT NULL" + (" AND reply_day = day" if same_day else ""),
    )
    run(connection, _with_values(counted, parameters))
    if settings.hours is not None:
        _business_times(connection, settings.hours)
    elif policy.statistic == "mean-fastest":
        # read once per breakdown: stored once
        run(connection, "CREATE OR REPLACE TEMP TABLE scored AS SELECT * FROM counted")
    else:
        run(connection, "CREATE OR REPLACE TEMP VIEW scored AS SELECT * FROM counted")
    figures = _figures(connection, policy)
    overall = figures["overall"][()] if figures["overall"] else _empty(policy)
    result: dict[str, Any] = {"policy": policy.to_dict(), **overall}
    result["by_brand"] = [{"brand": k[0], **f} for k, f in sorted(figures["by_brand"].items())]
    result["by_agent"] = [
        {"brand": k[0], "agent": k[1], **f}
        for k, f in sorted(item for item in figures["by_agent"].items() if item[0][1] is not None)
    ]
    grid = figures["by_weekday_hour"]
    result["by_weekday_hour"] = [
        {"weekday": WEEKDAYS[day], "hour": hour, **grid.get((day, hour), _empty(policy))}
        for day in range(7)
        for hour in range(24)
    ]
    result["by_day"] = [{"day": k[0], **f} for k, f in sorted(figures["by_day"].items())]
    result["timezone"] = settings.zone.key
    result["business_hours"] = _hours_dict(settings.hours)
    return result


def write_counted(connection: duckdb.DuckDBPyConnection, path: str) -> None:
    """One Parquet row per counted message: its text, reply, brand, agent, local day,
    weekday, hour and response time."""
    run(
        connection,
        """COPY (
               SELECT m.source, m.conversation, m.id, s.ts, m.text, s.reply_ts,
                      r.text AS reply_text,
                      s.* EXCLUDE (key, export, ts, reply_key, reply_ts)
               FROM scored s JOIN messages m ON m.rowid = s.key
               LEFT JOIN messages r ON r.rowid = s.reply_key
               ORDER BY s.key
           ) TO $path (FORMAT parquet)""",
        {"path": path},
    )


def response_times(connection: duckdb.DuckDBPyConnection) -> np.ndarray:
    """The counted messages' response times in seconds (for the histogram)."""
    rows = connection.execute(
        "SELECT response_s FROM scored WHERE response_s IS NOT NULL ORDER BY response_s"
    ).fetchnumpy()
    return np.asarray(rows["response_s"], dtype=np.float64)


def _name_agents(connection: duckdb.DuckDBPyConnection) -> None:
    """`signed_agents`: the agent each distinct unsigned reply text is signed by, for
    `scored` to fill `agent` where the export has no agent field."""
    unsigned = connection.execute(
        "SELECT DISTINCT reply_text, brand FROM outcomes"
        " WHERE reply_ts IS NOT NULL AND agent IS NULL AND reply_text IS NOT NULL"
    ).fetchall()
    found = agents_by_text(unsigned)
    run(
        connection,
        "CREATE OR REPLACE TEMP TABLE signed_agents (text VARCHAR, brand VARCHAR, agent VARCHAR)",
    )
    if found:
        texts, brands, names = (
            list(column) for column in zip(*((*k, v) for k, v in found.items()), strict=True)
        )
        signed = {
            "text": np.array(texts, dtype=object),
            "brand": np.array(brands, dtype=object),
            "agent": np.array(names, dtype=object),
        }
        connection.register("signed_found", signed)
        run(connection, "INSERT INTO signed_agents SELECT text, brand, agent FROM signed_found")
        connection.unregister("signed_found")


def _local_time(seconds: str, zone: ZoneInfo) -> str:
    """SQL for the wall-clock time in `zone` of an epoch-seconds column (UTC, the
    default, needs no time-zone rules)."""
    if zone.key == "UTC":
        return f"make_timestamp(epoch_us(to_timestamp({seconds})))"
    return f"timezone($zone, to_timestamp({seconds}))"


def _with_values(sql: str, parameters: dict[str, str | float]) -> str:
    """`sql` with each `$name` replaced by its value as an SQL literal."""

    def literal(match: re.Match[str]) -> str:
        value = parameters[match.group(1)]
        if isinstance(value, str):
            return "'" + value.replace("'", "''") + "'"
        return repr(float(value))

    return re.sub(r"\$(\w+)", literal, sql)


def _business_times(connection: duckdb.DuckDBPyConnection, hours: BusinessHours) -> None:
    """`scored`: the counted messages with the business seconds between message and
    reply as their response times."""
    pairs = connection.execute(
        "SELECT key, ts, reply_ts FROM counted WHERE reply_ts IS NOT NULL"
    ).fetchnumpy()
    elapsed = hours.elapsed(
        np.asarray(pairs["ts"], dtype=np.float64), np.asarray(pairs["reply_ts"], dtype=np.float64)
    )
    connection.register("business", {"key": np.asarray(pairs["key"]), "response_s": elapsed})
    run(
        connection,
        """CREATE OR REPLACE TEMP TABLE scored AS
           SELECT s.* REPLACE (b.response_s AS response_s)
           FROM counted s LEFT JOIN business b USING (key)""",
    )
    connection.unregister("business")


def _figures(
    connection: duckdb.DuckDBPyConnection, policy: Policy
) -> dict[str, dict[tuple[Any, ...], dict[str, Any]]]:
    """Every breakdown: {set name: {group key: figures}}."""
    rows = connection.execute(_FIGURES, {"target": policy.target_time_s}).fetchall()
    fastest = _fastest_means(connection, policy)
    figures: dict[str, dict[tuple[Any, ...], dict[str, Any]]] = {
        name: {} for name in _SETS.values()
    }
    for grouping, *columns, total, answered, quantiles, mean, within, rate, absent in rows:
        name = _SETS[grouping]
        values = dict(zip(("brand", "agent", "weekday", "hour", "day"), columns, strict=True))
        key = tuple(values[column] for column in _SET_COLUMNS[name])
        median, p90 = quantiles or (None, None)
        figures[name][key] = _figure_dict(
            (total, answered, median, p90, mean, within, rate, fastest.get((name, key)), absent),
            policy,
        )
    return figures


def _fastest_means(
    connection: duckdb.DuckDBPyConnection, policy: Policy
) -> dict[tuple[str, tuple[Any, ...]], float | None]:
    """The mean of the fastest responses per group, when the policy asks for it."""
    if policy.statistic != "mean-fastest":
        return {}
    means: dict[tuple[str, tuple[Any, ...]], float | None] = {}
    for name, columns in _SET_COLUMNS.items():
        # as the breakdowns' query writes them (days as text)
        grouped = ", ".join(_AS_TEXT.get(c, c) for c in columns) if columns else "true"
        for *key, mean in connection.execute(
            _FASTEST.format(columns=grouped), {"fastest": policy.fastest_share}
        ).fetchall():
            means[(name, tuple(key) if columns else ())] = mean
    return means


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
