"""The language server's pure parts, without a server: positions, record locations,
front matter and config edits."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types

from replylint.inputs.locations import json_string_map, read_json, read_jsonl, read_yaml
from replylint.lsp.config_edits import PYPROJECT_PREFIX, disable_rule_edit, new_config_text
from replylint.lsp.front_matter import ignore_rule_edit
from replylint.lsp.linting import document_kind
from replylint.lsp.positions import UTF8, UTF16, UTF32, PositionIndex, choose_encoding
from replylint.lsp.settings import ServerOptions, clean_settings
from replylint.model import Edit
from replylint.tomlcompat import tomllib


def apply(text: str, edit: Edit) -> str:
    return text[: edit.start] + edit.text + text[edit.end :]


# --- positions -------------------------------------------------------------------


def test_choose_encoding() -> None:
    assert choose_encoding(None) == UTF16
    assert choose_encoding(["utf-16"]) == UTF16
    assert choose_encoding(["utf-16", "utf-8"]) == UTF8
    assert choose_encoding(["utf-32", "utf-8", "utf-16"]) == UTF32
    assert choose_encoding(["latin-1"]) == UTF16


def test_positions_in_each_encoding() -> None:
    text = "a😀é\r\nb\rc\u2028d\n"
    assert PositionIndex(text, UTF16).position(3) == types.Position(0, 4)
    assert PositionIndex(text, UTF8).position(3) == types.Position(0, 7)
    assert PositionIndex(text, UTF32).position(3) == types.Position(0, 3)
    index = PositionIndex(text, UTF16)
    assert index.position(5) == types.Position(1, 0)  # after \r\n
    assert index.position(7) == types.Position(2, 0)  # after a lone \r
    assert index.position(9) == types.Position(2, 2)  # U+2028 is not a line break
    assert index.position(4) == types.Position(0, 4)  # inside \r\n: end of the line
    assert index.offset(types.Position(0, 99)) == 3  # past the end of a line: its end
    assert index.offset(types.Position(99, 0)) == len(text)
    assert index.offset(types.Position(0, 2)) == 2  # inside a surrogate pair: after it


@given(
    st.lists(
        st.sampled_from(["a", "é", "😀", "\n", "\r", "\r\n", "\u2028", "\x00", "ß", "👍🏽"])
    ).map("".join),
    st.sampled_from([UTF8, UTF16, UTF32]),
)
def test_position_round_trip(text: str, encoding: str) -> None:
    index = PositionIndex(text, encoding)
    for offset in range(len(text) + 1):
        # Offsets inside \r\n have no position of their own.
        if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
            continue
        assert index.offset(index.position(offset)) == offset


# --- record locations --------------------------------------------------------------


@given(st.text())
def test_json_string_map_lands_on_each_character(value: str) -> None:
    token = json.dumps(value)
    mapping = json_string_map(token, 0, len(token), value)
    assert mapping is not None
    for i, char in enumerate(value):
        start, end = mapping.to_file(i), mapping.to_file(i + 1)
        assert json.loads(f'"{token[start:end]}"') == char or (
            0xD800 <= ord(char) < 0xE000  # a lone surrogate is its own escape
        )
    assert mapping.to_file(len(value)) == len(token) - 1


def test_read_json_shapes() -> None:
    entries, errors = read_json(json.dumps({"replies": [{"text": "a"}, {"id": 7, "text": "b"}]}))
    assert [e.data["text"] for e in entries] == ["a", "b"]
    assert not errors
    entries, errors = read_json(json.dumps({"text": "one"}))
    assert len(entries) == 1
    entries, errors = read_json('{"not": "a collection"}')
    assert not entries
    assert "list of reply records" in errors[0].message
    _, errors = read_json('[{"text": "a"},')
    assert errors and errors[0].message.startswith("invalid JSON")


def test_read_jsonl_keeps_line_separators_inside_strings() -> None:
    source = json.dumps({"text": "a\u2028b hey"}, ensure_ascii=False) + "\n\n" + '{"text": "c"}\n'
    entries, errors = read_jsonl(source)
    assert not errors
    assert [e.default_id for e in entries] == ["1", "3"]
    first = entries[0]
    assert source[first.to_file(4) : first.to_file(7)] == "hey"


@pytest.mark.parametrize(
    ("scalar", "exact"),
    [
        ("plain hey text", True),
        ("'quoted '' hey'", True),
        ('"esc\\u00e9 \\t hey"', True),
        ("|\n    block\n    hey there\n", True),
        (">\n    folded\n    hey there\n", False),
        ("plain\n    multi hey", False),
    ],
)
def test_yaml_scalar_styles(scalar: str, exact: bool) -> None:
    source = f"- id: 1\n  text: {scalar}\n- text: next\n"
    entries, errors = read_yaml(source)
    assert not errors
    entry = entries[0]
    assert entry.exact is exact
    value = entry.data["text"]
    at = value.index("hey")
    if exact:
        assert source[entry.to_file(at) : entry.to_file(at + 3)] == "hey"
    else:  # the whole value, from its indicator to its last character
        whole = source[entry.text_start : entry.text_end]
        assert whole == scalar.rstrip()


def test_yaml_errors_have_positions() -> None:
    _, errors = read_yaml("- text: [oops\n")
    assert errors[0].message.startswith("invalid YAML")
    _, errors = read_yaml("a\x00b")
    assert errors[0].start == 1


# --- front matter ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi\n", "---\nreplylint-ignore: [brevity]\n---\nHi\n"),
        (
            "---\nchannel: chat\n---\nHi\n",
            "---\nchannel: chat\nreplylint-ignore: [brevity]\n---\nHi\n",
        ),
        (
            "---\r\nchannel: chat\r\n---\r\nHi\r\n",
            "---\r\nchannel: chat\r\nreplylint-ignore: [brevity]\r\n---\r\nHi\r\n",
        ),
        ("---\nreplylint-ignore: [a]\n---\nHi", "---\nreplylint-ignore: [a, brevity]\n---\nHi"),
        (
            "---\nreplylint-ignore:\n  - a\nagent: M\n---\nHi",
            "---\nreplylint-ignore: [a, brevity]\nagent: M\n---\nHi",
        ),
        ("---\nreplylint-ignore: a, b\n---\nHi", "---\nreplylint-ignore: [a, b, brevity]\n---\nHi"),
    ],
)
def test_ignore_rule_edit(text: str, expected: str) -> None:
    edit = ignore_rule_edit(text, "brevity")
    assert edit is not None
    assert apply(text, edit) == expected


def test_ignore_rule_edit_declines() -> None:
    assert ignore_rule_edit("---\nreplylint-ignore: [brevity]\n---\nHi", "brevity") is None
    assert ignore_rule_edit("---\n[not, a, mapping]\n---\nHi", "brevity") is None


# --- config edits ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "channel = 'public'",
        "[rules.brevity]\nseverity = 'error'\n\n[channels.chat.rules.brevity]\nenabled = true\n",
        "[rules.brevity]\nenabled = true # on\n",
        "[rules]\nbrevity = { severity = 'error', max_words = { public = 30 } }\n",
        "[rules]\nbrevity = true\n",
        "rules.brevity.enabled = true\n",
        "[rules]\nother.enabled = true\n",
        "[[phrases]]\nname = 'x'\nswap = {a = 'b'}\n",
    ],
)
def test_disable_rule_edit(text: str) -> None:
    edit = disable_rule_edit(text, "brevity")
    assert edit is not None
    data = tomllib.loads(apply(text, edit))
    settings = data["rules"]["brevity"]
    assert settings is False or settings["enabled"] is False
    before = tomllib.loads(text)
    if isinstance(before.get("rules", {}).get("brevity"), dict):
        # Other settings of the rule stay.
        for key, value in before["rules"]["brevity"].items():
            if key != "enabled":
                assert settings[key] == value


def test_disable_rule_edit_in_pyproject() -> None:
    text = '[project]\nname = "x"\n\n[tool.replylint]\nchannel = "public"\n'
    edit = disable_rule_edit(text, "brevity", PYPROJECT_PREFIX)
    assert edit is not None
    assert tomllib.loads(apply(text, edit))["tool"]["replylint"]["rules"]["brevity"] == {
        "enabled": False
    }
    assert apply(text, edit).startswith(text)


def test_disable_rule_edit_declines() -> None:
    assert disable_rule_edit("not = [toml", "brevity") is None
    assert disable_rule_edit("[rules.brevity]\nenabled = false\n", "brevity") is None
    assert tomllib.loads(new_config_text("my-rule")) == {"rules": {"my-rule": {"enabled": False}}}


# --- misc --------------------------------------------------------------------------


def test_document_kind() -> None:
    assert document_kind("draft.reply", "plaintext") == "reply"
    assert document_kind("notes.md", "markdown") == "reply"
    assert document_kind("library.YAML", "plaintext") == "yaml"
    assert document_kind("export.jsonl", "json") == "jsonl"
    assert document_kind("Untitled-1", "json") == "json"
    assert document_kind("Untitled-2", "reply") == "reply"
    assert document_kind("main.py", "python") is None


def test_settings_cleaning_and_options() -> None:
    raw = {
        "channel": "public",
        "agent": "",
        "brand": None,
        "rules": {},
        "server": {},
        "trace": {},
        "maxDocumentSize": 5,
    }
    assert clean_settings(raw) == {"channel": "public"}
    options, warnings = ServerOptions().updated({"maxDocumentSize": 5, "debounceMs": -1})
    assert options.max_document_size == 5
    assert options.debounce_ms == 150
    assert warnings and "debounceMs" in warnings[0]


def test_fixes_in_collections_are_escaped_for_their_syntax() -> None:
    from replylint.config import Config, ConfigLayer
    from replylint.engine import Engine
    from replylint.lsp.linting import lint_text

    layer = ConfigLayer.from_mapping(
        {
            "select": ["quote-test"],
            "phrases": [
                {"name": "quote-test", "message": "m", "swap": {"hey guys": 'hey "folks"'}}
            ],
        },
        "test",
    )
    engine = Engine(Config((layer,)))
    source = json.dumps([{"text": "Café 😀\nhey guys, it left."}])
    [finding] = lint_text(engine, source, "json", max_size=10_000).findings
    [edit] = finding.fixes[0].edits
    fixed = source[: edit.start] + edit.text + source[edit.end :]
    assert json.loads(fixed)[0]["text"] == 'Café 😀\nhey "folks", it left.'
    # A plain YAML scalar cannot take the quotes safely: the fix is not offered there.
    yaml_source = "- text: hey guys, it left\n- text: 'hey guys'\n"
    plain, single = lint_text(engine, yaml_source, "yaml", max_size=10_000).findings
    assert plain.fixes == ()
    [edit] = single.fixes[0].edits
    assert yaml_source[: edit.start] + edit.text + yaml_source[edit.end :] == (
        "- text: hey guys, it left\n- text: 'hey \"folks\"'\n"
    )


def test_adaptive_debounce_lints_at_once_after_a_pause_and_coalesces_bursts() -> None:
    from concurrent.futures import ThreadPoolExecutor

    from replylint.lsp.open_documents import DocumentStore
    from replylint.lsp.scheduler import LintScheduler

    scheduler = LintScheduler(
        DocumentStore(),
        ThreadPoolExecutor(1),
        lambda *a: None,
        lambda *a: None,
        print,  # type: ignore[arg-type, return-value]
    )
    delays: list[tuple[str, float]] = []
    scheduler.schedule = lambda uri, delay: delays.append((uri, delay))  # type: ignore[method-assign]
    now = [100.0]
    scheduler.clock = lambda: now[0]
    for step, uri in [(0, "a"), (0.04, "a"), (0.04, "a"), (0.01, "b"), (0.5, "a"), (0.149, "a")]:
        now[0] += step
        scheduler.edited(uri, 0.15)
    # a: first edit at once; two edits 40 ms apart wait for 150 ms of quiet; after a
    # 510 ms pause at once again, then 149 ms later (under 150 ms) coalesced. b is
    # another document: its first edit is linted at once whatever a does.
    assert delays == [("a", 0), ("a", 0.15), ("a", 0.15), ("b", 0), ("a", 0), ("a", 0.15)]
    scheduler.close("a")
    now[0] += 0.01
    scheduler.edited("a", 0.15)  # reopened: no burst carried over from before
    assert delays[-1] == ("a", 0)
