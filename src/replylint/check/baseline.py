"""Baselines: accept today's findings, fail CI only on new ones.

`replylint check --baseline FILE --update-baseline PATH...` records every finding of
the run in FILE; later, `replylint check --baseline FILE PATH...` drops the findings
that FILE records, from the output and from the exit code, and the summary counts
them as `baselined`.

A finding is identified by its fingerprint: the file path (relative, `/`-separated),
the record id, the rule, and the flagged text with its whitespace collapsed, but no
line, column or offset, so editing another part of the file (or another record)
keeps the baseline valid. The same fingerprint may occur several times (one
placeholder repeated in a reply): the baseline keeps a count and absorbs at most
that many.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BASELINE_VERSION = 1


class BaselineError(ValueError):
    """A baseline file that cannot be read."""


def normalize_path(path: str) -> str:
    """The path as recorded in baselines and reports: relative to the working
    directory when inside it, with `/` separators."""
    if path == "-":
        return path
    return _normalized(path, os.getcwd())


@functools.lru_cache(maxsize=4096)
def _normalized(path: str, cwd: str) -> str:
    """`normalize_path` for one working directory (a file's records share one path)."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        relative = path
    if relative.startswith(".." + os.sep) or relative == "..":
        relative = os.path.abspath(path)
    return relative.replace(os.sep, "/")


def fingerprint(path: str, record_id: str | None, rule: str, text: str) -> str:
    """A stable identity for a finding (see the module docs)."""
    flagged = " ".join(text.split())
    key = "\x1f".join((normalize_path(path), record_id or "", rule, flagged))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


@dataclass
class Baseline:
    """Fingerprints with counts; `absorb` consumes one occurrence."""

    counts: Counter[str] = field(default_factory=Counter)
    absorbed: int = 0

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise BaselineError(
                f"{path}: baseline file not found (create it with --update-baseline)"
            ) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BaselineError(f"{path}: cannot read baseline: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
            raise BaselineError(f"{path}: not a replylint baseline (no 'findings' list)")
        if data.get("version") != BASELINE_VERSION:
            raise BaselineError(f"{path}: unsupported baseline version {data.get('version')!r}")
        baseline = cls()
        for entry in data["findings"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
                raise BaselineError(f"{path}: every finding needs a 'fingerprint'")
            count = entry.get("count", 1)
            baseline.counts[entry["fingerprint"]] += count if isinstance(count, int) else 1
        return baseline

    def absorb(self, print_: str) -> bool:
        """True (and one occurrence used up) when the baseline holds `print_`."""
        if self.counts.get(print_, 0) > 0:
            self.counts[print_] -= 1
            self.absorbed += 1
            return True
        return False


class BaselineWriter:
    """Collects the findings of a run for `--update-baseline`."""

    def __init__(self) -> None:
        self._entries: dict[str, dict[str, Any]] = {}

    def add(self, print_: str, path: str, record_id: str | None, rule: str, text: str) -> None:
        entry = self._entries.get(print_)
        if entry is None:
            self._entries[print_] = {
                "fingerprint": print_,
                "path": normalize_path(path),
                "id": record_id,
                "rule": rule,
                "text": " ".join(text.split())[:200],
                "count": 1,
            }
        else:
            entry["count"] += 1

    def __len__(self) -> int:
        return sum(entry["count"] for entry in self._entries.values())

    def render(self) -> str:
        """The baseline file: sorted so that it diffs well under version control."""
        findings = [
            {k: v for k, v in entry.items() if k != "count" or v != 1}
            for entry in sorted(
                self._entries.values(),
                key=lambda e: (e["path"], e["id"] or "", e["rule"], e["text"], e["fingerprint"]),
            )
        ]
        document = {"version": BASELINE_VERSION, "tool": "replylint", "findings": findings}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
