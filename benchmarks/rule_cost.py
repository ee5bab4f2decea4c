"""Per-rule cost: microseconds each rule's check spends per reply, in-process.

Every reply of the labeled corpora is analysed once (that cost is shared by all
rules and printed on its own line); then each rule's check runs over all the
analyses `--repeat` times and the fastest round counts (the others met a busy
machine). Compare a rule's figure before and after a change in the same session:

    python benchmarks/rule_cost.py                  # every built-in rule
    python benchmarks/rule_cost.py --select brevity,personal-tone --repeat 7
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from replylint.engine import Engine
from replylint.inputs.record import parse_record
from replylint.text.analysis import analyze

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FIELDS = ("id", "text", "channel", "incoming", "language", "agent", "brand", "customer",
          "saved_reply", "faq")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--select", default="", help="comma-separated rule names (default: all)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    replies = []
    for name in ("dev.jsonl", "dev2.jsonl"):
        for line in (args.corpus / name).read_text("utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                replies.append(parse_record({k: record[k] for k in FIELDS if k in record}))
    engine = Engine()
    selected = {s for s in args.select.split(",") if s}

    # One warm analysis per reply (pipelines loaded, caches filled), then a timed one.
    work = []
    for reply in replies:
        reply = engine.prepare(reply)
        language = engine.detect_language(reply)
        model = engine.config.model_for(language)
        analyze(reply, language, model, engine.language_data(language))
        work.append((reply, language, model))
    started = time.perf_counter()
    analyses = [
        (analyze(r, lang, model, engine.language_data(lang)), r.channel, lang)
        for r, lang, model in work
    ]
    analysis_us = (time.perf_counter() - started) / len(analyses) * 1e6

    print(f"replies: {len(analyses)}  load average: {os.getloadavg()[0]:.2f}")
    print(f"{'rule':<24}{'µs/reply':>10}")
    print(f"{'(analysis, shared)':<24}{analysis_us:>10.0f}")
    names = sorted({a.rule.name for ch in ("public", "private", "chat", "email")
                    for a in engine.active_rules(ch)})  # fmt: skip
    for name in names:
        if selected and name not in selected:
            continue
        plans = []
        for analysis, channel, language in analyses:
            for rule, ctx in engine._plan(channel, language):
                if rule.name == name:
                    plans.append((rule, ctx, analysis))
        rounds = []
        for _ in range(max(1, args.repeat)):
            started = time.perf_counter()
            for rule, ctx, analysis in plans:
                list(rule.check(analysis, ctx))
            rounds.append(time.perf_counter() - started)
        print(f"{name:<24}{min(rounds) / len(analyses) * 1e6:>10.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
