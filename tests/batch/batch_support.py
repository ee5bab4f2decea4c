"""Helpers for the batch / CI tests (tests/batch): trees built here, the CLI on a terminal.

Most tests lint with a team phrase rule declared in a `replylint.toml` (`acme-words`,
flagging "kindly" and "per our policy" as errors), so their findings do not depend
on how the built-in rules are tuned.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
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
