"""Shared fixtures. The labeled corpus is named here once: `corpus_dir`, `corpus`
(dev.jsonl) and `corpus2` (dev2.jsonl).

A real part a test needs (the labeled corpus, Chromium) that is missing skips the
test on a developer's machine, but fails it under `CI=true`: CI must never pass by
not running what it claims to run.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

# Every replylint run of the suite, in-process or a subprocess, keeps its caches (lemma
# tables, rule catalogue, results) in one folder of its own, never the user's.
os.environ.setdefault("REPLYLINT_CACHE_DIR", tempfile.mkdtemp(prefix="replylint-tests-"))

CORPUS_DIR = Path(
    os.environ.get("REPLYLINT_CORPUS") or Path(__file__).resolve().parents[2] / "shared" / "corpus"
)


def missing_real_part(what: str) -> None:
    """Skip (developer machine) or fail (CI) a test whose real part is absent."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{what} is missing, and CI must run this test", pytrace=False)
    pytest.skip(f"{what} is missing")


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The labeled corpus folder beside the checkout (../shared/corpus)."""
    if not (CORPUS_DIR / "dev.jsonl").is_file():
        missing_real_part(f"the labeled corpus ({CORPUS_DIR})")
    return CORPUS_DIR


@pytest.fixture(scope="session")
def corpus(corpus_dir: Path) -> list[dict]:
    """The labeled replies of dev.jsonl."""
    return _read_jsonl(corpus_dir / "dev.jsonl")


@pytest.fixture(scope="session")
def corpus2(corpus_dir: Path) -> list[dict]:
    """The labeled replies of dev2.jsonl (other brands and projects)."""
    path = corpus_dir / "dev2.jsonl"
    if not path.is_file():
        missing_real_part(f"the labeled corpus ({path})")
    return _read_jsonl(path)
