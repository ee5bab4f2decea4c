"""The numbered cases of "doors that never guess": each fails on the code before it.

In-process (the hook's and the CLI's `main`, the service through Starlette's test
client) so they stay quick; the real-process tests of each door live beside it.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import anyio
import httpx
import pytest

from replylint import cli, hook
from replylint.engine import Engine
from replylint.service.app import create_app

PRIVATE_ORDER = {"text": "Hi Sam, your order 48213377 shipped. – Marie", "chanel": "public"}


class _Stdin(io.StringIO):
    """stdin for `main`: text, and a terminal or not."""

    def __init__(self, text: str = "", tty: bool = False) -> None:
        super().__init__(text)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


class InProcess:
    """The service in-process: httpx over ASGI, one request at a time, sync."""

    def __init__(self, app: object) -> None:
        self.app = app

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def _call(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)  # type: ignore[arg-type]
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                return await client.request(method, path, **kwargs)  # type: ignore[arg-type]

        return anyio.run(go)

    def post(self, path: str, **kwargs: object) -> httpx.Response:
        return self._call("POST", path, **kwargs)

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return self._call("GET", path, **kwargs)


def run_hook(stdin: str, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = hook.main(list(args), stdin=io.StringIO(stdin), stdout=out)
    return code, out.getvalue()


def run_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str, **kw: object
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", _Stdin(str(kw.get("stdin", "")), bool(kw.get("tty"))))
    code = cli.main(["check", "--no-progress", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- 1. every door after the README's install (the fresh venv: test_install.py) ----


def test_1_a_door_without_its_package_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_import = cli.importlib.import_module

    def without_starlette(name: str) -> object:
        if name == "replylint.service":
            raise ModuleNotFoundError("No module named 'starlette'", name="starlette")
        return real_import(name)

    monkeypatch.setattr(cli.importlib, "import_module", without_starlette)
    assert cli.main(["serve", "--help"]) == 2
    err = capsys.readouterr().err
    assert "'starlette' is not installed" in err and "replylint[serve]" in err
    assert "Traceback" not in err


# --- 2. the hook never reads broken JSON as text -------------------------------------


def test_2_hook_refuses_malformed_json_with_its_position(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run_hook('{"text": "Hi", "channel": \n')
    assert code == 2 and out == ""
    # The value is missing after `"channel": ` and the newline: line 2, column 1.
    assert "malformed JSON on stdin" in capsys.readouterr().err
    code, out = run_hook('{"text": "Hi", "channel": ', "--input", "json")
    assert code == 2
    assert "(line 1, column 27)" in capsys.readouterr().err


def test_2_hook_input_text_reads_braces_as_text() -> None:
    code, out = run_hook("{Hi Sam} it shipped. – Marie", "--input", "text")
    assert code == 0 and json.loads(out)["verdict"] in ("pass", "warn")


# --- 3. a misspelled field is an error, never a silent default ---------------------


def test_3_hook_names_the_misspelled_field(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_hook(json.dumps(PRIVATE_ORDER))
    assert code == 2 and out == ""
    assert "unknown field 'chanel' — did you mean 'channel'?" in capsys.readouterr().err


def test_3_check_fails_the_record_with_a_misspelled_field(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "replies.jsonl"
    good = {"text": "Thanks Sam, it left today. – Marie", "expected": ["none"]}
    path.write_text(json.dumps(PRIVATE_ORDER) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    code, out, err = run_check(monkeypatch, capsys, str(path), "--format", "json")
    assert code == 2
    report = json.loads(out)
    assert [r["id"] for r in report["results"]] == ["2"]  # the other record is still linted
    [error] = report["errors"]
    assert "did you mean 'channel'" in error["message"] and error["message"].startswith("line 1")
    assert report["summary"]["ignored_fields"] == ["expected"]
    assert "input error: unknown field 'chanel'" in err


def test_3_api_and_http_refuse_unknown_fields_but_keep_meta() -> None:
    from replylint.api import lint_record
    from replylint.inputs.record import RecordError

    engine = Engine()
    with pytest.raises(RecordError, match="did you mean 'channel'"):
        lint_record(PRIVATE_ORDER, engine=engine)
    kept = lint_record(
        {"text": "Thanks, it shipped. – Marie", "meta": {"ticket": 7}}, engine=engine
    )
    assert kept.reply.extra["meta"] == {"ticket": 7}
    with InProcess(create_app(engine, warm_up=False)) as client:
        answer = client.post("/v1/check", json=PRIVATE_ORDER)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == 422 and body["field"] == "chanel"
    assert "did you mean 'channel'" in body["detail"]


# --- 4. only supported languages -------------------------------------------------


@pytest.mark.parametrize("code", ["de", "xx"])
def test_4_language_flag_must_be_supported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, code: str
) -> None:
    path = tmp_path / "reply.txt"
    path.write_text("Hi Sam, it shipped. – Marie\n", encoding="utf-8")
    status, out, err = run_check(monkeypatch, capsys, str(path), "--language", code)
    assert status == 2 and out == ""
    assert f"--language must be one of en, fr (the supported languages), not '{code}'" in err
    assert run_hook("Hi Sam, it shipped.", "--language", code)[0] == 2


def test_4_language_field_must_be_supported(capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = run_hook(json.dumps({"text": "Hallo Sam, erledigt.", "language": "de"}))
    assert code == 2
    assert "field 'language' must be one of en, fr" in capsys.readouterr().err


# --- 6. an empty reply is nothing to send, everywhere ------------------------------


def test_6_empty_replies_are_input_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run_hook(json.dumps({"text": " \n"}), "--fail-on", "info")[0] == 2
    assert "nothing to send" in capsys.readouterr().err
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("Thanks Sam, it left today. – Marie\n", encoding="utf-8")
    (tmp_path / "library.yaml").write_text("- text: ''\n- text: Fine, thanks!\n", encoding="utf-8")
    code, out, err = run_check(monkeypatch, capsys, str(tmp_path), "--format", "json")
    assert code == 2
    assert err.count("nothing to send") == 2
    report = json.loads(out)
    assert sorted(Path(r["path"]).name for r in report["results"]) == [
        "library.yaml",
        "ok.txt",
    ]
    assert len(report["errors"]) == 2
    assert all("nothing to send" in e["message"] for e in report["errors"])
    with InProcess(create_app(Engine(), warm_up=False)) as client:
        assert client.post("/v1/check", json={"text": "   "}).status_code == 422


# --- 7. no path on a terminal is a usage error -------------------------------------


def test_7_check_without_a_path_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_check(monkeypatch, capsys, tty=True)
    assert code == 2 and out == ""
    assert "no PATH given and stdin is a terminal" in err


def test_7_over_a_real_terminal(tmp_path: Path) -> None:
    import pty

    parent, child = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "replylint", "check"],
            stdin=child,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
    finally:
        os.close(child)
        os.close(parent)
    assert proc.returncode == 2
    assert "stdin is a terminal" in proc.stderr


# --- 8. the smaller ones ---------------------------------------------------------------


def test_8_input_errors_go_to_stderr_and_counts_agree(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "a.jsonl").write_text('{"text": 3}\n', encoding="utf-8")
    code, out, err = run_check(monkeypatch, capsys, str(tmp_path / "a.jsonl"))
    assert code == 2
    assert "input error: field 'text' must be a string" in err
    assert "must be a string" not in out
    assert out.strip().endswith("0 replies checked: no findings; 1 input error")


def test_8_github_summary_is_plural_correct(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("Thanks Sam, it left today. – Marie\n", encoding="utf-8")
    code, out, _ = run_check(monkeypatch, capsys, str(tmp_path / "a.txt"), "--format", "github")
    assert code == 0
    assert "replylint: 1 reply checked: " in out


def test_8_zip_files_are_skipped_with_an_input_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "report.docx", "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    (tmp_path / "report.txt").write_bytes((tmp_path / "report.docx").read_bytes())
    code, out, err = run_check(monkeypatch, capsys, str(tmp_path / "report.txt"))
    assert code == 2
    assert out.strip() == "0 replies checked: no findings; 1 input error"
    assert "report.txt: input error: not a text file (a DOCX file): skipped" in err


def test_8_http_refuses_bodies_that_are_not_json() -> None:
    with InProcess(create_app(Engine(), warm_up=False)) as client:
        plain = client.post(
            "/v1/check", content=b'{"text": "Hi"}', headers={"content-type": "text/plain"}
        )
        xml = client.post(
            "/v1/check", content=b"<reply>Hi</reply>", headers={"content-type": "application/xml"}
        )
        missing = client.get("/v1/nothing-here")
    for answer in (plain, xml):
        assert answer.status_code == 415
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["title"] == "Unsupported Media Type"
    assert missing.status_code == 404 and missing.json()["status"] == 404
