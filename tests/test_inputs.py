from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from replylint.inputs.files import InputError, Item, expand_paths, read_items
from replylint.inputs.locations import (
    CollectionError,
    RecordEntry,
    json_object_members,
    read_json,
    read_jsonl,
)


def items(path: Path) -> list[Item | InputError]:
    return list(read_items(str(path), {"channel": "private"}))


def test_csv_with_header_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        'id,text,channel,faq\n1,"Hello, there",chat,\n2,"Too",many,cells,here\n3,"Fine",fax,\n4,"Saved","email","How?|Why?"\n',
        encoding="utf-8",
    )
    got = items(path)
    assert isinstance(got[0], Item) and got[0].reply.text == "Hello, there"
    assert isinstance(got[1], InputError) and "more cells" in got[1].message
    assert isinstance(got[2], InputError) and "channel" in got[2].message and got[2].line == 4
    assert isinstance(got[3], Item) and got[3].reply.faq == ("How?", "Why?")


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,body\n1,hi\n", encoding="utf-8")
    (error,) = items(path)
    assert isinstance(error, InputError) and "'text' column" in error.message


def test_yaml_and_json_lists(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "- text: one\n- text: two\n  channel: public\n- 42\n", encoding="utf-8"
    )
    got = items(tmp_path / "r.yaml")
    assert [type(i).__name__ for i in got] == ["Item", "Item", "InputError"]
    assert got[1].reply.channel == "public" and got[1].reply.id == "2"  # type: ignore[union-attr]
    (tmp_path / "r.json").write_text('{"replies": [{"text": "a"}]}', encoding="utf-8")
    assert isinstance(items(tmp_path / "r.json")[0], Item)
    (tmp_path / "bad.json").write_text('[{"text": "a"', encoding="utf-8")
    (error,) = items(tmp_path / "bad.json")
    assert isinstance(error, InputError) and "invalid JSON" in error.message
    (tmp_path / "bad.yaml").write_text("- text: [unclosed\n", encoding="utf-8")
    (error,) = items(tmp_path / "bad.yaml")
    assert isinstance(error, InputError) and "invalid YAML" in error.message


def test_binary_and_non_utf8_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"\xff\xfe\x00junk")
    (error,) = items(tmp_path / "a.txt")
    assert isinstance(error, InputError)
    (tmp_path / "b.txt").write_bytes(b"hello\x00world")
    (error,) = items(tmp_path / "b.txt")
    assert isinstance(error, InputError) and "binary" in error.message


def test_directories_walked_in_stable_order(tmp_path: Path) -> None:
    for name in ("b.txt", "a.md", "c.reply", "skip.png", "sub/d.jsonl", ".hidden/e.txt"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    found = [Path(p).relative_to(tmp_path).as_posix() for p in expand_paths([str(tmp_path)])]  # type: ignore[arg-type]
    assert found == ["a.md", "b.txt", "c.reply", "sub/d.jsonl"]
    (missing,) = list(expand_paths([str(tmp_path / "nope.txt")]))
    assert isinstance(missing, InputError)


# 600 levels: the positional parser gets through (one frame a level); turning the tree
# into values would need two a level, past Python's default limit of 1,000.
_DEEP = "[" * 600 + "]" * 600
_GOOD = '{"id": "good", "text": "Your parcel left today. Marie"}'


@pytest.mark.parametrize(
    ("read", "source"),
    [
        (read_json, f'[{{"id": "deep", "text": "Hi", "meta": {_DEEP}}},\n {_GOOD}]'),
        (read_jsonl, f'{{"id": "deep", "text": "Hi", "meta": {_DEEP}}}\n{_GOOD}\n'),
    ],
    ids=["json", "jsonl"],
)
def test_a_record_nested_deeper_than_the_walk_fails_alone(
    read: Callable[[str], tuple[list[RecordEntry], list[CollectionError]]], source: str
) -> None:
    entries, errors = read(source)
    assert [e.data["id"] for e in entries] == ["good"]
    assert [(e.message, e.record_id, e.line) for e in errors] == [
        ("record nested too deeply", "1", 1)
    ]


def test_the_editors_field_lookup_gives_up_on_a_deep_record() -> None:
    assert json_object_members(f'{{"id": "deep", "text": "Hi", "meta": {_DEEP}}}', 0) is None


def test_jsonl_records_beyond_strict_json_read_as_the_standard_module_reads_them(
    tmp_path: Path,
) -> None:
    """A huge integer id, NaN in a foreign field, an escaped lone surrogate, a broken
    line: read as Python's json module reads them (the quick parser refuses all four)."""
    path = tmp_path / "r.jsonl"
    path.write_text(
        '{"id": 123456789012345678901234567890, "text": "Big id"}\n'
        '{"text": "Not a number", "score": NaN}\n'
        '{"text": "Half \\ud800 pair"}\n'
        '{"text": "Unclosed"\n',
        encoding="utf-8",
    )
    big, nan, surrogate, broken = items(path)
    assert isinstance(big, Item) and big.reply.id == "123456789012345678901234567890"
    assert isinstance(nan, Item) and nan.ignored == ("score",)
    score = nan.reply.extra["score"]
    assert score != score  # NaN
    assert isinstance(surrogate, InputError) and "unpaired surrogate (U+D800" in surrogate.message
    assert isinstance(broken, InputError) and broken.line == 4 and "invalid JSON" in broken.message
