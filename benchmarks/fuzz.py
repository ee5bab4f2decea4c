#!/usr/bin/env python3
"""Fuzz every door: N generated inputs per door, the crashes found, the seconds taken.

The generators and the per-door verdicts are the property tests' own
(`tests/doors/fuzz_doors.py`): hostile Unicode (lone surrogates, controls,
zero-width and right-to-left characters), 1 MB strings, deep nesting and wrong types
in every field, fed in-process to `parse_record` (single and collection modes),
`replylint check` on collection files, reply documents with front matter, the hook's
stdin, the HTTP `/v1/check` and `/v1/check/batch` routes (ASGI) and the language
server's linting function. A crash is any broken promise: a traceback, a 500, a
position outside the text, a valid record not linted beside a bad one. Each crash is
printed (first three per door) and the run exits 1 if any door had one.

Unlike the test suite, nothing is shrunk and nothing stops at the first crash: every
input is counted. Needs the test extra (hypothesis, httpx).

Usage: ``python benchmarks/fuzz.py [--inputs 10000] [--door NAME] [--seed N]``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hypothesis import HealthCheck, given, seed, settings

from doors.fuzz_doors import DOORS


def fuzz(door_name: str, inputs: int, random_seed: int) -> tuple[int, list[str], float]:
    """(inputs tried, crashes, seconds) for one door (by name: it runs in a worker)."""
    door = next(d for d in DOORS if d.name == door_name)
    tried = 0
    crashes: list[str] = []

    @seed(random_seed)
    @settings(
        max_examples=inputs,
        deadline=None,
        database=None,
        phases=["generate"],  # no shrinking: count every input as it came
        suppress_health_check=list(HealthCheck),
    )
    @given(door.inputs)
    def run(value: Any) -> None:
        nonlocal tried
        tried += 1
        crashes.extend(door.run(value))

    started = time.perf_counter()
    run()
    return tried, crashes, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000, help="inputs per door (10000)")
    parser.add_argument("--door", action="append", help="only doors whose name starts so")
    parser.add_argument("--seed", type=int, default=16, help="random seed (16)")
    parser.add_argument("--jobs", type=int, default=1, help="doors fuzzed at once (processes)")
    args = parser.parse_args()
    doors = [d for d in DOORS if not args.door or any(d.name.startswith(p) for p in args.door)]
    print(f"fuzz: {args.inputs:,} inputs per door, seed {args.seed}, load {os.getloadavg()[0]:.2f}")
    print(f"{'door':<28} {'inputs':>8} {'crashes':>8} {'seconds':>9}")
    total = 0
    with concurrent.futures.ProcessPoolExecutor(args.jobs) as pool:
        runs = [pool.submit(fuzz, door.name, args.inputs, args.seed) for door in doors]
        for door, run in zip(doors, runs, strict=True):
            tried, crashes, seconds = run.result()
            total += len(crashes)
            print(f"{door.name:<28} {tried:>8,} {len(crashes):>8} {seconds:>9.1f}", flush=True)
            for crash in crashes[:3]:
                print("    " + crash.strip().replace("\n", "\n    "), flush=True)
    print(f"total crashes: {total}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
