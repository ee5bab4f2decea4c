"""`check --jobs N`: lint units of work in N processes, results in input order.

The main process reads the input, lints alongside N - 1 worker processes and
writes the report. Workers lint the units they are sent: batches of document files
they read themselves, or chunks of records the main process read from a
collection, so one JSONL of 10,000 replies is spread over all of them too.

Workers are started by `lint_units` itself, before the CLI starts the progress bar
or writes a byte, in one of two ways (`start_method`):

- fork (Linux): the main process lints the first unit (which builds the spaCy
  pipelines of the languages seen, the phrase tables, langdetect's profiles),
  collects and freezes its objects (`gc.freeze`: no collector ever writes to them,
  so their pages stay shared) and forks. A worker lints from its first instant,
  instead of spending ~1 s of CPU importing spaCy and building pipelines, and no
  resource-tracker process is needed. Forking is safe at that point: no other
  Python thread exists (checked; else spawn), the only native thread is OpenBLAS's
  (numpy, imported by spaCy), which has fork handlers; stdout and stderr are
  flushed first (a child flushes its copies when it exits) and no report is open;
  a child only lints what it is sent and returns it through its pipe.
- spawn (elsewhere, or `REPLYLINT_START_METHOD=spawn`): nothing inherited; each
  worker builds its own `Checker`. They are started before the main process lints
  its first unit, so their start-up overlaps it.

Units are submitted a few at a time (a bounded window) and their results yielded in
submission order, so the output is the same as `--jobs 1`, byte for byte, and
memory stays flat however long the input is. Pickling units and results costs
the main process ~0.1 s per 10,000 replies (measured): not worth a leaner format.

A small input is linted in-process. With `--jobs N` given, that is below
`MIN_PARALLEL_REPLIES` replies (estimated from file sizes); with the default
(every core), below `AUTO_PARALLEL_REPLIES`: see that constant for the figures.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from replylint.checker import Checker, Linted, Unit
from replylint.config import ConfigError, ConfigLayer
from replylint.inputs import STDIN, InputError, is_document

MIN_PARALLEL_REPLIES = 200
# Measured with forked workers on 2 cores (critical path: the main process's CPU
# time, or the fork instant plus the worker's, whichever is longer; the machine was
# shared, so wall times were not usable), --jobs 2 against --jobs 1, same session:
# 300 one-reply files 1.19 s vs 1.13 s; 1,000 files 1.52 vs 1.74; JSONL 1,000
# replies 1.18 vs 1.25, 2,000: 1.26 vs 1.36, 5,000: 1.54 vs 1.93, 10,000: 4.4 vs
# 7.3. Below ~1,000 replies the serial part (start-up ~0.8 s, first unit, the
# pipelines each process builds for a language first seen after the fork) eats
# the gain, and the second process still costs ~70-130 MB.
AUTO_PARALLEL_REPLIES = 1000
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


# --- how workers start ------------------------------------------------------------

START_METHOD_VARIABLE = "REPLYLINT_START_METHOD"


def start_method() -> str:
    """`fork` where it is safe and available, else `spawn`.

    By default fork only on Linux and while no other Python thread runs.
    `REPLYLINT_START_METHOD=fork|spawn` overrides that (tests, troubleshooting),
    except that fork is never used where the platform lacks it.
    """
    import multiprocessing

    forced = os.environ.get(START_METHOD_VARIABLE, "").strip().lower()
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if forced == "spawn" or not can_fork:
        return "spawn"
    if forced == "fork":
        return "fork"
    # Linux only: macOS system libraries are not fork-safe (hence Python's spawn
    # default there), and only where no other Python thread exists to hold a lock
    # (the progress bar's refresh thread, the executor's own threads) when we fork.
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


# --- worker side ------------------------------------------------------------------

_worker_checker: Checker | None = None


def _init_worker(
    cli_layer: ConfigLayer | None, explicit_config: Path | None, defaults: dict[str, Any]
) -> None:
    """Spawned worker: build a checker (imports spaCy, builds pipelines: ~1 s CPU)."""
    global _worker_checker
    _worker_checker = Checker(
        cli_layer=cli_layer, explicit_config=explicit_config, defaults=defaults
    )


def _adopt_checker(checker: Checker) -> None:
    """Forked worker: the parent's checker, already warm, shared copy-on-write."""
    global _worker_checker
    _worker_checker = checker


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
    """The results of each unit, in order, linted by `jobs` processes (1: this one only).

    With `jobs` > 1 the workers are started by this call, not when iteration
    begins: call it before anything starts a thread (the progress bar) or writes
    output, so the workers can be forked (see `start_method`).
    """
    if jobs <= 1:
        return (checker.lint_unit(unit) for unit in units)
    return _Batches(_Pool(checker, iter(units), jobs))


