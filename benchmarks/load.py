#!/usr/bin/env python3
"""Load test of the pre-send service: concurrent clients POSTing /v1/check on loopback.

Starts ``replylint serve`` itself on a free 127.0.0.1 port (or uses ``--url``, which
must be a loopback address), waits until it answers and has loaded every language,
then sends ``--requests`` realistic replies (the labeled corpus in
``../shared/corpus/dev.jsonl`` when present, else built-in samples) from
``--clients`` concurrent clients, each on its own keep-alive connection. Prints checks
per second, p50/p99 latency, the error count, the CPU time the client and the server
spent per request, and PASS/FAIL against ``--target``.

The client and the server share the machine's cores, so the client is kept lean: one
asyncio event loop drives every connection through a bare protocol, each request is a
pre-built HTTP/1.1 message and each response is read by its Content-Length (chunked
bodies are handled too; a response with neither counts as an error). Its CPU time is reported next to the server's so the share each one takes is
visible.

The machine should be otherwise idle: the share of the cores that other processes
used during the run is printed (from /proc/stat) with the load average, and
``--rounds N`` repeats the requests against the same server and reports the median
round, every round's figures kept in ``--json``.

Bounded on purpose: a fixed number of requests per round, a ``--deadline`` in
seconds (over all rounds) after which the clients stop sending (a request in flight
then has at most ``REQUEST_TIMEOUT`` seconds to finish), and loopback only.
Standard library only.

Usage: ``python benchmarks/load.py [--requests 2000] [--clients 16] [--workers 2]
[--rounds 1] [--url http://127.0.0.1:8000] [--token T] [--json OUT]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import ipaddress
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import benchlib

SAMPLES: list[dict[str, object]] = [
    {
        "text": "@jamie Sorry about the delay! Your parcel left our Lyon warehouse this "
        "morning and should reach you Thursday. ^MK",
        "channel": "public",
        "incoming": "@acme where is my parcel?? ordered 10 days ago",
    },
    {
        "text": "Hi Sam, yes: the blue model fits the 2021 frame. Just swap the two "
        "screws on the back.\n– Marie",
        "channel": "private",
        "incoming": "Does the blue one fit my 2021 frame?",
    },
    {
        "text": "One moment please, I'm checking with the warehouse.",
        "channel": "chat",
    },
    {
        "text": "Bonjour Claire, votre remboursement a été validé ce matin : vous le "
        "verrez d'ici 3 à 5 jours ouvrés.\nJulie, service client",
        "channel": "email",
        "incoming": "Bonjour, où en est mon remboursement ?",
    },
    {
        "text": "Dear valued customer, your request has been received. We apologize for "
        "any inconvenience this may have caused. Please visit our website for more "
        "information. The Acme Team",
        "channel": "email",
    },
]
# The service answers 4xx for bad records; anything but 200 counts as an error here.
OK = 200
# Seconds one request may take before it counts as an error (and its connection is
# replaced); also the grace given to requests in flight at the deadline.
REQUEST_TIMEOUT = 60.0
# Two server workers by default: a lint is CPU-bound and, once the service is warm,
# runs on the worker's event loop, so one worker uses at most one core. On the
# two-core machine of issue #5, with this client on the same cores, one and two
# workers measured alike (medians of 3 rounds, idle machine: 1,600-1,850 checks/s
# with one, 1,550-1,860 with two; neither used more than ~60% of the cores).
DEFAULT_WORKERS = 2
# A 200 whose body is not a JSON object with a verdict: counted as an error.
INVALID = "(invalid body)"
MAX_HEAD_BYTES = 64 * 1024
MAX_BODY_BYTES = 64 * 1024 * 1024
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _request(
    conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None, headers: dict
) -> tuple[int, bytes]:
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


# ------------------------------------------------------------------------ CPU time


def _client_cpu_seconds() -> float:
    """User + system CPU time of this process (every thread of the load client)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _session_cpu_seconds(sid: int) -> float | None:
    """User + system CPU time of the live processes of session ``sid`` (the server
    started here runs in its own session: uvicorn's supervisor and every worker).
    None where /proc is missing."""
    stats = benchlib.session_stats(sid)
    if stats is None:
        return None
    # utime and stime are the 14th and 15th fields, the 12th and 13th after the name.
    return sum(int(fields[11]) + int(fields[12]) for fields in stats) / _CLOCK_TICKS


