"""Per-reply cost in steady state, step by step: language choice, analysis, each rule.

    python benchmarks/per_rule.py [--repeat 5] [--corpus DIR]

Lints every labeled reply of dev.jsonl and dev2.jsonl once to warm up (pipelines,
phrase matchers, lemma tables), then times each step of `Engine.lint` separately over
all replies, `--repeat` times, and prints the median µs per reply of each step, the
sum, and the whole `Engine.lint` call measured on its own (the two should agree).
Rules are timed on the same analysis, so their cost is theirs alone.

Below the table, the layers under the rules, each also in µs per reply (averaged over
every reply, so a step only some replies need counts at its share): spaCy's
tokenizer alone, replylint's annotator (lemmas and sentence starts), the incoming
message made into a doc (tokenizer + annotator), and every `PhraseTable.find` call
the rules make (replayed on the same docs and tables).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from replylint.engine import Engine
from replylint.inputs.record import RECORD_FIELDS, parse_record
from replylint.model import Reply
from replylint.text.analysis import analyze, tokenizable

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def load_replies(corpus: Path) -> list[Reply]:
    replies = []
    for name in ("dev.jsonl", "dev2.jsonl"):
        for line in (corpus / name).read_text("utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                replies.append(parse_record({k: record[k] for k in RECORD_FIELDS if k in record}))
    return replies


def per_reply_us(step: Callable[[], object], count: int, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        step()
        runs.append((time.perf_counter() - started) / count * 1e6)
    return statistics.median(runs)


def layers(
    engine: Engine, replies: list[Reply], choices: list[Any], repeat: int
) -> list[tuple[str, float]]:
    """µs per reply of the tokenizer, the annotator, the incoming doc and phrase finds."""
    from replylint.text import phrases
    from replylint.text.nlp import pipeline, process

    n = len(replies)
    nlps = [pipeline(c.language, engine.config.model_for(c.language)) for c in choices]
    texts = [tokenizable(r.text) for r in replies]
    made = [nlp.make_doc(text) for nlp, text in zip(nlps, texts, strict=True)]
    annotators = [nlp.pipeline[-1][1] for nlp in nlps]
    incoming = [
        (nlp, tokenizable(r.incoming)) for nlp, r in zip(nlps, replies, strict=True) if r.incoming
    ]
    finds: list[tuple[Any, Any]] = []  # (table, doc) of every call the rules make
    real_find = phrases.PhraseTable.find

    def recording(table: Any, doc: Any) -> Any:
        finds.append((table, doc))
        return real_find(table, doc)

    phrases.PhraseTable.find = recording  # type: ignore[method-assign]
    try:
        for reply in replies:
            engine.lint(reply)
    finally:
        phrases.PhraseTable.find = real_find  # type: ignore[method-assign]
    return [
        (
            "tokenizer (make_doc)",
            per_reply_us(
                lambda: [nlp.make_doc(t) for nlp, t in zip(nlps, texts, strict=True)], n, repeat
            ),
        ),
        (
            "annotator",
            per_reply_us(lambda: [a(d) for a, d in zip(annotators, made, strict=True)], n, repeat),
        ),
        ("incoming message doc", per_reply_us(lambda: [process(*i) for i in incoming], n, repeat)),
        (
            f"PhraseTable.find ({len(finds) / n:.1f}/reply)",
            per_reply_us(lambda: [t.find(d) for t, d in finds], n, repeat),
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    engine = Engine()
    replies = [engine.prepare(r) for r in load_replies(args.corpus)]
    for reply in replies:  # warm-up: every pipeline, matcher and table built
        engine.lint(reply)
    n = len(replies)
    choices = [engine.language_choice(r) for r in replies]
    analyses = [
        analyze(
            r, c.language, engine.config.model_for(c.language), engine.language_data(c.language)
        )
        for r, c in zip(replies, choices, strict=True)
    ]
    plans = [engine._plan(r.channel, c.language) for r, c in zip(replies, choices, strict=True)]
    rows: list[tuple[str, float]] = []
    rows.append(
        (
            "language choice",
            per_reply_us(lambda: [engine.language_choice(r) for r in replies], n, args.repeat),
        )
    )
    rows.append(
        (
            "analysis (tokens, parts)",
            per_reply_us(
                lambda: [
                    analyze(
                        r,
                        c.language,
                        engine.config.model_for(c.language),
                        engine.language_data(c.language),
                    )
                    for r, c in zip(replies, choices, strict=True)
                ],
                n,
                args.repeat,
            ),
        )
    )
    for name in engine.rules:

        def run_rule(name: str = name) -> None:
            for analysis, plan in zip(analyses, plans, strict=True):
                for rule, ctx in plan:
                    if rule.name == name:
                        list(rule.check(analysis, ctx))

        rows.append((name, per_reply_us(run_rule, n, args.repeat)))
    whole = per_reply_us(lambda: [engine.lint(r) for r in replies], n, args.repeat)
    report = (
        per_reply_us(lambda: [engine.lint(r).to_dict() for r in replies], n, args.repeat) - whole
    )
    print(f"{n} replies (dev.jsonl + dev2.jsonl), median of {args.repeat} runs, µs per reply")
    print(f"{'step':<28} {'µs':>8}")
    for label, value in rows:
        print(f"{label:<28} {value:>8.1f}")
    print(f"{'sum of the steps':<28} {sum(v for _, v in rows):>8.1f}")
    print(f"{'Engine.lint, whole':<28} {whole:>8.1f}")
    print(f"{'report to_dict':<28} {report:>8.1f}")
    print("\nlayers under the rules (included in the steps above)")
    for label, value in layers(engine, replies, choices, args.repeat):
        print(f"{label:<28} {value:>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
