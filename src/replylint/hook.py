"""`replylint hook`: lint one reply from stdin and exit non-zero to block sending.

Stdin is a reply record (a JSON object, DESIGN.md fields) or, when it is not a JSON
object, the reply's plain text. Flags fill the fields the record does not set. The
report (`Report.to_dict()`) goes to stdout; the exit status says what to do:
0 send, 1 block (findings at or above `--fail-on`), 2 bad input or configuration
(message on stderr, nothing on stdout).
"""

from __future__ import annotations

import argparse
import enum
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from replylint.cli import FAIL_ON, add_record_arguments
from replylint.model import Report, Severity


class ExitStatus(enum.IntEnum):
    """The hook's exit codes (DESIGN.md "Exit codes")."""

    OK = 0
    FINDINGS = 1
    ERROR = 2


class InputError(Exception):
    """Input or configuration the hook cannot lint (exit 2)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="replylint hook",
        description=(
            "Lint one reply read from stdin (a JSON reply record, or plain text) and "
            "exit 1 if it should not be sent."
        ),
    )
    add_record_arguments(parser)
    parser.add_argument("--config", type=Path, help="a replylint.toml or pyproject.toml to use")
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="error",
        help="exit 1 for findings at or above this severity (default: error)",
    )
    return parser


def read_record(stream: TextIO) -> dict[str, Any]:
    """The reply record on `stream`: a JSON object as is, anything else as the text."""
    buffer = getattr(stream, "buffer", None)
    try:
        # Read bytes where we can: UTF-8 whatever the locale says.
        raw = buffer.read().decode("utf-8-sig") if buffer is not None else stream.read()
    except UnicodeDecodeError:
        raise InputError("stdin is not valid UTF-8") from None
    if not raw.strip():
        raise InputError("no reply on stdin")
    if raw.lstrip().startswith("{"):
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict):
            return data
    return {"text": raw.rstrip("\r\n")}


def fails(report: Report, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    threshold = Severity.parse(fail_on)
    return any(finding.severity >= threshold for finding in report.findings)


def main(
    argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Run the hook; returns the exit status (0 send, 1 block, 2 error)."""
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse: 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    try:
        report = _program(args, stdin)
    except InputError as exc:
        print(f"replylint hook: error: {exc}", file=sys.stderr)
        return ExitStatus.ERROR
    except Exception as exc:  # a bug must not read as "block" (1) or "send" (0)
        print(f"replylint hook: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return ExitStatus.ERROR
    for problem in report.rule_errors:
        print(f"replylint hook: warning: {problem}", file=sys.stderr)
    output = json.dumps(report.to_dict(), ensure_ascii=False) + "\n"
    buffer = getattr(stdout, "buffer", None)
    if buffer is not None:
        buffer.write(output.encode("utf-8", "surrogateescape"))
        buffer.flush()
    else:
        stdout.write(output)
        stdout.flush()
    return ExitStatus.FINDINGS if fails(report, args.fail_on) else ExitStatus.OK


def _program(args: argparse.Namespace, stdin: TextIO) -> Report:
    from replylint.config import ConfigError, load_config
    from replylint.engine import Engine
    from replylint.inputs.record import RecordError, parse_record

    try:
        config = load_config(Path.cwd(), explicit=args.config)
        engine = Engine(config)
    except ConfigError as exc:
        raise InputError(str(exc)) from None
    for plugin_error in engine.plugin_errors:
        print(f"replylint hook: warning: {plugin_error}", file=sys.stderr)
    record = read_record(stdin)
    for name in ("channel", "incoming", "agent", "brand", "language"):
        value = getattr(args, name)
        if value is not None and record.get(name) in (None, ""):
            record[name] = value
    try:
        reply = parse_record(record, default_channel=engine.config.channel)
    except RecordError as exc:
        raise InputError(f"bad reply record: {exc}") from None
    return engine.lint(reply)


if __name__ == "__main__":
    sys.exit(main())
