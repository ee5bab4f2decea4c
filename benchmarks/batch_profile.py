#!/usr/bin/env python3
"""Time and profile `replylint check` on the two benchmark shapes, CPU time included.

Shapes (built from the labeled corpus, repeated as needed, as in peers.py):
``files`` = N one-reply ``.txt`` files; ``jsonl`` = one JSONL of M replies.

    python benchmarks/batch_profile.py                 # wall + CPU per shape and --jobs
    python benchmarks/batch_profile.py --profile jsonl # cProfile of one in-process run
    python benchmarks/batch_profile.py --startup       # what a process pays before linting

CPU time (user + system of the process and its workers) is reported beside wall
time because on a shared machine wall time mostly measures the neighbours.
Standard library only.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

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


def timed(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (process tree) and peak RSS (KB, largest process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {proc.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss


def bench(shapes: dict[str, Path], jobs: list[int], repeat: int) -> None:
    print(f"{'shape':<8} {'jobs':>4} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}")
    for name, path in shapes.items():
        for j in jobs:
            command = [sys.executable, "-m", "replylint", "check", "--format", "json",
                       "--fail-on", "never", "--no-progress", "--jobs", str(j), str(path)]  # fmt: skip
            timed(command)  # warm-up: file cache, lemma cache
            runs = [timed(command) for _ in range(repeat)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            peak = max(r[2] for r in runs) / 1024
            print(f"{name:<8} {j:>4} {wall:>8.2f} {cpu:>8.2f} {peak:>8.0f}", flush=True)


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
    from replylint.nlp import _import_spacy

    _import_spacy()
    steps.append(("import spacy (as replylint does)", cpu() - t))
    from replylint.engine import Engine
    from replylint.model import Reply
    from replylint.nlp import pipeline

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--replies", type=int, default=10000)
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "replylint-bench")
    parser.add_argument("--profile", choices=("files", "jsonl"))
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--startup", action="store_true")
    args = parser.parse_args()
    if args.startup:
        startup()
        return 0
    shapes = build(args.work, args.files, args.replies, args.corpus)
    if args.profile:
        profile(shapes[args.profile], args.top)
        return 0
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    bench(shapes, [int(j) for j in args.jobs.split(",")], args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
