#!/usr/bin/env python3
"""Load test of the pre-send service: concurrent clients POSTing /v1/check on loopback.

Starts ``replylint serve`` itself on a free 127.0.0.1 port (or uses ``--url``, which
must be a loopback address), waits until it answers and has loaded every language,
then sends ``--requests`` realistic replies (the labeled corpus in
``../shared/corpus/dev.jsonl`` when present, else built-in samples) from
``--clients`` threads, each on its own keep-alive connection. Prints checks per
second, p50/p99 latency and the error count, and PASS/FAIL against ``--target``.

Bounded on purpose: a fixed number of requests, a ``--deadline`` in seconds after
which the clients stop, and loopback only. Standard library only.

Usage: ``python benchmarks/load.py [--requests 2000] [--clients 16] [--workers 1]
[--url http://127.0.0.1:8000] [--token T] [--json OUT]``.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import ipaddress
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
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


@contextlib.contextmanager
def _server(args: argparse.Namespace) -> Iterator[str]:
    """A `replylint serve` process of our own, in its own session; yields its URL."""
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
        yield url
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


def run(args: argparse.Namespace, url: str) -> dict[str, object]:
    parsed = urllib.parse.urlsplit(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    headers = {"Content-Type": "application/json"}
    if args.token:
        headers["Authorization"] = f"Bearer {args.token}"
    records, source = _records(args)
    _warm_up(host, port, headers, records)
    bodies = [json.dumps(r).encode() for r in benchlib.cycle_records(records, args.requests)]

    next_index = 0
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    stop_at = time.monotonic() + args.deadline

    def client() -> None:
        nonlocal next_index
        conn = http.client.HTTPConnection(host, port, timeout=60)
        mine: list[float] = []
        seen: Counter[str] = Counter()
        seen_verdicts: Counter[str] = Counter()
        while time.monotonic() < stop_at:
            with lock:
                if next_index >= len(bodies):
                    break
                body = bodies[next_index]
                next_index += 1
            started = time.perf_counter()
            try:
                status, payload = _request(conn, "POST", "/v1/check", body, headers)
            except (OSError, http.client.HTTPException) as exc:
                seen[type(exc).__name__] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                continue
            mine.append(time.perf_counter() - started)
            seen[str(status)] += 1
            if status == OK:
                seen_verdicts[json.loads(payload)["verdict"]] += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            statuses.update(seen)
            verdicts.update(seen_verdicts)

    threads = [threading.Thread(target=client, name=f"client-{i}") for i in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    ok = statuses.get(str(OK), 0)
    errors = sum(statuses.values()) - ok
    latencies.sort()

    def percentile(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    rate = ok / elapsed if elapsed else 0.0
    return {
        "url": url,
        "corpus": source,
        "requests": sum(statuses.values()),
        "clients": args.clients,
        "workers": args.workers if not args.url else None,
        "seconds": round(elapsed, 3),
        "checks_per_second": round(rate, 1),
        "p50_ms": round(percentile(0.50), 2),
        "p99_ms": round(percentile(0.99), 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else None,
        "errors": errors,
        "statuses": dict(statuses),
        "verdicts": dict(verdicts),
        "target": args.target,
        "pass": rate >= args.target and errors == 0,
        "machine": benchlib.machine_info(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an already running server (loopback only)")
    parser.add_argument("--requests", type=int, default=2000, help="requests in total (2000)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument(
        "--workers", type=int, default=1, help="server workers when started here (1)"
    )
    parser.add_argument("--config", help="--config for the server started here")
    parser.add_argument("--token", default=os.environ.get("REPLYLINT_TOKEN"), help="bearer token")
    parser.add_argument("--corpus", help="JSONL or folder of replies (default: the shared dev set)")
    parser.add_argument("--target", type=float, default=1500.0, help="checks/s to pass (1500)")
    parser.add_argument(
        "--deadline", type=float, default=300.0, help="stop after this many s (300)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not (0 < args.requests <= 100_000 and 0 < args.clients <= 256 and args.deadline > 0):
        parser.error("--requests must be 1..100000, --clients 1..256, --deadline positive")

    if args.url:
        host = urllib.parse.urlsplit(args.url).hostname or ""
        if not _is_loopback(host):
            parser.error(
                f"--url must be a loopback address (127.0.0.0/8, ::1, localhost), not {host}"
            )
        result = run(args, args.url.rstrip("/"))
    else:
        with _server(args) as url:
            result = run(args, url)

    print(f"replylint serve load test: {result['url']} ({result['corpus']})")
    print(
        f"  {result['requests']} requests, {result['clients']} clients"
        + (f", {result['workers']} server worker(s)" if result["workers"] else "")
    )
    print(f"  checks/second: {result['checks_per_second']}")
    print(f"  latency p50: {result['p50_ms']} ms   p99: {result['p99_ms']} ms")
    print(f"  errors: {result['errors']}   statuses: {result['statuses']}")
    print(f"  verdicts: {result['verdicts']}")
    verdict = "PASS" if result["pass"] else "FAIL"
    print(f"  target {result['target']:g} checks/s with no errors: {verdict}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
