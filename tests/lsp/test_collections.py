"""Template libraries opened as YAML / JSON / JSONL: findings at the right record."""

from __future__ import annotations

import json

from lsp_support import by_code, change_doc, open_doc, published, range_text
from lsprotocol import types
from pytest_lsp import LanguageClient

YAML_LIBRARY = """\
replies:
  - id: shipping
    text: |
      Hi {name},
      your parcel left today 📦.
  - id: greeting
    text: 'Hey team, we can''t wait — hey guys, welcome!'
  - id: escaped
    text: "Caf\\u00e9 ☕ \\"open\\": hey guys"
  - id: folded
    text: >
      Thanks for waiting,
      hey guys.
  - id: block
    text: |
      Hello 😀
      hey guys, it shipped.
  - id: broken
    channel: moon
    text: Hi!
"""


async def test_yaml_collection(client: LanguageClient) -> None:
    uri = open_doc(client, "library.yaml", YAML_LIBRARY, language_id="yaml")
    diagnostics = await published(client, uri, version=1)
    guys = by_code(diagnostics, "test-guys")
    lines = YAML_LIBRARY.splitlines()
    found = {d.range.start.line: range_text(YAML_LIBRARY, d.range) for d in guys}
    greeting = next(i for i, line in enumerate(lines) if "Hey team" in line)
    escaped = next(i for i, line in enumerate(lines) if "Caf" in line)
    block = next(i for i, line in enumerate(lines) if "hey guys, it shipped" in line)
    folded = next(i for i, line in enumerate(lines) if "text: >" in line)
    # Exact for single-quoted (with a '' escape), double-quoted with escapes, literal blocks.
    assert found[greeting] == "hey guys"
    assert found[escaped] == "hey guys"
    assert found[block] == "hey guys"
    # A folded scalar cannot be mapped exactly: the whole value, without a fix.
    [whole] = [d for d in guys if d.range.start.line == folded]
    assert range_text(YAML_LIBRARY, whole.range).startswith(">")
    assert whole.range.end.line == folded + 2
    assert whole.data["fixes"] == []
    # The fix of an exact finding edits the file at the record.
    [greeting_diag] = [d for d in guys if d.range.start.line == greeting]
    edit = greeting_diag.data["fixes"][0]["edits"][0]
    assert YAML_LIBRARY[edit["start"] : edit["end"]] == "hey guys"
    # A bad record is reported where it is, the others are still linted.
    [bad] = by_code(diagnostics, "invalid-record")
    assert "record broken" in bad.message
    assert "channel" in bad.message
    assert lines[bad.range.start.line].strip() == "- id: broken"


JSONL_RECORDS = [
    {"id": "a", "text": "Hi Sam,\nthe parcel left today."},
    {"id": "b", "text": 'Hello 😀 "Zoé"\n\they guys, your café order left.', "channel": "chat"},
    {"id": "c", "text": "All good here."},
]


async def test_jsonl_collection(client: LanguageClient) -> None:
    text = "\n".join(json.dumps(r) for r in JSONL_RECORDS) + "\n{not json}\n"
    uri = open_doc(client, "library.jsonl", text, language_id="plaintext")  # the name decides
    diagnostics = await published(client, uri, version=1)
    [guys] = by_code(diagnostics, "test-guys")
    # Record "b" is on line 1; escapes (\ud83d\ude00, \", \u00e9, \n, \t) come before the phrase.
    assert guys.range.start.line == 1
    assert range_text(text, guys.range) == "hey guys"
    [invalid] = by_code(diagnostics, "invalid-document")
    assert invalid.range.start.line == 3
    assert "invalid JSON" in invalid.message
    # Editing one record re-lints: the finding moves with it.
    records = [*JSONL_RECORDS]
    records[1] = {"id": "b", "text": "Fixed."}
    records[2] = {"id": "c", "text": "hey guys"}
    edited = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
    change_doc(client, uri, 2, edited)
    [moved] = by_code(await published(client, uri, version=2), "test-guys")
    assert moved.range.start.line == 2
    assert range_text(edited, moved.range) == "hey guys"


async def test_json_collection_untitled(client: LanguageClient) -> None:
    records = [{"text": "Nothing here."}, {"text": 'Hi 😀,\n"hey guys" ok'}]
    text = json.dumps(records, indent=2)
    uri = "untitled:Untitled-1"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="json", version=1, text=text)
        )
    )
    [guys] = by_code(await published(client, uri, version=1), "test-guys")
    assert range_text(text, guys.range) == "hey guys"
    assert guys.range.start.line == 5


# A CSV collection: the finding in a quoted cell (with a "" escape and an emoji before
# it) and in a plain cell; a row with a mistyped field is an error at that row.
CSV_LIBRARY = (
    "id,text,notes,channel\n"
    'q1,"Hi ""Zoé"" 😀, hey guys, it left today.",x,chat\n'
    "p2,Thanks! hey guys welcome,,public\n"
    "bad,Fine,,moon\n"
)


async def test_csv_collection(client: LanguageClient) -> None:
    uri = open_doc(client, "library.csv", CSV_LIBRARY, language_id="csv")
    diagnostics = await published(client, uri, version=1)
    guys = by_code(diagnostics, "test-guys")
    assert sorted((d.range.start.line, range_text(CSV_LIBRARY, d.range)) for d in guys) == [
        (1, "hey guys"),
        (2, "hey guys"),
    ]
    # Line 1: `q1,"Hi ""Zoé"" 😀, ` is 19 UTF-16 units (the emoji counts two).
    quoted = next(d for d in guys if d.range.start.line == 1)
    assert quoted.range.start.character == 19
    [bad] = by_code(diagnostics, "invalid-record")
    assert bad.range.start.line == 3 and "channel" in bad.message


# A Zendesk macro export: the reply is the comment action's value, a JSON string
# with escapes; a macro that only sets ticket fields is not a reply.
MACRO_EXPORT = """{
  "macros": [
    {"id": 11, "title": "Tags only", "actions": [{"field": "status", "value": "solved"}]},
    {
      "id": 12,
      "title": "Shipping",
      "actions": [
        {"field": "status", "value": "pending"},
        {"field": "comment_value", "value": "Hi {{ticket.requester.first_name}} \\u2014 hey guys, it shipped."}
      ]
    }
  ]
}
"""


async def test_macro_export(client: LanguageClient) -> None:
    uri = open_doc(client, "macros.json", MACRO_EXPORT, language_id="json")
    diagnostics = await published(client, uri, version=1)
    [guys] = by_code(diagnostics, "test-guys")
    line = MACRO_EXPORT.splitlines()[8]
    assert guys.range.start.line == 8
    assert range_text(MACRO_EXPORT, guys.range) == "hey guys"
    assert guys.range.start.character == line.index("hey guys")
