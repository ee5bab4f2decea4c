"""Write every finding on the labeled corpora and the rule fixtures, one JSON line a reply.

Run before and after a change that must not alter findings (a refactor, a speed-up)
and compare the two files byte for byte:

    python benchmarks/findings_snapshot.py > before.jsonl
    ... change ...
    python benchmarks/findings_snapshot.py > after.jsonl && cmp before.jsonl after.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from replylint.api import lint_record
from replylint.inputs.record import RECORD_FIELDS

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def labeled_records(corpus: Path) -> list[tuple[str, dict]]:
    out = []
    for name in ("dev.jsonl", "dev2.jsonl"):
        path = corpus / name
        if not path.is_file():
            continue
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                out.append((f"{name}:{record['id']}", record))
    return out


def fixture_records() -> list[tuple[str, dict]]:
    out = []
    for path in sorted((ROOT / "tests" / "fixtures").glob("*/*.yaml")):
        for case in yaml.safe_load(path.read_text("utf-8")) or []:
            out.append((f"{path.parent.name}/{path.name}:{case['name']}", case["record"]))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the labeled corpus folder")
    args = parser.parse_args()
    if not (args.corpus / "dev.jsonl").is_file():
        parser.error(f"no dev.jsonl in {args.corpus}")
    for key, record in labeled_records(args.corpus) + fixture_records():
        fields = {k: v for k, v in record.items() if k in RECORD_FIELDS}
        report = lint_record(fields)
        line = {"key": key, **report.to_dict()}
        sys.stdout.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
