"""`replylint responsiveness EXPORT...`: how fast customer messages are answered.

Exit status: 0 with a report, 2 with a message on stderr when an export, an option or
the policy cannot be used (docs/responsiveness.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from replylint.config import Config, ConfigError, load_config
from replylint.inputs.conversations import (
    ExportError,
    FieldNames,
    load_exports,
    new_database,
)
from replylint.responsiveness.advice import availability_advice
from replylint.responsiveness.hours import BusinessHours, HoursError, time_zone
from replylint.responsiveness.metrics import Settings, analyse, response_times, write_counted
from replylint.responsiveness.policies import DEFAULT_POLICY, PolicyError, find_policy
from replylint.responsiveness.render import to_csv, to_json, to_text

FORMATS = ("text", "json", "csv", "html", "parquet")
ERROR = 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one path for every error: exit 2, no usage dump
        raise _UsageError(f"{self.prog}: {message}")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="replylint responsiveness",
        description="How fast and how often customer messages are answered, per policy.",
    )
    parser.add_argument("exports", nargs="+", metavar="EXPORT",
                        help="conversation exports: twcs CSV, JSONL/CSV/Parquet logs, "
                        "Facebook folders, .zip or message_N.json")  # fmt: skip
    parser.add_argument("--policy", help="policy name (default: the configuration's "
                        f"[responsiveness] policy, else {DEFAULT_POLICY})")  # fmt: skip
    parser.add_argument("--policies", type=Path, metavar="FILE",
                        help="a TOML file of your own policies")  # fmt: skip
    parser.add_argument("--config", type=Path, metavar="FILE",
                        help="use this config file, not the nearest one")  # fmt: skip
    parser.add_argument("--format", choices=FORMATS, dest="output_format",
                        help="default: from -o's suffix, else text")  # fmt: skip
    parser.add_argument("-o", "--output", type=Path, metavar="FILE")
    parser.add_argument("--hours", help="business hours, e.g. 'Mon-Fri 09:00-18:00'")
    parser.add_argument("--timezone", default="UTC", help="for hours, days and the week grid")
    parser.add_argument("--holidays", default="", help="comma-separated dates (2024-12-25)")
    parser.add_argument("--page", help="the Facebook Page's name: its messages are the agent's")
    parser.add_argument("--field", action="append", default=[], metavar="FIELD=COLUMN",
                        help="map a generic log's column to a field (time=created_at)")  # fmt: skip
    parser.add_argument("--lint", action="store_true",
                        help="also lint every agent reply with the seven rules")  # fmt: skip
    parser.add_argument("--jobs", type=int, metavar="N",
                        help="processes for --lint, as for check (default: as many as worth it)")  # fmt: skip
    return parser


def _format(args: argparse.Namespace) -> str:
    if args.output_format:
        return str(args.output_format)
    suffix = args.output.suffix.lower().lstrip(".") if args.output else ""
    return {"htm": "html", "txt": "text"}.get(suffix, suffix) if suffix in (
        *FORMATS, "htm", "txt") else "text"  # fmt: skip


def build_report(
    connection: duckdb.DuckDBPyConnection, args: argparse.Namespace
) -> tuple[dict[str, Any], Any]:
    """Read the exports and compute every figure; also the response times."""
    zone = time_zone(args.timezone)
    hours = None
    if args.hours:
        holidays = [d for d in args.holidays.split(",") if d.strip()]
        hours = BusinessHours.parse(args.hours, zone, holidays)
    config = _config(args.config)
    policy = find_policy(args.policy, args.policies, config)
    skipped = load_exports(
        connection, args.exports, field_names=FieldNames.mapped(args.field), page=args.page
    )
    report = analyse(connection, Settings(policy, zone, hours))
    report["skipped_rows"] = [row.to_dict() for row in skipped]
    report["availability_advice"] = availability_advice(
        report["by_weekday_hour"], policy.target_share
    )
    if args.lint:
        from replylint.responsiveness.quality import add_findings, lint_replies

        add_findings(report, lint_replies(connection, args.jobs, config.path))
    return report, response_times(connection)


def _config(explicit: Path | None) -> Config:
    """`--config FILE`, else the nearest configuration from the current folder up:
    its [responsiveness] section and, for --lint, its rule settings."""
    if explicit is not None:
        return load_config(explicit=explicit)
    return load_config(Path.cwd())


def _write(path: Path | None, text: str) -> None:
    if path is None:
        sys.stdout.write(text)
        return
    # Atomic: a reader never sees half a report.
    handle, temporary = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; a report is not
    os.replace(temporary, path)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
        output_format = _format(args)
        if args.jobs is not None and args.jobs < 1:
            raise _UsageError("replylint responsiveness: --jobs must be at least 1")
        if output_format == "parquet" and args.output is None:
            raise _UsageError("replylint responsiveness: --format parquet needs -o FILE")
        connection = new_database()
        report, times = build_report(connection, args)
        if output_format == "parquet":
            write_counted(connection, str(args.output))
            return 0
        if output_format == "html":
            from replylint.responsiveness.html_report import render_html

            text = render_html(report, times)
        else:
            text = {"json": to_json, "csv": to_csv, "text": to_text}[output_format](report)
        _write(args.output, text)
        return 0
    except (_UsageError, ExportError, HoursError, PolicyError, ConfigError) as exc:
        print(f"replylint responsiveness: {exc}".replace(
            "replylint responsiveness: replylint responsiveness:", "replylint responsiveness:"
        ), file=sys.stderr)  # fmt: skip
        return ERROR
    except OSError as exc:
        print(f"replylint responsiveness: {exc}", file=sys.stderr)
        return ERROR
    except KeyboardInterrupt:
        return 130
