"""The Python pre-send API (`replylint.lint`) and the app in-process (ASGI, no socket).

In-process tests cover what a real server cannot be made to do on demand: a lint
that takes too long (503), and a core bug reaching the last-resort 500 handler.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

import replylint
from replylint.config import Config, ConfigLayer, PhraseRuleSpec
from replylint.engine import Engine
from replylint.model import Finding, Reply, Report, Severity
from replylint.rule import Rule, RuleContext
from replylint.service.app import create_app
from replylint.text.analysis import Analysis


def _shouty(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    """A throwaway plugin rule: every all-caps word of 3+ letters is a warning."""
    for token in analysis.doc:
        if token.is_upper and len(token.text) >= 3 and token.is_alpha:
            yield ctx.finding(token.idx, token.idx + len(token.text), "Don't shout.")


SHOUTY = Rule(name="test-shouty", check=_shouty, default_severity=Severity.WARNING)
NO_GUYS = PhraseRuleSpec(
    name="acme-no-guys",
    message="Say 'everyone' instead of '{phrase}'.",
    phrases=("hey guys",),
    swap={"you guys": "you all"},
    severity=Severity.ERROR,
)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(Config((ConfigLayer("test", phrases=(NO_GUYS,)),)), rules=[SHOUTY])


# --- the Python API ----------------------------------------------------------------------------


def test_lint_verdicts(engine: Engine) -> None:
    assert replylint.lint("Thanks, it ships today.", engine=engine).verdict == "pass"
    assert replylint.lint("It ships TODAY.", engine=engine).verdict == "warn"
    report = replylint.lint("Hey guys, it ships today.", channel="public", engine=engine)
    assert report.verdict == "block"
    assert report.channel == "public"
    assert [f.rule for f in report.findings] == ["acme-no-guys"]


def test_lint_record_and_fix(engine: Engine) -> None:
    report = replylint.lint_record({"text": "Thanks, you guys rock.", "id": 3}, engine=engine)
    (finding,) = report.findings
    assert finding.fixes[0].apply(report.reply.text) == "Thanks, you all rock."
    assert report.to_dict()["id"] == "3"


def test_lint_record_rejects_bad_records(engine: Engine) -> None:
    from replylint.inputs.record import RecordError

    with pytest.raises(RecordError) as caught:
        replylint.lint_record({"text": "hi", "channel": "fax"}, engine=engine)
    assert caught.value.field == "channel"


def _texts(corpus: list[dict]) -> list[dict]:
    samples = [
        {"text": "Hey guys, your ORDER shipped.", "channel": "public"},
        {"text": "Bonjour, votre colis est parti ce matin. – Marie", "language": "fr"},
        {"text": "Thanks for waiting, you guys are patient! 😀 – Sam", "channel": "chat"},
        {"text": "It ships TODAY, sorry for the wait.\n– Marie", "channel": "email"},
    ]
    fields = ("text", "channel", "incoming", "brand", "agent")
    for record in corpus[:60]:
        samples.append({k: record[k] for k in fields if k in record})
    return samples


def test_lint_is_thread_safe(engine: Engine, corpus: list[dict]) -> None:
    """Eight threads linting at once give exactly the sequential results."""
    records = _texts(corpus) * 3
    sequential = [replylint.lint_record(r, engine=engine).to_dict() for r in records]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(
            pool.map(lambda r: replylint.lint_record(r, engine=engine).to_dict(), records)
        )
    assert parallel == sequential


@pytest.mark.builtin_rules
def test_default_engine_is_shared_and_thread_safe(corpus: list[dict]) -> None:
    """Real built-in rules through `replylint.lint()` without an engine."""
    records = _texts(corpus) * 2
    sequential = [replylint.lint_record(r).to_dict() for r in records]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda r: replylint.lint_record(r).to_dict(), records))
    assert parallel == sequential
    from replylint.api import default_engine

    assert default_engine() is default_engine()


# --- the app in-process --------------------------------------------------------------------------


class GatedEngine(Engine):
    """`lint()` waits until the test opens the gate; `inside` counts lints waiting."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()
        self.inside = threading.Semaphore(0)
        self.finished = 0

    def lint(self, reply: Reply) -> Report:
        self.inside.release()
        self.gate.wait(timeout=60)  # a safety net: the test opens it
        self.finished += 1
        return super().lint(reply)


