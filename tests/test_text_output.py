"""What a person reads: flagged words, source lines with the span underlined,
personal data masked in every report format, and the fixable count.

One subprocess with a terminal (a pty: source lines and colours by default) and
one piped (the one-line form); the rest in-process.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_support import run_cli, run_in_terminal
from replylint.cli import main

CONFIG = """\
select = ["test-block", "sensitive-in-private"]

[[phrases]]
name = "test-block"
message = "Never write '{phrase}'."
severity = "error"
phrases = ["forbidden phrase"]
"""
REPLY = "Hi Sam,\nHello, the forbidden phrase is here.\n"
PHONE = "+1 415 555 0134"
PUBLIC = f"---\nchannel: public\n---\nThanks! Reach Sam at {PHONE} for the refund. – Lou\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "replylint.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "a.txt").write_text(REPLY, encoding="utf-8")
    return tmp_path


def check(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    main(["check", "--no-progress", *args])
    return capsys.readouterr().out


def test_one_line_form_quotes_the_flagged_words(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = check(capsys, str(folder / "a.txt"))
    assert out.splitlines()[0] == (
        f"{folder / 'a.txt'}:2:12: error test-block Never write 'forbidden phrase'."
        " “forbidden phrase”"
    )


def test_show_source_underlines_the_span(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = check(capsys, str(folder / "a.txt"), "--show-source")
    assert out.startswith(
        f"{folder / 'a.txt'}:2:12: error test-block Never write 'forbidden phrase'.\n"
        "  |\n"
        "2 | Hello, the forbidden phrase is here.\n"
        "  |            ^^^^^^^^^^^^^^^^\n"
        "\n"
    )


def test_show_source_cuts_a_long_line_around_the_span(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = folder / "long.txt"
    path.write_text("x" * 80 + " forbidden phrase " + "y" * 80 + "\n", encoding="utf-8")
    out = check(capsys, str(path), "--show-source")
    # 50 characters each side of the span, and an ellipsis where the line was cut.
    shown = "…" + "x" * 49 + " forbidden phrase " + "y" * 49 + "…"
    assert f"1 | {shown}\n  | {' ' * 51}{'^' * 16}\n" in out


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_personal_data_is_masked_in_every_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    (tmp_path / "replylint.toml").write_text(CONFIG, encoding="utf-8")
    path = tmp_path / "public.reply"
    path.write_text(PUBLIC, encoding="utf-8")
    out = check(capsys, str(path), "--format", fmt, "--show-source")
    assert "sensitive-in-private" in out  # the finding is there...
    assert PHONE not in out and "415" not in out  # ...its number is not


def test_personal_data_masked_in_the_source_line_of_another_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "replylint.toml").write_text(CONFIG, encoding="utf-8")
    path = tmp_path / "public.reply"
    path.write_text(PUBLIC.replace("Thanks!", "The forbidden phrase!"), encoding="utf-8")
    out = check(capsys, str(path), "--show-source")
    assert "4 | The forbidden phrase! Reach Sam at +* *** *** 0134 for the refund. – Lou" in out
    assert "415" not in out


def test_json_marks_personal_data_and_safe_fixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "public.reply"
    path.write_text(PUBLIC, encoding="utf-8")
    (tmp_path / "replylint.toml").write_text(CONFIG, encoding="utf-8")
    finding = json.loads(check(capsys, str(path), "--format", "json"))["results"][0]["findings"][0]
    assert finding["personal_data"] is True
    assert finding["fixes"][0]["safe"] is True
    assert finding["fixes"][0]["edits"][0]["text"] == "+* *** *** 0134"


def test_summary_counts_fixable_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "replylint.toml").write_text(CONFIG, encoding="utf-8")
    path = tmp_path / "public.reply"
    path.write_text(PUBLIC, encoding="utf-8")
    out = check(capsys, str(path))
    assert "[*]" in out.splitlines()[0]
    lines = out.splitlines()
    assert "[*] 1 fixable with `replylint check --fix`" in lines[-3:]
    assert lines[-1] == "1 reply checked: 1 error"


def test_piped_cli_prints_one_line_form(folder: Path) -> None:
    done = run_cli("check", "a.txt", cwd=folder)
    assert done.returncode == 1
    assert done.stdout.splitlines()[0] == (
        "a.txt:2:12: error test-block Never write 'forbidden phrase'. “forbidden phrase”"
    )
    assert "\x1b[" not in done.stdout and " | " not in done.stdout


def test_terminal_cli_shows_source_in_colour(folder: Path) -> None:
    run = run_in_terminal("check", "--no-progress", "a.txt", cwd=folder)
    assert run.returncode == 1
    out = run.stdout.replace("\r\n", "\n")
    assert "\x1b[31merror\x1b[0m" in out
    assert "2 | Hello, the forbidden phrase is here.\n" in out.replace("\x1b[2m", "").replace(
        "\x1b[0m", ""
    )


def test_sarif_links_rules_to_the_configured_docs_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = 'docs_url = "https://wiki.example.org/replylint/{rule}"\n'
    (tmp_path / "replylint.toml").write_text(docs + CONFIG, encoding="utf-8")
    (tmp_path / "a.txt").write_text(REPLY, encoding="utf-8")
    log = json.loads(check(capsys, str(tmp_path / "a.txt"), "--format", "sarif"))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://wiki.example.org/replylint/"
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert rules["test-block"]["helpUri"] == "https://wiki.example.org/replylint/test-block"
