"""The CLI as users run it: a subprocess, real files, real exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_support import run_cli as run

LONG_PUBLIC = " ".join(["Word word word word word."] * 14)  # 70 words


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    lines = [
        json.dumps({"id": "ok", "text": "Yes, it ships today.", "channel": "chat"}),
        "{not json",
        json.dumps({"id": "no-text", "channel": "chat"}),
        json.dumps({"id": "long", "text": LONG_PUBLIC, "channel": "public"}),
        json.dumps({"id": "bad-type", "text": 42}),
        json.dumps({"text": "Oui, il part demain.", "channel": "chat", "language": "fr"}),
    ]
    path = tmp_path / "replies.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_json_results_and_errors(collection: Path) -> None:
    proc = run("check", str(collection), "--format", "json", "--select", "brevity")
    assert proc.returncode == 2, proc.stderr
    data = json.loads(proc.stdout)
    assert data["version"] == 1
    assert [r["id"] for r in data["results"]] == ["ok", "long", "6"]
    assert {e["id"] for e in data["errors"]} == {"2", "no-text", "bad-type"}
    assert all(e["path"] == str(collection) for e in data["errors"])
    assert "line 2" in next(e for e in data["errors"] if e["id"] == "2")["message"]
    long = data["results"][1]
    assert long["language"] == "en" and long["channel"] == "public"
    (finding,) = long["findings"]
    assert finding["rule"] == "brevity" and finding["severity"] == "info"
    assert set(finding["start"]) == {"line", "column", "offset"}
    assert data["summary"] == {
        "replies": 3,
        "findings": 1,
        "by_rule": {"brevity": 1},
        "by_severity": {"info": 1},
    }


@pytest.mark.parametrize(
    ("fail_on", "code"), [("error", 0), ("warning", 0), ("info", 1), ("never", 0)]
)
def test_fail_on_drives_exit_code(tmp_path: Path, fail_on: str, code: int) -> None:
    path = tmp_path / "long.txt"
    path.write_text(f"---\nchannel: public\n---\n{LONG_PUBLIC}\n", encoding="utf-8")
    proc = run("check", str(path), "--select", "brevity", "--fail-on", fail_on)
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert f"{path}:4:" in proc.stdout


def test_stdin_plain_text_and_record() -> None:
    proc = run(
        "check",
        "-",
        "--select",
        "brevity",
        "--channel",
        "public",
        "--fail-on",
        "info",
        stdin=LONG_PUBLIC,
    )
    assert proc.returncode == 1
    assert "<stdin>" in proc.stdout
    record = json.dumps({"text": "Short.", "channel": "chat", "id": "r1"})
    proc = run("check", "--format", "json", stdin=record)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["results"][0]["id"] == "r1"


def test_config_error_exits_2_and_names_key(tmp_path: Path) -> None:
    (tmp_path / "replylint.toml").write_text(
        "[rules.brevity]\nseverity = 'fatal'\n", encoding="utf-8"
    )
    (tmp_path / "a.txt").write_text("Hello there.", encoding="utf-8")
    proc = run("check", "a.txt", cwd=tmp_path)
    assert proc.returncode == 2
    assert "rules.brevity.severity" in proc.stderr and proc.stdout == ""


def test_config_found_upward_from_file(tmp_path: Path) -> None:
    (tmp_path / "replylint.toml").write_text(
        "[rules.brevity]\nseverity = 'error'\n", encoding="utf-8"
    )
    sub = tmp_path / "replies" / "en"
    sub.mkdir(parents=True)
    (sub / "long.reply").write_text(f"---\nchannel: public\n---\n{LONG_PUBLIC}", encoding="utf-8")
    proc = run("check", str(tmp_path / "replies"), "--select", "brevity")
    assert proc.returncode == 1 and " error brevity " in proc.stdout


def test_usage_errors() -> None:
    assert run("check", "--format", "xml").returncode == 2
    assert run("check", "/no/such/file.txt").returncode == 2
    assert run("explain", "no-such-rule").returncode == 2
    assert run().returncode == 2


def test_output_file_written(tmp_path: Path, collection: Path) -> None:
    out = tmp_path / "out" / "report.json"
    proc = run("check", str(collection), "--format", "json", "--output", str(out))
    # Three malformed records are input errors (exit 2); the report is written whole.
    assert proc.returncode == 2, proc.stderr
    report = json.loads(out.read_text("utf-8"))
    assert report["version"] == 1
    assert (len(report["results"]), len(report["errors"])) == (3, 3)
    assert not list(out.parent.glob(".*.tmp"))


def test_rules_and_explain() -> None:
    proc = run("rules")
    assert proc.returncode == 0 and "brevity" in proc.stdout
    proc = run("explain", "brevity")
    assert proc.returncode == 0
    for section in ("What it does", "Why it matters", "Example", "Use instead", "Options"):
        assert f"## {section}" in proc.stdout


def test_eval_reports_precision_and_recall(tmp_path: Path) -> None:
    dataset = tmp_path / "d.jsonl"
    dataset.write_text(
        json.dumps({"text": LONG_PUBLIC, "channel": "public", "expected": ["brevity"]})
        + "\n"
        + json.dumps({"text": "Short one.", "channel": "public", "expected": []})
        + "\n",
        encoding="utf-8",
    )
    proc = run("eval", str(dataset), "--select", "brevity")
    assert proc.returncode == 0, proc.stderr
    row = next(line for line in proc.stdout.splitlines() if line.startswith("brevity"))
    assert row.split()[1:4] == ["1.00", "1.00", "1"]


def test_the_command_asks_openblas_for_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    from replylint import cli

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    cli._one_blas_thread()
    assert cli.os.environ["OPENBLAS_NUM_THREADS"] == "1"


def test_a_blas_thread_count_the_user_set_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from replylint import cli

    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    cli._one_blas_thread()
    assert cli.os.environ["OPENBLAS_NUM_THREADS"] == "4"
