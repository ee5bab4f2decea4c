"""The replylint language server: LSP methods wired to the modules that do the work.

Handlers stay thin (pygls `examples/servers/code_actions.py`, esbonio): documents
live in `open_documents`, linting in `linting` (run off the event loop by
`scheduler`), conversion in `diagnostics`, and the features in `code_actions`
and `hover`. Every handler is guarded: an exception is logged through
window/logMessage and the server keeps answering.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from lsprotocol.converters import get_converter
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from replylint.lsp.code_actions import ActionRequest, EditSupport, code_actions
from replylint.lsp.diagnostics import to_diagnostics
from replylint.lsp.document_status import STATUS_METHOD, document_status
from replylint.lsp.explain import EXPLAIN_METHOD, explain_at, rule_explanation
from replylint.lsp.file_commands import (
    CONFIG,
    DISABLE_METHOD,
    SET_CHANNEL_METHOD,
    Planned,
    disable_file,
    disable_rule,
    set_channel,
)
from replylint.lsp.hover import hover_for
from replylint.lsp.linting import LintOutcome, ReportCache, document_kind, lint_text
from replylint.lsp.open_documents import DocumentStore, OpenDocument, path_to_uri, uri_to_path
from replylint.lsp.positions import UTF16, PositionIndex, choose_encoding
from replylint.lsp.reply_files import Decision, ReplyFiles, setting_globs
from replylint.lsp.scheduler import LintScheduler, Result, Snapshot
from replylint.lsp.settings import (
    SETTINGS_SECTION,
    ServerOptions,
    clean_settings,
    settings_from_notification,
)
from replylint.lsp.workspace_config import EngineChoice, EngineProvider
from replylint.lsp.workspace_lint import (
    LINT_WORKSPACE_METHOD,
    FileResult,
    lint_folders,
    summary,
)
from replylint.model import Reply
from replylint.version import __version__

logger = logging.getLogger(__name__)

DIAGNOSTIC_IDENTIFIER = "replylint"
CONFIG_GLOB = "**/{replylint.toml,pyproject.toml}"
CONFIGURATION_TIMEOUT = 10.0
WARM_UP_TEXT = "Hi Sam, thanks for writing. Your order ships today.\nMarie"

F = TypeVar("F", bound=Callable[..., Any])


class ReplylintProtocol(LanguageServerProtocol):
    """pygls' protocol with two changes: our position encoding preference, and open
    documents kept in our own store (see `open_documents` for why)."""

    _server: ReplylintServer

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Any:
        general = params.capabilities.general
        offered = list(general.position_encodings or []) if general is not None else []
        chosen = choose_encoding(offered)
        if general is not None and offered:
            # pygls takes the first encoding the client lists that it supports.
            general.position_encodings = [chosen, *(e for e in offered if e != chosen)]
        self._server.encoding = chosen
        return (yield from super().lsp_initialize(params))

    def _user(self, method: str, params: Any) -> Any:
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Any:
        yield from self._user(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Any:
        yield from self._user(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Any:
        yield from self._user(types.TEXT_DOCUMENT_DID_CLOSE, params)


class ReplylintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "replylint",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=ReplylintProtocol,
        )
        self.encoding: str = UTF16
        self.documents = DocumentStore()
        self.engines = EngineProvider()
        self.reports = ReportCache()
        self.options = ServerOptions()
        self.init_settings: dict[str, Any] = {}
        self.settings: dict[str, dict[str, Any]] = {}  # scope URI ("" = global) -> settings
        self.folders: tuple[str, ...] = ()  # workspace folder URIs
        self.edit_support = EditSupport()
        self.markdown_hover = True
        self.lint_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="replylint-lint")
        self.scheduler = LintScheduler(
            self.documents, self.lint_executor, self.lint_snapshot, self.publish, self.log_exception
        )
        self._said: set[str] = set()
        self.stopping = False
        # Why each open document is (not) a reply, from its last lint (status bar).
        self.decisions: dict[str, Decision] = {}

    # --- messages to the user ------------------------------------------------

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        logger.log(
            {
                types.MessageType.Error: logging.ERROR,
                types.MessageType.Warning: logging.WARNING,
            }.get(kind, logging.INFO),
            message,
        )
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # no connection (yet / any more)
            logger.debug("cannot send window/logMessage", exc_info=True)

    def log_once(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        if message not in self._said:
            self._said.add(message)
            self.log(message, kind)

    def show_once(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        key = f"show:{message}"
        if key in self._said:
            return
        self._said.add(key)
        self.log(message, kind)
        try:
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        except Exception:
            logger.debug("cannot send window/showMessage", exc_info=True)

    def log_exception(self, where: str, exc: BaseException) -> None:
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.log(
            f"replylint: {where}: {type(exc).__name__}: {exc}\n{detail}", types.MessageType.Error
        )

    def report_server_error(self, error: Exception, source: Any) -> None:
        # pygls would pop up "Error in server" messages; a log line is enough.
        self.log(
            f"replylint: internal error ({getattr(source, '__name__', source)}): {error}",
            types.MessageType.Error,
        )

    def report(self, outcome: LintOutcome) -> None:
        """Tell the user, once each, about config problems and failing rules."""
        for notice in outcome.notices:
            self.show_once(notice)
        for error in outcome.rule_errors:
            self.log_once(f"replylint: {error}")
        for error in outcome.internal_errors:
            self.log_once(f"replylint: {error}", types.MessageType.Error)

    # --- settings and engines ------------------------------------------------

    def update_folders(self) -> None:
        """Snapshot the workspace folders (read by lint threads; updated on the loop)."""
        folders = tuple(f.uri for f in self.workspace.folders.values())
        if not folders and self.workspace.root_uri:
            folders = (self.workspace.root_uri,)
        self.folders = folders

    def folder_of(self, uri: str) -> str | None:
        """The URI of the workspace folder holding `uri` (longest match)."""
        matches = [f for f in self.folders if uri.startswith(f.rstrip("/") + "/")]
        return max(matches, key=len) if matches else None

    def settings_for(self, uri: str) -> dict[str, Any]:
        settings = self.settings
        folder = self.folder_of(uri)
        if folder is not None and folder in settings:
            return settings[folder]
        return settings.get("", self.init_settings)

    def config_dir_for(self, uri: str) -> Path:
        path = uri_to_path(uri)
        if path is not None:
            return path.parent
        folder = self.folder_of(uri) or self.workspace.root_uri
        folder_path = uri_to_path(folder) if folder else None
        return folder_path or Path.cwd()

    def engine_for(self, uri: str) -> EngineChoice:
        return self.engines.choose(self.config_dir_for(uri), self.settings_for(uri))

    async def pull_settings(self) -> None:
        """Ask the client for the `replylint` section, globally and per workspace folder."""
        if not get_capability(self.client_capabilities, "workspace.configuration", False):
            return
        scopes = ["", *self.folders]
        items = [
            types.ConfigurationItem(section=SETTINGS_SECTION, scope_uri=scope or None)
            for scope in scopes
        ]
        answers = await asyncio.wait_for(
            self.workspace_configuration_async(types.ConfigurationParams(items=items)),
            CONFIGURATION_TIMEOUT,
        )
        settings: dict[str, dict[str, Any]] = {}
        for scope, answer in zip(scopes, answers or [], strict=False):
            settings[scope] = {**self.init_settings, **clean_settings(answer)}
            if scope == "":
                self.update_options(answer)
        self.settings = settings

    def update_options(self, data: Any) -> None:
        self.options, warnings = self.options.updated(data)
        for warning in warnings:
            self.show_once(f"replylint: ignored setting {warning}")
        if isinstance(data, Mapping):
            _, problem = setting_globs(dict(data))
            if problem:
                self.show_once(problem)

    def reply_files_for(self, uri: str, choice: EngineChoice) -> ReplyFiles:
        """Which files are replies for `uri`: the `files` setting of its folder and
        the config file in force."""
        globs, _ = setting_globs(self.settings_for(uri))
        folder = self.folder_of(uri) or self.workspace.root_uri
        root = uri_to_path(folder) if folder else None
        return ReplyFiles.of(globs, root, choice.engine.config, choice.config_path)

    def decide(self, uri: str, language_id: str, kind: str | None, text: str) -> Decision:
        if kind is None:
            return Decision(False, "not a format replylint reads")
        files = self.reply_files_for(uri, self.engine_for(uri))
        return files.decide(uri_to_path(uri), language_id, kind, text)

    # --- linting -------------------------------------------------------------

    def lint_snapshot(self, snap: Snapshot, is_stale: Callable[[], bool]) -> LintOutcome:
        """Runs in a worker thread."""
        kind = document_kind(snap.name, snap.language_id)
        decision = self.decide(snap.uri, snap.language_id, kind, snap.text)
        self.decisions[snap.uri] = decision
        if not decision.is_reply:
            return LintOutcome(snap.text, None)
        choice = self.engine_for(snap.uri)
        outcome = lint_text(
            choice.engine,
            snap.text,
            kind,
            max_size=self.options.max_document_size,
            cache=self.reports,
            is_stale=is_stale,
        )
        return replace(outcome, notices=choice.problems) if choice.problems else outcome

    def publish(self, snap: Snapshot, outcome: LintOutcome) -> None:
        if self.stopping:
            return
        self.report(outcome)
        index = PositionIndex(outcome.text, self.encoding)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=snap.uri,
                diagnostics=to_diagnostics(outcome, index, snap.version),
                version=snap.version,
            )
        )
        self.send_status(snap.uri, outcome)

    def send_status(self, uri: str, outcome: LintOutcome) -> None:
        decision = self.decisions.get(uri, Decision(False, "not linted yet"))
        try:
            self.protocol.notify(STATUS_METHOD, document_status(uri, decision, outcome))
        except Exception:  # no connection (any more)
            logger.debug("cannot send %s", STATUS_METHOD, exc_info=True)

    async def current(self, uri: str) -> tuple[OpenDocument, Result] | None:
        doc = self.documents.get(uri)
        if doc is None:
            return None
        result = await self.scheduler.current_result(doc)
        if result is None:
            return None
        self.report(result.outcome)
        return doc, result

    def relint_all(self) -> None:
        self.scheduler.invalidate()
        for doc in self.documents:
            self.scheduler.schedule(doc.uri, 0)
        if get_capability(self.client_capabilities, "workspace.diagnostics.refresh_support", False):
            try:
                self.workspace_diagnostic_refresh(None)
            except Exception as exc:
                self.log_exception("workspace/diagnostic/refresh", exc)

    def action_request(self, doc: OpenDocument, result: Result) -> ActionRequest:
        """What edits of `doc` (as last linted) and of its config file are made from."""
        return ActionRequest(
            uri=doc.uri,
            version=result.key[0],
            outcome=result.outcome,
            index=PositionIndex(result.outcome.text, self.encoding),
            config_path=self.engine_for(doc.uri).config_path,
            new_config_dir=self.new_config_dir(doc.uri),
            encoding=self.encoding,
            support=self.edit_support,
            read_file=self.read_config_file,
        )

    def read_config_file(self, path: Path) -> tuple[str, str, int | None] | None:
        for doc in self.documents:
            # An open (maybe unsaved) config file: edit what the editor shows.
            if doc.path is not None and doc.path.name == path.name and doc.path.resolve() == path:
                return doc.text, doc.uri, doc.version
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                return handle.read(), path_to_uri(path), None
        except (OSError, UnicodeDecodeError):
            return None

    def new_config_dir(self, uri: str) -> Path | None:
        folder = self.folder_of(uri)
        if folder is not None:
            return uri_to_path(folder)
        path = uri_to_path(uri)
        return path.parent if path is not None else None

    def warm_up(self) -> None:
        """Runs in a worker thread: load spaCy and the language profiles before the
        first real lint needs them."""
        root = uri_to_path(self.workspace.root_uri) if self.workspace.root_uri else None
        choice = self.engines.choose(root or Path.cwd(), self.settings.get("", self.init_settings))
        choice.engine.lint(Reply(text=WARM_UP_TEXT))


def guarded(server: ReplylintServer, default: Callable[[], Any] = lambda: None) -> Callable[[F], F]:
    """Log a handler's exception and answer `default()` instead of failing."""

    def wrap(fn: F) -> F:
        if asyncio.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(params: Any) -> Any:
                try:
                    return await fn(params)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    server.log_exception(fn.__name__, exc)
                    return default()

            return run_async  # type: ignore[return-value]

        @functools.wraps(fn)
        def run(params: Any) -> Any:
            try:
                return fn(params)
            except Exception as exc:
                server.log_exception(fn.__name__, exc)
                return default()

        return run  # type: ignore[return-value]

    return wrap


