"""Where replylint keeps data it derives from its rule data and dependencies."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path | None:
    """Where replylint keeps derived data between runs (`REPLYLINT_CACHE_DIR`,
    else `$XDG_CACHE_HOME/replylint`, else `~/.cache/replylint`); None to disable
    (`REPLYLINT_CACHE_DIR=""`)."""
    configured = os.environ.get("REPLYLINT_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "replylint"
