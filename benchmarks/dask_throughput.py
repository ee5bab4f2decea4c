"""Replies per second for `replylint check` with --jobs 1, --jobs 2 and --dask local.

    python benchmarks/dask_throughput.py [--replies 200000] [--corpus FILE]

Writes one JSONL archive of N replies (the labeled corpus repeated, ids made unique),
then times each way of linting it as a whole process (start-up, the cluster's start
included; the result cache off, so every way lints every reply), side by side in one run, and prints a table. All three produce the same
report (checked: the JSON outputs are compared byte for byte).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import (
    cycle_records,
    find_replylint,
    load_corpus,
    machine_info,
    resolve_corpus,
    run_measured,
    write_jsonl,
)

WAYS = (
    ("--jobs 1", ["--jobs", "1"]),
    ("--jobs 2", ["--jobs", "2"]),
    ("--dask local", ["--dask", "local"]),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=200_000)
    parser.add_argument("--corpus")
    parser.add_argument("--replylint")
    args = parser.parse_args()
    replylint = find_replylint(args.replylint)
    if replylint is None:
        raise SystemExit("replylint not found")
    records = load_corpus(resolve_corpus(args.corpus))
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        archive = work / "archive.jsonl"
        write_jsonl(archive, cycle_records(records, args.replies))
        print(f"{args.replies:,} replies, {archive.stat().st_size / 1e6:.0f} MB; {machine_info()}")
        print(f"{'way':<14} {'wall s':>8} {'replies/s':>10} {'peak MB':>8}  output")
        digests = set()
        for label, flags in WAYS:
            command = [*replylint, "check", str(archive), "--format", "json", "--fail-on", "never"]
            result = run_measured(
                [*command, *flags, "--no-progress", "--no-cache"],  # lint every time
                timeout_s=3600,
                out_dir=work,
                tag=label.replace(" ", "").replace("-", ""),
            )
            output = result.stdout_path.read_bytes()
            digest = hashlib.sha256(output).hexdigest()[:12]
            digests.add(digest)
            rate = args.replies / result.wall_s if result.wall_s else 0.0
            peak = result.peak_rss_bytes / 1e6
            print(f"{label:<14} {result.wall_s:>8.1f} {rate:>10,.0f} {peak:>8.0f}  {digest}")
        print("outputs identical" if len(digests) == 1 else "OUTPUTS DIFFER")
    return 0 if len(digests) == 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
