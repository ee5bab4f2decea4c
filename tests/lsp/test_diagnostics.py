"""Pushed diagnostics: on open and change, their fields, and positions in every encoding."""

from __future__ import annotations

import pytest
from lsp_support import (
    LONG_PUBLIC_REPLY,
    by_code,
    change_doc,
    mark,
    open_doc,
    published,
    range_text,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

GUYS_REPLY = "Hi Sam,\nhey guys, the parcel left today.\nMarie\n"


async def test_initialize_advertises_features(client: LanguageClient) -> None:
    caps = client.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.position_encoding == types.PositionEncodingKind.Utf16
    assert caps.text_document_sync.open_close is True
    assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental
    assert caps.code_action_provider
    assert caps.hover_provider
    assert caps.diagnostic_provider.identifier == "replylint"
    assert client.init_result.server_info.name == "replylint"  # type: ignore[attr-defined]


async def test_diagnostics_on_open(client: LanguageClient) -> None:
    uri = open_doc(client, "draft.reply", GUYS_REPLY)
    diagnostics = await published(client, uri, version=1)
    [guys] = by_code(diagnostics, "test-guys")
    assert guys.source == "replylint"
    assert guys.message == "Say 'folks'."
    assert guys.severity == types.DiagnosticSeverity.Warning
    assert range_text(GUYS_REPLY, guys.range) == "hey guys"
    fixes = guys.data["fixes"]
    assert fixes[0]["title"] == "Replace with 'hey folks'"
    edit = fixes[0]["edits"][0]
    assert GUYS_REPLY[edit["start"] : edit["end"]] == "hey guys"
    assert edit["text"] == "hey folks"
    assert edit["range"] == {
        "start": {"line": 1, "character": 0},
        "end": {"line": 1, "character": 8},
    }


async def test_rule_diagnostic_fields(client: LanguageClient) -> None:
    uri = open_doc(client, "long.reply", LONG_PUBLIC_REPLY)
    diagnostics = await published(client, uri, version=1)
    [brevity] = by_code(diagnostics, "brevity")
    assert brevity.source == "replylint"
    assert brevity.severity == types.DiagnosticSeverity.Information  # brevity is an info rule
    assert brevity.code_description is None  # built-in rules link to no external page
    assert "public replies should stay under 60" in brevity.message
    assert brevity.data["rule"] == "brevity"
    assert brevity.data["fixes"] == []


@pytest.mark.parametrize(
    "client",
    [{"config": 'select = ["brevity"]\n[rules.brevity]\nseverity = "error"\n'}],
    indirect=True,
)
async def test_configured_severity(client: LanguageClient) -> None:
    uri = open_doc(client, "long.reply", LONG_PUBLIC_REPLY)
    [brevity] = by_code(await published(client, uri, version=1), "brevity")
    assert brevity.severity == types.DiagnosticSeverity.Error


async def test_diagnostics_on_change(client: LanguageClient) -> None:
    uri = open_doc(client, "draft.reply", "Hi Sam,\nthe parcel left today.\nMarie\n")
    assert await published(client, uri, version=1) == []
    change_doc(client, uri, 2, GUYS_REPLY)
    assert len(by_code(await published(client, uri, version=2), "test-guys")) == 1
    change_doc(client, uri, 3, "Hi Sam,\nhey folks, all good.\nMarie\n")
    assert await published(client, uri, version=3) == []


async def test_incremental_change(client: LanguageClient) -> None:
    uri = open_doc(client, "draft.reply", "Hi Sam,\nhey team, the parcel left.\nMarie\n")
    await published(client, uri, version=1)
    # Replace "team" (line 1, characters 4-8) with "guys".
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(1, 4), types.Position(1, 8)), text="guys"
                )
            ],
        )
    )
    [guys] = await published(client, uri, version=2)
    assert guys.range == types.Range(types.Position(1, 0), types.Position(1, 8))


async def test_stale_versions_never_published(client: LanguageClient) -> None:
    uri = open_doc(client, "draft.reply", "Hi Sam,\nall good.\nMarie\n")
    await published(client, uri, version=1)
    start = mark(client)
    # A burst of edits sent back to back, alternating with and without a finding, so
    # lints of older versions are still running when newer versions arrive.
    for version in range(2, 30):
        text = GUYS_REPLY if version % 2 else "Hi Sam,\nall good.\nMarie\n"
        change_doc(client, uri, version, text)
    final = await published(client, uri, version=29, after=start)
    assert len(by_code(final, "test-guys")) == 1  # version 29 is the text with "guys"
    # One more edit, published after everything the burst could still have produced.
    change_doc(client, uri, 30, "Hi Sam,\nall good.\nMarie\n")
    assert await published(client, uri, version=30, after=start) == []
    versions = [p.version for p in client.received[start:] if p.uri == uri]  # type: ignore[attr-defined]
    assert versions == sorted(set(versions)), f"an older or repeated version came later: {versions}"
    assert versions[-2:] == [29, 30]


