"""`check --jobs N`: lint units of work in N processes, results in input order.

N - 1 workers are started with the `spawn` method on every platform (no state
inherited by `fork`, no lock held by another thread copied into a child); each
builds its `Checker` once, in its initializer, then lints the units it is sent:
batches of document files it reads itself, or chunks of records the main process
read from a collection, so one JSONL of 10,000 replies is spread over all workers
too. The main process reads the input, lints whenever the workers have enough
queued, and writes the report.

Units are submitted a few at a time (a bounded window) and their results yielded in
submission order, so the output is the same as `--jobs 1`, byte for byte, and
memory stays flat however long the input is.

A small input is linted in-process: starting a worker (it imports spaCy and builds
its pipelines, ~1 s of CPU) costs more than it saves. With `--jobs N` given, that
is below `MIN_PARALLEL_REPLIES` replies (estimated from file sizes); with the
default (every core), below `AUTO_PARALLEL_REPLIES`, where measurements put the
break-even for short replies (1,000 one-reply files: 1.9 s in-process, 2.2 s with
a worker; 10,000 replies: 11.4 s in-process, 7.7 s with a worker, on 2 cores).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from replylint.checker import Checker, Linted, Unit
from replylint.config import ConfigError, ConfigLayer
from replylint.inputs import STDIN, InputError, is_document

MIN_PARALLEL_REPLIES = 200
AUTO_PARALLEL_REPLIES = 2000
# Rough bytes per record in a JSON / YAML collection, to estimate without parsing.
_BYTES_PER_RECORD = 400
# Units in flight per worker: enough to keep every worker busy, few enough to bound memory.
_WINDOW_PER_WORKER = 4


def plan_jobs(requested: int | None, estimated: int) -> int:
    """How many processes lint `estimated` replies when `--jobs requested` (None: default)."""
    if requested is None:
        return default_jobs() if estimated >= AUTO_PARALLEL_REPLIES else 1
    return requested if estimated >= MIN_PARALLEL_REPLIES else 1


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def estimate_replies(files: Iterable[str | InputError], stdin_text: str | None = None) -> int:
    """About how many replies `files` hold: 1 per document, lines per JSONL/CSV."""
    total = 0
    for path in files:
        if isinstance(path, InputError):
            continue
        if path == STDIN:
            total += (stdin_text or "").count("\n") + 1
        elif is_document(path):
            total += 1
        else:
            total += _estimate_collection(path)
    return total


def _estimate_collection(path: str) -> int:
    suffix = Path(path).suffix.lower()
    try:
        if suffix in (".jsonl", ".ndjson", ".csv"):
            lines = 0
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    lines += block.count(b"\n")
            return max(1, lines)
        return max(1, os.path.getsize(path) // _BYTES_PER_RECORD)
    except OSError:
        return 1


class WorkerError(RuntimeError):
    """A worker process died (killed, out of memory, crashed in native code)."""


# --- worker side ------------------------------------------------------------------

_worker_checker: Checker | None = None


def _init_worker(
    cli_layer: ConfigLayer | None, explicit_config: Path | None, defaults: dict[str, Any]
) -> None:
    global _worker_checker
    _worker_checker = Checker(
        cli_layer=cli_layer, explicit_config=explicit_config, defaults=defaults
    )


def _lint_unit(unit: Unit) -> list[Linted | InputError] | tuple[str, str, str]:
    assert _worker_checker is not None, "worker not initialised"
    try:
        return _worker_checker.lint_unit(unit)
    except ConfigError as exc:  # its constructor's arguments are not its args: no pickling
        return ("config-error", exc.source, str(exc))


# --- main side --------------------------------------------------------------------


def lint_units(
    checker: Checker, units: Iterable[Unit], jobs: int
) -> Iterator[list[Linted | InputError]]:
    """The results of each unit, in order, linted by `jobs` processes (1: this one only)."""
    if jobs <= 1:
        for unit in units:
            yield checker.lint_unit(unit)
        return
    yield from _pooled(checker, units, jobs)


def _pooled(
    checker: Checker, units: Iterable[Unit], jobs: int
) -> Iterator[list[Linted | InputError]]:
    """`jobs - 1` worker processes, and the main process lints too.

    The main process keeps each worker `_WINDOW_PER_WORKER` units ahead; when they
    are, it lints the next unit itself rather than wait. So `--jobs 2` starts one
    worker, not two: one spaCy start-up (~1 s of CPU, ~100 MB) less.
    """
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    executor = ProcessPoolExecutor(
        max_workers=jobs - 1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=checker.settings(),
    )
    # Submission order: futures (workers) and finished lists (the main process).
    window: deque[Future[Any] | list[Linted | InputError]] = deque()
    submitted = 0  # futures in the window
    limit = (jobs - 1) * _WINDOW_PER_WORKER

    def head() -> list[Linted | InputError]:
        nonlocal submitted
        first = window.popleft()
        if isinstance(first, list):
            return first
        submitted -= 1
        return _unpack(first.result())

    try:
        for unit in units:
            if submitted < limit:
                window.append(executor.submit(_lint_unit, unit))
                submitted += 1
            else:
                window.append(checker.lint_unit(unit))
            while window and (isinstance(window[0], list) or window[0].done()):
                yield head()
            if len(window) > 4 * limit:  # a slow unit at the head: wait for it
                yield head()
        while window:
            yield head()
    except BaseException as exc:
        for pending in window:
            if not isinstance(pending, list):
                pending.cancel()
        executor.shutdown(wait=False, cancel_futures=True)
        if isinstance(exc, BrokenProcessPool):
            raise WorkerError(f"a worker process died ({exc}); try --jobs 1") from None
        raise
    executor.shutdown(wait=True)


def _unpack(outcome: Any) -> list[Linted | InputError]:
    if isinstance(outcome, tuple) and outcome and outcome[0] == "config-error":
        error = ConfigError(outcome[1], "", "")
        error.args = (outcome[2],)
        raise error
    return list(outcome)
