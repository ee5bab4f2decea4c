"""`replylint hook`: lint one reply from stdin and exit non-zero to block sending.

Stdin holds exactly one format (`--input`): a reply record as a JSON object
(docs/record-fields.md; an unknown field is an error), or the reply's plain text.
`auto` (the default) reads input whose first non-blank character is `{` as JSON,
and malformed JSON is an error with the parser's position, never a plain-text
reply. Flags fill the fields the record does not set. The report
(`Report.to_dict()`) goes to stdout; the exit status says what to do: 0 send,
1 block (findings at or above `--fail-on`), 2 bad input or configuration (message
on stderr, nothing on stdout).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from replylint.cli import add_record_arguments
from replylint.model import FAIL_ON, ExitStatus, Report, fails

INPUT_FORMATS = ("auto", "json", "text")


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
    parser.add_argument(
        "--input",
        choices=INPUT_FORMATS,
        default="auto",
        help="what stdin holds: a JSON reply record, plain text, or auto (JSON when it"
        " starts with '{'; default)",
    )
    parser.add_argument("--config", type=Path, help="a replylint.toml or pyproject.toml to use")
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="error",
        help="exit 1 for findings at or above this severity (default: error)",
    )
    return parser


def read_record(stream: TextIO, input_format: str = "auto") -> dict[str, Any]:
    """The reply record on `stream`: a JSON object, or the plain text as `text`."""
    buffer = getattr(stream, "buffer", None)
    try:
        # Read bytes where we can: UTF-8 whatever the locale says.
        raw = buffer.read().decode("utf-8-sig") if buffer is not None else stream.read()
    except UnicodeDecodeError as exc:
        raise InputError(f"stdin is not valid UTF-8 (byte {exc.start})") from None
    if not raw.strip():
        raise InputError("no reply on stdin: nothing to send")
    if input_format == "text" or (input_format == "auto" and not raw.lstrip().startswith("{")):
        return {"text": raw.rstrip("\r\n")}
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON on stdin: {exc.msg} (line {exc.lineno}, column {exc.colno});"
            " use --input text to send it as plain text"
        ) from None
    except RecursionError:
        raise InputError("malformed JSON on stdin: nested too deeply") from None
    if not isinstance(data, dict):
        raise InputError(
            f"stdin must hold one JSON object (a reply record), not {type(data).__name__}"
        )
    return data


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
    return ExitStatus.FINDINGS if fails(report.worst, args.fail_on) else ExitStatus.OK


def _program(args: argparse.Namespace, stdin: TextIO) -> Report:
    from replylint.config import ConfigError, load_config
    from replylint.engine import Engine
    from replylint.inputs.record import RecordError, check_language, parse_record

    try:
        config = load_config(Path.cwd(), explicit=args.config)
        engine = Engine(config)
    except ConfigError as exc:
        raise InputError(str(exc)) from None
    for plugin_error in engine.plugin_errors:
        print(f"replylint hook: warning: {plugin_error}", file=sys.stderr)
    flags = {
        name: getattr(args, name)
        for name in ("channel", "incoming", "agent", "brand", "language")
        if getattr(args, name) is not None
    }
    if "language" in flags:
        try:
            flags["language"] = check_language(flags["language"], engine.languages, "--language")
        except RecordError as exc:
            raise InputError(str(exc)) from None
    try:
        record = read_record(stdin, args.input)
        reply = parse_record(
            record,
            defaults=flags,
            default_channel=engine.config.channel,
            strict=True,
            languages=engine.languages,
        )
    except RecordError as exc:
        raise InputError(f"bad reply record: {exc}") from None
    return engine.lint(reply)


if __name__ == "__main__":
    sys.exit(main())