class _Batches(Iterator[list["Linted | InputError"]]):
    """A pool's results; `close()` stops its workers even before the first result
    is asked for (when the report cannot be opened, say)."""

    def __init__(self, pool: _Pool) -> None:
        self._pool = pool
        self._results = pool.results()

    def __next__(self) -> list[Linted | InputError]:
        return next(self._results)

    def close(self) -> None:
        self._results.close()
        self._pool.abort()


class _Pool:
    """`jobs - 1` worker processes, and the main process lints too.

    The main process keeps each worker `_WINDOW_PER_WORKER` units ahead; when they
    are, it lints the next unit itself rather than wait. So `--jobs 2` starts one
    worker, not two: one process less to start, one copy of the pipelines less.

    fork: the main process lints the first unit (building the pipelines for the
    languages seen, the phrase tables, langdetect's profiles), freezes the objects
    it has (`gc.freeze`: the collector of either process never writes to them, so
    their pages stay shared) and forks; a worker lints from its first instant.
    spawn: the workers are started first, so their start-up overlaps the main
    process's first unit.
    """

    def __init__(self, checker: Checker, units: Iterator[Unit], jobs: int) -> None:
        import multiprocessing
        from concurrent.futures import Future, ProcessPoolExecutor

        self.checker = checker
        self.units = units
        self.workers = jobs - 1
        self.limit = self.workers * _WINDOW_PER_WORKER
        # Submission order: futures (workers) and finished lists (the main process).
        self.window: deque[Future[Any] | list[Linted | InputError]] = deque()
        self.submitted = 0  # futures in the window
        self.method = start_method()
        if self.method == "fork":
            first = next(units, None)
            if first is not None:
                self.window.append(checker.lint_unit(first))
            # Nothing buffered for a child to write again when it exits.
            sys.stdout.flush()
            sys.stderr.flush()
            gc.collect()
            gc.freeze()
            self.executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_adopt_checker,
                initargs=(checker,),
            )
        else:
            self.executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=checker.settings(),
            )
        try:
            # The first submission starts (forks) every worker, before this call returns.
            self._fill()
        except BaseException:
            self.abort()
            raise

    def _fill(self) -> None:
        """Submit units until the workers' window is full (or the input ends)."""
        while self.submitted < self.limit:
            unit = next(self.units, None)
            if unit is None:
                return
            self.window.append(self.executor.submit(_lint_unit, unit))
            self.submitted += 1

    def _head(self) -> list[Linted | InputError]:
        first = self.window.popleft()
        if isinstance(first, list):
            return first
        self.submitted -= 1
        return _unpack(first.result())

    def abort(self) -> None:
        for pending in self.window:
            if not isinstance(pending, list):
                pending.cancel()
        self.executor.shutdown(wait=False, cancel_futures=True)

    def results(self) -> Iterator[list[Linted | InputError]]:
        from concurrent.futures.process import BrokenProcessPool

        window, checker, limit = self.window, self.checker, self.limit
        try:
            for unit in self.units:
                if self.submitted < limit:
                    window.append(self.executor.submit(_lint_unit, unit))
                    self.submitted += 1
                else:
                    window.append(checker.lint_unit(unit))
                while window and (isinstance(window[0], list) or window[0].done()):
                    yield self._head()
                if len(window) > 4 * limit:  # a slow unit at the head: wait for it
                    yield self._head()
            while window:
                yield self._head()
        except BaseException as exc:
            self.abort()
            if isinstance(exc, BrokenProcessPool):
                raise WorkerError(f"a worker process died ({exc}); try --jobs 1") from None
            raise
        self.executor.shutdown(wait=True)


def _unpack(outcome: Any) -> list[Linted | InputError]:
    if isinstance(outcome, tuple) and outcome and outcome[0] == "config-error":
        error = ConfigError(outcome[1], "", "")
        error.args = (outcome[2],)
        raise error
    return list(outcome)
