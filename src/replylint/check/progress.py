"""A progress bar on stderr for long `check` runs, only where a person watches.

Shown when all hold: stderr is a terminal, the report does not go to a pipe
(stdout is a terminal, or `--output` names a file), `CI` is not set, `TERM` is not
`dumb`, `--no-progress` was not given, and the run is long (at least
`MIN_REPLIES` replies, estimated). Otherwise every call is a no-op and rich is
not even imported. The bar is transient: it is gone when the run ends.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any, TextIO

MIN_REPLIES = 200


def wanted(
    *,
    estimated: int,
    to_file: bool,
    disabled: bool = False,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> bool:
    """Whether to show a progress bar (see the module docs)."""
    env = os.environ if environ is None else environ
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    if disabled or estimated < MIN_REPLIES:
        return False
    if env.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    if env.get("TERM") == "dumb":
        return False
    if not _isatty(err):
        return False
    return to_file or _isatty(out)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class Progress:
    """`with Progress(total, enabled) as bar: bar.advance(n)`."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self._progress: Any = None
        self._task: Any = None
        self.done = 0

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._progress = RichProgress(
                TextColumn("replylint"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("replies"),
                TimeRemainingColumn(),
                console=Console(file=sys.stderr),
                transient=True,
                redirect_stdout=True,
                redirect_stderr=True,
            )
            self._progress.__enter__()
            self._task = self._progress.add_task("check", total=self.total)
        return self

    def advance(self, count: int) -> None:
        self.done += count
        if self._progress is not None:
            if self.done > self.total:  # the estimate was low
                self.total = self.done
                self._progress.update(self._task, total=self.total)
            self._progress.update(self._task, completed=self.done)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.__exit__(*exc)
            self._progress = None
