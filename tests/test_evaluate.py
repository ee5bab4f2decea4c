"""`replylint eval --by source`: the table per source of the labeled records."""

from __future__ import annotations

import json
from pathlib import Path

from replylint.check.evaluate import evaluate, render_by_source, source_of


def test_source_is_the_repository_before_the_file_path() -> None:
    assert (
        source_of({"source": "acme/support-data:data/replies.csv"}, "en2-x-1")
        == "acme/support-data"
    )


def test_without_a_source_the_id_prefix_groups_records() -> None:
    assert source_of({}, "en-twcs-52") == "en-twcs"
    assert source_of({}, "tpl-3") == "tpl"


def test_by_source_counts_each_group_alone(tmp_path: Path) -> None:
    records = [
        # Form-letter opening: personal-tone fires (a true positive for brand A).
        {"id": "a-1", "source": "brand/a:x", "text": "Dear valued customer, your refund is done. – Ann", "expected": ["personal-tone"], "channel": "chat", "language": "en"},
        # Expected but not fired in brand B: a miss counted there only.
        {"id": "b-1", "source": "brand/b:y", "text": "Refund done. – Ann", "expected": ["personal-tone"], "channel": "chat", "language": "en"},
    ]  # fmt: skip
    dataset = tmp_path / "set.jsonl"
    dataset.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    evaluation = evaluate(dataset, select=["personal-tone"])
    groups = evaluation.by_source()
    assert list(groups) == ["brand/a", "brand/b"]
    assert groups["brand/a"].counts("personal-tone") == (1, 0, 0)
    assert groups["brand/b"].counts("personal-tone") == (0, 0, 1)
    text = render_by_source(evaluation)
    assert "== brand/a (1 record)" in text
    assert "personal-tone               1.00    1.00        1    1    0    0" in text
