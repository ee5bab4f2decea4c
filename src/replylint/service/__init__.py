"""`replylint serve`: the pre-send HTTP service (Starlette app run by uvicorn).

`main(argv)` parses the options, checks the configuration and the audit log path
before binding anything (exit 2 on a bad one), then runs uvicorn. With
`--workers N > 1` N processes each build the app through `app_from_environment()`
from the options passed in the environment (see `workers.py`).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from replylint.model import ExitStatus
from replylint.service.app import (
    DEFAULT_LINT_TIMEOUT,
    DEFAULT_MAX_BATCH,
    DEFAULT_MAX_BODY,
    create_app,
)

__all__ = ["ExitStatus", "app_from_environment", "create_app", "main"]

TOKEN_ENV = "REPLYLINT_TOKEN"
# Options handed to worker processes (never the token: that stays in TOKEN_ENV).
_OPTIONS_ENV = "REPLYLINT_SERVE_OPTIONS"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="replylint serve",
        description="Serve the pre-send check over HTTP (POST /v1/check) and the composer page (/).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)"
    )
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default: 1)")
    parser.add_argument(
        "--config",
        type=Path,
        help="a replylint.toml or pyproject.toml (default: found upward from the working directory)",
    )
    parser.add_argument(
        "--token",
        help=f"require 'Authorization: Bearer TOKEN' on /v1/ (default: ${TOKEN_ENV}, if set)",
    )
    parser.add_argument(
        "--audit-log", type=Path, help="append one JSON line per override to this file"
    )
    parser.add_argument(
        "--max-body",
        type=int,
        default=DEFAULT_MAX_BODY,
        help=f"largest request body in bytes (default: {DEFAULT_MAX_BODY})",
    )
    parser.add_argument(
        "--max-batch",
        type=int,
        default=DEFAULT_MAX_BATCH,
        help=f"most replies in one batch request (default: {DEFAULT_MAX_BATCH})",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_LINT_TIMEOUT,
        help=f"seconds one request may spend linting before a 503 (default: {DEFAULT_LINT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--keep-alive",
        type=float,
        default=5.0,
        help="seconds an idle connection stays open (default: 5)",
    )
    parser.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="log level (default: info)",
    )
    return parser


def _build_app(options: dict[str, Any], token: str | None) -> Any:
    """The app for `options` (as produced by `main`); raises ConfigError on bad config."""
    from replylint.config import Config, load_config
    from replylint.engine import Engine

    config_path = options.get("config")
    config = load_config(explicit=Path(config_path)) if config_path else Config()
    engine = Engine(config)
    return create_app(
        engine,
        token=token,
        max_body=options["max_body"],
        audit_log=options.get("audit_log"),
        lint_timeout=options["timeout"],
        max_batch=options["max_batch"],
    )


def app_from_environment() -> Any:
    """uvicorn factory for worker processes: the options `main` put in the environment."""
    options = json.loads(os.environ[_OPTIONS_ENV])
    return _build_app(options, os.environ.get(TOKEN_ENV) or None)


def _log_config(level: str) -> dict[str, Any]:
    # uvicorn's own loggers plus ours; uvicorn's access log is off because it logs the
    # client address and full path, our access line holds no client data.
    formatter = {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    handler = {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": formatter},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "replylint.service": {
                "handlers": ["stderr"],
                "level": level.upper(),
                "propagate": False,
            },
        },
    }


def _error(message: str) -> ExitStatus:
    print(f"replylint serve: error: {message}", file=sys.stderr)
    return ExitStatus.ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Run the service until interrupted; 2 on a usage, configuration or bind error."""
    parser = _parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    if not 0 <= args.port <= 65535:
        return _error(f"--port must be between 0 and 65535, not {args.port}")
    if args.workers < 1:
        return _error("--workers must be at least 1")
    if args.max_body < 1 or args.max_batch < 1 or args.timeout <= 0 or args.keep_alive <= 0:
        return _error("--max-body, --max-batch, --timeout and --keep-alive must be positive")
    token = args.token or os.environ.get(TOKEN_ENV) or None
    if not _is_loopback(args.host) and token is None:
        print(
            f"replylint serve: warning: listening on {args.host} without a token; "
            f"set --token or ${TOKEN_ENV}",
            file=sys.stderr,
        )
    from replylint.config import ConfigError, find_config_file
    from replylint.service.audit import AuditLog

    config_path = args.config or find_config_file(Path.cwd())
    options = {
        "config": str(config_path) if config_path else None,
        "audit_log": str(args.audit_log) if args.audit_log else None,
        "max_body": args.max_body,
        "max_batch": args.max_batch,
        "timeout": args.timeout,
    }
    try:
        app = _build_app(options, token)
    except ConfigError as exc:
        return _error(str(exc))
    if args.audit_log is not None:
        try:
            AuditLog(args.audit_log).check_writable()
        except OSError as exc:
            return _error(f"cannot write the audit log {args.audit_log}: {exc.strerror}")

    import uvicorn

    common: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "timeout_keep_alive": args.keep_alive,
        "log_config": _log_config(args.log_level),
        "access_log": False,
        "server_header": False,
        "proxy_headers": False,
    }
    try:
        if args.workers == 1:
            uvicorn.run(app, **common)
        else:
            os.environ[_OPTIONS_ENV] = json.dumps(options)
            if token:
                os.environ[TOKEN_ENV] = token
            return _run_workers(args.workers, common)
    except SystemExit as exc:  # uvicorn exits 1 when it cannot bind or start
        return ExitStatus.ERROR if exc.code else ExitStatus.OK
    return ExitStatus.OK


def _run_workers(workers: int, options: dict[str, Any]) -> int:
    """`workers` uvicorn processes: one socket each on Linux, else one shared (see
    `service/workers.py`)."""
    import logging
    import logging.config

    from replylint.service.workers import (
        Supervisor,
        balances_by_socket,
        listening_socket,
        listening_sockets,
    )

    logging.config.dictConfig(options["log_config"])  # as uvicorn.Config does in each worker
    host, port = options["host"], options["port"]
    reuse_port = balances_by_socket()
    try:
        if reuse_port:
            sockets = listening_sockets(host, port, workers)
        else:
            sockets = [listening_socket(host, port, reuse_port=False)]
    except OSError as exc:
        return _error(f"cannot listen on {host}:{port}: {exc.strerror}")
    port = sockets[0].getsockname()[1]
    logging.getLogger("uvicorn.error").info(
        "replylint serve on http://%s:%d with %d workers (Press CTRL+C to quit)",
        f"[{host}]" if ":" in host else host,
        port,
        workers,
    )
    try:
        if reuse_port:
            return ExitStatus.ERROR if Supervisor(options, sockets).run() else ExitStatus.OK
        import uvicorn
        from uvicorn.supervisors import Multiprocess

        config = uvicorn.Config(
            "replylint.service:app_from_environment", factory=True, workers=workers, **options
        )
        Multiprocess(config, sockets=sockets).run()
        return ExitStatus.OK
    finally:
        for sock in sockets:
            sock.close()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
