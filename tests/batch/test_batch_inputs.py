"""Every input format `check` reads, well-formed and malformed, through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from batch_support import Runner, write_jsonl

from replylint.inputs.files import InputError, Item, read_items
from replylint.inputs.helpdesk import html_to_text, is_canned_header, is_macro_export

MACROS = {
    "count": 3,
    "macros": [
        {
            "id": 101,
            "title": "Refund timing",
            "description": "Refunds",
            "active": True,
            "actions": [
                {"field": "status", "value": "solved"},
                {
                    "field": "comment_value",
                    "value": [
                        "channel:all",
                        "Hi {{ticket.requester.first_name}}, kindly allow 5 days.",
                    ],
                },
            ],
        },
        {
            "id": 102,
            "title": "Shipping (HTML)",
            "actions": [
                {
                    "field": "comment_value_html",
                    "value": "<p>Hello&nbsp;{{ticket.requester.first_name}},</p><p>It ships today.</p>",
                }
            ],
        },
        {
            "id": 103,
            "title": "Only sets a field",
            "actions": [{"field": "priority", "value": "high"}],
        },
    ],
}


def build_tree(root: Path) -> None:
    (root / "templates").mkdir()
    (root / "templates" / "refund.md").write_text(
        '---\nsaved_reply: Refund\nfaq: ["How long does a refund take?"]\n---\n'
        "Refunds take 5 days, kindly wait.\n",
        encoding="utf-8",
    )
    (root / "replies").mkdir()
    (root / "replies" / "a.txt").write_text(
        "> Where is it?\nKindly check the tracking link.\n", "utf-8"
    )
    (root / "replies" / "b.reply").write_text("It ships today.\n", encoding="utf-8")
    col = root / "collections"
    write_jsonl(
        col / "r.jsonl",
        [{"id": "j1", "text": "Fine."}, {"id": "j2", "text": "Kindly wait."}],
    )
    (col / "r.json").write_text(
        json.dumps([{"id": "l1", "text": "Kindly hold."}], indent=2), encoding="utf-8"
    )
    (col / "wrapped.json").write_text(
        json.dumps({"replies": [{"id": "w1", "text": "ok"}, {"id": "w2", "text": "kindly"}]}),
        encoding="utf-8",
    )
    (col / "r.yaml").write_text(
        "- id: y1\n  text: Fine.\n- id: y2\n  text: As per our policy, no.\n", encoding="utf-8"
    )
    (col / "r.csv").write_text('id,text\nc1,"Kindly, yes"\nc2,No\n', encoding="utf-8")
    desk = root / "helpdesk"
    desk.mkdir()
    (desk / "macros.json").write_text(json.dumps(MACROS, indent=2), encoding="utf-8")
    (desk / "macro-list.json").write_text(json.dumps(MACROS["macros"][:1]), encoding="utf-8")
    (desk / "canned.csv").write_text(
        'Title,Content,Folder\nGreeting,"Hi %NAME%,\nkindly reply.",General\nBye,See you,\n',
        encoding="utf-8",
    )


def test_every_format_is_read_and_linted(team: Path, run: Runner) -> None:
    build_tree(team)
    proc = run("check", ".", "--format", "json", "--jobs", "1", cwd=team)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["errors"] == []
    flagged = {(r["path"], r["id"]) for r in data["results"] if r["findings"]}
    assert flagged == {
        ("collections/r.csv", "c1"),
        ("collections/r.json", "l1"),
        ("collections/r.jsonl", "j2"),
        ("collections/r.yaml", "y2"),
        ("collections/wrapped.json", "w2"),
        ("helpdesk/canned.csv", "1"),
        ("helpdesk/macro-list.json", "101"),
        ("helpdesk/macros.json", "101"),
        ("replies/a.txt", None),
        ("templates/refund.md", None),
    }
    # One result per reply; the macro that only sets a field is not a reply.
    assert data["summary"]["replies"] == 17
    assert ("helpdesk/macros.json", "103") not in {(r["path"], r["id"]) for r in data["results"]}
    # Saved replies come from front matter, macro titles and canned-response titles;
    # those without `faq` are listed by the library checks.
    missing = {(m["path"], m["id"], m["saved_reply"]) for m in data["library"]["missing_faq"]}
    assert missing == {
        ("helpdesk/macros.json", "101", "Refund timing"),
        ("helpdesk/macros.json", "102", "Shipping (HTML)"),
        ("helpdesk/macro-list.json", "101", "Refund timing"),
        ("helpdesk/canned.csv", "1", "Greeting"),
        ("helpdesk/canned.csv", "2", "Bye"),
    }
    # Positions in a document are file positions (after front matter / quotes).
    (doc,) = [r for r in data["results"] if r["path"] == "replies/a.txt"]
    assert doc["findings"][0]["start"]["line"] == 2


def test_helpdesk_records_keep_template_text(tmp_path: Path) -> None:
    build_tree(tmp_path)
    macros = [
        i for i in read_items(str(tmp_path / "helpdesk/macros.json"), {}) if isinstance(i, Item)
    ]
    assert [m.reply.id for m in macros] == ["101", "102"]
    assert macros[0].reply.text == "Hi {{ticket.requester.first_name}}, kindly allow 5 days."
    assert macros[0].reply.saved_reply == "Refund timing"
    assert macros[0].reply.extra["description"] == "Refunds"
    assert macros[1].reply.text == "Hello\xa0{{ticket.requester.first_name}},\nIt ships today."
    assert [m.line for m in macros] == [4, 23]  # where each macro starts in the file
    canned = list(read_items(str(tmp_path / "helpdesk/canned.csv"), {}))
    assert all(isinstance(c, Item) for c in canned)
    first, second = canned
    assert isinstance(first, Item) and isinstance(second, Item)
    assert first.reply.text == "Hi %NAME%,\nkindly reply." and first.reply.saved_reply == "Greeting"
    assert first.reply.extra == {"folder": "General"}
    assert (first.line, second.line) == (2, 4)  # a quoted cell spans lines 2-3


def test_shape_detection() -> None:
    assert is_macro_export({"macros": []})
    assert is_macro_export({"macro": {"title": "x", "actions": []}})
    assert is_macro_export([{"title": "x", "actions": []}])
    assert not is_macro_export([{"text": "hi", "actions": []}])
    assert not is_macro_export({"replies": [{"text": "x"}]})
    assert is_canned_header(["Title", "Content", "Folder"])
    assert is_canned_header([" title", "content "])
    assert not is_canned_header(["title", "content", "text"])
    assert not is_canned_header(["id", "text"])
    assert html_to_text("<p>a &amp; b</p><p>c<br/>d</p>") == "a & b\nc\nd"


def test_malformed_inputs_are_reported_and_the_rest_linted(team: Path, run: Runner) -> None:
    (team / "good.txt").write_text("Kindly wait.\n", encoding="utf-8")
    (team / "bad.jsonl").write_text(
        '{"id": "ok", "text": "kindly"}\n{not json\n{"id": "nt"}\n{"id": "ok2", "text": "fine"}\n',
        encoding="utf-8",
    )
    (team / "bad.csv").write_text(
        'id,text,channel\n1,kindly,chat\n2,"Too",many,cells\n3,fine,fax\n', encoding="utf-8"
    )
    (team / "bad.yaml").write_text("- text: [unclosed\n", encoding="utf-8")
    (team / "bad.json").write_text('[{"text": "a"},', encoding="utf-8")
    (team / "macros.json").write_text(
        json.dumps({"macros": [{"id": 1, "title": "no actions"}, MACROS["macros"][0]]}),
        encoding="utf-8",
    )
    (team / "nohdr.csv").write_text("id,body\n1,hi\n", encoding="utf-8")
    (team / "binary.txt").write_bytes(b"hello\x00world")
    proc = run("check", ".", "--format", "json", cwd=team)
    assert proc.returncode == 2, proc.stderr
    data = json.loads(proc.stdout)
    errors = {(e["path"], e["id"], e["message"].split(":")[0]) for e in data["errors"]}
    assert ("bad.jsonl", "2", "line 2") in errors
    assert ("bad.jsonl", "nt", "line 3") in errors
    assert ("bad.csv", "2", "line 3") in errors
    assert ("bad.csv", "3", "line 4") in errors
    assert ("bad.yaml", None, "line 2") in errors  # the end of input
    assert ("bad.json", None, "line 1") in errors
    assert any(
        e["path"] == "macros.json"
        and e["id"] == "1"
        and "macro 1: macro has no 'actions'" in e["message"]
        for e in data["errors"]
    )
    assert any(e["path"] == "nohdr.csv" for e in data["errors"])
    assert any(e["path"] == "binary.txt" and "binary" in e["message"] for e in data["errors"])
    linted = {(r["path"], r["id"]) for r in data["results"]}
    assert {
        ("good.txt", None),
        ("bad.jsonl", "ok"),
        ("bad.jsonl", "ok2"),
        ("bad.csv", "1"),
        ("macros.json", "101"),
    } <= linted
    # Input errors go to stderr, naming the file and the row; the report only counts them.
    text = run("check", ".", cwd=team)
    assert text.returncode == 2
    assert "replylint: bad.csv:3: input error: row has more cells than the header" in text.stderr
    assert "replylint: bad.jsonl:2: input error: invalid JSON" in text.stderr
    assert "input error:" not in text.stdout


def test_record_lines_for_reports(tmp_path: Path) -> None:
    build_tree(tmp_path)
    lines = {
        name: [i.line for i in read_items(str(tmp_path / "collections" / name), {})]
        for name in ("r.jsonl", "r.json", "r.yaml", "r.csv", "wrapped.json")
    }
    assert lines == {
        "r.jsonl": [1, 2],
        "r.json": [2],
        "r.yaml": [1, 3],
        "r.csv": [2, 3],
        "wrapped.json": [1, 1],
    }
    bad = list(read_items(str(tmp_path / "collections" / "r.jsonl"), {}))
    assert not any(isinstance(i, InputError) for i in bad)