def _full_report(
    items: list[types.Diagnostic], result_id: str | None = None
) -> types.RelatedFullDocumentDiagnosticReport:
    return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)


def create_server() -> ReplylintServer:
    server = ReplylintServer()

    @server.feature(types.INITIALIZE)
    @guarded(server)
    def initialize(params: types.InitializeParams) -> None:
        options = params.initialization_options
        server.update_options(options)
        if isinstance(options, Mapping):
            server.init_settings = clean_settings(
                settings_from_notification(options.get("settings"))
            )
        server.settings = {"": dict(server.init_settings)}
        server.update_folders()
        server.edit_support = EditSupport.from_capabilities(params.capabilities)
        formats = get_capability(params.capabilities, "text_document.hover.content_format", None)
        server.markdown_hover = formats is None or types.MarkupKind.Markdown in formats

    @server.feature(types.INITIALIZED)
    @guarded(server)
    async def initialized(params: types.InitializedParams) -> None:
        try:
            await server.pull_settings()
        except Exception as exc:
            server.log_exception("reading the replylint settings", exc)
        finally:
            server.scheduler.ready.set()
        loop = asyncio.get_running_loop()
        warm = loop.run_in_executor(server.lint_executor, server.warm_up)
        if get_capability(
            server.client_capabilities,
            "workspace.did_change_watched_files.dynamic_registration",
            False,
        ):
            try:
                await server.client_register_capability_async(
                    types.RegistrationParams(
                        registrations=[
                            types.Registration(
                                id="replylint-config-files",
                                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                                    watchers=[types.FileSystemWatcher(glob_pattern=CONFIG_GLOB)]
                                ),
                            )
                        ]
                    )
                )
            except Exception as exc:
                server.log_exception("registering config file watchers", exc)
        try:
            await warm
        except Exception as exc:
            server.log_exception("warming up", exc)
        for error in server.engines.default_engine().plugin_errors:
            server.log_once(f"replylint: {error}")

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @guarded(server)
    def did_open(params: types.DidOpenTextDocumentParams) -> None:
        doc = server.documents.open(params.text_document)
        server.scheduler.schedule(doc.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @guarded(server)
    def did_change(params: types.DidChangeTextDocumentParams) -> None:
        doc = server.documents.change(params, server.encoding)
        if doc is not None:
            server.scheduler.edited(doc.uri, server.options.debounce_ms / 1000)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @guarded(server)
    def did_close(params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        server.documents.close(uri)
        server.scheduler.close(uri)
        server.decisions.pop(uri, None)
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @guarded(server)
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        server._said.clear()
        if get_capability(server.client_capabilities, "workspace.configuration", False):
            await server.pull_settings()
        else:
            raw = settings_from_notification(params.settings)
            server.update_options(raw)
            server.settings = {"": {**server.init_settings, **clean_settings(raw)}}
        server.relint_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    @guarded(server)
    async def did_change_workspace_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        server.update_folders()
        await server.pull_settings()
        server.relint_all()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded(server)
    def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        server._said.clear()
        server.engines.invalidate()
        server.relint_all()

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier=DIAGNOSTIC_IDENTIFIER,
            inter_file_dependencies=False,
            workspace_diagnostics=False,
        ),
    )
    @guarded(server, default=lambda: _full_report([]))
    async def diagnostic(params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
        found = await server.current(params.text_document.uri)
        if found is None:
            return _full_report([])
        _, result = found
        result_id = f"{result.key[0]}.{result.key[1]}"
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        index = PositionIndex(result.outcome.text, server.encoding)
        return _full_report(to_diagnostics(result.outcome, index, result.key[0]), result_id)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    @guarded(server, default=list)
    async def code_action(params: types.CodeActionParams) -> list[types.CodeAction]:
        found = await server.current(params.text_document.uri)
        if found is None:
            return []
        request = server.action_request(*found)
        start, end = request.index.offsets(params.range)
        return code_actions(request, min(start, end), max(start, end), params.context)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(server)
    async def hover(params: types.HoverParams) -> types.Hover | None:
        found = await server.current(params.text_document.uri)
        if found is None:
            return None
        doc, result = found
        index = PositionIndex(result.outcome.text, server.encoding)
        return hover_for(
            server.engine_for(doc.uri).engine,
            result.outcome.findings,
            index,
            index.offset(params.position),
            server.markdown_hover,
        )

    register_commands(server)

    @server.feature(types.SHUTDOWN)
    @guarded(server)
    def shutdown(params: None) -> None:
        server.stopping = True
        server.scheduler.cancel_all()
        server.lint_executor.shutdown(wait=False, cancel_futures=True)

    return server


def plain(value: Any) -> Any:
    """Params of a custom request (pygls gives namedtuples) as dicts and lists."""
    if hasattr(value, "_asdict"):
        return {key: plain(item) for key, item in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def _uri_of(params: dict[str, Any]) -> str:
    document = params.get("textDocument")
    uri = document.get("uri") if isinstance(document, dict) else None
    if not isinstance(uri, str):
        raise ValueError("expected params.textDocument.uri")
    return uri


def register_commands(server: ReplylintServer) -> None:
    """The custom requests behind the editor commands (see each module's docstring)."""

    async def located(params: Any) -> tuple[dict[str, Any], OpenDocument, Result] | None:
        data = plain(params) or {}
        found = await server.current(_uri_of(data))
        return None if found is None else (data, *found)

    def offset_of(data: dict[str, Any], result: Result) -> int | None:
        position = data.get("position")
        if not isinstance(position, dict):
            return None
        index = PositionIndex(result.outcome.text, server.encoding)
        return index.offset(types.Position(position["line"], position["character"]))

    async def apply(planned: Planned) -> dict[str, Any]:
        if planned.edit is None:
            return {"applied": False, "description": planned.description}
        answer = await server.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=planned.edit, label=planned.description)
        )
        applied = bool(answer and answer.applied)
        return {
            "applied": applied,
            "description": planned.description,
            "edit": get_converter().unstructure(planned.edit),
            **({} if applied else {"reason": getattr(answer, "failure_reason", None)}),
        }

    @server.feature(STATUS_METHOD)
    @guarded(server)
    async def status(params: Any) -> dict[str, Any]:
        data = plain(params) or {}
        uri = _uri_of(data)
        found = await server.current(uri)
        if found is None:
            return {"uri": uri, "isReply": False, "reason": "the document is not open"}
        _, result = found
        decision = server.decisions.get(uri, Decision(False, "not linted yet"))
        return document_status(uri, decision, result.outcome)

    @server.feature(EXPLAIN_METHOD)
    @guarded(server, default=lambda: {"rules": []})
    async def explain(params: Any) -> dict[str, Any]:
        data = plain(params) or {}
        if isinstance(data.get("rule"), str):
            engine = server.engines.default_engine()
            if isinstance(data.get("textDocument"), dict):
                engine = server.engine_for(_uri_of(data)).engine
            found_rule = rule_explanation(engine, data["rule"])
            return {"rules": [found_rule] if found_rule else []}
        found = await located(params)
        if found is None:
            return {"rules": []}
        data, doc, result = found
        offset = offset_of(data, result)
        if offset is None:
            return {"rules": []}
        engine = server.engine_for(doc.uri).engine
        return {"rules": explain_at(engine, result.outcome.findings, offset)}

    @server.feature(DISABLE_METHOD)
    @guarded(server, default=lambda: {"applied": False, "description": "internal error"})
    async def disable(params: Any) -> dict[str, Any]:
        found = await located(params)
        if found is None:
            return {"applied": False, "description": "the document is not open"}
        data, doc, result = found
        request = server.action_request(doc, result)
        where = data.get("where", CONFIG)
        if data.get("what") == "file":
            return await apply(disable_file(request, where))
        rule = data.get("rule")
        if not isinstance(rule, str):
            offset = offset_of(data, result)
            at = (
                []
                if offset is None
                else explain_at(server.engine_for(doc.uri).engine, result.outcome.findings, offset)
            )
            if not at:
                return {"applied": False, "description": "no replylint finding under the cursor"}
            rule = at[0]["rule"]
        return await apply(disable_rule(request, rule, where))

    @server.feature(SET_CHANNEL_METHOD)
    @guarded(server, default=lambda: {"applied": False, "description": "internal error"})
    async def channel(params: Any) -> dict[str, Any]:
        found = await located(params)
        if found is None:
            return {"applied": False, "description": "the document is not open"}
        data, doc, result = found
        return await apply(set_channel(server.action_request(doc, result), data.get("channel")))

    @server.feature(LINT_WORKSPACE_METHOD)
    @guarded(server, default=lambda: {"files": 0, "findings": 0, "counts": {}})
    async def lint_workspace(params: Any) -> dict[str, Any]:
        open_paths = {doc.path.resolve() for doc in server.documents if doc.path is not None}
        roots = [p for f in server.folders if (p := uri_to_path(f)) is not None]

        def lint_file(path: Path, text: str) -> FileResult | None:
            uri = path_to_uri(path)
            kind = document_kind(path.name, "")
            decision = server.decide(uri, "", kind, text)
            if not decision.is_reply:
                return None
            choice = server.engine_for(uri)
            outcome = lint_text(
                choice.engine,
                text,
                kind,
                max_size=server.options.max_document_size,
                cache=server.reports,
            )
            return FileResult(path, decision, outcome)

        loop = asyncio.get_running_loop()
        results = await loop.run_in_executor(
            server.lint_executor,
            lint_folders,
            roots,
            lambda path: path.resolve() in open_paths,
            lint_file,
        )
        outcomes = []
        for found in results:
            uri = path_to_uri(found.path)
            index = PositionIndex(found.outcome.text, server.encoding)
            server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=uri, diagnostics=to_diagnostics(found.outcome, index, None)
                )
            )
            outcomes.append(found.outcome)
        # Open documents are linted already: count their current results too.
        for doc in list(server.documents):
            current = await server.current(doc.uri)
            decision = server.decisions.get(doc.uri)
            if current is not None and decision is not None and decision.is_reply:
                outcomes.append(current[1].outcome)
        return summary(outcomes)