# -------------------------------------------------------------------------- server


@contextlib.contextmanager
def _server(args: argparse.Namespace) -> Iterator[tuple[str, int]]:
    """A `replylint serve` process of our own, in its own session; yields its URL
    and its process id (= the session id of its whole process tree)."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "replylint",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(args.workers),
        "--log-level",
        "warning",
    ]
    if args.config:
        command += ["--config", args.config]
    env = dict(os.environ)
    if args.token:
        env["REPLYLINT_TOKEN"] = args.token
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log.seek(0)
                raise SystemExit(f"the server exited:\n{log.read().decode(errors='replace')}")
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                if _request(conn, "GET", "/healthz", None, {})[0] == OK:
                    conn.close()
                    break
            time.sleep(0.2)
        else:
            raise SystemExit("the server did not start in 180 s")
        yield url, process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _records(args: argparse.Namespace) -> tuple[list[dict[str, object]], str]:
    corpus = benchlib.resolve_corpus(args.corpus)
    records = benchlib.load_corpus(corpus)
    if records:
        return records, str(corpus)
    return [dict(s, id=str(i)) for i, s in enumerate(SAMPLES)], "built-in samples"


def _wait_until_ready(host: str, port: int) -> None:
    """Wait until every worker has loaded every language (a language's first lint
    compiles spaCy's rules for seconds): /healthz says `ready` on 20 fresh
    connections in a row, which land on the workers the kernel picks."""
    deadline = time.monotonic() + 180
    in_a_row = 0
    while in_a_row < 20:
        if time.monotonic() > deadline:
            raise SystemExit("the server's workers were not ready in 180 s")
        conn = http.client.HTTPConnection(host, port, timeout=10)
        status, payload = _request(conn, "GET", "/healthz", None, {})
        conn.close()
        if status == OK and json.loads(payload).get("ready", True):
            in_a_row += 1
        else:
            in_a_row = 0
            time.sleep(0.2)


def _warm_up(host: str, port: int, headers: dict, records: list[dict[str, object]]) -> None:
    _wait_until_ready(host, port)
    conn = http.client.HTTPConnection(host, port, timeout=120)
    for record in records[:50]:
        _request(conn, "POST", "/v1/check", json.dumps(record).encode(), headers)
    conn.close()


# -------------------------------------------------------------------------- client


class ProtocolError(Exception):
    """The server's answer is not the HTTP/1.1 this client understands."""


def _build_request(host: str, port: int, path: str, body: bytes, token: str | None) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        + (f"Authorization: Bearer {token}\r\n" if token else "")
        + "\r\n"
    )
    return head.encode("latin-1") + body


