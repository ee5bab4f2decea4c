#!/usr/bin/env python3
"""Per-reply throughput of replylint: only the ``brevity`` rule selected vs all rules.

The in-process API (``replylint.engine.Engine``) is not final yet, so this goes through
the CLI and subtracts start-up: for each selection it times

    replylint check --format json --fail-on never [--select brevity] replies-N.jsonl
    replylint check --format json --fail-on never [--select brevity] replies-1.jsonl

and derives the per-reply cost as (t_N - t_1) / (N - 1), i.e. replies/second without
interpreter start-up, plugin loading and pipeline construction. Raw wall times are printed
too. Runs of the four commands are interleaved so that drift on a busy machine hits them
alike; each figure is the median of ``--repeat`` runs.

Standard library only. Usage: ``python benchmarks/throughput.py [--replies 2000] [--json OUT]``.
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchlib import (
    DEFAULT_CACHE,
    DEFAULT_CORPUS,
    MEMORY_METHOD,
    child_env,
    count_replylint_results,
    cycle_records,
    find_replylint,
    load_corpus,
    machine_info,
    resolve_corpus,
    run_measured,
    write_jsonl,
)

MB = 1024 * 1024


@dataclass
class Case:
    """One command: a selection of rules on an input of ``replies`` replies."""

    selection: str  # "brevity" or "all rules"
    replies: int
    command: list[str]
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)  # user + system seconds
    peak_bytes: int = 0
    reported: int | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def median_cpu(self) -> float:
        return statistics.median(self.cpus)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="replylint replies/second, brevity only vs all rules (via the CLI)."
    )
    parser.add_argument(
        "--corpus",
        help=f"reply records (.jsonl) or a folder (default: {DEFAULT_CORPUS}, else examples/)",
    )
    parser.add_argument("--replies", type=int, default=2000, help="replies in the big input")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per command (median)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs per command first")
    parser.add_argument("--select", default="brevity", help="the narrow selection (brevity)")
    parser.add_argument("--jobs", type=int, default=1, help="replylint --jobs (default 1)")
    parser.add_argument("--replylint", help="replylint command (default: beside sys.executable)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="scratch folder")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write figures as JSON")
    parser.add_argument(
        "--reference",
        type=float,
        metavar="RATE",
        help="a recorded narrow-selection figure (net replies/s) to compare all rules with",
    )
    args = parser.parse_args(argv)
    if args.replies < 2 or args.repeat < 1 or args.warmup < 0:
        parser.error("--replies must be >= 2, --repeat >= 1, --warmup >= 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    base = find_replylint(args.replylint)
    if base is None:
        print("replylint not found beside sys.executable nor on PATH; use --replylint CMD")
        return 2
    corpus = resolve_corpus(args.corpus)
    records = load_corpus(corpus)
    if not records:
        print(f"no replies found in {corpus}")
        return 2

    work = args.cache.resolve() / "throughput"
    env = child_env(args.cache.resolve())
    big = work / f"replies-{args.replies}.jsonl"
    one = work / "replies-1.jsonl"
    write_jsonl(big, cycle_records(records, args.replies))
    write_jsonl(one, records[:1])

    common = [*base, "check", "--format", "json", "--fail-on", "never", "--jobs", str(args.jobs)]
    selections = {args.select: ["--select", args.select], "all rules": []}
    cases = [
        Case(name, n, [*common, *extra, str(path)])
        for name, extra in selections.items()
        for n, path in ((1, one), (args.replies, big))
    ]

    for round_ in range(args.warmup + args.repeat):
        counted = round_ >= args.warmup
        for i, case in enumerate(cases):
            result = run_measured(
                case.command,
                timeout_s=args.timeout,
                out_dir=work / "runs",
                tag=f"case{i}-{round_}",
                env=env,
            )
            if result.timed_out:
                print(f"timed out after {args.timeout:.0f} s: {shlex.join(case.command)}")
                return 1
            if result.returncode not in (0, 1):
                tail = result.stderr_tail() or "no message"
                print(f"exit {result.returncode}: {shlex.join(case.command)}: {tail}")
                return 1
            if counted:
                case.walls.append(result.wall_s)
                case.cpus.append(result.cpu_s)
                case.peak_bytes = max(case.peak_bytes, result.peak_rss_bytes)
                case.reported = count_replylint_results(result.stdout_path)

    print(f"replylint: {shlex.join(base)} (--jobs {args.jobs})")
    print(f"corpus: {corpus} ({len(records)} distinct replies), big input: {args.replies} replies")
    print(f"runs: {args.warmup} warm-up + {args.repeat} timed per command, interleaved")
    print()
    header = (
        f"{'selection':<12} {'1 reply s':>10} {f'{args.replies} replies s':>16} "
        f"{'raw replies/s':>14} {'net s/reply':>12} {'net replies/s':>14} "
        f"{'net CPU/reply':>14} {'peak MB':>8}"
    )
    print(header)
    print("-" * len(header))
    figures: dict[str, dict[str, object]] = {}
    for name in selections:
        small, large = (c for c in cases if c.selection == name)
        net = large.median - small.median
        per_reply = net / (large.replies - 1) if net > 0 else None
        net_cpu = large.median_cpu - small.median_cpu
        cpu_per_reply = net_cpu / (large.replies - 1) if net_cpu > 0 else None
        rate = 1.0 / per_reply if per_reply else None
        raw = large.replies / large.median
        peak = max(small.peak_bytes, large.peak_bytes) / MB
        print(
            f"{name:<12} {small.median:>10.3f} {large.median:>16.3f} {raw:>14,.0f} "
            f"{(f'{per_reply * 1000:.3f} ms' if per_reply else 'n/a'):>12} "
            f"{(f'{rate:,.0f}' if rate else 'n/a'):>14} "
            f"{(f'{cpu_per_reply * 1000:.3f} ms' if cpu_per_reply else 'n/a'):>14} {peak:>8.0f}"
        )
        figures[name] = {
            "wall_s_1_reply": small.median,
            "wall_s_n_replies": large.median,
            "wall_s_runs_1_reply": small.walls,
            "wall_s_runs_n_replies": large.walls,
            "raw_replies_per_s": raw,
            "net_s_per_reply": per_reply,
            "net_replies_per_s": rate,
            "cpu_s_1_reply": small.median_cpu,
            "cpu_s_n_replies": large.median_cpu,
            "net_cpu_s_per_reply": cpu_per_reply,
            "peak_rss_mb": peak,
            "results_reported": large.reported,
        }
        if large.reported != large.replies:
            seen = "no parsable JSON" if large.reported is None else f"{large.reported} results"
            print(f"  WARNING: {name}: replylint reported {seen}, expected {large.replies}")
    print()
    narrow = figures[args.select]["net_replies_per_s"]
    wide = figures["all rules"]["net_replies_per_s"]
    ratio = narrow / wide if isinstance(narrow, float) and isinstance(wide, float) else None
    if ratio is not None:
        print(f"ratio {args.select} / all rules (net replies/s): {ratio:.2f}x")
    else:
        print(f"ratio {args.select} / all rules: n/a (N-reply run not slower than 1-reply run)")
    narrow_cpu = figures[args.select]["net_cpu_s_per_reply"]
    wide_cpu = figures["all rules"]["net_cpu_s_per_reply"]
    cpu_ratio = (
        wide_cpu / narrow_cpu
        if isinstance(narrow_cpu, float) and isinstance(wide_cpu, float)
        else None
    )
    if cpu_ratio is not None:
        print(f"ratio all rules / {args.select} (net CPU per reply): {cpu_ratio:.2f}x")
    if args.reference and isinstance(wide, float):
        print(
            f"all rules against the recorded {args.select} figure of {args.reference:,.0f} "
            f"replies/s: {args.reference / wide:.2f}x"
        )
    print(
        "net = (wall(N replies) - wall(1 reply)) / (N - 1): start-up subtracted; "
        "raw = N / wall(N replies)."
    )
    print(f"peak MB: {MEMORY_METHOD}.")

    if args.json:
        payload = {
            "replylint": base,
            "jobs": args.jobs,
            "corpus": str(corpus),
            "replies": args.replies,
            "repeat": args.repeat,
            "warmup": args.warmup,
            "machine": machine_info(),
            "selections": figures,
            "ratio_net_replies_per_s": ratio,
            "ratio_net_cpu_per_reply": cpu_ratio,
            "reference_replies_per_s": args.reference,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
