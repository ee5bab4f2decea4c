"""The pre-send HTTP service: requests to `Engine.lint`, core errors to status codes.

Kept thin the way blackd is: each handler reads a bounded JSON body, turns it into a
`Reply` (or a 4xx JSON error naming the field), lints it in a worker thread under a
time limit, and answers with the report's JSON. Nothing the client sent is ever
logged: a request's log line holds its method, path, status, duration and verdict.

`POST /v1/check` is the hot path (a helpdesk calls it before every reply), so its
route is a plain ASGI endpoint (no request object, no response class). Every error
is an RFC 9457 problem body (`application/problem+json`). A short reply is linted on the event loop itself once the service
has warmed every language and recent lints were quick (a lint takes about a
millisecond; handing it to a thread costs a good part of that again); a long reply,
per-request settings, a cold service or a slow lint send lints back to the worker
threads, where the time limit applies.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import inspect
import json
import logging
import re
import threading
import time
import traceback
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from replylint.config import ConfigError, ConfigLayer
from replylint.engine import Engine
from replylint.inputs.record import RecordError, parse_record
from replylint.model import Reply, Report
from replylint.plugins import load_plugins
from replylint.service.audit import AuditError, AuditLog
from replylint.service.openapi import SETTINGS_KEYS, openapi_document
from replylint.version import __version__

log = logging.getLogger("replylint.service")

DEFAULT_MAX_BODY = 256 * 1024
DEFAULT_MAX_BATCH = 1000
DEFAULT_LINT_TIMEOUT = 10.0
BODY_READ_TIMEOUT = 30.0
MAX_OVERRIDE_RULES = 100
MAX_REASON_CHARS = 1000
_ENGINE_CACHE_SIZE = 64
# Inline lints (on the event loop, see the module docstring): only replies whose text
# and incoming message together are at most this long, only after this many lints in
# a row each took at most INLINE_SLOW_S (or a tenth of the time limit, if lower).
INLINE_MAX_CHARS = 4000
INLINE_AFTER = 16
INLINE_SLOW_S = 0.05
_JSON_HEADERS = ((b"content-type", b"application/json"),)
PROBLEM_TYPE = "application/problem+json"
# The door's own keys beside the record fields.
REQUEST_KEYS = ("override", "settings")
# A lone surrogate can only reach a string through a JSON escape (raw UTF-8 cannot
# encode one), so a body without such an escape needs no scan for them.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_VERDICT_KEY = "replylint.verdict"
# Paths logged as they are; any other path is logged as "-" (it came from the client).
_LOGGED_PATHS = frozenset(
    ("/", "/healthz", "/openapi.json", "/v1/check", "/v1/check/batch", "/v1/rules")
)
_STATIC_PATH = re.compile(r"\A/static/[\w.-]{1,64}\Z")
_COMPOSER_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# Warm-up texts: the first lint in a language loads its spaCy pipeline (seconds).
_WARM_UP = {
    "en": "Hi Sam, thanks for your message. Your parcel left today. – Marie",
    "fr": "Bonjour Sam, merci pour votre message. Votre colis est parti. – Marie",
}

T = TypeVar("T")
# On timeout, answer 503 at once and let the worker thread finish on its own
# (anyio 4.1 renamed `cancellable` to `abandon_on_cancel`).
_ABANDON_ON_CANCEL: dict[str, Any] = {
    "abandon_on_cancel"
    if "abandon_on_cancel" in inspect.signature(anyio.to_thread.run_sync).parameters
    else "cancellable": True
}


class ApiError(Exception):
    """A request the service refuses, with its status code and the field at fault."""

    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = dict(headers or {})


def _json_bytes(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


class JSONResponse(Response):
    """JSON with non-ASCII escaped, so even lone surrogates from the client encode."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return _json_bytes(content)


class _AnyioLimit:
    """`anyio.fail_after` as an async context manager (outside asyncio, or Python < 3.11)."""

    def __init__(self, seconds: float) -> None:
        self._scope = anyio.fail_after(seconds)

    async def __aenter__(self) -> None:
        self._scope.__enter__()

    async def __aexit__(self, *exc_info: Any) -> bool | None:
        return self._scope.__exit__(*exc_info)


