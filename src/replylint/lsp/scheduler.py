"""When to lint: at once after a pause, coalesced in bursts, never publishing stale results.

Adaptive debounce: an edit that arrives `debounce` or more after the previous one
(the writer paused) is linted at once, so a hint follows a typed word by the lint's
own time only. An edit that arrives sooner is part of a burst (fast typing, a
paste, a multi-cursor change): its lint waits until `debounce` has passed without
another edit, so a burst costs one lint, not one per keystroke.

A result is identified by (document version, settings generation). Edits bump the
version; config or settings changes bump the generation. A result whose key is
no longer current when it arrives is dropped (the newer lint will publish), so a
slow lint of version 3 can never overwrite the diagnostics of version 4. Pull
requests, code actions and hovers share the same results: a lint running for the
current key is awaited rather than started twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass

from replylint.lsp.linting import LintOutcome, Stale
from replylint.lsp.open_documents import DocumentStore, OpenDocument

Key = tuple[int, int]  # (document version, settings generation)


@dataclass(frozen=True)
class Snapshot:
    """What a lint thread needs; immutable so the document can change meanwhile."""

    uri: str
    version: int
    generation: int
    text: str
    language_id: str
    name: str

    @property
    def key(self) -> Key:
        return (self.version, self.generation)


@dataclass(frozen=True)
class Result:
    key: Key
    outcome: LintOutcome


class LintScheduler:
    def __init__(
        self,
        documents: DocumentStore,
        executor: Executor,
        lint: Callable[[Snapshot, Callable[[], bool]], LintOutcome],
        publish: Callable[[Snapshot, LintOutcome], None],
        on_error: Callable[[str, BaseException], None],
    ) -> None:
        self.documents = documents
        self.executor = executor
        self._lint = lint
        self._publish = publish
        self._on_error = on_error
        self.generation = 0
        # Set once the initial settings are in, so the first lint uses them.
        self.ready = asyncio.Event()
        self.ready_timeout = 5.0
        self._pending: dict[str, asyncio.Task[None]] = {}
        self._results: dict[str, Result] = {}
        self._inflight: dict[str, tuple[Key, asyncio.Future[LintOutcome]]] = {}
        self._published: dict[str, Key] = {}
        self._last_edit: dict[str, float] = {}
        self.clock: Callable[[], float] = time.monotonic

    # --- keys ----------------------------------------------------------------

    def snapshot(self, doc: OpenDocument) -> Snapshot:
        return Snapshot(doc.uri, doc.version, self.generation, doc.text, doc.language_id, doc.name)

    def is_current(self, uri: str, key: Key) -> bool:
        doc = self.documents.get(uri)
        return doc is not None and (doc.version, self.generation) == key

    def invalidate(self) -> None:
        """Settings or config changed: every result is out of date."""
        self.generation += 1

    # --- scheduling ----------------------------------------------------------

    def edited(self, uri: str, debounce: float) -> None:
        """`uri` changed: lint at once after a pause, after `debounce` of quiet in a burst."""
        now = self.clock()
        last = self._last_edit.get(uri)
        self._last_edit[uri] = now
        in_burst = last is not None and now - last < debounce
        self.schedule(uri, debounce if in_burst else 0)

    def schedule(self, uri: str, delay: float) -> None:
        """Lint `uri` after `delay` seconds of quiet, then publish if still current."""
        pending = self._pending.pop(uri, None)
        if pending is not None and not pending.done():
            pending.cancel()
        task = asyncio.get_running_loop().create_task(self._debounced(uri, delay))
        self._pending[uri] = task
        task.add_done_callback(functools.partial(self._forget_task, uri))

    def _forget_task(self, uri: str, task: asyncio.Task[None]) -> None:
        if self._pending.get(uri) is task:
            del self._pending[uri]

    async def _debounced(self, uri: str, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        doc = self.documents.get(uri)
        if doc is None:
            return
        try:
            result = await asyncio.shield(self.result(doc))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self._on_error(f"linting {uri} failed", exc)
            return
        if result is None or not self.is_current(uri, result.key):
            return  # a newer version is on its way
        if self._published.get(uri) == result.key:
            return
        self._published[uri] = result.key
        self._publish(self._snapshot_for(uri, result), result.outcome)

    def _snapshot_for(self, uri: str, result: Result) -> Snapshot:
        doc = self.documents.get(uri)
        assert doc is not None
        return Snapshot(
            uri, result.key[0], result.key[1], result.outcome.text, doc.language_id, doc.name
        )

    # --- results -------------------------------------------------------------

    def latest(self, uri: str) -> Result | None:
        return self._results.get(uri)

    async def result(self, doc: OpenDocument) -> Result | None:
        """The lint result for the document as it is now (linting it if needed)."""
        if not self.ready.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.ready.wait(), self.ready_timeout)
        snap = self.snapshot(doc)
        stored = self._results.get(doc.uri)
        if stored is not None and stored.key == snap.key:
            return stored
        inflight = self._inflight.get(doc.uri)
        if inflight is not None and inflight[0] == snap.key:
            try:
                outcome = await asyncio.shield(inflight[1])
            except Stale:
                return None
        else:
            loop = asyncio.get_running_loop()
            future = loop.run_in_executor(
                self.executor, self._lint, snap, lambda: not self.is_current(snap.uri, snap.key)
            )
            self._inflight[doc.uri] = (snap.key, future)
            try:
                outcome = await asyncio.shield(future)
            except Stale:
                return None  # changed meanwhile; whoever asked will ask again
            finally:
                if self._inflight.get(doc.uri, (None, None))[1] is future:
                    del self._inflight[doc.uri]
        result = Result(snap.key, outcome)
        if self.is_current(doc.uri, snap.key):
            self._results[doc.uri] = result
        return result

    async def current_result(self, doc: OpenDocument, attempts: int = 5) -> Result | None:
        """Like `result`, but retried while the document keeps changing under it."""
        result = None
        for _ in range(attempts):
            if self.documents.get(doc.uri) is not doc:
                return None  # closed
            result = await self.result(doc)
            if result is not None and self.is_current(doc.uri, result.key):
                return result
        return result

    def close(self, uri: str) -> None:
        pending = self._pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self._results.pop(uri, None)
        self._published.pop(uri, None)
        self._last_edit.pop(uri, None)

    def cancel_all(self) -> None:
        for task in list(self._pending.values()):
            task.cancel()
        self._pending.clear()
