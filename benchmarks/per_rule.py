"""Per-reply cost in steady state, step by step: language choice, analysis, each rule.

    python benchmarks/per_rule.py [--repeat 5] [--corpus DIR]

Lints every labeled reply of dev.jsonl and dev2.jsonl once to warm up (pipelines,
phrase matchers, lemma tables, spaCy's lexemes), then, `--repeat` times, does what
`Engine.lint` does step by step and prints the median µs per reply of each step:

- `language choice`: `Engine.language_choice` of every reply.
- `analysis`: `analyze` (tokenizer, annotator, salutation, sign-off, links) on a
  fresh analysis, with none of its lazily computed parts.
- one row per rule, column `in lint`: the rule run on those fresh analyses in plan
  order, as `Engine.lint` runs it. A rule is charged the analysis parts it is the
  first to ask for (word lists, sentences, the incoming message's doc, ...): the
  sum of the rows is what a lint costs.
- column `alone`: the same rule on analyses whose lazy parts are already filled,
  i.e. the rule's own cost only. The `lazy analysis work` row is the difference of
  the two columns' sums: the part of a lint spent computing shared analysis parts.
- `sum of the steps` against `Engine.lint, whole` measured on its own: the
  difference is the engine's bookkeeping (plan, check filter, sort, Report).
- `report to_dict`: `Report.to_dict()` of every lint's report; `report JSON`: that
  and its text as `--format json` writes it.

Below the table, the layers under the rules, each also in µs per reply (averaged over
every reply, so a step only some replies need counts at its share): spaCy's
tokenizer alone, replylint's annotator (lemmas and sentence starts), the incoming
message made into a doc (tokenizer + annotator), and every phrase table call the
rules make (`find`, `find_on_demand` with the lists the rule read, `lists_in_reach`,
replayed on the same docs and tables: their spaCy phrase-matcher runs and the sorting
out of matches; the docs' token offsets are already worked out). They are included in
the rows above (the tokenizer and annotator in `analysis`, the others in the rules).
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
from replylint.formats import indented_json
from replylint.inputs.record import RECORD_FIELDS, parse_record
from replylint.model import Reply
from replylint.text.analysis import Analysis, analyze, tokenizable

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


def rule_runs(analyses: list[Analysis], plans: list[Any]) -> dict[str, float]:
    """Seconds each rule takes over every analysis, rules run in plan order."""
    spent: dict[str, float] = {}
    clock = time.perf_counter
    for analysis, plan in zip(analyses, plans, strict=True):
        for rule, ctx in plan:
            started = clock()
            list(rule.check(analysis, ctx))
            spent[rule.name] = spent.get(rule.name, 0.0) + clock() - started
    return spent


def layers(
    engine: Engine, replies: list[Reply], choices: list[Any], repeat: int
) -> list[tuple[str, float]]:
    """µs per reply of the tokenizer, the annotator, the incoming doc and phrase tables."""
    from replylint.text.nlp import pipeline, process
    from replylint.text.shared_phrases import USER_DATA_PREFIX

    n = len(replies)
    nlps = [pipeline(c.language, engine.config.model_for(c.language)) for c in choices]
    texts = [tokenizable(r.text) for r in replies]
    made = [nlp.make_doc(text) for nlp, text in zip(nlps, texts, strict=True)]
    annotators = [nlp.pipeline[-1][1] for nlp in nlps]
    incoming = [
        (nlp, tokenizable(r.incoming)) for nlp, r in zip(nlps, replies, strict=True) if r.incoming
    ]
    calls = _phrase_table_calls(engine, replies)
    # The docs keep the matches of the pass shared by several tables: dropped before
    # each replay, so the first table to read a doc runs the pass again.
    shares = [
        (doc.user_data, key)
        for doc in {id(call[2]): call[2] for call in calls}.values()
        for key in list(doc.user_data)
        if isinstance(key, str) and key.startswith(USER_DATA_PREFIX)
    ]

    def replay_calls() -> None:
        for user_data, key in shares:
            user_data.pop(key, None)
        # Each result dropped as a lint drops it: a list keeping 1,800 results alive
        # made the cyclic collector's work on them part of the figure.
        for table, method, doc, args, reads in calls:
            result = getattr(table, method)(doc, *args)
            for key in reads:
                result[key]

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
            f"phrase tables ({len(calls) / n:.1f}/reply)",
            per_reply_us(replay_calls, n, repeat),
        ),
    ]


_TABLE_METHODS = ("find", "find_on_demand", "lists_in_reach")


def _phrase_table_calls(engine: Engine, replies: list[Reply]) -> list[tuple[Any, ...]]:
    """Every `PhraseTable` call the rules make in a lint of each reply, as (table,
    method, doc, arguments, lists read): `find_on_demand` sorts a list out when a
    rule reads it, so the replay reads the lists the rule read (those with matches)."""
    from replylint.text import phrases

    calls: list[tuple[Any, ...]] = []
    on_demand: list[tuple[int, Any]] = []  # (call number, its result) to see what was read
    real = {name: getattr(phrases.PhraseTable, name) for name in _TABLE_METHODS}

    def recording(name: str) -> Callable[..., Any]:
        def call(table: Any, doc: Any, *args: Any) -> Any:
            result = real[name](table, doc, *args)
            if name == "find_on_demand":
                on_demand.append((len(calls), result))
            calls.append((table, name, doc, args, ()))
            return result

        return call

    for name in _TABLE_METHODS:
        setattr(phrases.PhraseTable, name, recording(name))
    try:
        for reply in replies:
            engine.lint(reply)
    finally:
        for name in _TABLE_METHODS:
            setattr(phrases.PhraseTable, name, real[name])
    for number, result in on_demand:  # a list read with matches holds some
        calls[number] = (*calls[number][:4], tuple(key for key, found in result.items() if found))
    return calls


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
    plans = [engine._plan(r.channel, c.language) for r, c in zip(replies, choices, strict=True)]

    def analyze_all() -> list[Analysis]:
        return [
            analyze(
                r, c.language, engine.config.model_for(c.language), engine.language_data(c.language)
            )
            for r, c in zip(replies, choices, strict=True)
        ]

    language_runs, analysis_runs = [], []
    in_lint: dict[str, list[float]] = {name: [] for name in engine.rules}
    alone: dict[str, list[float]] = {name: [] for name in engine.rules}
    for _ in range(args.repeat):
        started = time.perf_counter()
        for reply in replies:
            engine.language_choice(reply)
        language_runs.append(time.perf_counter() - started)
        started = time.perf_counter()
        analyses = analyze_all()
        analysis_runs.append(time.perf_counter() - started)
        for runs, spent in (
            (in_lint, rule_runs(analyses, plans)),  # fresh analyses: lazy parts filled now
            (alone, rule_runs(analyses, plans)),  # the same, filled: each rule's own cost
        ):
            for name in runs:
                runs[name].append(spent.get(name, 0.0))

    def us(runs: list[float]) -> float:
        return statistics.median(runs) / n * 1e6

    rows = [("language choice", us(language_runs), None), ("analysis", us(analysis_runs), None)]
    rows += [(name, us(in_lint[name]), us(alone[name])) for name in engine.rules]
    whole = per_reply_us(lambda: [engine.lint(r) for r in replies], n, args.repeat)
    reports = [engine.lint(r) for r in replies]
    report = per_reply_us(lambda: [r.to_dict() for r in reports], n, args.repeat)
    report_json = per_reply_us(
        lambda: [indented_json(r.to_dict(), 2) for r in reports], n, args.repeat
    )
    lint_sum = sum(v for _, v, _ in rows)
    alone_sum = sum(a for _, _, a in rows if a is not None)
    lazy = sum(v for _, v, a in rows if a is not None) - alone_sum
    print(f"{n} replies (dev.jsonl + dev2.jsonl), median of {args.repeat} runs, µs per reply")
    print(f"{'step':<28} {'in lint':>8} {'alone':>8}")
    for label, value, own in rows:
        print(f"{label:<28} {value:>8.1f} {'' if own is None else f'{own:8.1f}':>8}")
    print(f"{'lazy analysis work':<28} {'':>8} {lazy:>8.1f}")
    print(f"{'sum of the steps':<28} {lint_sum:>8.1f}")
    print(f"{'Engine.lint, whole':<28} {whole:>8.1f}")
    print(f"{'report to_dict':<28} {report:>8.1f}")
    print(f"{'report JSON':<28} {report_json:>8.1f}")
    print("\nlayers under the rules (included in the steps above)")
    for label, value in layers(engine, replies, choices, args.repeat):
        print(f"{label:<28} {value:>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
