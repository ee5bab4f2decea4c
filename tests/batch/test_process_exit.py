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


def _end(status: int) -> None:
    raise Ended(status)


def _prepare_run(monkeypatch: pytest.MonkeyPatch, argv: list[str], may_skip: bool) -> None:
    """`cli.run()` with these arguments, its teardown check answered, and `os._exit`
    replaced by raising `Ended`."""
    monkeypatch.setattr(cli.sys, "argv", ["replylint", *argv])
    monkeypatch.setattr(cli, "_may_skip_teardown", lambda: may_skip)
    monkeypatch.setattr(cli.os, "_exit", _end)


def test_run_flushes_the_output_then_ends_with_mains_status(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _prepare_run(monkeypatch, ["rules"], may_skip=True)
    with pytest.raises(Ended) as ended:
        cli.run()
    assert ended.value.status == 0
    assert "signature-present" in capsys.readouterr().out


def test_run_exits_the_ordinary_way_when_teardown_is_needed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _prepare_run(monkeypatch, ["no-such-command"], may_skip=False)
    # `os._exit` would raise Ended: the ordinary exit raises SystemExit instead.
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
