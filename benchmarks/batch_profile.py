#!/usr/bin/env python3
"""Time and profile `replylint check` on the two benchmark shapes, CPU time included.

Shapes (built from the labeled corpus, repeated as needed, as in peers.py):
``files`` = N one-reply ``.txt`` files; ``jsonl`` = one JSONL of M replies.

    python benchmarks/batch_profile.py                 # wall + CPU per shape and --jobs
    python benchmarks/batch_profile.py --profile jsonl # cProfile of one in-process run
    python benchmarks/batch_profile.py --startup       # what a process pays before linting
    python benchmarks/batch_profile.py --memory        # what a linting process holds
    python benchmarks/batch_profile.py --jobs 1,2,2:spawn  # worker start method (fork default)

CPU time (user + system of the process and its workers) is reported beside wall
time because on a shared machine wall time mostly measures the neighbours; the
load average is printed before each row. Peak MB is measured as peers.py does
(benchlib: sum of RSS over the process tree, polled), so pages a forked worker
shares with the main process count twice, as they do in `ps`. Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import resource
import statistics
import sys
import tempfile
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import run_measured

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "dev.jsonl"
FIELDS = ("id", "text", "channel", "incoming", "language", "agent", "brand", "customer",
          "saved_reply", "faq")  # fmt: skip


def records(n: int, corpus: Path) -> list[dict[str, object]]:
    base = []
    for line in corpus.read_text("utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            base.append({k: data[k] for k in FIELDS if k in data})
    out = []
    for i in range(n):
        record = dict(base[i % len(base)])
        record["id"] = f"{record.get('id', i)}~{i // len(base)}"
        out.append(record)
    return out


def build(work: Path, files: int, replies: int, corpus: Path) -> dict[str, Path]:
    folder = work / f"files-{files}"
    if not folder.exists():
        folder.mkdir(parents=True)
        for i, record in enumerate(records(files, corpus)):
            (folder / f"reply-{i + 1:04d}.txt").write_text(f"{record['text']}\n", "utf-8")
    jsonl = work / f"replies-{replies}.jsonl"
    if not jsonl.exists():
        jsonl.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(replies, corpus)),
            "utf-8",
        )
    return {"files": folder, "jsonl": jsonl}


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (bytes) of the whole process tree."""
    with tempfile.TemporaryDirectory() as scratch:
        result = run_measured(command, timeout_s=1800, out_dir=Path(scratch), tag="run", env=env)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed: {result.stderr_tail(500)}")
    return result.wall_s, result.cpu_s, result.peak_rss_bytes


def bench(shapes: dict[str, Path], jobs: list[str], repeat: int) -> None:
    """`jobs`: "N" or "N:fork" / "N:spawn" (REPLYLINT_START_METHOD for the workers)."""
    print(f"{'shape':<8} {'jobs':>8} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'load':>5}")
    for name, path in shapes.items():
        for spec in jobs:
            count, _, method = spec.partition(":")
            env = dict(os.environ)
            env.pop("REPLYLINT_START_METHOD", None)
            if method:
                env["REPLYLINT_START_METHOD"] = method
            command = [sys.executable, "-m", "replylint", "check", "--format", "json",
                       "--fail-on", "never", "--no-progress", "--jobs", count, str(path)]  # fmt: skip
            load = os.getloadavg()[0]
            timed(command, env)  # warm-up: file cache, lemma cache
            runs = [timed(command, env) for _ in range(repeat)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            peak = max(r[2] for r in runs) / 2**20
            print(
                f"{name:<8} {spec:>8} {wall:>8.2f} {cpu:>8.2f} {peak:>8.0f} {load:>5.1f}",
                flush=True,
            )


def profile(path: Path, top: int) -> None:
    from replylint.cli import main

    profiler = cProfile.Profile()
    with redirect_stdout(io.StringIO()):
        profiler.runcall(main, ["check", "--format", "json", "--jobs", "1", str(path)])
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats("replylint", top)
    stats.sort_stats("tottime").print_stats(top)


def startup() -> None:
    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    steps = []
    t = cpu()
    from replylint.text.nlp import _import_spacy

    _import_spacy()
    steps.append(("import spacy (as replylint does)", cpu() - t))
    from replylint.engine import Engine
    from replylint.model import Reply
    from replylint.text.nlp import pipeline

    t = cpu()
    engine = Engine()
    steps.append(("plugins + Engine()", cpu() - t))
    for lang in ("en", "fr"):
        t = cpu()
        pipeline(lang)
        steps.append((f"pipeline({lang!r})", cpu() - t))
    t = cpu()
    engine.lint(Reply("Thanks for reaching out, the parcel ships today. – Marie"))
    engine.lint(Reply("Merci pour votre message, le colis part aujourd'hui. – Marie"))
    steps.append(("first lint en + fr (phrase tables)", cpu() - t))
    for name, seconds in steps:
        print(f"{name:<36} {seconds:6.3f} s CPU")


def memory(path: Path, top: int) -> None:
    """RSS after each start-up step and after linting `path`, and where the Python
    objects a linting process holds were allocated (tracemalloc, by file)."""
    import tracemalloc

    def rss() -> str:
        fields = {}
        with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "RssAnon", "RssFile"):
                    fields[key] = int(value.split()[0]) // 1024
        return "  ".join(f"{k} {v:>4} MB" for k, v in fields.items())

    tracemalloc.start()
    from replylint.text.nlp import _import_spacy, pipeline

    _import_spacy()
    print(f"{'import spacy':<28} {rss()}")
    from replylint.check.checker import Checker

    checker = Checker()
    files = checker.prepare([str(path)])
    print(f"{'Engine()':<28} {rss()}")
    before = tracemalloc.take_snapshot()
    for lang in ("en", "fr"):
        pipeline(lang)
    print(f"{'pipelines en + fr':<28} {rss()}")
    for stat in tracemalloc.take_snapshot().compare_to(before, "filename")[:3]:
        print(f"    {stat}")
    for unit in checker.units(files):
        checker.lint_unit(unit)
    print(f"{'linted ' + path.name:<28} {rss()}")
    print(f"Python allocations held (tracemalloc, top {top} files):")
    for stat in tracemalloc.take_snapshot().statistics("filename")[:top]:
        print(f"    {stat}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--replies", type=int, default=10000)
    parser.add_argument("--jobs", default="1,2", help="e.g. 1,2 or 1,2:fork,2:spawn")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "replylint-bench"
    )
    parser.add_argument("--profile", choices=("files", "jsonl"))
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--startup", action="store_true")
    parser.add_argument("--memory", choices=("files", "jsonl"), help="memory breakdown")
    args = parser.parse_args()
    if args.startup:
        startup()
        return 0
    shapes = build(args.work, args.files, args.replies, args.corpus)
    if args.profile:
        profile(shapes[args.profile], args.top)
        return 0
    if args.memory:
        memory(shapes[args.memory], args.top)
        return 0
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    bench(shapes, args.jobs.split(","), args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
