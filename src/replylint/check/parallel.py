"""`check --jobs N`: lint units of work in N processes, results in input order.

The main process reads the input, lints alongside N - 1 worker processes and
writes the report. Workers lint the units they are sent: batches of document files
they read themselves, or chunks of records the main process read from a
collection, so one JSONL of 10,000 replies is spread over all of them too.

Workers are started by `lint_units` itself, before the CLI starts the progress bar
or writes a byte, in one of two ways (`start_method`):

- fork (Linux): the main process lints the first unit, and one reply of each other
  language the workers' first window holds (which builds the spaCy pipelines of
  the languages seen, the phrase tables, the language detector's models),
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
import itertools
import os
import sys
import threading
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from replylint.check.checker import Checker, Linted, Unit
from replylint.config import ConfigError, ConfigLayer
from replylint.inputs.files import STDIN, InputError, is_document
from replylint.startup import paused_collector

if TYPE_CHECKING:
    from concurrent.futures import Future

MIN_PARALLEL_REPLIES = 200
# Measured with forked workers on 2 cores (critical path: the main process's CPU
# time, or the fork instant plus the worker's, whichever is longer; the machine was
# shared, so wall times were not usable), --jobs 2 against --jobs 1, same session:
# 300 one-reply files 1.19 s vs 1.13 s; 1,000 files 1.52 vs 1.74; JSONL 1,000
# replies 1.18 vs 1.25, 2,000: 1.26 vs 1.36, 5,000: 1.54 vs 1.93, 10,000: 4.4 vs
# 7.3. Below ~1,000 replies the serial part (start-up ~0.8 s, first unit, the
# pipelines each process builds for a language first seen after the fork) eats
# the gain, and the second process still costs ~70-130 MB. Measured again in
# session 11 (same method, min of 3 alternated, load 3-6): --jobs 2 vs 1, 500
# files 0.97 vs 1.08 s, 1,000 files 1.03 vs 1.25; JSONL 1,000 replies 1.36 vs
# 1.44, 2,000: 1.45 vs 1.79, 5,000: 2.09 vs 3.05, 10,000: 3.71 vs 4.95 (the two
# processes then spend 6.1 s of CPU to 4.95: each lints ~15-20% slower while
# the other runs). Records per unit 64, 128 or 256 made no difference beyond
# noise on 10,000 replies (critical path 3.3-3.8 s each).
AUTO_PARALLEL_REPLIES = 1000
# Rough bytes per record in a JSON / YAML collection, to estimate without parsing.
_BYTES_PER_RECORD = 400
# Replies in flight per worker: enough work queued to keep a worker busy while the
# main process is held up (building a pipeline for a language first met takes
# ~0.2 s, as long as ~300 replies), few enough to bound memory. Counted in
# replies, not units: a unit of documents holds 16 replies, one of records 128, and
# four document units (the old window) drained before the main process was back,
# leaving the worker idle.
_WINDOW_REPLIES_PER_WORKER = 512


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


# --- who lints a unit ---------------------------------------------------------------

_NEVER = 1 << 62


class _Claims:
    """Which units a worker may still start, shared by all processes of a pool.

    Units are numbered in input order. A worker starts unit `n` only if the main
    process has not taken it back; the main process takes back only a unit that
    no worker has started, nor any unit after it (workers start units in order).
    Two integers under one lock: the first unit taken back, and one past the
    last unit started. A future cannot do this: cancelling one that is still
    queued in `ProcessPoolExecutor` races with a worker dying (Python 3.11
    raises `InvalidStateError` in the executor's thread).
    """

    def __init__(self, context: Any) -> None:
        self._shared = context.Array("q", [_NEVER, 0])

    def start(self, number: int) -> bool:
        """Worker: may unit `number` be linted here?"""
        shared = self._shared
        with shared.get_lock():
            if number >= shared[0]:
                return False
            shared[1] = max(shared[1], number + 1)
            return True

    @property
    def started(self) -> int:
        """Units workers have started (one past the last one's number)."""
        with self._shared.get_lock():
            return int(self._shared[1])

    def take_back(self, number: int) -> bool:
        """Main process: unit `number` is ours, unless a worker has started it (or a later one)."""
        shared = self._shared
        with shared.get_lock():
            if number < shared[1]:
                return False
            shared[0] = min(shared[0], number)
            return True


# --- worker side ------------------------------------------------------------------

_worker_checker: Checker | None = None
_worker_claims: _Claims | None = None
_TAKEN_BACK = ("taken-back",)


def _init_worker(
    claims: _Claims,
    cli_layer: ConfigLayer | None,
    explicit_config: Path | None,
    defaults: dict[str, Any],
) -> None:
    """Spawned worker: build a checker (imports spaCy, builds pipelines: ~1 s CPU)."""
    global _worker_checker, _worker_claims
    _worker_claims = claims
    _worker_checker = Checker(
        cli_layer=cli_layer, explicit_config=explicit_config, defaults=defaults
    )


def _adopt_checker(claims: _Claims, checker: Checker) -> None:
    """Forked worker: the parent's checker, already warm, shared copy-on-write."""
    global _worker_checker, _worker_claims
    _worker_claims = claims
    _worker_checker = checker


def _lint_unit(number: int, unit: Unit) -> list[Linted | InputError] | tuple[str, ...]:
    assert _worker_checker is not None and _worker_claims is not None, "worker not initialised"
    if not _worker_claims.start(number):
        return _TAKEN_BACK  # the main process lints it
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
        return _lint_serially(checker, iter(units))
    return _Batches(_Pool(checker, iter(units), jobs))


def _lint_serially(checker: Checker, units: Iterator[Unit]) -> Iterator[list[Linted | InputError]]:
    first = next(units, None)
    if first is None:
        return
    with paused_collector():  # builds pipelines, phrase tables, detectors: see startup.py
        linted = checker.lint_unit(first)
    yield linted
    for unit in units:
        yield checker.lint_unit(unit)


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


class _Slot:
    """One unit of the window: sent to a worker (`future`) and/or linted here (`result`)."""

    __slots__ = ("future", "number", "result", "unit")

    def __init__(self, number: int, unit: Unit) -> None:
        self.number = number
        self.unit = unit
        self.future: Future[Any] | None = None
        self.result: list[Linted | InputError] | None = None

    def done(self) -> bool:
        return self.result is not None or (self.future is not None and self.future.done())


class _Pool:
    """`jobs - 1` worker processes, and the main process lints too.

    The main process keeps each worker `_WINDOW_REPLIES_PER_WORKER` replies ahead;
    when they are, it lints the next unit itself rather than wait. So `--jobs 2`
    starts one worker, not two: one process less to start, one copy of the
    pipelines less. Once the input is all read, the main process takes back the
    units no worker has started, last first (see `_Claims`), and lints them
    itself, so all processes finish together however large the window was.

    fork: the main process lints the first unit (building the pipelines for the
    languages seen, the phrase tables, the language detector's models), freezes the objects
    it has (`gc.freeze`: the collector of either process never writes to them, so
    their pages stay shared) and forks; a worker lints from its first instant.
    spawn: the workers are started first, so their start-up overlaps the main
    process's first unit.
    """

    def __init__(self, checker: Checker, units: Iterator[Unit], jobs: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.checker = checker
        self.units = units
        self.workers = jobs - 1
        self.limit = self.workers * _WINDOW_REPLIES_PER_WORKER
        self.window: deque[_Slot] = deque()  # in input order
        self.numbered = 0  # units so far
        self.submitted = 0  # replies in the window sent to workers
        self.held = 0  # replies in the whole window
        self.method = start_method()
        context = multiprocessing.get_context(self.method)
        self.claims = _Claims(context)
        if self.method == "fork":
            first = next(units, None)
            if first is not None:
                with paused_collector():  # see startup.py
                    self._lint_here(first)
                    self.units = self._warm_for_what_follows(first, units)
            # Nothing buffered for a child to write again when it exits.
            sys.stdout.flush()
            sys.stderr.flush()
            gc.collect()
            gc.freeze()
            self.executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_adopt_checker,
                initargs=(self.claims, checker),
            )
        else:
            self.executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=context,
                initializer=_init_worker,
                initargs=(self.claims, *checker.settings()),
            )
        try:
            # The first submission starts (forks) every worker, before this call returns.
            self._fill()
        except BaseException:
            self.abort()
            raise

    def _warm_for_what_follows(self, first: Unit, units: Iterator[Unit]) -> Iterator[Unit]:
        """Before the fork: read the units the workers' window takes first and lint
        here one reply of each language they hold that `first` did not, so that
        language's pipeline and tables are built once and shared, not once per
        process after the fork (a JSONL whose first French reply is its 200th built
        the French pipeline twice). The units to lint, those read here first.

        Skipped when every reply of `first` came from the result cache: a warm rerun
        builds nothing it does not need."""
        checker = self.checker
        if checker.fresh_lints == 0:
            return units
        ahead: list[Unit] = []
        replies = 0
        while replies < self.limit:
            unit = next(units, None)
            if unit is None:
                break
            ahead.append(unit)
            replies += unit.size
        done = {
            (id(checker.engine_for(linted.path)), linted.language)
            for linted in self.window[0].result or ()
            if isinstance(linted, Linted)
        }
        checker.warm_languages(ahead, done)
        return itertools.chain(ahead, units)

    def _fill(self) -> None:
        """Submit units until the workers' window is full (or the input ends)."""
        while self.submitted < self.limit:
            unit = next(self.units, None)
            if unit is None:
                return
            self._submit(unit)

    def _slot(self, unit: Unit) -> _Slot:
        slot = _Slot(self.numbered, unit)
        self.numbered += 1
        self.window.append(slot)
        self.held += unit.size
        return slot

    def _submit(self, unit: Unit) -> None:
        slot = self._slot(unit)
        slot.future = self.executor.submit(_lint_unit, slot.number, unit)
        self.submitted += unit.size

    def _lint_here(self, unit: Unit) -> None:
        self._slot(unit).result = self.checker.lint_unit(unit)

    def _take_back(self) -> bool:
        """Lint here the last unit no worker has started; False when there is none."""
        for slot in reversed(self.window):
            if slot.result is not None:
                continue
            if not self.claims.take_back(slot.number):
                return False  # started, and so is every unit before it
            self.submitted -= slot.unit.size
            slot.result = self.checker.lint_unit(slot.unit)
            return True
        return False

    def _head(self) -> list[Linted | InputError]:
        slot = self.window.popleft()
        self.held -= slot.unit.size
        if slot.result is not None:
            return slot.result  # linted here (a worker that got it skips it)
        assert slot.future is not None
        self.submitted -= slot.unit.size
        return _unpack(slot.future.result())

    def abort(self) -> None:
        for slot in self.window:
            if slot.future is not None:
                slot.future.cancel()
        self.executor.shutdown(wait=False, cancel_futures=True)

    def results(self) -> Generator[list[Linted | InputError], None, None]:
        from concurrent.futures.process import BrokenProcessPool

        window, limit = self.window, self.limit
        try:
            for unit in self.units:
                if self.submitted < limit:
                    self._submit(unit)
                else:
                    self._lint_here(unit)
                while window and window[0].done():
                    yield self._head()
                if self.held > 4 * limit:  # a slow unit at the head: wait for it
                    yield self._head()
            while window:
                if not window[0].done() and self._take_back():
                    continue
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
