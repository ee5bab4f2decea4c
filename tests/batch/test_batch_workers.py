"""`--jobs`: forked and spawned workers give the `--jobs 1` output; when fork is used."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from batch_support import Runner, write_jsonl

from cli_support import run_in_terminal
from replylint.check.checker import Checker, Linted, Unit
from replylint.check.parallel import START_METHOD_VARIABLE, WorkerError, lint_units, start_method
from replylint.inputs.files import InputError

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


def records(n: int) -> list[dict[str, object]]:
    texts = [
        "Hi Ana, kindly check the tracking link, your parcel ships today. – Marie",
        "Bonjour, merci pour votre message, le colis part aujourd'hui. – Marie",
        "Per our policy we cannot refund this order. Sorry! 🙂",
        "Hello, could you send me your order number in a private message? – Sam",
    ]
    return [{"id": f"r{i}", "text": texts[i % len(texts)]} for i in range(n)]


def flatten(batches: list[list[Linted | InputError]]) -> list[dict[str, object]]:
    return [item.to_dict() for batch in batches for item in batch]


@pytest.mark.parametrize("method", [pytest.param("fork", marks=needs_fork), "spawn"])
def test_each_start_method_equals_jobs_1(tmp_path: Path, run: Runner, method: str) -> None:
    (tmp_path / "doc.txt").write_text("Kindly wait.\n– Marie\n", encoding="utf-8")
    path = write_jsonl(tmp_path / "replies.jsonl", records(600))
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{broken\n")
    args = ("check", ".", "--format", "json", "--fail-on", "never")
    one = run(*args, "--jobs", "1", cwd=tmp_path)
    two = run(*args, "--jobs", "2", cwd=tmp_path, env={START_METHOD_VARIABLE: method})
    assert one.returncode == two.returncode == 2, one.stderr + two.stderr
    assert one.stdout == two.stdout
    data = json.loads(two.stdout)
    assert data["summary"]["replies"] == 601
    assert [r["id"] for r in data["results"] if r["path"] == "replies.jsonl"] == [
        f"r{i}" for i in range(600)
    ]


@pytest.mark.parametrize("method", [pytest.param("fork", marks=needs_fork), "spawn"])
@pytest.mark.parametrize("count", [0, 5, 300])
def test_lint_units_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str, count: int
) -> None:
    """No unit, one unit (linted by the main process before the fork), many units."""
    monkeypatch.setenv(START_METHOD_VARIABLE, method)
    path = write_jsonl(tmp_path / "r.jsonl", records(count)) if count else tmp_path / "r.jsonl"
    if not count:
        path.write_text("\n\n", encoding="utf-8")
    checker = Checker()
    files = checker.prepare([str(path)])
    expected = flatten(list(lint_units(checker, checker.units(files, records_per_unit=16), 1)))
    got = flatten(list(lint_units(checker, checker.units(files, records_per_unit=16), 2)))
    assert got == expected
    assert len(got) == count


def test_start_method_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(START_METHOD_VARIABLE, "spawn")
    assert start_method() == "spawn"
    monkeypatch.delenv(START_METHOD_VARIABLE)
    if sys.platform.startswith("linux"):
        if threading.active_count() == 1:
            assert start_method() == "fork"
        # Another thread running (it could hold a lock): never fork.
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait)
        thread.start()
        try:
            assert start_method() == "spawn"
            monkeypatch.setenv(START_METHOD_VARIABLE, "fork")
            assert start_method() == "fork"  # asked for explicitly
        finally:
            stop.set()
            thread.join()
    else:
        assert start_method() == "spawn"


@needs_fork
def test_a_killed_worker_is_an_error_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker dies in the middle of a unit: that unit's results are lost, so the
    run fails (units it had not started are linted by the main process instead)."""
    monkeypatch.setenv(START_METHOD_VARIABLE, "fork")
    path = write_jsonl(tmp_path / "r.jsonl", records(400))
    checker = Checker()
    files = checker.prepare([str(path)])
    main = os.getpid()
    lint_unit = Checker.lint_unit

    def stalls_in_the_worker(self: Checker, unit: Unit) -> list[Linted | InputError]:
        if os.getpid() != main:
            time.sleep(60)  # killed long before
        return lint_unit(self, unit)

    monkeypatch.setattr(Checker, "lint_unit", stalls_in_the_worker)
    batches = lint_units(checker, checker.units(files, records_per_unit=8), 2)
    import multiprocessing

    (worker,) = multiprocessing.active_children()
    claims = batches._pool.claims  # type: ignore[attr-defined]
    waited = time.monotonic()
    while not claims.started and time.monotonic() - waited < 30:
        time.sleep(0.01)  # until the worker is inside a unit
    os.kill(worker.pid, signal.SIGKILL)
    with pytest.raises(WorkerError):
        list(batches)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_jobs_2_with_the_progress_bar(tmp_path: Path, run: Runner) -> None:
    """The bar's refresh thread starts after the workers: forking stays safe, output whole."""
    write_jsonl(tmp_path / "r.jsonl", records(600))
    args = ("check", "r.jsonl", "--format", "json")
    screen = run_in_terminal(*args, "--jobs", "2", "--output", "out.json", cwd=tmp_path).stdout
    assert "replies" in screen
    one = run(*args, "--jobs", "1", cwd=tmp_path)
    assert (tmp_path / "out.json").read_text("utf-8") == one.stdout


