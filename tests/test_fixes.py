"""`check --fix`, `--diff` and `--unsafe-fixes` on every input kind (in-process).

The replies use three safe fixes of the built-in rules (a form-letter opening
replaced, a phone number masked in a public reply, the configured agent's
sign-off added) and one unsafe fix (a team phrase rule's swap). Expected files are
written out by hand: only the reply text changes, everything else byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from replylint.cli import main

CONFIG = """\
select = ["personal-tone", "sensitive-in-private", "signature-present", "team-swap"]
agent = "Marie"

[[phrases]]
name = "team-swap"
message = "Say '{replacement}'."
severity = "info"
swap = { "parcel" = "package" }
"""

# One reply, before and after the safe fixes, and after the unsafe one too.
BEFORE = "Dear valued customer, your parcel left today. Call me at +1 415 555 0134 if it is late."
SAFE = "Hi, your parcel left today. Call me at +* *** *** 0134 if it is late.\n– Marie"
UNSAFE = "Hi, your package left today. Call me at +* *** *** 0134 if it is late.\n– Marie"
CLEAN = "Yes, it ships today. – Sam"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "replylint.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def run(*args: str) -> int:
    return main(["check", "--no-progress", "--channel", "public", *args])


def test_document_keeps_bom_crlf_front_matter_and_quote(folder: Path) -> None:
    path = folder / "a.reply"
    head = "\ufeff---\r\nchannel: public\r\n---\r\n> where is it?\r\n"
    path.write_bytes((head + BEFORE + "\r\n").encode("utf-8"))
    run(str(path), "--fix")
    # The sign-off is a line of its own, with the file's CRLF line breaks.
    expected = head + SAFE.replace("\n", "\r\n") + "\r\n"
    assert path.read_bytes().decode("utf-8") == expected


def test_jsonl_record_text_edited_in_place(folder: Path) -> None:
    path = folder / "replies.jsonl"
    first = '{"id": "r1",  "text": "' + BEFORE + '", "note": "caf\\u00e9"}\n'
    second = '{"id": "r2", "text": "' + CLEAN + '"}\n'
    path.write_text(first + second, encoding="utf-8")
    run(str(path), "--fix")
    fixed = '{"id": "r1",  "text": "' + SAFE.replace("\n", "\\n") + '", "note": "caf\\u00e9"}\n'
    assert path.read_text(encoding="utf-8") == fixed + second


def test_json_list_keeps_its_layout(folder: Path) -> None:
    path = folder / "replies.json"
    layout = '[\n    {\n        "text": "{}",\n        "id": 7\n    }\n]\n'
    path.write_text(layout.replace("{}", BEFORE), encoding="utf-8")
    run(str(path), "--fix")
    assert path.read_text(encoding="utf-8") == layout.replace("{}", SAFE.replace("\n", "\\n"))


def test_yaml_plain_and_double_quoted_scalars(folder: Path) -> None:
    path = folder / "replies.yaml"
    source = (
        "# saved replies\n"
        "- id: plain\n"
        f"  text: {BEFORE.replace(': ', ' ')}\n"
        "- id: quoted   # keep this comment\n"
        f'  text: "{BEFORE}"\n'
    )
    path.write_text(source, encoding="utf-8")
    run(str(path), "--fix")
    # A plain scalar takes neither a line break nor a `*`: only the opening is fixed.
    plain_fixed = "Hi, your parcel left today. Call me at +1 415 555 0134 if it is late."
    expected = (
        "# saved replies\n"
        "- id: plain\n"
        f"  text: {plain_fixed}\n"
        "- id: quoted   # keep this comment\n"
        f'  text: "{SAFE.replace(chr(10), chr(92) + "n")}"\n'
    )
    assert path.read_text(encoding="utf-8") == expected


def test_yaml_literal_block_gets_the_one_line_fixes(folder: Path) -> None:
    path = folder / "replies.yaml"
    path.write_text(f"- id: block\n  text: |\n    {BEFORE}\n    See you\n", encoding="utf-8")
    run(str(path), "--fix")
    line = "Hi, your parcel left today. Call me at +* *** *** 0134 if it is late."
    assert path.read_text(encoding="utf-8") == f"- id: block\n  text: |\n    {line}\n    See you\n"


def test_csv_cell_rewritten_other_cells_and_a_bad_row_untouched(folder: Path) -> None:
    # Row 2's unquoted comma gives it a cell too many: an input error, left as it is.
    path = folder / "replies.csv"
    path.write_bytes(
        f'id,text,note\r\n1,"{BEFORE}","a, ""quoted"" note"\r\n2,{CLEAN},x\r\n'.encode()
    )
    run(str(path), "--fix")
    assert path.read_bytes().decode("utf-8") == (
        f'id,text,note\r\n1,"{SAFE}","a, ""quoted"" note"\r\n2,{CLEAN},x\r\n'
    )


def test_unsafe_fixes_only_when_asked(folder: Path) -> None:
    path = folder / "replies.jsonl"
    path.write_text(json.dumps({"text": BEFORE}, ensure_ascii=False) + "\n", encoding="utf-8")
    run(str(path), "--fix")
    assert json.loads(path.read_text(encoding="utf-8"))["text"] == SAFE
    run(str(path), "--fix", "--unsafe-fixes")
    assert json.loads(path.read_text(encoding="utf-8"))["text"] == UNSAFE


def test_diff_prints_and_writes_nothing(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = folder / "a.txt"
    path.write_text(BEFORE + "\n", encoding="utf-8")
    assert run(str(path), "--diff") == 1  # fixes to apply: exit 1, as ruff does
    out, err = capsys.readouterr()
    assert path.read_text(encoding="utf-8") == BEFORE + "\n"
    assert f"--- a/{path}\n+++ b/{path}\n" in out
    assert f"-{BEFORE}\n+{SAFE.splitlines()[0]}\n+– Marie\n" in out
    assert "would fix 3 findings in 1 file" in err
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt", "replylint.toml"]


def test_fix_reports_what_remains(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = folder / "a.txt"
    path.write_text(BEFORE + "\n", encoding="utf-8")
    run(str(path), "--fix", "--show-source")
    out, err = capsys.readouterr()
    assert "fixed 3 findings in 1 file" in err
    # What is left is the unsafe swap, offered but not applied.
    assert "team-swap Say 'package'." in out
    assert "[*]" not in out.split("\n\n")[0]
    assert "1 more with `replylint check --fix --unsafe-fixes`" in out
    # No temporary file is left beside the fixed one.
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt", "replylint.toml"]


def test_fix_refuses_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(BEFORE))
    assert run("-", "--fix") == 2
    assert "--fix cannot write to stdin" in capsys.readouterr().err


def test_diff_of_a_record_on_stdin(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    record = json.dumps({"text": BEFORE}, ensure_ascii=False) + "\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(record))
    monkeypatch.chdir(folder)
    assert run("-", "--diff") == 1
    fixed = json.dumps({"text": SAFE}, ensure_ascii=False)
    assert f"-{record}+{fixed}\n" in capsys.readouterr().out
