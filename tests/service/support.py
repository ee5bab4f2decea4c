"""Helpers for the service tests: run the real `replylint serve` in a subprocess.

The servers use a config whose only rules are phrase rules declared in it, so
verdicts are deterministic whatever built-in rules exist: "forbidden phrase" blocks,
"questionable phrase" warns, "utilize" is info (with a fix), and "banned words"
blocks with a fix.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

TOKEN = "test-token-0123456789"
STARTUP_TIMEOUT_S = 120

TEST_CONFIG = """\
select = ["test-block", "test-warn", "test-info"]

[[phrases]]
name = "test-block"
message = "Never write '{phrase}'."
severity = "error"
phrases = ["forbidden phrase"]
swap = { "banned words" = "kind words" }

[[phrases]]
name = "test-warn"
message = "Avoid '{phrase}'."
severity = "warning"
phrases = ["questionable phrase"]

[[phrases]]
name = "test-info"
message = "Consider '{replacement}' instead of '{phrase}'."
severity = "info"
swap = { "utilize" = "use" }
"""

PASS_TEXT = "Thanks for waiting, your parcel left the warehouse this morning."
WARN_TEXT = "Your parcel left this morning, which is a questionable phrase to use."
BLOCK_TEXT = "Your parcel left this morning, and this is a forbidden phrase."


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running `replylint serve` process."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    token: str | None = None
    audit_log: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=self.headers, timeout=60, **kwargs)  # type: ignore[arg-type]

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")

    def wait_for_log(self, needle: str, timeout: float = 10) -> str:
        """The log once it contains `needle` (lines land just after responses)."""
        deadline = time.monotonic() + timeout
        while needle not in (log := self.log()) and time.monotonic() < deadline:
            time.sleep(0.05)
        return log


def start_server(
    tmp: Path,
    *args: str,
    token: str | None = None,
    env_token: str | None = None,
    audit_log: Path | None = None,
) -> Server:
    port = free_port()
    log_path = tmp / f"server-{port}.log"
    command = [sys.executable, "-m", "replylint", "serve", "--port", str(port), *args]
    if token:
        command += ["--token", token]
    if audit_log:
        command += ["--audit-log", str(audit_log)]
    env = {k: v for k, v in os.environ.items() if k != "REPLYLINT_TOKEN"}
    if env_token:
        env["REPLYLINT_TOKEN"] = env_token
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
        )
    server = Server(f"http://127.0.0.1:{port}", process, log_path, token or env_token, audit_log)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{server.log()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                return server
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"server did not answer /healthz in {STARTUP_TIMEOUT_S} s:\n{server.log()}")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=20)
