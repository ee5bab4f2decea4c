"""The `serve --workers` supervisor's decisions, with stand-in processes.

(Real workers, their sockets, restarts and shutdown are tested over HTTP in
test_http.py.)"""

from __future__ import annotations

import socket
import time

import pytest

from replylint.service import workers
from replylint.service.workers import STARTUP_FAILURE, Supervisor, listening_sockets


class _Dead:
    def __init__(self, exitcode: int) -> None:
        self.exitcode = exitcode
        self.pid = 4242

    def is_alive(self) -> bool:
        return False


def _supervisor(monkeypatch: pytest.MonkeyPatch, exitcode: int) -> tuple[Supervisor, list[int]]:
    supervisor = Supervisor({}, [socket.socket()])
    started: list[int] = []
    monkeypatch.setattr(supervisor, "_start", started.append)
    supervisor.workers = [_Dead(exitcode)]  # type: ignore[list-item]
    supervisor.started_at = [time.monotonic() - 60]
    return supervisor, started


def test_a_worker_that_could_not_start_stops_the_service(monkeypatch: pytest.MonkeyPatch) -> None:
    supervisor, started = _supervisor(monkeypatch, STARTUP_FAILURE)
    assert supervisor._replace_dead() == 1
    assert started == []  # its replacement would fail the same way
    supervisor.sockets[0].close()


def test_a_worker_that_died_is_replaced_but_not_in_a_tight_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    supervisor, started = _supervisor(monkeypatch, -9)
    assert supervisor._replace_dead() == 0
    assert started == [0]
    supervisor.started_at = [time.monotonic()]  # it died again at once
    assert supervisor._replace_dead() == 0
    assert started == [0]  # waits _RESTART_INTERVAL_S before the next try
    supervisor.sockets[0].close()


def test_no_restart_while_stopping(monkeypatch: pytest.MonkeyPatch) -> None:
    supervisor, started = _supervisor(monkeypatch, 0)
    supervisor.stopping = True
    assert supervisor._replace_dead() == 0 and started == []
    supervisor.sockets[0].close()


@pytest.mark.skipif(not workers.balances_by_socket(), reason="SO_REUSEPORT balancing")
def test_listening_sockets_share_one_port_and_refuse_a_taken_one() -> None:
    sockets = listening_sockets("127.0.0.1", 0, 3)
    try:
        ports = {sock.getsockname()[1] for sock in sockets}
        assert len(ports) == 1
        for sock in sockets:
            sock.listen()
        with pytest.raises(OSError):
            listening_sockets("127.0.0.1", ports.pop(), 2)
    finally:
        for sock in sockets:
            sock.close()