class BrokenEngine(Engine):
    def lint(self, reply: Reply) -> Report:
        raise RuntimeError(f"core bug while reading {reply.text!r}")


def _client(app: object) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://service.test")


async def test_in_process_verdicts(engine: Engine) -> None:
    async with _client(create_app(engine, warm_up=False)) as client:
        for text, verdict in (("all good", "pass"), ("so LOUD", "warn"), ("hey guys", "block")):
            response = await client.post("/v1/check", json={"text": text})
            assert response.json()["verdict"] == verdict


async def test_slow_lint_gets_503(engine: Engine) -> None:
    gated = GatedEngine(engine.config, rules=[SHOUTY])
    app = create_app(gated, lint_timeout=0.2, warm_up=False)
    try:
        async with _client(app) as client:
            response = await client.post("/v1/check", json={"text": "hello"})
            assert gated.finished == 0  # answered while the lint was still held
    finally:
        gated.gate.set()
    assert response.status_code == 503
    assert response.json()["error"]["message"].startswith("linting took longer")
    assert response.headers["retry-after"] == "1"


async def test_internal_error_is_json_and_leaks_nothing(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    broken = BrokenEngine(engine.config, rules=[SHOUTY])
    secret = "Customer Ottoline Quarrie-Smythe"
    with caplog.at_level(logging.INFO, logger="replylint.service"):
        async with _client(create_app(broken, warm_up=False)) as client:
            response = await client.post("/v1/check", json={"text": secret})
    assert response.status_code == 500
    assert response.json() == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "internal error",
        "field": None,
        "error": {"message": "internal error", "field": None},
    }
    assert secret not in response.text
    assert "internal error: RuntimeError" in caplog.text
    assert secret not in caplog.text


async def test_audit_log_failure_refuses_the_override(engine: Engine, tmp_path: Path) -> None:
    audit = tmp_path / "audit.jsonl"
    app = create_app(engine, audit_log=audit, warm_up=False)
    audit.mkdir()  # a directory where the file should be: every write fails
    body = {"text": "hey guys", "override": {"rules": ["acme-no-guys"], "reason": "fine"}}
    async with _client(app) as client:
        response = await client.post("/v1/check", json=body)
        assert response.status_code == 503
        assert response.json()["error"]["field"] == "override"
        batch = await client.post("/v1/check/batch", json={"replies": [body, {"text": "ok"}]})
    results = batch.json()["results"]
    assert results[0]["error"]["field"] == "override"
    assert results[1]["verdict"] == "pass"


async def test_concurrent_requests_do_not_block_the_loop(engine: Engine) -> None:
    """Lint runs in worker threads: /healthz answers while slow lints are running."""
    import anyio

    gated = GatedEngine(engine.config, rules=[SHOUTY])
    app = create_app(gated, warm_up=False)
    verdicts: list[str] = []
    try:
        async with _client(app) as client:

            async def lint() -> None:
                response = await client.post("/v1/check", json={"text": "hello"})
                verdicts.append(response.json()["verdict"])

            async with anyio.create_task_group() as group:
                for _ in range(3):
                    group.start_soon(lint)
                for _ in range(3):  # all three lints are inside the engine, held
                    await anyio.to_thread.run_sync(gated.inside.acquire)
                health = await client.get("/healthz")
                assert health.status_code == 200 and gated.finished == 0
                gated.gate.set()
    finally:
        gated.gate.set()
    assert verdicts == ["pass", "pass", "pass"]


@pytest.mark.builtin_rules
async def test_builtin_rules_over_http() -> None:
    """The real built-in rules behind the service (may fail until they all land)."""
    async with _client(create_app(warm_up=False)) as client:
        rules = {r["name"] for r in (await client.get("/v1/rules")).json()["rules"]}
        assert {"brevity", "signature-present", "sensitive-in-private"} <= rules
        card = "Hi Dana, your card 4111 1111 1111 1111 was charged twice. – Marie"
        body = (await client.post("/v1/check", json={"text": card, "channel": "public"})).json()
        assert body["verdict"] == "block"
        assert "sensitive-in-private" in {f["rule"] for f in body["findings"]}
        signed = "Yes, it ships today from our Lyon warehouse. – Marie"
        body = (await client.post("/v1/check", json={"text": signed, "channel": "chat"})).json()
        assert body["verdict"] == "pass", body