def _parse_response(buffer: bytearray) -> tuple[int, int, bytes, bool] | None:
    """The first complete HTTP/1.1 response in `buffer`: (bytes it takes, status,
    body, whether the server closes the connection), or None while incomplete."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        if len(buffer) > MAX_HEAD_BYTES:
            raise ProtocolError("response head too large")
        return None
    lines = bytes(buffer[:end]).split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise ProtocolError("malformed status line")
    status = int(parts[1])
    length: int | None = None
    chunked = False
    close = parts[0] == b"HTTP/1.0"
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            close = b"close" in value.lower()
    start = end + 4
    if chunked:
        return _parse_chunked(buffer, start, status, close)
    if length is None:  # no framing: the body runs to the end of the connection
        raise ProtocolError("response without Content-Length or chunked encoding")
    if length > MAX_BODY_BYTES:
        raise ProtocolError("response body too large")
    if len(buffer) < start + length:
        return None
    return start + length, status, bytes(buffer[start : start + length]), close


def _parse_chunked(
    buffer: bytearray, at: int, status: int, close: bool
) -> tuple[int, int, bytes, bool] | None:
    parts: list[bytes] = []
    while True:
        line_end = buffer.find(b"\r\n", at)
        if line_end < 0:
            return None
        size = int(bytes(buffer[at:line_end]).split(b";", 1)[0].strip(), 16)
        at = line_end + 2
        if size == 0:
            while True:  # trailers, if any, up to an empty line
                line_end = buffer.find(b"\r\n", at)
                if line_end < 0:
                    return None
                empty = line_end == at
                at = line_end + 2
                if empty:
                    return at, status, b"".join(parts), close
        if len(buffer) < at + size + 2:
            return None
        parts.append(bytes(buffer[at : at + size]))
        at += size + 2


class _Connection(asyncio.Protocol):
    """One keep-alive client connection: write a request, await its parsed response.
    A bare protocol rather than asyncio streams: less work per request in the client."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[tuple[int, bytes, bool]] | None = None
        self.lost: Exception | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        try:
            parsed = _parse_response(self.buffer)
        except (ProtocolError, ValueError) as exc:
            waiter.set_exception(ProtocolError(str(exc)))
            return
        if parsed is not None:
            used, status, body, close = parsed
            del self.buffer[:used]
            waiter.set_result((status, body, close))

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = exc or ConnectionResetError("the server closed the connection")
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(self.lost)

    def exchange(self, request: bytes) -> asyncio.Future[tuple[int, bytes, bool]]:
        """Send one pre-built request; resolves to (status, body, server closes)."""
        assert self.transport is not None
        self.waiter = asyncio.get_running_loop().create_future()
        if self.lost is not None:
            self.waiter.set_exception(self.lost)
        else:
            self.transport.write(request)
        return self.waiter

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def _drive(
    host: str, port: int, requests: list[bytes], clients: int, deadline: float
) -> tuple[list[float], Counter[str], Counter[str], float]:
    """Send every request from `clients` connections; latencies, statuses, verdicts
    and the elapsed time."""
    loop = asyncio.get_running_loop()
    next_index = 0
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    stop_at = time.monotonic() + deadline
    timeout = getattr(asyncio, "timeout", None)  # Python 3.11+; cheaper than wait_for

    async def one(conn: _Connection, request: bytes) -> tuple[int, bytes, bool]:
        if timeout is not None:
            async with timeout(REQUEST_TIMEOUT):
                return await conn.exchange(request)
        return await asyncio.wait_for(conn.exchange(request), REQUEST_TIMEOUT)

    async def client() -> None:
        nonlocal next_index
        conn: _Connection | None = None
        perf_counter, monotonic = time.perf_counter, time.monotonic
        try:
            while monotonic() < stop_at and next_index < len(requests):
                request = requests[next_index]
                next_index += 1  # one event loop: no lock needed
                started = perf_counter()
                try:
                    if conn is None:
                        _, conn = await loop.create_connection(_Connection, host, port)
                    status, payload, close = await one(conn, request)
                except (
                    OSError,
                    asyncio.TimeoutError,  # TimeoutError itself from Python 3.11
                    ProtocolError,
                ) as exc:
                    statuses[type(exc).__name__] += 1
                    if conn is not None:
                        conn.close()
                    conn = None
                    continue
                latencies.append(perf_counter() - started)
                statuses[str(status)] += 1
                if status == OK:
                    try:
                        verdicts[json.loads(payload)["verdict"]] += 1
                    except (ValueError, KeyError, TypeError):
                        verdicts[INVALID] += 1
                if close:
                    conn.close()
                    conn = None
        finally:
            if conn is not None:
                conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return latencies, statuses, verdicts, elapsed