async def test_quoted_lines_and_front_matter_not_flagged(client: LanguageClient) -> None:
    text = (
        "---\nagent: Marie\n---\n> hey guys, where is my parcel?\nHi Sam,\nit left today.\nMarie\n"
    )
    uri = open_doc(client, "quoted.reply", text)
    assert await published(client, uri, version=1) == []


async def test_invalid_front_matter_is_reported(client: LanguageClient) -> None:
    text = "---\nchannel: [oops\n---\nHi\n"
    uri = open_doc(client, "broken.reply", text)
    [problem] = await published(client, uri, version=1)
    assert problem.code == "invalid-document"
    assert problem.severity == types.DiagnosticSeverity.Error
    assert "front matter" in problem.message


async def test_documents_of_other_languages_are_ignored(client: LanguageClient) -> None:
    uri = open_doc(client, "script.py", "print('hey guys')\n", language_id="python")
    assert await published(client, uri, version=1) == []


async def test_close_clears_diagnostics(client: LanguageClient) -> None:
    uri = open_doc(client, "draft.reply", GUYS_REPLY)
    assert await published(client, uri, version=1)
    start = mark(client)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert await published(client, uri, after=start) == []


# --- positions ---------------------------------------------------------------

EMOJI_REPLY = "Hi Zoé 😀👍🏽,\nmerci 🎉 — hey guys, your café order left.\nMarie\n"


async def test_utf16_range_after_emoji(client: LanguageClient) -> None:
    uri = open_doc(client, "emoji.reply", EMOJI_REPLY)
    [guys] = by_code(await published(client, uri, version=1), "test-guys")
    # "merci " + 🎉 (2 UTF-16 units) + " — " = 6 + 2 + 3
    assert guys.range == types.Range(types.Position(1, 11), types.Position(1, 19))
    assert range_text(EMOJI_REPLY, guys.range, "utf-16") == "hey guys"
    edit = guys.data["fixes"][0]["edits"][0]
    assert EMOJI_REPLY[edit["start"] : edit["end"]] == "hey guys"  # code points


@pytest.mark.parametrize(
    ("client", "encoding", "start", "end"),
    [
        ({"encodings": ["utf-16", "utf-8"]}, "utf-8", 15, 23),  # 🎉 = 4 bytes, — = 3
        ({"encodings": ["utf-32", "utf-16"]}, "utf-32", 10, 18),  # code points
    ],
    indirect=["client"],
)
async def test_other_encodings_when_offered(
    client: LanguageClient, encoding: str, start: int, end: int
) -> None:
    assert client.init_result.capabilities.position_encoding == encoding  # type: ignore[attr-defined]
    uri = open_doc(client, "emoji.reply", EMOJI_REPLY)
    [guys] = by_code(await published(client, uri, version=1), "test-guys")
    assert guys.range == types.Range(types.Position(1, start), types.Position(1, end))
    assert range_text(EMOJI_REPLY, guys.range, encoding) == "hey guys"
    # Incremental edits are read in the same encoding: replace "hey" after the emoji.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(1, start), types.Position(1, start + 3)),
                    text="hi",
                )
            ],
        )
    )
    assert by_code(await published(client, uri, version=2), "test-guys") == []


async def test_unicode_line_separators_do_not_shift_lines(client: LanguageClient) -> None:
    # U+2028 and a form feed are not line breaks for LSP (nor for the editor).
    text = "Hi Sam,\u2028welcome\x0c back!\nhey guys, it shipped.\r\nMarie\n"
    uri = open_doc(client, "separators.reply", text)
    [guys] = by_code(await published(client, uri, version=1), "test-guys")
    assert guys.range == types.Range(types.Position(1, 0), types.Position(1, 8))
    # An edit on line 2 (after \r\n) lands where the client means it.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(2, 0), types.Position(2, 5)), text="hey guys"
                )
            ],
        )
    )
    diagnostics = by_code(await published(client, uri, version=2), "test-guys")
    assert [d.range.start.line for d in diagnostics] == [1, 2]
