"""`replylint serve --workers N`: N uvicorn processes, one listening socket each.

With one socket shared by every worker (uvicorn's multi-process mode), the
kernel wakes all of them for a new connection and asyncio's accept loop takes
every pending connection in one go, so the first worker awake gets a burst of
connections: under 16 keep-alive clients one worker served ~80% of the
requests and the cores sat ~60% used. On Linux each worker here gets its own
socket bound to the same address with `SO_REUSEPORT`, and the kernel spreads
connections over them by a hash of the connection (as `nginx reuseport` and
`gunicorn --reuse-port` do). Elsewhere (`SO_REUSEPORT` does not balance on macOS
and is missing on Windows) uvicorn's own supervisor runs on one shared socket.

The supervisor starts the workers (spawned: nothing of the parent is
inherited), restarts one that dies, and on SIGINT / SIGTERM stops them all. A
worker whose app could not start (uvicorn's exit status 3) stops the service,
since its replacement would fail the same way.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
import time
from typing import Any

logger = logging.getLogger("uvicorn.error")

APP = "replylint.service:app_from_environment"
# uvicorn's exit status for a worker whose app or server failed to start.
STARTUP_FAILURE = 3
# A worker that keeps dying is restarted at most this often.
_RESTART_INTERVAL_S = 1.0
_STOP_TIMEOUT_S = 10.0


def balances_by_socket() -> bool:
    """Does this platform spread connections over SO_REUSEPORT sockets?"""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """`count` sockets bound to `host:port` with SO_REUSEPORT (port 0: a free one).

    A plain socket is bound first, and closed: SO_REUSEPORT alone would let a
    second server (another `replylint serve` on the same port, by mistake) share the
    port and split the traffic silently, where binding should fail."""
    probe = listening_socket(host, port, reuse_port=False)
    port = probe.getsockname()[1]
    probe.close()
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sockets.append(listening_socket(host, port, reuse_port=True))
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def listening_socket(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """A bound TCP socket for `host:port` (port 0: any free one).

    Made with IPPROTO_TCP so that asyncio sets TCP_NODELAY on each connection
    (uvicorn's own `socket.socket(family)` says protocol 0, and every answer then
    waited out Nagle's algorithm against the client's delayed ACK, ~40 ms)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _serve(options: dict[str, Any], sock: socket.socket) -> None:  # pragma: no cover
    """A worker process: one uvicorn server on its own socket."""
    import uvicorn

    config = uvicorn.Config(APP, factory=True, **options)
    uvicorn.Server(config).run(sockets=[sock])


class Supervisor:
    """One worker process per socket; see the module docs."""

    def __init__(self, options: dict[str, Any], sockets: list[socket.socket]) -> None:
        self.options = options
        self.sockets = sockets
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[multiprocessing.process.BaseProcess | None] = [None] * len(sockets)
        self.started_at = [0.0] * len(sockets)
        self.stopping = False

    def _start(self, slot: int) -> None:
        worker = self.context.Process(
            target=_serve, args=(self.options, self.sockets[slot]), name=f"worker-{slot}"
        )
        worker.start()
        self.workers[slot] = worker
        self.started_at[slot] = time.monotonic()

    def _on_signal(self, signum: int, _frame: object) -> None:
        self.stopping = True

    def run(self) -> int:
        """Serve until SIGINT / SIGTERM; 0, or 1 when a worker could not start."""
        previous = {
            signum: signal.signal(signum, self._on_signal)
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        status = 0
        try:
            for slot in range(len(self.sockets)):
                self._start(slot)
            while not self.stopping:
                time.sleep(0.2)
                status = self._replace_dead()
                if status:
                    break
        finally:
            self._stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return status

    def _replace_dead(self) -> int:
        for slot, worker in enumerate(self.workers):
            if worker is None or worker.is_alive() or self.stopping:
                continue
            if worker.exitcode == STARTUP_FAILURE:
                logger.error("worker %d could not start; stopping the service", worker.pid)
                return 1
            if time.monotonic() - self.started_at[slot] < _RESTART_INTERVAL_S:
                continue  # restarted a moment ago: wait before trying again
            logger.warning("worker %d exited (%s); starting another", worker.pid, worker.exitcode)
            self._start(slot)
        return 0

    def _stop_all(self) -> None:
        running = [w for w in self.workers if w is not None and w.is_alive()]
        for worker in running:
            worker.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + _STOP_TIMEOUT_S
        for worker in running:
            worker.join(max(0.0, deadline - time.monotonic()))
            if worker.is_alive():
                worker.kill()
                worker.join()
