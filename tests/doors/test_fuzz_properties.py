"""Property tests over every door's parser: hostile text (lone surrogates, controls,
zero-width and right-to-left characters, 1 MB strings), deep nesting and wrong types
in every field never cause a traceback or a 500, every position is inside the text,
and a valid record is still linted beside a bad one.

The generators and the per-door verdicts are in `fuzz_doors.py`, shared with
`benchmarks/fuzz.py` (10,000 inputs per door). Here each door gets a bounded number
of examples so the suite stays quick.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from replylint.inputs.record import RecordError, parse_record
from replylint.lsp.linting import lint_text

from .fuzz_doors import (
    DOORS,
    Collection,
    bad_record,
    collections,
    documents,
    engine,
    good_record,
    hook_flags,
    hook_stdin,
    http_requests,
    lsp_documents,
    nasty_text,
    try_collection,
    try_document,
    try_hook,
    try_http,
    try_lsp,
    try_parse_record,
)

# Parsers alone are cheap; doors that lint each input (spaCy) get fewer examples.
# Derandomized: CI and developers run the same examples (benchmarks/fuzz.py draws new
# ones, 10,000 per door, seeded on its command line).
PARSER = settings(
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LINTING = settings(PARSER, max_examples=25)


@PARSER
@given(bad_record)
def test_parse_record_single_mode_refuses_or_reads(data: Any) -> None:
    assert try_parse_record(data, strict=True) == []


@PARSER
@given(bad_record)
def test_parse_record_collection_mode_refuses_or_reads(data: Any) -> None:
    assert try_parse_record(data, strict=False) == []


@PARSER
@given(documents())
def test_reply_documents_with_front_matter(text: str) -> None:
    assert try_document(text) == []


@LINTING
@given(collections())
def test_check_reads_every_collection_and_keeps_the_good_record(collection: Collection) -> None:
    assert try_collection(collection) == []


@LINTING
@given(hook_stdin, hook_flags)
def test_hook_stdin_exits_0_1_or_2_never_a_traceback(stdin: bytes, flags: list[str]) -> None:
    assert try_hook(stdin, flags) == []


@LINTING
@given(http_requests())
def test_http_check_and_batch_never_answer_500(request: tuple[str, bytes, str]) -> None:
    assert try_http(*request) == []


@LINTING
@given(lsp_documents)
def test_language_server_linting_keeps_positions_in_the_document(
    document: tuple[str, str, bool],
) -> None:
    assert try_lsp(*document) == []


# --- the properties hold for inputs written by hand, too --------------------------------


def test_the_good_record_is_linted_beside_a_record_of_wrong_types() -> None:
    bad = {"text": ["not", "text"], "channel": {"x": 1}, "langauge": 3}
    payload = {"replies": [bad, good_record(1)]}
    import json

    body = json.dumps(payload).encode()
    assert try_http("/v1/check/batch", body, "application/json") == []
    jsonl = json.dumps(bad) + "\n" + json.dumps(good_record(1)) + "\n"
    assert try_collection(Collection("jsonl", jsonl, True)) == []
    assert try_lsp("jsonl", jsonl, True) == []


def test_a_lone_surrogate_in_json_is_refused_not_crashed() -> None:
    record = b'{"text": "Hi Sam \\ud800, it shipped. \\u2013 Marie"}'
    assert try_hook(record, []) == []
    assert try_http("/v1/check", record, "application/json") == []
    assert try_lsp("jsonl", record.decode() + "\n", False) == []
    assert try_collection(Collection("jsonl", record.decode() + "\n", False)) == []
    # An editor can send half a pair too: the document is refused, never linted.
    document = "Hi Sam \ud800, it shipped. – Marie"
    assert try_lsp("reply", document, False) == []
    [problem] = lint_text(engine(), document, "reply", max_size=1000).problems
    assert "holds an unpaired surrogate (U+D800 at character 7)" in problem.message
    with pytest.raises(RecordError, match="field 'agent' holds an unpaired surrogate"):
        parse_record({"text": "Hi", "agent": "Ma\udfffrie"}, strict=True)


def test_a_megabyte_reply_is_handled_by_every_door() -> None:
    text = ("Hi Sam, שלום \u200b it shipped. " * 40_000)[:1_000_000]
    assert try_parse_record({"text": text}, strict=True) == []
    assert try_hook(text.encode(), ["--input", "text"]) == []
    assert try_lsp("reply", text, False) == []


def test_every_door_is_covered() -> None:
    assert len(DOORS) == 7
    assert {door.name.split(" ")[0] for door in DOORS} >= {
        "parse_record",
        "check:",
        "documents",
        "hook",
        "http",
        "lsp",
    }


def test_generators_reach_the_characters_they_promise() -> None:
    seen: set[str] = set()

    @settings(max_examples=300, database=None, deadline=None)
    @given(nasty_text)
    def collect(text: str) -> None:
        seen.update(text)

    collect()
    assert any("\ud800" <= char <= "\udfff" for char in seen)  # lone surrogates
    assert seen & {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}  # zero-width
    assert seen & {"\u200f", "\u202e", "\u202b", "\u2067"}  # right-to-left marks
    assert any(ord(char) < 0x20 and char not in "\n\r" for char in seen)  # controls
