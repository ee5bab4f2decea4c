"""Fixtures for the pre-send service tests (see support.py for the server helpers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .support import TEST_CONFIG, TOKEN, Server, start_server, stop_server


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "builtin_rules: uses the real built-in rules (may fail until those rules land)",
    )
    config.addinivalue_line("markers", "browser: drives headless Chromium through Playwright")


@pytest.fixture(scope="session")
def config_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("config") / "replylint.toml"
    path.write_text(TEST_CONFIG, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, config_file: Path) -> Iterator[Server]:
    """The main test server: test config, a bearer token and an audit log."""
    tmp = tmp_path_factory.mktemp("server")
    running = start_server(
        tmp, "--config", str(config_file), token=TOKEN, audit_log=tmp / "audit.jsonl"
    )
    yield running
    stop_server(running)
    log = running.log()
    # The catch-all 500 handler is a last resort: no test may have reached it.
    assert "internal error" not in log, log
    assert "Traceback" not in log, log


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as http:
        yield http