def _machine_busy_seconds() -> float | None:
    """CPU time every process of the machine has used (all cores), from /proc/stat."""
    try:
        with open("/proc/stat", "rb") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal ...: all but idle and iowait.
    return (sum(fields[:8]) - fields[3] - fields[4]) / _CLOCK_TICKS


def _round(
    args: argparse.Namespace,
    host: str,
    port: int,
    requests: list[bytes],
    server_pid: int | None,
    stop_at: float,
) -> dict[str, object]:
    """One round: every request sent once; its figures."""
    load_average = os.getloadavg() if hasattr(os, "getloadavg") else None
    machine = _machine_busy_seconds()
    client_cpu = _client_cpu_seconds()
    server_cpu = _session_cpu_seconds(server_pid) if server_pid else None
    latencies, statuses, verdicts, elapsed = asyncio.run(
        _drive(host, port, requests, args.clients, max(0.0, stop_at - time.monotonic()))
    )
    client_cpu = _client_cpu_seconds() - client_cpu
    if server_cpu is not None and server_pid:
        after = _session_cpu_seconds(server_pid)
        server_cpu = None if after is None else after - server_cpu
    if machine is not None:
        after = _machine_busy_seconds()
        machine = None if after is None else after - machine

    sent = sum(statuses.values())
    ok = statuses.get(str(OK), 0)
    # Every answer but a 200 with a JSON verdict, and every failed exchange.
    errors = sent - ok + verdicts.get(INVALID, 0)
    latencies.sort()

    def percentile(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    def per_request(cpu: float | None) -> float | None:
        return round(cpu * 1000 / sent, 3) if cpu is not None and sent else None

    def share(cpu: float | None) -> float | None:
        return round(cpu / (elapsed * cpus), 3) if cpu is not None and elapsed else None

    rate = ok / elapsed if elapsed else 0.0
    cpus = os.cpu_count() or 1
    others = None
    if machine is not None and server_cpu is not None:
        others = max(0.0, machine - client_cpu - server_cpu)
    return {
        "requests": sent,
        "seconds": round(elapsed, 3),
        "checks_per_second": round(rate, 1),
        "p50_ms": round(percentile(0.50), 2),
        "p99_ms": round(percentile(0.99), 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else None,
        "errors": errors,
        "statuses": dict(statuses),
        "verdicts": dict(verdicts),
        "client_cpu_s": round(client_cpu, 3),
        "server_cpu_s": round(server_cpu, 3) if server_cpu is not None else None,
        "client_cpu_ms_per_request": per_request(client_cpu),
        "server_cpu_ms_per_request": per_request(server_cpu),
        # Shares of all the machine's cores over the round: ours, and everything else's.
        "cpu_share_client_server": share(client_cpu + (server_cpu or 0.0)),
        "cpu_share_other_processes": share(others),
        "load_average": [round(x, 2) for x in load_average] if load_average else None,
    }


def run(args: argparse.Namespace, url: str, server_pid: int | None) -> dict[str, object]:
    parsed = urllib.parse.urlsplit(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    headers = {"Content-Type": "application/json"}
    if args.token:
        headers["Authorization"] = f"Bearer {args.token}"
    records, source = _records(args)
    _warm_up(host, port, headers, records)
    requests = [
        _build_request(host, port, "/v1/check", json.dumps(r).encode(), args.token)
        for r in benchlib.cycle_records(records, args.requests)
    ]
    stop_at = time.monotonic() + args.deadline
    rounds = []
    for _ in range(args.rounds):
        if time.monotonic() >= stop_at:
            break
        rounds.append(_round(args, host, port, requests, server_pid, stop_at))
    # The median round by checks/s (the lower middle one for an even count).
    ranked = sorted(rounds, key=lambda r: float(r["checks_per_second"]))  # type: ignore[arg-type]
    median = ranked[(len(ranked) - 1) // 2]
    errors = sum(int(r["errors"]) for r in rounds)  # type: ignore[call-overload]
    return {
        "url": url,
        "corpus": source,
        "clients": args.clients,
        "workers": args.workers if not args.url else None,
        "rounds": len(rounds),
        **median,
        "errors_all_rounds": errors,
        "all_rounds": rounds,
        "target": args.target,
        "pass": float(median["checks_per_second"]) >= args.target and errors == 0,  # type: ignore[arg-type]
        "machine": benchlib.machine_info(),
    }


def _percent(value: object) -> str:
    return f"{value:.0%}" if isinstance(value, float) else "?"


def _report(result: dict[str, object]) -> None:
    rounds: list[dict[str, object]] = result["all_rounds"]  # type: ignore[assignment]
    print(f"replylint serve load test: {result['url']} ({result['corpus']})")
    print(
        f"  {result['requests']} requests, {result['clients']} clients"
        + (f", {result['workers']} server worker(s)" if result["workers"] else "")
        + (f"; median of {len(rounds)} rounds" if len(rounds) > 1 else "")
    )
    if len(rounds) > 1:
        for i, r in enumerate(rounds, 1):
            print(
                f"    round {i}: {r['checks_per_second']} checks/s, p50 {r['p50_ms']} ms, "
                f"p99 {r['p99_ms']} ms, errors {r['errors']}, "
                f"other processes {_percent(r['cpu_share_other_processes'])} of the cores"
            )
    print(f"  checks/second: {result['checks_per_second']}")
    print(f"  latency p50: {result['p50_ms']} ms   p99: {result['p99_ms']} ms")
    print(f"  errors: {result['errors_all_rounds']}   statuses: {result['statuses']}")
    print(f"  verdicts: {result['verdicts']}")
    server_ms = result["server_cpu_ms_per_request"]
    print(
        f"  CPU per request: client {result['client_cpu_ms_per_request']} ms, server "
        + (f"{server_ms} ms" if server_ms is not None else "unknown (--url)")
    )
    print(
        f"  cores ({os.cpu_count()}) used by client + server: "
        f"{_percent(result['cpu_share_client_server'])}, by other processes: "
        f"{_percent(result['cpu_share_other_processes'])}; "
        f"load average at start: {result['load_average']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an already running server (loopback only)")
    parser.add_argument("--requests", type=int, default=2000, help="requests in total (2000)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"server workers when started here ({DEFAULT_WORKERS})",
    )
    parser.add_argument("--config", help="--config for the server started here")
    parser.add_argument("--token", default=os.environ.get("REPLYLINT_TOKEN"), help="bearer token")
    parser.add_argument("--corpus", help="JSONL or folder of replies (default: the shared dev set)")
    parser.add_argument("--target", type=float, default=1500.0, help="checks/s to pass (1500)")
    parser.add_argument(
        "--deadline", type=float, default=300.0, help="stop sending after this many s (300)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="send the requests this many times against the same server and report "
        "the median round (1)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not (0 < args.requests <= 100_000 and 0 < args.clients <= 256 and args.deadline > 0):
        parser.error("--requests must be 1..100000, --clients 1..256, --deadline positive")
    if not (0 < args.workers <= 64 and 0 < args.rounds <= 20):
        parser.error("--workers must be 1..64, --rounds 1..20")

    if args.url:
        host = urllib.parse.urlsplit(args.url).hostname or ""
        if not _is_loopback(host):
            parser.error(
                f"--url must be a loopback address (127.0.0.0/8, ::1, localhost), not {host}"
            )
        result = run(args, args.url.rstrip("/"), None)
    else:
        with _server(args) as (url, pid):
            result = run(args, url, pid)

    _report(result)
    verdict = "PASS" if result["pass"] else "FAIL"
    print(f"  target {result['target']:g} checks/s with no errors: {verdict}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
