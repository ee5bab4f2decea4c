from __future__ import annotations

import pytest

from replylint.check.checker import Checker
from replylint.config import ConfigLayer
from replylint.inputs.documents import DocumentError, parse_document
from replylint.inputs.files import Item
from replylint.model import LineIndex

DOC = """---
channel: public
agent: Marie
---
> Where is my order?
> Thanks
Hi Sam, it ships today.
– Marie
"""


def test_front_matter_and_quoted_incoming() -> None:
    doc = parse_document(DOC)
    assert doc.reply.channel == "public"
    assert doc.reply.agent == "Marie"
    assert doc.reply.incoming == "Where is my order?\nThanks"
    assert doc.reply.text == "Hi Sam, it ships today.\n– Marie\n"


def test_offsets_map_back_to_the_file() -> None:
    doc = parse_document(DOC)
    offset = doc.reply.text.index("today")
    file_offset = doc.offsets.to_file(offset)
    assert DOC[file_offset : file_offset + 5] == "today"
    assert LineIndex(DOC).position(file_offset) == {"line": 7, "column": 18, "offset": file_offset}


def test_quoted_lines_between_reply_lines() -> None:
    source = "First line.\n> quoted\nSecond line."
    doc = parse_document(source)
    assert doc.reply.text == "First line.\nSecond line."
    second = doc.reply.text.index("Second")
    assert source[doc.offsets.to_file(second) :].startswith("Second")


def test_no_front_matter() -> None:
    doc = parse_document("Just a reply.")
    assert doc.reply.text == "Just a reply." and doc.front_matter == {}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("---\nchannel: [oops\n---\nHi", "invalid YAML"),
        ("---\n- a list\n---\nHi", "mapping"),
        ("---\nchannel: fax\n---\nHi", "channel"),
    ],
)
def test_bad_front_matter(source: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        parse_document(source)


@pytest.mark.parametrize("prefix", ["😀 🎉 ", "Ça va très bien, déjà été ", "👩‍👩‍👧 "])
def test_positions_after_emoji_and_accents(prefix: str) -> None:
    """A finding after emoji / accents points at exactly the flagged characters."""
    body = prefix + "hey guys, the outage is over."
    source = f"---\nchannel: chat\n---\n> incoming 🙂\n{body}\n"
    checker = Checker(
        cli_layer=ConfigLayer(
            "test",
            select=("test-guys",),
            phrases=(_spec(),),
        )
    )
    doc = parse_document(source)
    result = checker.lint_item(
        checker.engine_for("x.reply"), Item("x.reply", doc.reply, doc.offsets, source)
    )
    (finding,) = result.findings
    assert source[finding.start : finding.end] == "hey guys"
    line, col = LineIndex(source).line_col(finding.start)
    assert line == 4 and col == len(prefix)


def _spec():  # type: ignore[no-untyped-def]
    from replylint.config import PhraseRuleSpec

    return PhraseRuleSpec(name="test-guys", message="Say folks.", swap={"hey guys": "hey folks"})
