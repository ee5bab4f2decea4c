"""`--jobs`, baselines and the progress bar, through the CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from batch_support import Runner, write_jsonl

from cli_support import run_in_terminal
from replylint.check.parallel import MIN_PARALLEL_REPLIES, default_jobs, estimate_replies, plan_jobs
from replylint.check.progress import wanted
from replylint.inputs.files import InputError

RECORD_FIELDS = ("text", "channel", "incoming", "language", "agent", "brand", "customer")


def corpus_records(corpus: list[dict], n: int) -> list[dict[str, object]]:
    """`n` reply records: the labeled corpus's record fields, repeated."""
    base = [{k: r[k] for k in RECORD_FIELDS if k in r} for r in corpus]
    return [{**base[i % len(base)], "id": f"r{i}"} for i in range(n)]


@pytest.fixture
def mixed(tmp_path: Path, corpus: list[dict]) -> Path:
    """Documents, a JSONL of 320 records (several chunks), a bad line, a CSV."""
    (tmp_path / "docs").mkdir()
    for i in range(20):
        (tmp_path / "docs" / f"d{i:02}.txt").write_text(
            f"Hello, kindly note reply {i} 🙂 is here.\n– Marie\n", encoding="utf-8"
        )
    (tmp_path / "docs" / "bad.txt").write_bytes(b"\x00\x01")
    records = corpus_records(corpus, 320)
    path = write_jsonl(tmp_path / "big" / "export.jsonl", records)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{broken\n")
    (tmp_path / "big" / "small.csv").write_text(
        "id,text\nc1,Kindly hold on.\nc2,Done!\n", encoding="utf-8"
    )
    return tmp_path


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_jobs_2_output_equals_jobs_1(mixed: Path, run: Runner, fmt: str) -> None:
    assert estimate_replies([str(mixed / "big" / "export.jsonl")]) >= MIN_PARALLEL_REPLIES
    one = run("check", ".", "--format", fmt, "--jobs", "1", cwd=mixed)
    two = run("check", ".", "--format", fmt, "--jobs", "2", cwd=mixed)
    assert one.returncode == two.returncode == 2, one.stderr + two.stderr
    assert one.stdout == two.stdout
    if fmt == "json":
        data = json.loads(one.stdout)
        assert data["summary"]["replies"] == 20 + 320 + 2
        ids = [r["id"] for r in data["results"] if r["path"] == "big/export.jsonl"]
        assert ids == [f"r{i}" for i in range(320)]  # input order
        assert [e["path"] for e in data["errors"]] == ["big/export.jsonl", "docs/bad.txt"]


def test_small_input_runs_in_process(team: Path, run: Runner) -> None:
    (team / "a.txt").write_text("Kindly wait.", encoding="utf-8")
    proc = run("check", "a.txt", "--jobs", "8", cwd=team)
    assert proc.returncode == 1 and "acme-words" in proc.stdout


def test_baseline_then_only_new_findings_fail(team: Path, run: Runner) -> None:
    (team / "a.txt").write_text("Kindly wait.\n", encoding="utf-8")
    write_jsonl(team / "r.jsonl", [{"id": "1", "text": "Wait, kindly, kindly hold."}])
    baseline = team / ".replylint-baseline.json"
    proc = run("check", ".", "--baseline", str(baseline), "--update-baseline", cwd=team)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 baselined" in proc.stdout
    recorded = json.loads(baseline.read_text("utf-8"))
    assert recorded["version"] == 1
    assert sorted(
        (f["path"], f["id"], f["rule"], f.get("count", 1)) for f in recorded["findings"]
    ) == [
        ("a.txt", None, "acme-words", 1),
        ("r.jsonl", "1", "acme-words", 2),
    ]
    proc = run("check", ".", "--baseline", str(baseline), "--format", "json", cwd=team)
    assert proc.returncode == 0
    data = json.loads(proc.stdout)
    assert data["summary"]["findings"] == 0 and data["summary"]["baselined"] == 3
    # Unrelated edits (new lines above, another record first) keep it valid.
    (team / "a.txt").write_text("New first line.\n\nKindly wait.\n", encoding="utf-8")
    write_jsonl(
        team / "r.jsonl",
        [{"id": "0", "text": "Fine."}, {"id": "1", "text": "Wait, kindly, kindly hold."}],
    )
    assert run("check", ".", "--baseline", str(baseline), cwd=team).returncode == 0
    # A new finding fails, and only it is reported.
    write_jsonl(
        team / "r.jsonl",
        [{"id": "1", "text": "Wait, kindly, kindly hold."}, {"id": "2", "text": "Kindly stop."}],
    )
    proc = run("check", ".", "--baseline", str(baseline), "--format", "json", cwd=team)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    flagged = [(r["id"], f["rule"]) for r in data["results"] for f in r["findings"]]
    assert flagged == [("2", "acme-words")]
    assert data["summary"]["baselined"] == 3 and data["summary"]["findings"] == 1
    # A third "kindly" in record 1 is new too: the baseline counts occurrences.
    write_jsonl(team / "r.jsonl", [{"id": "1", "text": "Wait, kindly, kindly, kindly hold."}])
    assert run("check", ".", "--baseline", str(baseline), cwd=team).returncode == 1


def test_baseline_usage_errors(team: Path, run: Runner) -> None:
    (team / "a.txt").write_text("Kindly wait.\n", encoding="utf-8")
    proc = run("check", "a.txt", "--baseline", "missing.json", cwd=team)
    assert proc.returncode == 2 and "baseline file not found" in proc.stderr
    assert proc.stdout == ""
    proc = run("check", "a.txt", "--update-baseline", cwd=team)
    assert proc.returncode == 2 and "--baseline FILE" in proc.stderr
    (team / "junk.json").write_text("[]", encoding="utf-8")
    assert run("check", "a.txt", "--baseline", "junk.json", cwd=team).returncode == 2


def test_config_error_in_a_subfolder_writes_nothing(team: Path, run: Runner) -> None:
    (team / "a.txt").write_text("Kindly wait.\n", encoding="utf-8")
    sub = team / "z"
    sub.mkdir()
    (sub / "replylint.toml").write_text("[rules.brevity]\nseverity = 'fatal'\n", "utf-8")
    (sub / "b.txt").write_text("Hi.\n", encoding="utf-8")
    proc = run("check", ".", cwd=team)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "rules.brevity.severity" in proc.stderr


def test_progress_bar_absent_when_piped(mixed: Path, run: Runner) -> None:
    proc = run("check", ".", "--format", "json", "--jobs", "1", cwd=mixed)
    assert "\x1b[" not in proc.stderr and "replylint ━" not in proc.stderr
    json.loads(proc.stdout)


def test_progress_policy() -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    class Pipe:
        def isatty(self) -> bool:
            return False

    tty, pipe = Tty(), Pipe()
    kw = {"estimated": 1000, "to_file": False, "environ": {}}
    assert wanted(stdout=tty, stderr=tty, **kw)  # type: ignore[arg-type]
    assert not wanted(stdout=pipe, stderr=tty, **kw)  # type: ignore[arg-type]
    assert wanted(stdout=pipe, stderr=tty, **{**kw, "to_file": True})  # type: ignore[arg-type]
    assert not wanted(stdout=tty, stderr=pipe, **kw)  # type: ignore[arg-type]
    assert not wanted(stdout=tty, stderr=tty, **{**kw, "environ": {"CI": "true"}})  # type: ignore[arg-type]
    assert not wanted(stdout=tty, stderr=tty, **{**kw, "environ": {"TERM": "dumb"}})  # type: ignore[arg-type]
    assert not wanted(stdout=tty, stderr=tty, **{**kw, "estimated": 10})  # type: ignore[arg-type]
    assert not wanted(stdout=tty, stderr=tty, disabled=True, **kw)  # type: ignore[arg-type]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal(mixed: Path) -> None:
    """On a terminal (stderr a pty) with --output, a transient bar is drawn."""
    screen = run_in_terminal("check", ".", "--jobs", "1", "--output", "out.txt", cwd=mixed).stdout
    assert "replies" in screen and "replylint" in screen
    assert (
        (mixed / "out.txt").read_text("utf-8").rstrip().splitlines()[-1].startswith("342 replies")
    )


def test_plan_jobs() -> None:
    assert plan_jobs(None, 150) == 1  # default: in-process until it pays off
    assert plan_jobs(None, 999) == 1
    assert plan_jobs(None, 1000) == default_jobs()
    assert plan_jobs(None, 20_000) == default_jobs()
    assert plan_jobs(2, 150) == 1  # --jobs 2 on a tiny input: no pool
    assert plan_jobs(2, 320) == 2


def test_estimate() -> None:
    assert estimate_replies([InputError("x", "missing"), "-"], "a\nb\n") == 3
