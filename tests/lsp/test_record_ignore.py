"""`ignore_rule_in_record`: the edit, in the record's layout, or none when unsafe."""

from __future__ import annotations

import json

import pytest

from replylint.lsp.record_ignore import ignore_rule_in_record


def edited(text: str, start: int, rule: str = "brevity") -> str | None:
    edit = ignore_rule_in_record(text, [(start, len(text))], 0, rule)
    return None if edit is None else text[: edit.start] + edit.text + text[edit.end :]


def test_inline_record_gets_the_member_first() -> None:
    assert edited('{"id": "1", "text": "Hi"}', 0) == (
        '{"replylint-ignore": ["brevity"], "id": "1", "text": "Hi"}'
    )


def test_pretty_record_keeps_its_line_endings_and_indent() -> None:
    text = '[\r\n\t{\r\n\t\t"text": "Hi"\r\n\t}\r\n]'
    result = edited(text, text.index("{"))
    assert (
        result == '[\r\n\t{\r\n\t\t"replylint-ignore": ["brevity"],\r\n\t\t"text": "Hi"\r\n\t}\r\n]'
    )
    assert json.loads(result)[0]["replylint-ignore"] == ["brevity"]


@pytest.mark.parametrize(
    ("value", "extended"),
    [
        ('["tone"]', '["tone", "brevity"]'),
        ('"tone"', '"tone, brevity"'),
        ("null", '["brevity"]'),
        ('"é"', '"é, brevity"'),
    ],
)
def test_existing_value_is_extended(value: str, extended: str) -> None:
    text = f'{{"text": "Hi", "replylint-ignore": {value}}}'
    assert edited(text, 0) == f'{{"text": "Hi", "replylint-ignore": {extended}}}'


@pytest.mark.parametrize(
    "text",
    [
        '{"text": "Hi", "replylint-ignore": ["brevity"]}',  # already skipped
        '{"text": "Hi", "replylint-ignore": "tone,brevity"}',
        '{"text": "Hi", "replylint-ignore": 3}',  # a value the engine does not read
        '["not", "an", "object"]',
    ],
)
def test_no_edit_when_nothing_to_do_or_unsafe(text: str) -> None:
    assert ignore_rule_in_record(text, [(0, len(text))], 0, "brevity") is None


def test_a_rule_name_needing_escapes() -> None:
    result = edited('{"text": "Hi"}', 0, 'odd "name"')
    assert result is not None
    assert json.loads(result)["replylint-ignore"] == ['odd "name"']


def yaml_edited(text: str, record: int, rule: str = "brevity") -> str | None:
    from replylint.inputs.locations import read_yaml
    from replylint.lsp.record_ignore import ignore_rule_in_yaml_record

    records = [(entry.start, entry.end) for entry in read_yaml(text)[0]]
    edit = ignore_rule_in_yaml_record(text, records, record, rule)
    return None if edit is None else text[: edit.start] + edit.text + text[edit.end :]


def test_yaml_record_gets_a_first_key_at_its_indentation() -> None:
    text = "replies:\n  - id: one\n    text: Hi\n  - id: two\n    text: Yo\n"
    assert yaml_edited(text, 1) == (
        "replies:\n  - id: one\n    text: Hi\n  - replylint-ignore: [brevity]\n"
        "    id: two\n    text: Yo\n"
    )


def test_yaml_single_record_file_and_crlf() -> None:
    assert yaml_edited("id: one\r\ntext: Hi\r\n", 0) == (
        "replylint-ignore: [brevity]\r\nid: one\r\ntext: Hi\r\n"
    )


def test_yaml_existing_entry_becomes_a_flow_list() -> None:
    text = "- text: Hi\n  replylint-ignore:\n    - tone\n- text: Yo\n"
    assert yaml_edited(text, 0) == ("- text: Hi\n  replylint-ignore: [tone, brevity]\n- text: Yo\n")


@pytest.mark.parametrize(
    "text",
    [
        "- {id: one, text: Hi}\n",  # flow mapping
        "- text: Hi\n  replylint-ignore: [brevity]\n",  # already skipped
        "- text: Hi\n  replylint-ignore: {a: 1}\n",  # a value the engine does not read
    ],
)
def test_yaml_no_edit(text: str) -> None:
    assert yaml_edited(text, 0) is None
