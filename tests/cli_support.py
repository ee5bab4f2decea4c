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
