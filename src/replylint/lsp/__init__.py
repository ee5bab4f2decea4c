"""`replylint lsp`: the language server (stdio by default, or TCP).

pygls and lsprotocol (core dependencies) are imported only when the server starts,
so the other commands do not pay for loading them.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence


def _host_port(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", value
    try:
        number = int(port)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {value!r}") from None
    if not 0 < number < 65536:
        raise argparse.ArgumentTypeError(f"port out of range: {number}")
    return host or "127.0.0.1", number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="replylint lsp",
        description="Run the replylint language server (LSP over stdio by default).",
    )
    transport = parser.add_mutually_exclusive_group()
    transport.add_argument(
        "--stdio", action="store_true", help="talk LSP over stdin/stdout (default)"
    )
    transport.add_argument(
        "--tcp", type=_host_port, metavar="HOST:PORT", help="listen on a TCP socket instead"
    )
    parser.add_argument("--log-file", metavar="PATH", help="write the server's log to PATH")
    parser.add_argument(
        "--log-level",
        default="INFO",
        choices=("DEBUG", "INFO", "WARNING", "ERROR"),
        help="log level for --log-file (default INFO)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.log_file:
        logging.basicConfig(
            filename=args.log_file,
            level=getattr(logging, args.log_level),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        if args.log_level != "DEBUG":
            # pygls logs every message body at INFO: only with --log-level DEBUG.
            logging.getLogger("pygls").setLevel(logging.WARNING)
    else:
        # stdout carries the protocol; only problems go to stderr.
        logging.basicConfig(
            stream=sys.stderr, level=logging.WARNING, format="replylint lsp: %(message)s"
        )
    try:
        from replylint.lsp.server import create_server
    except ImportError as exc:
        # pygls and lsprotocol come with replylint itself: a broken install, not an extra.
        print(
            f"replylint lsp: the language server cannot start: {exc}; "
            "reinstall replylint (pip install --force-reinstall replylint)",
            file=sys.stderr,
        )
        return 2
    server = create_server()
    if args.tcp:
        host, port = args.tcp
        server.start_tcp(host, port)
    else:
        server.start_io()
    return 0
