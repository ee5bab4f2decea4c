"""Which files are replies, and the edits behind the editor commands (in-process)."""

from __future__ import annotations

from pathlib import Path

from replylint.config import Config, ConfigLayer
from replylint.lsp.config_edits import add_to_list_edit
from replylint.lsp.document_status import document_status
from replylint.lsp.front_matter import set_front_matter_edit
from replylint.lsp.linting import LintOutcome
from replylint.lsp.reply_files import DEFAULT_FILES, Decision, ReplyFiles, has_reply_front_matter
from replylint.model import Edit, Finding, Severity

ROOT = Path("/ws")
CONFIG = ROOT / "replylint.toml"


def _files(files: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> ReplyFiles:
    layer = ConfigLayer(source=str(CONFIG), files=files, exclude=exclude)
    return ReplyFiles.of(DEFAULT_FILES, ROOT, Config((layer,), CONFIG), CONFIG)


def _apply(text: str, edit: Edit | None) -> str:
    assert edit is not None
    return text[: edit.start] + edit.text + text[edit.end :]


def test_reply_files_match_the_default_globs_at_any_depth() -> None:
    assert _files().decide(ROOT / "a" / "b" / "x.reply", "reply", "reply", "Hi").is_reply
    assert _files().decide(ROOT / "x.reply.md", "markdown", "reply", "Hi").is_reply


def test_markdown_needs_replylint_front_matter() -> None:
    files = _files()
    assert not files.decide(ROOT / "README.md", "markdown", "reply", "# Title\nDear all").is_reply
    jekyll = "---\ntitle: Post\nlanguage: en\n---\nBody"
    assert not files.decide(ROOT / "post.md", "markdown", "reply", jekyll).is_reply
    reply = "---\nchannel: public\n---\nHi Sam"
    assert files.decide(ROOT / "reply.md", "markdown", "reply", reply) == Decision(
        True, "it has replylint front matter"
    )


def test_config_files_are_relative_to_the_config_and_exclude_wins() -> None:
    files = _files(files=("templates/",), exclude=("templates/old.yaml",))
    assert files.decide(ROOT / "templates" / "a.yaml", "yaml", "yaml", "").is_reply
    assert not files.decide(ROOT / "other" / "templates.yaml", "yaml", "yaml", "").is_reply
    excluded = files.decide(ROOT / "templates" / "old.yaml", "yaml", "yaml", "")
    assert excluded == Decision(
        False, "excluded by `templates/old.yaml` in replylint.toml `exclude`"
    )


def test_untitled_documents_go_by_language_and_front_matter() -> None:
    files = _files()
    assert files.decide(None, "reply", "reply", "Hi").is_reply
    assert not files.decide(None, "markdown", "reply", "Hi").is_reply
    assert files.decide(None, "markdown", "reply", "---\nagent: Marie\n---\nHi").is_reply


def test_front_matter_detection_ignores_broken_yaml() -> None:
    assert not has_reply_front_matter("---\nchannel: [oops\n---\nHi")
    assert has_reply_front_matter("\ufeff---\r\nreplylint-ignore: all\r\n---\r\nHi")


def test_set_channel_replaces_inserts_and_removes_one_line() -> None:
    text = "---\nagent: Marie\nchannel: public\n---\nHi\n"
    assert _apply(text, set_front_matter_edit(text, "channel", "chat")) == (
        "---\nagent: Marie\nchannel: chat\n---\nHi\n"
    )
    assert (
        _apply(text, set_front_matter_edit(text, "channel", None)) == "---\nagent: Marie\n---\nHi\n"
    )
    assert _apply("Hi\r\n", set_front_matter_edit("Hi\r\n", "channel", "email")) == (
        "---\r\nchannel: email\r\n---\r\nHi\r\n"
    )
    only = "---\nchannel: public\n---\nHi\n"
    assert _apply(only, set_front_matter_edit(only, "channel", None)) == "Hi\n"
    assert set_front_matter_edit(only, "channel", "public") is None  # nothing to change


def test_exclude_gets_the_path_added_keeping_its_comment() -> None:
    text = 'exclude = ["a.reply"]  # old drafts\n[rules.brevity]\nenabled = false\n'
    assert _apply(text, add_to_list_edit(text, "exclude", "b.reply")) == (
        'exclude = ["a.reply", "b.reply"]  # old drafts\n[rules.brevity]\nenabled = false\n'
    )
    assert add_to_list_edit(text, "exclude", "a.reply") is None
    pyproject = '[project]\nname = "x"\n[tool.replylint]\nchannel = "chat"\n'
    assert _apply(
        pyproject, add_to_list_edit(pyproject, "exclude", "x.md", ("tool", "replylint"))
    ) == ('[project]\nname = "x"\n[tool.replylint]\nexclude = ["x.md"]\nchannel = "chat"\n')


def test_status_counts_findings_by_severity_and_names_the_verdict() -> None:
    findings = tuple(
        Finding(rule="r", message="m", start=0, end=1, severity=severity)
        for severity in (Severity.WARNING, Severity.WARNING, Severity.INFO)
    )
    outcome = LintOutcome("text", "yaml", findings, replies=(("public", "en"), ("chat", "en")))
    status = document_status("file:///ws/a.yaml", Decision(True, "why"), outcome)
    assert status == {
        "uri": "file:///ws/a.yaml",
        "isReply": True,
        "reason": "why",
        "kind": "yaml",
        "channel": "mixed",
        "language": "en",
        "verdict": "warn",
        "counts": {"error": 0, "warning": 2, "info": 1},
        "replies": 2,
    }


def test_replylint_ignore_all_skips_every_rule() -> None:
    from replylint.engine import Engine
    from replylint.model import Reply

    text = "Dear valued customer, your request has been received.\nThe Acme Team"
    report = Engine().lint(Reply(text=text, channel="public", extra={"replylint-ignore": "all"}))
    assert report.findings == ()