def _time_limit(seconds: float) -> contextlib.AbstractAsyncContextManager[Any]:
    """Raise TimeoutError in the block after `seconds`: asyncio's own timeout where it
    runs (a third of the cost of anyio's cancel scope), else anyio's."""
    timeout = getattr(asyncio, "timeout", None)
    if timeout is not None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            return cast("contextlib.AbstractAsyncContextManager[Any]", timeout(seconds))
    return _AnyioLimit(seconds)


def error_body(message: str, field: str | None = None) -> dict[str, Any]:
    """A batch item's error (inside a 200 answer)."""
    return {"error": {"message": message, "field": field}}


def problem_body(status: int, message: str, field: str | None = None) -> dict[str, Any]:
    """An RFC 9457 problem; `error` keeps the shape earlier versions answered with."""
    return {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": message,
        "field": field,
        **error_body(message, field),
    }


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_TYPE


def error_response(
    status: int, message: str, field: str | None = None, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return ProblemResponse(
        problem_body(status, message, field), status_code=status, headers=headers
    )


@dataclass(frozen=True)
class Override:
    rules: tuple[str, ...]
    reason: str


def supported_languages(engine: Engine) -> tuple[str, ...]:
    """The languages the engine has rule data for (config plus language plugins)."""
    return tuple(dict.fromkeys((*engine.config.languages, *load_plugins().languages)))


class Service:
    """The state shared by the handlers: engine, limits, audit log, caches."""

    def __init__(
        self,
        engine: Engine,
        *,
        token: str | None,
        max_body: int,
        audit_log: AuditLog,
        lint_timeout: float,
        max_batch: int,
    ) -> None:
        self.engine = engine
        self.token = token
        self.max_body = max_body
        self.audit = audit_log
        self.lint_timeout = lint_timeout
        self.max_batch = max_batch
        self.languages = supported_languages(engine)
        self.openapi = openapi_document(
            engine.rules, self.languages, max_batch=max_batch, auth=bool(token)
        )
        self.rules_info = [
            {
                "name": rule.name,
                "summary": rule.summary,
                "severity": str(rule.default_severity),
                "url": rule.url,
                "docs": rule.docs.markdown(rule.name, rule.summary),
            }
            for rule in engine.rules.values()
        ]
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        # False while languages are still loading in the background (see /healthz).
        self.ready = True
        # True once the service itself has loaded every language (lints may run inline).
        self.warmed = False
        self._fast_streak = 0
        self._slow_s = min(INLINE_SLOW_S, lint_timeout / 10)

    # --- input ------------------------------------------------------------------

    async def read_json(self, request: Request) -> dict[str, Any]:
        """The body as a JSON object, bounded by `max_body` (header and bytes read)."""
        return self.parse_json(await self.read_body(request.scope, request.receive))

    async def read_body(self, scope: Scope, receive: Receive) -> bytes:
        """The request body, bounded by `max_body` (Content-Length and bytes read);
        415 for a body declared as anything but JSON."""
        for name, value in scope["headers"]:
            if name == b"content-type" and not _is_json_type(value):
                raise ApiError(
                    415,
                    "the body must be application/json, not "
                    f"{value.decode('latin-1').split(';')[0].strip() or 'empty'}",
                    headers={"Accept-Post": "application/json"},
                )
        for name, value in scope["headers"]:
            if name == b"content-length":
                if not value.strip().isdigit():
                    raise ApiError(400, "invalid Content-Length header")
                if int(value) > self.max_body:
                    raise ApiError(413, f"request body larger than {self.max_body} bytes")
                break
        chunks: list[bytes] = []
        size = 0
        try:
            async with _time_limit(BODY_READ_TIMEOUT):
                while True:
                    message = await receive()
                    if message["type"] == "http.request":
                        chunk = message.get("body", b"")
                        size += len(chunk)
                        if size > self.max_body:
                            raise ApiError(413, f"request body larger than {self.max_body} bytes")
                        chunks.append(chunk)
                        if not message.get("more_body", False):
                            break
                    elif message["type"] == "http.disconnect":
                        raise ApiError(400, "the client disconnected while sending the body")
        except TimeoutError:
            raise ApiError(408, "timed out reading the request body") from None
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def parse_json(self, body: bytes) -> dict[str, Any]:
        """The body as a JSON object without lone surrogates, else a 4xx `ApiError`."""
        if not body.strip():
            raise ApiError(400, "the request body is empty; send a JSON object")
        try:
            data = json.loads(body)
        except UnicodeDecodeError:
            raise ApiError(400, "the request body is not valid UTF-8") from None
        except json.JSONDecodeError as exc:
            raise ApiError(
                400, f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from None
        except (ValueError, RecursionError):
            raise ApiError(400, "malformed JSON: too deeply nested or a number too large") from None
        if not isinstance(data, dict):
            raise ApiError(400, f"the request body must be a JSON object, not {_json_type(data)}")
        bad = _unpaired_surrogate(data) if _SURROGATE_ESCAPE.search(body) else None
        if bad is not None:
            # JSON can escape half a UTF-16 pair ("\ud800"); it is not text (spaCy
            # cannot even hash it), so it is refused here rather than failing later.
            raise ApiError(422, "invalid Unicode: a string holds an unpaired surrogate", bad)
        return data

    def engine_for(self, settings: Any) -> Engine:
        """The engine with the request's settings layered on top (cached per settings)."""
        if settings is None:
            return self.engine
        if not isinstance(settings, Mapping):
            raise ApiError(422, "'settings' must be an object of configuration keys", "settings")
        for key in settings:
            if key not in SETTINGS_KEYS:
                problem = (
                    "cannot be set per request; set it in the server's config file"
                    if key in ("models", "languages", "phrases")
                    else "unknown setting"
                )
                raise ApiError(422, f"settings: {key}: {problem}", f"settings.{key}")
        language = settings.get("language")
        if language is not None and language not in self.languages:
            raise ApiError(
                422,
                f"settings: language: must be one of {', '.join(self.languages)}",
                "settings.language",
            )
        key = json.dumps(settings, sort_keys=True)
        with self._engines_lock:
            engine = self._engines.get(key)
            if engine is not None:
                self._engines.move_to_end(key)
                return engine
        try:
            engine = self.engine.with_layer(ConfigLayer.from_mapping(settings, "settings"))
        except ConfigError as exc:
            field = f"settings.{exc.key}" if exc.key else "settings"
            raise ApiError(422, str(exc), field) from None
        with self._engines_lock:
            self._engines[key] = engine
            while len(self._engines) > _ENGINE_CACHE_SIZE:
                self._engines.popitem(last=False)
        return engine

    def parse_item(self, data: Any, engine: Engine) -> tuple[Reply, Override | None]:
        """A record (with optional override) to a `Reply`, or `ApiError` naming the field."""
        try:
            reply = parse_record(
                data,
                default_channel=engine.config.channel,
                strict=True,
                allowed=REQUEST_KEYS,
                languages=self.languages,
            )
        except RecordError as exc:
            raise ApiError(422, str(exc), exc.field) from None
        override = data.get("override")
        return reply, (None if override is None else parse_override(override, engine))

    # --- linting (in a worker thread) ---------------------------------------------

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function` in the thread pool; 503 if it takes longer than the limit."""
        try:
            async with _time_limit(self.lint_timeout):
                return await anyio.to_thread.run_sync(
                    functools.partial(function, *args), **_ABANDON_ON_CANCEL
                )
        except TimeoutError:
            raise ApiError(
                503,
                f"linting took longer than {self.lint_timeout:g} s; try again later",
                headers={"Retry-After": "1"},
            ) from None

    def may_inline(self, engine: Engine, reply: Reply, override: Override | None) -> bool:
        """Whether this lint may run on the event loop (see the module docstring). Not
        with an override: it writes the audit log, and file I/O stays off the loop."""
        return (
            override is None
            and engine is self.engine
            and self.warmed
            and self._fast_streak >= INLINE_AFTER
            and len(reply.text) + len(reply.incoming or "") <= INLINE_MAX_CHARS
        )

    def check(self, engine: Engine, reply: Reply, override: Override | None) -> dict[str, Any]:
        started = time.perf_counter()
        report = engine.lint(reply)
        # Unsynchronised on purpose: a lost update only delays or hastens inlining.
        if time.perf_counter() - started > self._slow_s:
            self._fast_streak = 0
        else:
            self._fast_streak += 1
        if report.rule_errors:
            names = [
                m.group(1) for e in report.rule_errors if (m := re.match(r"rule '([^']+)'", e))
            ]
            log.warning("rule(s) failed on a reply and were skipped: %s", ", ".join(names))
        return self.result(report, override)

    def check_many(
        self, engine: Engine, items: list[tuple[Reply, Override | None] | ApiError]
    ) -> list[dict[str, Any]]:
        results = []
        for item in items:
            if isinstance(item, ApiError):
                results.append(error_body(item.message, item.field))
                continue
            try:
                results.append(self.check(engine, *item))
            except AuditError:
                results.append(
                    error_body("the audit log cannot be written; override refused", "override")
                )
        return results

    def result(self, report: Report, override: Override | None) -> dict[str, Any]:
        """The report's JSON; an override takes its rules' findings out of the verdict."""
        data = report.to_dict()
        if override is None:
            return data
        overridden = set(override.rules)
        counts = Counter(f.rule for f in report.findings if f.rule in overridden)
        for finding, item in zip(report.findings, data["findings"], strict=True):
            if finding.rule in overridden:
                item["overridden"] = True
        data["verdict"] = report.verdict_without(overridden)
        data["override"] = {
            "rules": list(override.rules),
            "reason": override.reason,
            "findings": sum(counts.values()),
            "original_verdict": report.verdict,
        }
        self.audit.record(
            report.reply.text, override.rules, override.reason, counts, report.channel
        )
        return data

    def warm_up(self, languages: tuple[str, ...], *, then_ready: bool = False) -> None:
        """Load these languages' pipelines before a request needs them."""
        try:
            for language in languages:
                text = _WARM_UP.get(language, "Hello, thank you.")
                self.engine.lint(Reply(text=text, language=language))
            if then_ready:
                self.warmed = True
        finally:
            if then_ready:
                self.ready = True

    # --- handlers -------------------------------------------------------------------

    async def check_request(self, scope: Scope, receive: Receive) -> dict[str, Any]:
        """POST /v1/check: the result for the request's record, or an `ApiError`."""
        data = self.parse_json(await self.read_body(scope, receive))
        engine = self.engine_for(data.get("settings"))
        reply, override = self.parse_item(data, engine)
        try:
            if self.may_inline(engine, reply, override):
                result = self.check(engine, reply, override)
            else:
                result = await self.run(self.check, engine, reply, override)
        except AuditError:
            raise ApiError(
                503, "the audit log cannot be written; override refused", "override"
            ) from None
        scope[_VERDICT_KEY] = result["verdict"]
        return result

    async def check_endpoint(self, scope: Scope, receive: Receive, send: Send) -> None:
        """POST /v1/check as a plain ASGI endpoint of its route: no request object,
        no response class, the body encoded once."""
        try:
            body = _json_bytes(await self.check_request(scope, receive))
        except ApiError as exc:
            await error_response(exc.status, exc.message, exc.field, exc.headers)(
                scope, receive, send
            )
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", str(len(body)).encode()), *_JSON_HEADERS],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def handle_batch(self, request: Request) -> Response:
        data = await self.read_json(request)
        if "replies" not in data:
            raise ApiError(422, "missing required field 'replies'", "replies")
        replies = data["replies"]
        if not isinstance(replies, list):
            raise ApiError(
                422,
                f"'replies' must be a list of reply records, not {_json_type(replies)}",
                "replies",
            )
        if len(replies) > self.max_batch:
            raise ApiError(
                422, f"at most {self.max_batch} replies per batch, got {len(replies)}", "replies"
            )
        engine = self.engine_for(data.get("settings"))
        items: list[tuple[Reply, Override | None] | ApiError] = []
        for index, record in enumerate(replies):
            try:
                if isinstance(record, Mapping) and record.get("settings") is not None:
                    raise ApiError(
                        422, "'settings' belong at the batch level, not in a reply", "settings"
                    )
                items.append(self.parse_item(record, engine))
            except ApiError as exc:
                exc.field = f"replies[{index}].{exc.field}" if exc.field else f"replies[{index}]"
                items.append(exc)
        results = await self.run(self.check_many, engine, items)
        verdicts = Counter(r.get("verdict", "error") for r in results)
        request.scope[_VERDICT_KEY] = ",".join(f"{k}:{v}" for k, v in sorted(verdicts.items()))
        return JSONResponse({"results": results})

    async def handle_rules(self, request: Request) -> Response:
        return JSONResponse({"rules": self.rules_info})

    async def handle_health(self, request: Request) -> Response:
        return JSONResponse(
            {
                "status": "ok",
                "version": __version__,
                "auth": bool(self.token),
                "ready": self.ready,
            }
        )

    async def handle_openapi(self, request: Request) -> Response:
        return JSONResponse(self.openapi)

    async def handle_rule_docs(self, request: Request) -> Response:
        from replylint.service.rule_docs import rule_page

        rule = self.engine.rules.get(request.path_params["name"])
        if rule is None:
            return Response("no such rule", 404, media_type="text/plain; charset=utf-8")
        return Response(
            rule_page(rule),
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": _COMPOSER_CSP},
        )

    async def handle_composer(self, request: Request) -> Response:
        return Response(
            _composer_html(),
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": _COMPOSER_CSP},
        )


def parse_override(value: Any, engine: Engine) -> Override:
    if not isinstance(value, Mapping):
        raise ApiError(422, "'override' must be an object with 'rules' and 'reason'", "override")
    for key in value:
        if key not in ("rules", "reason"):
            raise ApiError(422, f"override: unknown key {key!r}", f"override.{key}")
    rules = value.get("rules")
    if not isinstance(rules, list) or not rules or not all(isinstance(r, str) for r in rules):
        raise ApiError(
            422, "'override.rules' must be a non-empty list of rule names", "override.rules"
        )
    if len(rules) > MAX_OVERRIDE_RULES:
        raise ApiError(
            422, f"'override.rules' lists more than {MAX_OVERRIDE_RULES} rules", "override.rules"
        )
    for index, name in enumerate(rules):
        if name not in engine.rules:
            raise ApiError(422, f"override: unknown rule {name!r}", f"override.rules[{index}]")
    reason = value.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ApiError(
            422, "'override.reason' must say why the reply is sent anyway", "override.reason"
        )
    if len(reason) > MAX_REASON_CHARS:
        raise ApiError(
            422,
            f"'override.reason' is longer than {MAX_REASON_CHARS} characters",
            "override.reason",
        )
    return Override(tuple(dict.fromkeys(rules)), reason.strip())


def _unpaired_surrogate(data: Any) -> str | None:
    """The path of the first string (value or key) with a lone surrogate, else None."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    return path or None
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                stack.append((path, key))
                stack.append((f"{path}.{key}" if path else key, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item) for i, item in reversed(list(enumerate(value))))
    return None


class _AsgiEndpoint:
    """A route endpoint Starlette calls as an ASGI app (it wraps plain functions and
    methods in a request/response adapter)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def _is_json_type(value: bytes) -> bool:
    """`application/json`, a `+json` type, or no type at all (curl --data-binary)."""
    media = value.split(b";", 1)[0].strip().lower()
    return media in (b"", b"application/json") or (
        media.startswith(b"application/") and media.endswith(b"+json")
    )


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def static_dir() -> Path:
    return Path(str(resources.files("replylint.service") / "static"))


@functools.cache
def _composer_html() -> bytes:
    return (static_dir() / "index.html").read_bytes()


# --- middleware and error handlers -------------------------------------------------


def _logged_path(path: str) -> str:
    if path in _LOGGED_PATHS or _STATIC_PATH.match(path):
        return path
    return "-"


class ServiceGuard:
    """Outermost layer: bearer token, security headers, the access log, last-resort 500.

    Starlette's error middleware re-raises after sending its 500 so servers can log
    the traceback; uvicorn would print the exception message, which may quote the
    request. This layer swallows it after logging only the exception type and frames.
    """

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token.encode("utf-8") if token else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path = scope.get("path", "")
        status = 500
        response_started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if path.startswith("/v1/"):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        try:
            if self.token is not None and path.startswith("/v1/") and not self._authorised(scope):
                response = error_response(
                    401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"}
                )
                await response(scope, receive, send_with_headers)
            else:
                await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            _log_internal_error(exc)
            if not response_started:
                await error_response(500, "internal error")(scope, receive, send_with_headers)
        finally:
            verdict = scope.get(_VERDICT_KEY)
            log.info(
                "%s %s %d %.1fms%s",
                scope.get("method", "-"),
                _logged_path(path),
                status,
                (time.perf_counter() - started) * 1000,
                f" verdict={verdict}" if verdict else "",
            )

    def _authorised(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                scheme, _, credentials = value.partition(b" ")
                if scheme.lower() == b"bearer" and self.token is not None:
                    return hmac.compare_digest(credentials.strip(), self.token)
                return False
        return False


def _log_internal_error(exc: BaseException) -> None:
    # The type and the frames only: an exception's message may quote the reply.
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("internal error: %s\n%s", type(exc).__name__, frames.rstrip())


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.message, exc.field, exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(exc.status_code, str(exc.detail), headers=exc.headers)


async def _internal_error(request: Request, exc: Exception) -> Response:
    return error_response(500, "internal error")


class ServiceApp(Starlette):
    """Starlette with `ServiceGuard` outside everything, even the error middleware."""

    guard_token: str | None = None

    def build_middleware_stack(self) -> ASGIApp:
        return ServiceGuard(super().build_middleware_stack(), self.guard_token)


def create_app(
    engine: Engine | None = None,
    token: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    audit_log: str | Path | None = None,
    *,
    lint_timeout: float = DEFAULT_LINT_TIMEOUT,
    max_batch: int = DEFAULT_MAX_BATCH,
    warm_up: bool = True,
) -> Starlette:
    """The service as an ASGI app: `uvicorn.run(create_app(...))`.

    `engine` defaults to every installed rule with built-in settings; `token`, when
    set, is required as `Authorization: Bearer ...` on /v1/; `audit_log` is a JSONL
    file for overrides (None: overrides are only counted in the log).
    """
    if engine is None:
        from replylint.api import default_engine

        engine = default_engine()
    audit = AuditLog(Path(audit_log) if audit_log is not None else None)
    service = Service(
        engine,
        token=token or None,
        max_body=max_body,
        audit_log=audit,
        lint_timeout=lint_timeout,
        max_batch=max_batch,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if warm_up:
            # The default language before accepting requests, the others (seconds
            # each: spaCy compiles its tokenizer rules) in the background.
            first = engine.config.language
            await anyio.to_thread.run_sync(service.warm_up, (first,))
            others = tuple(lang for lang in service.languages if lang != first)
            service.ready = False
            threading.Thread(
                target=service.warm_up,
                args=(others,),
                kwargs={"then_ready": True},
                name="replylint-warm-up",
                daemon=True,
            ).start()
        yield

    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        ApiError: _api_error,
        HTTPException: _http_error,
        Exception: _internal_error,
    }
    app = ServiceApp(
        routes=[
            # An ASGI endpoint (not a function), so Starlette hands it scope/receive/send.
            Route("/v1/check", _AsgiEndpoint(service.check_endpoint), methods=["POST"]),
            Route("/v1/check/batch", service.handle_batch, methods=["POST"]),
            Route("/v1/rules", service.handle_rules, methods=["GET"]),
            Route("/healthz", service.handle_health, methods=["GET"]),
            Route("/openapi.json", service.handle_openapi, methods=["GET"]),
            Route("/", service.handle_composer, methods=["GET"]),
            Route("/rules/{name}", service.handle_rule_docs, methods=["GET"]),
            Mount("/static", StaticFiles(directory=static_dir()), name="static"),
        ],
        exception_handlers=handlers,
        lifespan=lifespan,
    )
    app.guard_token = service.token
    app.state.service = service
    return app
