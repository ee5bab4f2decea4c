"""Running the CLI as users do, for the tests here and in tests/batch."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def run_cli(
    *args: str,
    cwd: Path | None = None,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`python -m replylint ARGS` in a subprocess, outside CI (no `CI` variable)."""
    environ = dict(os.environ)
    environ.pop("CI", None)
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "replylint", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environ,
        timeout=600,
    )


def run_in_terminal(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m replylint ARGS` with stdout and stderr on a pseudo-terminal (as in an
    interactive shell: no `CI`, no `NO_COLOR`); `stdout` holds what it drew there."""
    import pty

    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR")}
    environ["TERM"] = "xterm"
    environ.update(env or {})
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "replylint", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=secondary,
        env=environ,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    code = proc.wait(timeout=600)
    os.close(primary)
    screen = b"".join(chunks).decode("utf-8", "replace")
    return subprocess.CompletedProcess(proc.args, code, screen, "")
