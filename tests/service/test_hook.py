"""`replylint hook` as a pre-send hook runs it: a subprocess, stdin in, exit code out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .support import BLOCK_TEXT, PASS_TEXT, WARN_TEXT


def hook(
    *args: str, stdin: str | bytes, cwd: Path, config: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, "-m", "replylint", "hook", *args]
    if config is not None:
        command += ["--config", str(config)]
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    return subprocess.run(command, input=data, capture_output=True, cwd=cwd, timeout=120)


def report(proc: subprocess.CompletedProcess[bytes]) -> dict:
    return json.loads(proc.stdout.decode("utf-8"))


@pytest.mark.parametrize(
    ("text", "fail_on", "code", "verdict"),
    [
        (PASS_TEXT, "error", 0, "pass"),
        (WARN_TEXT, "error", 0, "warn"),
        (WARN_TEXT, "warning", 1, "warn"),
        (BLOCK_TEXT, "error", 1, "block"),
        (BLOCK_TEXT, "never", 0, "block"),
        ("We utilize it.", "warning", 0, "pass"),
        ("We utilize it.", "info", 1, "pass"),
    ],
)
def test_plain_text_exit_codes(
    tmp_path: Path, config_file: Path, text: str, fail_on: str, code: int, verdict: str
) -> None:
    proc = hook("--fail-on", fail_on, stdin=text + "\n", cwd=tmp_path, config=config_file)
    assert proc.returncode == code, proc.stderr
    assert report(proc)["verdict"] == verdict


def test_record_on_stdin(tmp_path: Path, config_file: Path) -> None:
    record = {"id": "t-1", "text": "😀 " + BLOCK_TEXT, "channel": "public", "agent": "Marie"}
    proc = hook(stdin=json.dumps(record), cwd=tmp_path, config=config_file)
    assert proc.returncode == 1
    data = report(proc)
    assert data["id"] == "t-1"
    assert data["channel"] == "public"
    (finding,) = data["findings"]
    start, end = finding["start"]["offset"], finding["end"]["offset"]
    assert record["text"][start:end] == "forbidden phrase"


def test_flags_fill_missing_fields(tmp_path: Path, config_file: Path) -> None:
    proc = hook(
        "--channel", "email", "--language", "fr", stdin=PASS_TEXT, cwd=tmp_path, config=config_file
    )
    assert proc.returncode == 0, proc.stderr
    data = report(proc)
    assert (data["channel"], data["language"]) == ("email", "fr")
    # The record's own field wins over the flag.
    record = json.dumps({"text": PASS_TEXT, "channel": "chat"})
    data = report(hook("--channel", "email", stdin=record, cwd=tmp_path, config=config_file))
    assert data["channel"] == "chat"


def test_json_that_is_not_an_object_is_text(tmp_path: Path, config_file: Path) -> None:
    proc = hook(stdin='["forbidden phrase"]', cwd=tmp_path, config=config_file)
    assert proc.returncode == 1
    assert report(proc)["verdict"] == "block"


def test_config_found_upward_from_the_working_directory(tmp_path: Path, config_file: Path) -> None:
    (tmp_path / "replylint.toml").write_text(config_file.read_text("utf-8"), encoding="utf-8")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    assert hook(stdin=BLOCK_TEXT, cwd=nested).returncode == 1


@pytest.mark.parametrize(
    ("stdin", "args", "message"),
    [
        ('{"text": 42}', (), "field 'text' must be a string"),
        ('{"channel": "public"}', (), "missing required field 'text'"),
        ('{"text": "hi", "channel": "fax"}', (), "channel"),
        ("", (), "no reply on stdin"),
        ("   \n", (), "no reply on stdin"),
        (b"\xff\xfe bad bytes", (), "not valid UTF-8"),
        ("hi", ("--channel", "fax"), "invalid choice"),
        ("hi", ("--fail-on", "sometimes"), "invalid choice"),
    ],
)
def test_bad_input_exits_2(
    tmp_path: Path, config_file: Path, stdin: str | bytes, args: tuple[str, ...], message: str
) -> None:
    proc = hook(*args, stdin=stdin, cwd=tmp_path, config=config_file)
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert message in proc.stderr.decode("utf-8")


def test_bad_config_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[rules.nope]\nenabled = true\n", encoding="utf-8")
    proc = hook(stdin="hello", cwd=tmp_path, config=bad)
    assert proc.returncode == 2
    assert "unknown rule" in proc.stderr.decode("utf-8")
    missing = hook(stdin="hello", cwd=tmp_path, config=tmp_path / "missing.toml")
    assert missing.returncode == 2


@pytest.mark.builtin_rules
def test_builtin_rules_block_personal_data_in_public(tmp_path: Path) -> None:
    """Real built-in rules (sensitive-in-private): may fail until that rule lands."""
    record = {
        "text": "Hi Dana, your card 4111 1111 1111 1111 was charged twice, refund is on its way. – Marie",
        "channel": "public",
    }
    proc = hook(stdin=json.dumps(record), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "sensitive-in-private" in {f["rule"] for f in report(proc)["findings"]}
