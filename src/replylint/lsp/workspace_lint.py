"""`replylint/lintWorkspace`: lint every reply file of the workspace folders.

Walks the folders (without hidden, dependency and tool folders), keeps the files
`reply_files` says are replies, and lints the ones that are not open (open ones
are already linted as you type). Runs in a worker thread; the server publishes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from replylint.lsp.linting import LintOutcome
from replylint.lsp.reply_files import Decision
from replylint.model import Severity

LINT_WORKSPACE_METHOD = "replylint/lintWorkspace"
SKIP_DIRS = frozenset({"node_modules", "venv", "__pycache__", "dist", "build", "out"})


@dataclass(frozen=True)
class FileResult:
    path: Path
    decision: Decision
    outcome: LintOutcome


def candidate_files(root: Path) -> Iterator[Path]:
    """Files below `root` in a stable order, without hidden or tool folders."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def read_text(path: Path) -> str | None:
    """The file as the editor would show it (line breaks kept), or None."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


def lint_folders(
    roots: list[Path],
    skip: Callable[[Path], bool],
    lint_file: Callable[[Path, str], FileResult | None],
) -> list[FileResult]:
    """`lint_file` for every candidate file not `skip`ped; None results are dropped."""
    results: list[FileResult] = []
    seen: set[Path] = set()
    for root in roots:
        for path in candidate_files(root):
            if path in seen or skip(path):
                continue
            seen.add(path)
            text = read_text(path)
            if text is None:
                continue
            result = lint_file(path, text)
            if result is not None:
                results.append(result)
    return results


def summary(outcomes: list[LintOutcome]) -> dict[str, Any]:
    """What the client tells the user: files, findings and problems by severity."""
    counts = {str(level): 0 for level in reversed(Severity)}
    for outcome in outcomes:
        for severity in [f.severity for f in outcome.findings] + [
            p.severity for p in outcome.problems
        ]:
            counts[str(severity)] += 1
    return {
        "files": len(outcomes),
        "findings": sum(len(o.findings) for o in outcomes),
        "counts": counts,
    }
