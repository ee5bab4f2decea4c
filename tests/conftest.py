from __future__ import annotations

import json
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev.jsonl"


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    """The labeled replies beside the checkout (../shared/corpus), when present."""
    if not CORPUS.is_file():
        pytest.skip(f"corpus not found at {CORPUS}")
    return [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]
