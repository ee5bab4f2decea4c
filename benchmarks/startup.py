#!/usr/bin/env python3
"""Start-up and result-cache figures, each beside proselint's in the same run.

Rows (whole-process wall time, median of ``--repeat`` interleaved runs after one
untimed warm-up run of each command, which also fills the bytecode caches):

- replylint ``--version``, ``--help``, ``rules``, ``explain brevity``: the commands
  that lint nothing (target <= 0.2 s), beside ``proselint --help``;
- ``check`` of one small reply file with ``--no-cache`` (target <= 0.7 s), beside
  ``proselint check`` of the same file;
- ``check`` of 1,000 reply files (the ``peers.py`` files shape) with ``--no-cache``,
  and again with a warm result cache, beside ``proselint check`` of the same folder
  (target: the warm rerun >= 10x proselint's speed).

The load average before and after is printed: the figures are only comparable within
one run. CPU time (user + system of the child) is printed beside the wall time, with the
warm-cache ratio in CPU time too: on a busy machine wall time grows with the other load
and CPU time much less. proselint is installed by ``peers.py`` (reused from ``--cache``).
Usage: ``python benchmarks/startup.py [--repeat 5] [--files 1000] [--jobs 1]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from benchlib import (
    DEFAULT_CACHE,
    child_env,
    find_replylint,
    load_corpus,
    resolve_corpus,
    run_measured,
)
from peers import build_files_shape, install_proselint

SMALL_REPLY = "Hi Sam, thanks for waiting. Your refund went out today.\n\nBest,\nAlex\n"
START_TARGET_S = 0.2
LINT_ONE_TARGET_S = 0.7
WARM_CACHE_SPEEDUP = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--jobs", default="1", help="replylint --jobs for the 1,000-file rows")
    parser.add_argument("--corpus")
    parser.add_argument("--replylint")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()

    replylint = find_replylint(args.replylint)
    if replylint is None:
        sys.exit("replylint not found (run with the venv's python or give --replylint)")
    proselint = install_proselint(args.cache, 600, True).command
    env = child_env(args.cache)
    work = Path(tempfile.mkdtemp(prefix="replylint-startup-"))
    one = work / "one.txt"
    one.write_text(SMALL_REPLY, encoding="utf-8")
    records = load_corpus(resolve_corpus(args.corpus))
    folder = build_files_shape(records, args.files, work / "inputs").replylint_path
    result_cache = work / "result-cache"
    jobs = ["--jobs", args.jobs]
    check = [*replylint, "check", "--format", "json", "--fail-on", "never"]

    commands: dict[str, list[str]] = {
        "replylint --version": [*replylint, "--version"],
        "replylint --help": [*replylint, "--help"],
        "replylint rules": [*replylint, "rules"],
        "replylint explain brevity": [*replylint, "explain", "brevity"],
        "replylint check 1 file (no cache)": [*check, "--no-cache", str(one)],
        f"replylint check {args.files} files (no cache)": [
            *check,
            *jobs,
            "--no-cache",
            str(folder),
        ],
        f"replylint check {args.files} files (warm cache)": [
            *check,
            *jobs,
            "--cache-dir",
            str(result_cache),
            str(folder),
        ],
    }
    if proselint:
        commands["proselint --help"] = [proselint[0], "--help"]
        commands["proselint check 1 file"] = [*proselint, str(one)]
        commands[f"proselint check {args.files} files"] = [*proselint, str(folder)]

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(args.repeat + 1):  # round 0: warm-up (bytecode, result cache)
        for name, cmd in commands.items():
            run = run_measured(
                cmd,
                timeout_s=args.timeout,
                out_dir=work / "runs",
                tag=f"{len(walls[name])}-{name.replace(' ', '_')}",
                env=env,
                measure_memory=False,
            )
            if run.returncode not in (0, 1) and "--help" not in name:
                sys.exit(f"{name} failed ({run.returncode}): {run.stderr_tail()}")
            if round_:
                walls[name].append(run.wall_s)
                cpus[name].append(run.cpu_s)
    median = {name: statistics.median(values) for name, values in walls.items()}
    median_cpu = {name: statistics.median(values) for name, values in cpus.items()}
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'command':<44} {'median s':>9} {'CPU s':>7}  runs (wall s)")
    for name, values in walls.items():
        print(
            f"{name:<44} {median[name]:>9.3f} {median_cpu[name]:>7.3f}"
            f"  {' '.join(f'{v:.2f}' for v in values)}"
        )

    print("\ntargets:")
    ref = median.get("proselint --help")
    for name in ("--version", "--help", "rules", "explain brevity"):
        ours = median[f"replylint {name}"]
        ratio = f" ({ours / ref:.2f}x proselint --help)" if ref else ""
        verdict = "PASS" if ours <= START_TARGET_S else "FAIL"
        print(f"  {verdict} replylint {name} <= {START_TARGET_S} s: {ours:.3f} s{ratio}")
    ours = median["replylint check 1 file (no cache)"]
    theirs = median.get("proselint check 1 file")
    ratio = f" (proselint: {theirs:.3f} s)" if theirs else ""
    verdict = "PASS" if ours <= LINT_ONE_TARGET_S else "FAIL"
    print(f"  {verdict} lint one small file <= {LINT_ONE_TARGET_S} s: {ours:.3f} s{ratio}")
    theirs = median.get(f"proselint check {args.files} files")
    if theirs:
        warm = median[f"replylint check {args.files} files (warm cache)"]
        cold = median[f"replylint check {args.files} files (no cache)"]
        speedup = theirs / warm
        verdict = "PASS" if speedup >= WARM_CACHE_SPEEDUP else "FAIL"
        theirs_cpu = median_cpu[f"proselint check {args.files} files"]
        warm_cpu = median_cpu[f"replylint check {args.files} files (warm cache)"]
        print(
            f"  {verdict} warm-cache rerun of {args.files} files >= {WARM_CACHE_SPEEDUP:g}x"
            f" proselint: {speedup:.1f}x ({warm:.3f} s vs {theirs:.3f} s;"
            f" without the cache {theirs / cold:.2f}x)"
        )
        print(
            f"       in CPU time: {theirs_cpu / warm_cpu:.1f}x"
            f" ({warm_cpu:.3f} s vs {theirs_cpu:.3f} s)"
        )
    else:
        print("  n/a: proselint unavailable")
    return 0


if __name__ == "__main__":
    sys.exit(main())
