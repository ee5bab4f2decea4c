"""`replylint` (the console script) ends its process without interpreter teardown
only once its output is flushed and nothing else is left running."""

from __future__ import annotations

import threading

import pytest

from replylint import cli


class Ended(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def test_run_flushes_the_output_then_ends_with_mains_status(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def end(status: int) -> None:
        raise Ended(status)

    monkeypatch.setattr(cli.sys, "argv", ["replylint", "rules"])
    monkeypatch.setattr(cli, "_may_skip_teardown", lambda: True)
    monkeypatch.setattr(cli.os, "_exit", end)
    with pytest.raises(Ended) as ended:
        cli.run()
    assert ended.value.status == 0
    assert "signature-present" in capsys.readouterr().out


def test_run_exits_the_ordinary_way_when_teardown_is_needed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def end(status: int) -> None:
        raise AssertionError("os._exit called")

    monkeypatch.setattr(cli.sys, "argv", ["replylint", "no-such-command"])
    monkeypatch.setattr(cli, "_may_skip_teardown", lambda: False)
    monkeypatch.setattr(cli.os, "_exit", end)
    with pytest.raises(SystemExit) as exited:
        cli.run()
    assert exited.value.code == 2


def test_teardown_is_kept_while_another_thread_runs() -> None:
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert cli._may_skip_teardown() is False
    finally:
        release.set()
        thread.join()