def test_workers_stop_when_the_report_cannot_be_opened(tmp_path: Path, run: Runner) -> None:
    """`--output` under a file (no folder can be made there): a clear error, and no worker keeps the
    process alive until its queued units are done."""
    write_jsonl(tmp_path / "replies.jsonl", records(3000))
    result = run(
        "check", "replies.jsonl", "--jobs", "2", "--output", "replies.jsonl/report.json",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "cannot write replies.jsonl/report.json" in result.stderr
    assert "Traceback" not in result.stderr


class _HeldWorkerChecker:
    """Stands in for a Checker: each result names the process that linted the unit.
    The worker is held inside its first unit until the main process lints `doc199`,
    the last unit, which it only does by taking back a unit the worker never started."""

    fresh_lints = 0  # as if served by the result cache: no language warm-up before the fork

    def __init__(self) -> None:
        import multiprocessing

        self.main = os.getpid()
        self.released = multiprocessing.get_context("fork").Event()

    def lint_unit(self, unit: Unit) -> list[tuple[int, str]]:
        if os.getpid() != self.main:
            self.released.wait(timeout=60)  # a safety net: the main process releases it
        elif "doc199" in unit.documents:
            self.released.set()
        return [(os.getpid(), path) for path in unit.documents]


@needs_fork
def test_main_process_takes_back_units_no_worker_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Once the input is read, the tail the worker has not started is linted here:
    results stay in input order and the worker is not left with the whole window."""
    monkeypatch.setenv(START_METHOD_VARIABLE, "fork")
    checker = _HeldWorkerChecker()
    units = [Unit(documents=(f"doc{i}",)) for i in range(200)]
    results = [item for batch in lint_units(checker, iter(units), 2) for item in batch]  # type: ignore[arg-type]
    assert [path for _, path in results] == [f"doc{i}" for i in range(200)]
    by_main = [i for i, (pid, _) in enumerate(results) if pid == checker.main]
    # The window (512 replies) holds every unit, so without taking back the worker
    # would lint them all (and, held until doc199 is linted here, never finish).
    assert 199 in by_main


def test_warm_languages_lints_one_reply_per_language_not_yet_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before a fork: of two English and two French replies (English already seen),
    only the first French one is linted; nothing is kept from it."""
    texts = [
        "Hello Ana, your parcel ships today. – Marie",
        "Bonjour Ana, votre colis part aujourd'hui, merci de votre patience. – Marie",
        "Hi Ben, the refund is on its way. – Sam",
        "Merci Ben, le remboursement est en route vers votre compte. – Sam",
    ]
    path = write_jsonl(
        tmp_path / "r.jsonl", [{"id": f"r{i}", "text": t} for i, t in enumerate(texts)]
    )
    checker = Checker()
    files = checker.prepare([str(path)])
    linted: list[str] = []
    lint_item = checker.lint_item
    monkeypatch.setattr(
        checker,
        "lint_item",
        lambda engine, item: linted.append(item.reply.id) or lint_item(engine, item),
    )
    engine = checker.engine_for(str(path))
    checker.warm_languages(checker.units(files), {(id(engine), "en")})
    assert linted == ["r1"]


def test_warm_languages_stops_reading_once_every_language_is_warm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """English and French warm after the second of five documents: the other three
    are neither read nor linted before the fork."""
    texts = [
        "Hello Ana, your parcel ships today. – Marie",
        "Bonjour Ana, votre colis part aujourd'hui, merci de votre patience. – Marie",
        "Hi Ben, the refund is on its way. – Sam",
        "Merci Ben, le remboursement est en route vers votre compte. – Sam",
        "Hello Cy, the courier comes on Monday. – Sam",
    ]
    for i, text in enumerate(texts):
        (tmp_path / f"d{i}.txt").write_text(text + "\n", encoding="utf-8")
    checker = Checker()
    files = checker.prepare([str(tmp_path)])
    assert checker.engines[0].languages == ("en", "fr")  # the built-in configuration
    read: list[str] = []
    import replylint.check.checker as checker_module

    read_items = checker_module.read_items
    monkeypatch.setattr(
        checker_module,
        "read_items",
        lambda path, *args: read.append(Path(path).name) or read_items(path, *args),
    )
    checker.warm_languages(checker.units(files), set())
    assert read == ["d0.txt", "d1.txt"]
