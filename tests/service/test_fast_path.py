"""The hot path of POST /v1/check, in-process: the plain ASGI endpoint answers exactly
what the Starlette route answers, and lints run on the event loop only when that is
known to be safe (warmed service, short reply, base settings, recent lints quick)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from replylint.config import Config
from replylint.engine import Engine
from replylint.model import Finding, Reply, Report, Severity
from replylint.rule import Rule, RuleContext
from replylint.service import app as service_app
from replylint.service.app import INLINE_AFTER, INLINE_MAX_CHARS, create_app
from replylint.text.analysis import Analysis


def _shouty(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    for token in analysis.doc:
        if token.is_upper and len(token.text) >= 3 and token.is_alpha:
            yield ctx.finding(token.idx, token.idx + len(token.text), "Don't shout.")


SHOUTY = Rule(name="test-shouty", check=_shouty, default_severity=Severity.WARNING)


class RecordingEngine(Engine):
    """Notes the thread of every lint; sleeps when the text says SLOW."""

    threads: list[int]

    def lint(self, reply: Reply) -> Report:
        self.threads.append(threading.get_ident())
        if "SLOW" in reply.text:
            time.sleep(0.2)
        return super().lint(reply)


@pytest.fixture
def engine() -> RecordingEngine:
    engine = RecordingEngine(Config(), rules=[SHOUTY])
    engine.threads = []
    return engine


def _client(app: object) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://service.test")


# Each body with the status worked out from the service's rules (docs/record-fields.md).
BODIES = [
    (b'{"text": "all good"}', 200),
    (b'{"text": "so LOUD", "channel": "public", "agent": "Marie"}', 200),
    (b'{"text": "caf\\u00e9 \\ud83d\\ude00 LOUD"}', 200),
    (b'{"text": "caf\\u00e9 \\ud800"}', 422),  # a lone surrogate
    (b"", 400),
    (b"[1, 2]", 400),
    (b'{"text": 5}', 422),
    (b'{"text": "hi", "channel": "fax"}', 422),
    (b'{"text": "hi", "settings": {"colour": "red"}}', 422),
    (b'{"text": "hi", "settings": {"rules": {"test-shouty": {"severity": "error"}}}}', 200),
    (b'{"text": "hi", "override": {"rules": ["test-shouty"], "reason": "fine"}}', 200),
    (b"{not json", 400),
    (b'{"text": "' + b"a" * 5000 + b'"}', 413),  # over max_body
]


async def test_check_has_one_path_through_the_router(engine: RecordingEngine) -> None:
    app = create_app(engine, warm_up=False, max_body=4096)
    [route] = [r for r in app.routes if getattr(r, "path", None) == "/v1/check"]
    # The route itself is the plain ASGI endpoint: no second path in front of the router.
    assert route.app.app == app.state.service.check_endpoint  # type: ignore[attr-defined]
    async with _client(app) as client:
        for body, status in BODIES:
            answer = await client.post("/v1/check", content=body)
            assert answer.status_code == status, body
            wanted = "application/json" if status == 200 else "application/problem+json"
            assert answer.headers["content-type"] == wanted, body
            assert answer.headers["content-length"] == str(len(answer.content))


async def test_token_and_method_still_guarded(engine: RecordingEngine) -> None:
    app = create_app(engine, token="s3cret", warm_up=False)
    async with _client(app) as client:
        assert (await client.post("/v1/check", json={"text": "hi"})).status_code == 401
        ok = await client.post(
            "/v1/check", json={"text": "hi"}, headers={"Authorization": "Bearer s3cret"}
        )
        assert ok.status_code == 200
        assert ok.headers["x-content-type-options"] == "nosniff"
        assert ok.headers["cache-control"] == "no-store"
        assert ok.headers["content-type"] == "application/json"
        wrong = await client.get("/v1/check", headers={"Authorization": "Bearer s3cret"})
        assert wrong.status_code == 405


async def test_lints_move_inline_only_when_warm_and_quick(engine: RecordingEngine) -> None:
    app = create_app(engine, warm_up=False)
    service = app.state.service
    loop_thread = threading.get_ident()
    in_threads: list[str] = []
    run = service.run

    async def counting_run(function, *args):  # type: ignore[no-untyped-def]
        in_threads.append(args[1].text)
        return await run(function, *args)

    service.run = counting_run
    async with _client(app) as client:

        async def lint(record: dict) -> None:
            response = await client.post("/v1/check", json=record)
            assert response.status_code == 200

        # Not warmed by the service itself (warm_up=False): always in worker threads.
        for _ in range(INLINE_AFTER + 4):
            await lint({"text": "all good"})
        assert loop_thread not in engine.threads

        service.warmed = True
        engine.threads.clear()
        for _ in range(3):
            await lint({"text": "all good"})
        assert engine.threads[-1] == loop_thread

        # Too long, or per-request settings: worker thread.
        in_threads.clear()
        await lint({"text": "a " * (INLINE_MAX_CHARS // 2 + 1)})
        assert engine.threads[-1] != loop_thread
        await lint({"text": "with settings", "settings": {"channel": "chat"}})
        assert in_threads[-1] == "with settings"
        await lint({"text": "all good"})
        assert len(in_threads) == 2

        # A slow lint sends the following ones back to threads until quick again.
        await lint({"text": "SLOW"})
        engine.threads.clear()
        for _ in range(INLINE_AFTER):
            await lint({"text": "all good"})
        assert loop_thread not in engine.threads
        await lint({"text": "all good"})
        assert engine.threads[-1] == loop_thread


def test_an_override_is_never_linted_inline(engine: RecordingEngine) -> None:
    """An override writes the audit log: that stays off the event loop."""
    service = create_app(engine, warm_up=False).state.service
    service.warmed = True
    service._fast_streak = INLINE_AFTER
    reply = Reply(text="all good")
    assert service.may_inline(service.engine, reply, None)
    override = service_app.Override(("brevity",), "the customer asked for details")
    assert not service.may_inline(service.engine, reply, override)


def test_warm_up_marks_the_service_warmed(engine: RecordingEngine) -> None:
    service = create_app(engine, warm_up=False).state.service
    assert not service.warmed
    service.warm_up(("en",))
    assert not service.warmed  # only the background warm-up of every language counts
    service.warm_up(("en", "fr"), then_ready=True)
    assert service.warmed and service.ready


def test_surrogate_scan_is_skipped_only_without_escapes() -> None:
    pattern = service_app._SURROGATE_ESCAPE
    assert pattern.search(b'"\\ud800"') and pattern.search(b'"\\uDFFF"')
    assert pattern.search(b'"\\ud83d\\ude00"')  # a valid pair is scanned (and passes)
    assert not pattern.search('"café 😀 \\u00e9 \\n"'.encode())
