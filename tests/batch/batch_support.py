"""Helpers for the batch / CI tests (tests/batch): trees built here, the CLI on a terminal.

Most tests lint with a team phrase rule declared in a `replylint.toml` (`acme-words`,
flagging "kindly" and "per our policy" as errors), so their findings do not depend
on how the built-in rules are tuned.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

TEAM_CONFIG = """\
select = ["acme-words"]

[[phrases]]
name = "acme-words"
message = "Avoid '{phrase}'."
phrases = ["kindly", "per our policy"]
severity = "error"
"""

Runner = Callable[..., subprocess.CompletedProcess[str]]


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


def run_in_terminal(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> str:
    """`replylint ARGS` with stdout and stderr on a pseudo-terminal (as in an
    interactive shell, not CI); what it drew there."""
    import pty

    environ = {k: v for k, v in os.environ.items() if k != "CI"}
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
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=600)
    os.close(primary)
    return b"".join(chunks).decode("utf-8", "replace")
