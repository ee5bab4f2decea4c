"""Shared pieces of the responsiveness tests: the real twcs sample and small exports."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

TWCS_SAMPLE = (
    Path(__file__).resolve().parents[3] / "shared" / "corpus" / "conversations" / "twcs-4200.csv"
)


@pytest.fixture(scope="session")
def twcs_sample() -> Path:
    """The real sample beside the checkout; missing fails under CI, else skips."""
    if not TWCS_SAMPLE.is_file():
        message = f"conversation sample not found at {TWCS_SAMPLE}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return TWCS_SAMPLE


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
