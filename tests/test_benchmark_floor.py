"""benchmarks/spacy_floor.py and the floor budget peers.py prints beside the targets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
TEXTS = [
    "Hi Ana, your parcel ships today. – Marie",
    "Bonjour, le colis part aujourd'hui.",
    "Don't worry: we've refunded order #123!",
]


def run_floor(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCHMARKS / "spacy_floor.py"), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )


# Counted by hand with English tokenization: "Hi|Ana|,|your|parcel|ships|today|.|–|Marie"
# (10), "Bonjour|,|le|colis|part|aujourd'hui|." (7),
# "Do|n't|worry|:|we|'ve|refunded|order|#|123|!" (11).
TOKENS = 10 + 7 + 11


def test_floor_tokenizes_every_reply_of_a_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "replies.jsonl"
    path.write_text(
        "".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(TEXTS)) + "\n",
        encoding="utf-8",
    )
    done = run_floor(path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"3 replies, {TOKENS} tokens"


def test_floor_tokenizes_every_reply_of_a_folder(tmp_path: Path) -> None:
    for i, text in enumerate(TEXTS):
        (tmp_path / f"reply-{i}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a reply", encoding="utf-8")
    done = run_floor(tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"3 replies, {TOKENS} tokens"


@pytest.fixture
def peers(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import peers as module

    return module


def test_floor_budget_is_what_the_target_leaves(peers) -> None:  # type: ignore[no-untyped-def]
    def row(tool: str, wall: float, shape: str = "2 · jsonl") -> object:
        result = peers.RunResult(wall, 0, wall, 0, False, Path("out"), Path("err"))
        made = peers.Row(shape, "jsonl", tool, replies=10_000)
        made.series = peers.Series([result])
        return made

    rows = [row("proselint 0.16.0", 1.5), row(peers.FLOOR_TOOL, 1.2)]
    lines = peers.floor_budget(rows, {"jsonl": "2 · jsonl"})
    # Parity allows 1.5 s: 0.3 s left, 30 us per reply; 1.5x allows 1.0 s: 0.2 s short.
    assert len(lines) == 2
    assert "allows 1.50 s" in lines[0] and "leaving +0.30 s (+30 us per reply)" in lines[0]
    assert "allows 1.00 s" in lines[1] and "leaving -0.20 s (-20 us per reply)" in lines[1]
    assert "share the tokenizing" in lines[1]
