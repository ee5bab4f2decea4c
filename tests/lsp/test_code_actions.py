"""Code actions: each kind applied to the text (or the config file) and re-linted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lsp_support import (
    LONG_PUBLIC_REPLY,
    PHRASE_CONFIG,
    apply_text_edits,
    by_code,
    change_doc,
    edits_for,
    mark,
    open_doc,
    published,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

GUYS_REPLY = "Hi Sam 😀,\nhey guys, the parcel left today.\nMarie\n"


async def actions_for(
    client: LanguageClient, uri: str, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert result is not None
    assert all(isinstance(a, types.CodeAction) for a in result)
    return result  # type: ignore[return-value]


def titled(actions: list[types.CodeAction], prefix: str) -> types.CodeAction:
    [action] = [a for a in actions if a.title.startswith(prefix)]
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.edit is not None
    return action


async def test_quick_fix_applied_and_relinted(client: LanguageClient) -> None:
    uri = open_doc(client, "draft.reply", GUYS_REPLY)
    [guys] = by_code(await published(client, uri, version=1), "test-guys")
    actions = await actions_for(client, uri, guys)
    fix = titled(actions, "Replace with 'hey folks'")
    assert fix.is_preferred
    assert list(fix.diagnostics) == [guys]
    # VS Code supports versioned document changes: the edit names the version it is for.
    [change] = fix.edit.document_changes
    assert change.text_document.version == 1
    fixed = apply_text_edits(GUYS_REPLY, edits_for(fix.edit, uri))
    assert fixed == "Hi Sam 😀,\nhey folks, the parcel left today.\nMarie\n"
    change_doc(client, uri, 2, fixed)
    assert await published(client, uri, version=2) == []


async def test_ignore_rule_in_document_without_front_matter(client: LanguageClient) -> None:
    uri = open_doc(client, "draft.reply", GUYS_REPLY)
    [guys] = by_code(await published(client, uri, version=1), "test-guys")
    action = titled(await actions_for(client, uri, guys), "Ignore test-guys in this document")
    edited = apply_text_edits(GUYS_REPLY, edits_for(action.edit, uri))
    assert edited == "---\nreplylint-ignore: [test-guys]\n---\n" + GUYS_REPLY
    change_doc(client, uri, 2, edited)
    assert await published(client, uri, version=2) == []


async def test_ignore_rule_extends_existing_list(client: LanguageClient) -> None:
    text = "---\nchannel: public\nreplylint-ignore: [brevity]\n---\n" + GUYS_REPLY
    uri = open_doc(client, "draft.reply", text)
    [guys] = by_code(await published(client, uri, version=1), "test-guys")
    action = titled(await actions_for(client, uri, guys), "Ignore test-guys in this document")
    edited = apply_text_edits(text, edits_for(action.edit, uri))
    assert "replylint-ignore: [brevity, test-guys]\n" in edited
    change_doc(client, uri, 2, edited)
    assert await published(client, uri, version=2) == []


async def test_disable_rule_in_existing_config(client: LanguageClient) -> None:
    uri = open_doc(client, "draft.reply", GUYS_REPLY)
    [guys] = by_code(await published(client, uri, version=1), "test-guys")
    action = titled(
        await actions_for(client, uri, guys), "Disable test-guys in the workspace config"
    )
    config = client.workspace_path / "replylint.toml"  # type: ignore[attr-defined]
    edits = edits_for(action.edit, config.as_uri())
    assert edits, action.edit
    config.write_text(apply_text_edits(PHRASE_CONFIG, edits), encoding="utf-8")
    assert "[rules.test-guys]\nenabled = false\n" in config.read_text("utf-8")
    # The client's file watcher reports the change; the server re-reads the config.
    start = mark(client)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    assert by_code(await published(client, uri, after=start), "test-guys") == []


@pytest.mark.parametrize("client", [{"config": None}], indirect=True)
async def test_disable_rule_creates_config(client: LanguageClient) -> None:
    uri = open_doc(client, "long.reply", LONG_PUBLIC_REPLY)
    [brevity] = by_code(await published(client, uri, version=1), "brevity")
    action = titled(
        await actions_for(client, uri, brevity), "Disable brevity in the workspace config"
    )
    create, _ = action.edit.document_changes
    config: Path = client.workspace_path / "replylint.toml"  # type: ignore[attr-defined]
    assert isinstance(create, types.CreateFile)
    assert create.uri == config.as_uri()
    assert create.options.overwrite is False
    assert not config.exists()
    config.write_text(
        apply_text_edits("", edits_for(action.edit, config.as_uri())), encoding="utf-8"
    )
    assert config.read_text("utf-8") == "[rules.brevity]\nenabled = false\n"
    # No didChangeWatchedFiles this time: the next lint notices the new file.
    change_doc(client, uri, 2, LONG_PUBLIC_REPLY + "\n")
    assert by_code(await published(client, uri, version=2), "brevity") == []


@pytest.mark.parametrize(
    "client",
    [
        {
            "config": None,
            "files": {
                "pyproject.toml": '[project]\nname = "x"\n\n[tool.replylint]\nchannel = "public"\n'
            },
        }
    ],
    indirect=True,
)
async def test_disable_rule_in_pyproject(client: LanguageClient) -> None:
    uri = open_doc(client, "long.reply", LONG_PUBLIC_REPLY)
    [brevity] = by_code(await published(client, uri, version=1), "brevity")
    action = titled(
        await actions_for(client, uri, brevity),
        "Disable brevity in the workspace config (pyproject.toml)",
    )
    pyproject: Path = client.workspace_path / "pyproject.toml"  # type: ignore[attr-defined]
    before = pyproject.read_text("utf-8")
    pyproject.write_text(
        apply_text_edits(before, edits_for(action.edit, pyproject.as_uri())), encoding="utf-8"
    )
    assert (
        pyproject.read_text("utf-8")
        == before + "\n[tool.replylint.rules.brevity]\nenabled = false\n"
    )
    change_doc(client, uri, 2, LONG_PUBLIC_REPLY + "\n")
    assert by_code(await published(client, uri, version=2), "brevity") == []


async def test_no_actions_outside_findings(client: LanguageClient) -> None:
    uri = open_doc(client, "draft.reply", GUYS_REPLY)
    await published(client, uri, version=1)
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(2, 0), types.Position(2, 2)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert not result


JSONL_LIBRARY = (
    '{"id": "one", "text": "Hi Sam,\\nhey guys, the parcel left today.\\nMarie"}\n'
    '{"id": "two", "replylint-ignore": "brevity", "text": "hey guys, it shipped. Marie"}\n'
)
JSON_LIBRARY = """\
[
  {
    "id": "one",
    "text": "Hi Sam, hey guys, the parcel left today. Marie"
  },
  {
    "id": "two",
    "text": "hey guys, it shipped. Marie"
  }
]
"""


@pytest.mark.parametrize(
    ("name", "language_id", "text"),
    [("library.jsonl", "jsonl", JSONL_LIBRARY), ("library.json", "json", JSON_LIBRARY)],
)
async def test_ignore_rule_in_one_record_of_a_collection(
    client: LanguageClient, name: str, language_id: str, text: str
) -> None:
    """The record under the cursor skips the rule; the other record still has it."""
    uri = open_doc(client, name, text, language_id=language_id)
    guys = by_code(await published(client, uri, version=1), "test-guys")
    assert len(guys) == 2
    second = max(guys, key=lambda d: d.range.start.line)
    action = titled(await actions_for(client, uri, second), "Ignore test-guys in this record")
    assert list(action.diagnostics) == [second]
    edited = apply_text_edits(text, edits_for(action.edit, uri))
    if language_id == "jsonl":
        first, changed = edited.splitlines()
        assert first == text.splitlines()[0]  # the other record is untouched
        assert json.loads(changed)["replylint-ignore"] == "brevity, test-guys"
    else:
        records = json.loads(edited)
        assert "replylint-ignore" not in records[0]
        assert records[1]["replylint-ignore"] == ["test-guys"]
        assert '    "replylint-ignore": ["test-guys"],\n    "id": "two",' in edited  # its layout
    change_doc(client, uri, 2, edited)
    [left] = by_code(await published(client, uri, version=2), "test-guys")
    assert left.range.start.line == min(d.range.start.line for d in guys)


async def test_ignore_rule_in_one_record_of_a_yaml_collection(client: LanguageClient) -> None:
    text = (
        "replies:\n"
        "  - id: one\n    text: 'hey guys, the parcel left today. Marie'\n"
        "  - id: two\n    text: 'hey guys, it shipped. Marie'\n"
        "  - {id: three, text: 'hey guys, flow style. Marie'}\n"
    )
    uri = open_doc(client, "library.yaml", text, language_id="yaml")
    guys = sorted(
        by_code(await published(client, uri, version=1), "test-guys"),
        key=lambda d: d.range.start.line,
    )
    assert len(guys) == 3
    action = titled(await actions_for(client, uri, guys[1]), "Ignore test-guys in this record")
    edited = apply_text_edits(text, edits_for(action.edit, uri))
    assert "  - replylint-ignore: [test-guys]\n    id: two\n" in edited
    # A flow mapping gets no edit (the rule's own fix is still offered).
    titles = [a.title for a in await actions_for(client, uri, guys[2])]
    assert "Replace with 'hey folks'" in titles
    assert not any(title.startswith("Ignore") for title in titles)
    change_doc(client, uri, 2, edited)
    left = by_code(await published(client, uri, version=2), "test-guys")
    lines = edited.splitlines()
    kept = {i for i, line in enumerate(lines) if "parcel left" in line or "flow style" in line}
    assert {d.range.start.line for d in left} == kept
