"""`replylint serve` over real HTTP: verdicts, auth, limits, errors, batch, overrides."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from replylint.version import __version__

from .support import (
    BLOCK_TEXT,
    PASS_TEXT,
    TOKEN,
    WARN_TEXT,
    Server,
    start_server,
    stop_server,
)


def assert_error(
    response: httpx.Response, status: int | tuple[int, ...], field: str | None = None
) -> dict:
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, response.text
    # An RFC 9457 problem body, with the `error` object earlier clients read.
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail", "field", "error"}
    assert body["status"] == response.status_code
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["error"] == {"message": body["detail"], "field": field}
    return body["error"]


# --- verdicts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "verdict", "rules"),
    [
        (PASS_TEXT, "pass", []),
        (WARN_TEXT, "warn", ["test-warn"]),
        (BLOCK_TEXT, "block", ["test-block"]),
        ("We utilize the tracking page for this.", "pass", ["test-info"]),
    ],
)
def test_check_verdicts(client: httpx.Client, text: str, verdict: str, rules: list[str]) -> None:
    response = client.post("/v1/check", json={"text": text, "channel": "public", "id": 7})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verdict"] == verdict
    assert body["channel"] == "public"
    assert body["language"] == "en"
    assert body["id"] == "7"
    assert [f["rule"] for f in body["findings"]] == rules
    assert response.headers["cache-control"] == "no-store"


def test_finding_offsets_are_code_points(client: httpx.Client) -> None:
    text = "😀 Hello there, these banned words should go.\nThanks"
    body = client.post("/v1/check", json={"text": text}).json()
    (finding,) = body["findings"]
    start, end = finding["start"]["offset"], finding["end"]["offset"]
    assert text[start:end] == "banned words"
    assert finding["start"]["line"] == 1 and finding["start"]["column"] == start + 1
    (fix,) = finding["fixes"]
    edit = fix["edits"][0]
    fixed = text[: edit["start"]] + edit["text"] + text[edit["end"] :]
    assert "kind words" in fixed
    assert client.post("/v1/check", json={"text": fixed}).json()["verdict"] == "pass"


def test_french_reply(client: httpx.Client) -> None:
    text = "Bonjour, votre colis est parti ce matin : forbidden phrase."
    body = client.post("/v1/check", json={"text": text, "language": "fr"}).json()
    assert body["language"] == "fr"
    assert body["verdict"] == "block"


def test_request_settings_layer(client: httpx.Client) -> None:
    settings = {"rules": {"test-block": {"severity": "info"}}}
    body = client.post("/v1/check", json={"text": BLOCK_TEXT, "settings": settings}).json()
    assert body["verdict"] == "pass"
    assert body["findings"][0]["severity"] == "info"
    off = {"rules": {"test-warn": False}}
    assert (
        client.post("/v1/check", json={"text": WARN_TEXT, "settings": off}).json()["findings"] == []
    )
    # The server's own settings are untouched by a request's.
    assert client.post("/v1/check", json={"text": BLOCK_TEXT}).json()["verdict"] == "block"


def test_escaped_unicode_is_fine(client: httpx.Client) -> None:
    raw = b'{"text": "caf\\u00e9 \\ud83d\\ude00 forbidden phrase"}'
    response = client.post("/v1/check", content=raw)
    assert response.status_code == 200, response.text
    assert response.json()["verdict"] == "block"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b'{"text": "caf\\u00e9 \\ud800 forbidden phrase"}', "text"),
        (b'{"text": "ok", "faq": ["fine", "\\udfff"]}', "faq[1]"),
        (b'{"text": "ok", "settings": {"agent": "\\udc00"}}', "settings.agent"),
    ],
)
def test_unpaired_surrogates_are_refused(client: httpx.Client, raw: bytes, field: str) -> None:
    assert_error(client.post("/v1/check", content=raw), 422, field)


# --- auth -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": ""},
    ],
)
def test_token_required(server: Server, headers: dict[str, str]) -> None:
    for method, path in (("POST", "/v1/check"), ("POST", "/v1/check/batch"), ("GET", "/v1/rules")):
        response = httpx.request(method, server.url + path, headers=headers, json={"text": "hi"})
        assert_error(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"


def test_open_endpoints_need_no_token(server: Server) -> None:
    deadline = time.monotonic() + 60
    while True:  # the service warms up in the background, then says it is ready
        health = httpx.get(server.url + "/healthz")
        assert health.status_code == 200
        if health.json()["ready"] or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert health.json() == {"status": "ok", "version": __version__, "auth": True, "ready": True}
    assert httpx.get(server.url + "/openapi.json").status_code == 200
    page = httpx.get(server.url + "/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for asset in ("composer.js", "composer.css"):
        assert httpx.get(f"{server.url}/static/{asset}").status_code == 200


# --- limits -------------------------------------------------------------------------------


def test_oversized_body_by_content_length(client: httpx.Client) -> None:
    body = json.dumps({"text": "a" * (300 * 1024)})
    assert_error(client.post("/v1/check", content=body), 413)


def test_oversized_body_streamed_without_content_length(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(40):
            yield b"a" * 8192
        yield b'"}'

    # A generator body goes out chunked, with no Content-Length to check up front.
    response = client.post("/v1/check", content=chunks())
    assert "content-length" not in response.request.headers
    assert_error(response, 413)


def test_body_at_the_limit_is_fine(client: httpx.Client) -> None:
    text = "word " * 20000  # about 100 KiB
    response = client.post("/v1/check", json={"text": text, "settings": {"select": ["test-block"]}})
    assert response.status_code == 200, response.text


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (b"{not json", 400, None),
        (b"", 400, None),
        (b'{"text": "a",}', 400, None),
        (b"\xff\xfe\x00garbage", 400, None),
        (b"[" * 50000, 400, None),
        (b'["text"]', 400, None),
        (b'"just a string"', 400, None),
        (b"42", 400, None),
        (b"null", 400, None),
        (b"{}", 422, "text"),
        (b'{"text": null}', 422, "text"),
        (b'{"text": 42}', 422, "text"),
        (b'{"text": ["a"]}', 422, "text"),
        (b'{"text": "hi", "channel": "fax"}', 422, "channel"),
        (b'{"text": "hi", "channel": 3}', 422, "channel"),
        (b'{"text": "hi", "incoming": 5}', 422, "incoming"),
        (b'{"text": "hi", "agent": {}}', 422, "agent"),
        (b'{"text": "hi", "language": "english"}', 422, "language"),
        (b'{"text": "hi", "language": "zz"}', 422, "language"),
        (b'{"text": "hi", "faq": [1, 2]}', 422, "faq"),
        (b'{"text": "hi", "saved_reply": 3}', 422, "saved_reply"),
        (b'{"text": "hi", "id": true}', 422, "id"),
        (b'{"text": "hi", "override": "please"}', 422, "override"),
        (b'{"text": "hi", "override": {"rules": [], "reason": "x"}}', 422, "override.rules"),
        (
            b'{"text": "hi", "override": {"rules": "test-block", "reason": "x"}}',
            422,
            "override.rules",
        ),
        (
            b'{"text": "hi", "override": {"rules": ["nope"], "reason": "x"}}',
            422,
            "override.rules[0]",
        ),
        (b'{"text": "hi", "override": {"rules": ["test-block"]}}', 422, "override.reason"),
        (
            b'{"text": "hi", "override": {"rules": ["test-block"], "reason": "  "}}',
            422,
            "override.reason",
        ),
        (
            b'{"text": "hi", "override": {"rules": ["test-block"], "reason": "x", "by": 1}}',
            422,
            "override.by",
        ),
        (b'{"text": "hi", "settings": []}', 422, "settings"),
        (b'{"text": "hi", "settings": {"rules": {"nope": true}}}', 422, "settings.rules.nope"),
        (
            b'{"text": "hi", "settings": {"rules": {"test-block": {"severity": "fatal"}}}}',
            422,
            "settings.rules.test-block.severity",
        ),
        (b'{"text": "hi", "settings": {"colour": "red"}}', 422, "settings.colour"),
        (
            b'{"text": "hi", "settings": {"models": {"fr": "fr_core_news_sm"}}}',
            422,
            "settings.models",
        ),
        (b'{"text": "hi", "settings": {"phrases": []}}', 422, "settings.phrases"),
        (b'{"text": "hi", "settings": {"languages": ["de"]}}', 422, "settings.languages"),
        (b'{"text": "hi", "settings": {"language": "zz"}}', 422, "settings.language"),
        (b'{"text": "hi", "settings": {"channel": "fax"}}', 422, "settings.channel"),
    ],
)
def test_bad_input_gets_a_json_error(
    client: httpx.Client, body: bytes, status: int, field: str | None
) -> None:
    assert_error(client.post("/v1/check", content=body), status, field)


def test_unknown_route_and_method(client: httpx.Client) -> None:
    assert_error(client.get("/v2/nothing"), 404)
    response = client.get("/v1/check")
    assert_error(response, 405)
    assert "POST" in response.headers["allow"]


# --- batch ------------------------------------------------------------------------------------


def test_batch(client: httpx.Client) -> None:
    replies = [
        {"id": "a", "text": PASS_TEXT},
        {"id": "b", "text": WARN_TEXT},
        "not a record",
        {"id": "c", "text": BLOCK_TEXT, "channel": "chat"},
        {"id": "d"},
        {"id": "e", "text": "x", "channel": "fax"},
        {
            "id": "f",
            "text": BLOCK_TEXT,
            "override": {"rules": ["test-block"], "reason": "approved"},
        },
    ]
    response = client.post("/v1/check/batch", json={"replies": replies})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert len(results) == len(replies)
    assert [r.get("verdict") for r in results] == [
        "pass",
        "warn",
        None,
        "block",
        None,
        None,
        "pass",
    ]
    assert [r.get("id") for r in results if "id" in r] == ["a", "b", "c", "f"]
    assert results[2]["error"]["field"] == "replies[2]"
    assert results[4]["error"]["field"] == "replies[4].text"
    assert results[5]["error"]["field"] == "replies[5].channel"
    assert results[6]["override"]["original_verdict"] == "block"


def test_batch_settings_apply_to_every_reply(client: httpx.Client) -> None:
    body = {"replies": [{"text": BLOCK_TEXT}] * 3, "settings": {"ignore": ["test-block"]}}
    results = client.post("/v1/check/batch", json=body).json()["results"]
    assert [r["verdict"] for r in results] == ["pass"] * 3


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({}, 422, "replies"),
        ({"replies": {"text": "hi"}}, 422, "replies"),
        ({"replies": [{"text": "hi"}] * 1001}, 422, "replies"),
        ({"replies": [], "settings": {"rules": {"nope": True}}}, 422, "settings.rules.nope"),
    ],
)
def test_bad_batch(client: httpx.Client, body: dict, status: int, field: str) -> None:
    assert_error(client.post("/v1/check/batch", json=body), status, field)


def test_empty_batch(client: httpx.Client) -> None:
    assert client.post("/v1/check/batch", json={"replies": []}).json() == {"results": []}


# --- rules, overrides, logs ---------------------------------------------------------------------


def test_rules(client: httpx.Client) -> None:
    rules = {r["name"]: r for r in client.get("/v1/rules").json()["rules"]}
    assert {"test-block", "test-warn", "test-info"} <= set(rules)
    assert rules["test-block"]["severity"] == "error"
    assert rules["test-block"]["docs"].startswith("# test-block")


def test_override_changes_the_verdict_and_is_audited(server: Server, client: httpx.Client) -> None:
    text = "Marker-7f3a: this forbidden phrase and a questionable phrase, customer Zoë."
    override = {"rules": ["test-block"], "reason": "Legal approved the wording"}
    body = client.post("/v1/check", json={"text": text, "override": override}).json()
    assert body["verdict"] == "warn"  # test-warn still counts
    block = [f for f in body["findings"] if f["rule"] == "test-block"]
    assert block and all(f["overridden"] is True for f in block)
    assert all("overridden" not in f for f in body["findings"] if f["rule"] != "test-block")
    assert body["override"] == {
        "rules": ["test-block"],
        "reason": "Legal approved the wording",
        "findings": 1,
        "original_verdict": "block",
    }
    both = {"rules": ["test-block", "test-warn"], "reason": "ok"}
    assert (
        client.post("/v1/check", json={"text": text, "override": both}).json()["verdict"] == "pass"
    )

    assert server.audit_log is not None
    lines = [json.loads(line) for line in server.audit_log.read_text("utf-8").splitlines()]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    mine = [line for line in lines if line["text_sha256"] == digest]
    assert [(line["rule"], line["reason"]) for line in mine] == [
        ("test-block", "Legal approved the wording"),
        ("test-block", "ok"),
        ("test-warn", "ok"),
    ]
    assert set(mine[0]) == {"time", "rule", "reason", "findings", "channel", "text_sha256"}
    raw = server.audit_log.read_text("utf-8")
    assert "Marker-7f3a" not in raw and "Zoë" not in raw


def test_logs_hold_no_reply_text(server: Server, client: httpx.Client) -> None:
    secret = "Secret-Customer-Name-Quinlan"
    for body in (
        {"text": f"Hi {secret}, forbidden phrase", "customer": secret, "incoming": secret},
        {"text": secret, "channel": secret},
        {"text": secret, "language": secret},
    ):
        client.post("/v1/check", json=body)
    client.post(f"/v1/{secret}", json={})
    # The access line is written just after the response is sent.
    log = server.wait_for_log("POST - 404")
    assert secret not in log
    assert "POST /v1/check 200" in log and "verdict=block" in log


# --- a second server: token from the environment, small body limit, no audit file --------------------


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory, config_file: Path) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("small")
    running = start_server(
        tmp,
        "--config",
        str(config_file),
        "--max-body",
        "2048",
        "--max-batch",
        "3",
        env_token="env-token",
    )
    yield running
    stop_server(running)
    assert "internal error" not in running.log()


def test_env_token_and_small_limits(small_server: Server) -> None:
    url = small_server.url
    assert_error(httpx.post(url + "/v1/check", json={"text": "hi"}), 401)
    headers = {"Authorization": "Bearer env-token"}
    ok = httpx.post(url + "/v1/check", json={"text": BLOCK_TEXT}, headers=headers)
    assert ok.json()["verdict"] == "block"
    assert_error(httpx.post(url + "/v1/check", json={"text": "a" * 3000}, headers=headers), 413)
    batch = {"replies": [{"text": "hi"}] * 4}
    assert_error(httpx.post(url + "/v1/check/batch", json=batch, headers=headers), 422, "replies")


def test_override_without_audit_file_is_counted(small_server: Server) -> None:
    headers = {"Authorization": "Bearer env-token"}
    body = {
        "text": BLOCK_TEXT,
        "override": {"rules": ["test-block"], "reason": "Private reason 42"},
    }
    response = httpx.post(small_server.url + "/v1/check", json=body, headers=headers)
    assert response.json()["verdict"] == "pass"
    log = small_server.wait_for_log("override: rules=test-block")
    assert "override: rules=test-block" in log
    assert "Private reason 42" not in log


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _socket_count(pid: int) -> int:
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            count += os.readlink(fd).startswith("socket:")
        except OSError:
            continue
    return count


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT balancing")
def test_two_workers_share_keep_alive_connections(tmp_path: Path, config_file: Path) -> None:
    """16 connections opened at once reach both workers (each has its own socket):
    with one socket shared, the first worker awake accepted nearly all of them."""
    import http.client
    import time
    from urllib.parse import urlsplit

    running = start_server(tmp_path, "--config", str(config_file), "--workers", "2")
    connections = []
    try:
        deadline = time.monotonic() + 60
        while running.log().count("Application startup complete") < 2:  # both listening
            assert time.monotonic() < deadline, running.log()
            time.sleep(0.1)
        workers = [p for p in _children(running.process.pid) if _socket_count(p)]
        assert len(workers) == 2
        while len({_socket_count(worker) for worker in workers}) != 1:
            # Both workers hold the same sockets once the start-up probe's connection
            # is closed on the server side too.
            assert time.monotonic() < deadline, running.log()
            time.sleep(0.05)
        before = [_socket_count(worker) for worker in workers]
        address = urlsplit(running.url)
        connections = [
            http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
            for _ in range(16)
        ]
        for connection in connections:
            connection.connect()
        for connection in connections:  # every connection accepted and answered
            connection.request("GET", "/healthz")
            assert connection.getresponse().read()
        held = [_socket_count(w) - n for w, n in zip(workers, before, strict=True)]
        assert sum(held) == 16
        # Spread by a hash of each connection: one worker holding 15 or 16 of them
        # would happen once in ~4,000 runs; with one shared socket it was the rule.
        assert min(held) >= 2, held
    finally:
        for connection in connections:
            connection.close()
        stop_server(running)
    assert "Traceback" not in running.log()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-worker sockets on Linux")
def test_a_dead_worker_is_replaced_and_stop_ends_every_worker(
    tmp_path: Path, config_file: Path
) -> None:
    import signal
    import time

    running = start_server(tmp_path, "--config", str(config_file), "--workers", "2")
    try:
        deadline = time.monotonic() + 60
        while running.log().count("Application startup complete") < 2:
            assert time.monotonic() < deadline, running.log()
            time.sleep(0.1)
        first = {p for p in _children(running.process.pid) if _socket_count(p)}
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        while running.log().count("Application startup complete") < 3:  # its successor
            assert time.monotonic() < deadline, running.log()
            time.sleep(0.1)
        now = {p for p in _children(running.process.pid) if _socket_count(p)}
        assert victim not in now and len(now) == 2
        with running.client() as client:
            for _ in range(8):  # new connections, over both sockets
                client.headers["Connection"] = "close"
                assert client.post("/v1/check", json={"text": BLOCK_TEXT}).status_code == 200
    finally:
        stop_server(running)
    assert running.process.returncode == 0
    assert f"worker {victim} exited" in running.log()
    assert not any(Path(f"/proc/{p}").exists() for p in now)


def test_a_second_server_on_a_taken_port_is_refused(tmp_path: Path, config_file: Path) -> None:
    """Per-worker SO_REUSEPORT sockets must not let a second server share the port."""
    import subprocess
    from urllib.parse import urlsplit

    running = start_server(tmp_path, "--config", str(config_file), "--workers", "2")
    try:
        port = str(urlsplit(running.url).port)
        for workers in ("2", "1"):
            second = subprocess.run(
                [sys.executable, "-m", "replylint", "serve", "--port", port, "--workers", workers],
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert second.returncode == 2, second.stderr
            if workers == "2":
                assert "cannot listen" in second.stderr
    finally:
        stop_server(running)


def test_two_workers_on_one_shared_socket_where_the_kernel_does_not_balance(
    tmp_path: Path, config_file: Path
) -> None:
    """Where SO_REUSEPORT does not spread connections (macOS, Windows), uvicorn's own
    supervisor serves every worker from one socket: forced here on Linux."""
    import subprocess
    import time

    from .support import STARTUP_TIMEOUT_S, free_port

    port = free_port()
    code = (
        "import sys, replylint.service.workers as w; w.balances_by_socket = lambda: False; "
        "from replylint.service import main; sys.exit(main(sys.argv[1:]))"
    )
    log_path = tmp_path / "shared.log"
    command = [sys.executable, "-c", code, "--port", str(port), "--workers", "2"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--config", str(config_file)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        answer = httpx.post(f"{url}/v1/check", json={"text": BLOCK_TEXT}, timeout=30)
        assert answer.json()["verdict"] == "block"
    finally:
        process.terminate()
        process.wait(timeout=30)
    text = log_path.read_text()
    assert "with 2 workers" in text and "Started parent process" in text  # uvicorn's
    assert "Traceback" not in text


def test_serve_refuses_bad_config(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = tmp_path / "replylint.toml"
    bad.write_text("[rules.nope]\nenabled = true\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "replylint", "serve", "--config", str(bad), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "unknown rule" in proc.stderr


def test_serve_with_two_workers(tmp_path: Path, config_file: Path) -> None:
    running = start_server(tmp_path, "--config", str(config_file), "--workers", "2")
    try:
        with running.client() as client:
            for _ in range(6):  # new connections: the kernel spreads them over the workers
                client.headers["Connection"] = "close"
                assert (
                    client.post("/v1/check", json={"text": BLOCK_TEXT}).json()["verdict"] == "block"
                )
            assert client.get("/healthz").json()["auth"] is False
    finally:
        stop_server(running)
    log = running.log()
    assert "with 2 workers" in log
    assert "internal error" not in log and "Traceback" not in log
