"""Fixtures for the batch / CI tests; helpers are in batch_support.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_support import TEAM_CONFIG, Runner

from cli_support import run_cli


@pytest.fixture
def run() -> Runner:
    return run_cli


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """An empty folder with the team config (phrase rule `acme-words`)."""
    (tmp_path / "replylint.toml").write_text(TEAM_CONFIG, encoding="utf-8")
    return tmp_path
