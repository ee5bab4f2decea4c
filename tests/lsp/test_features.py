"""Pull diagnostics, hover, and settings from workspace/configuration."""

from __future__ import annotations

import pytest
from lsp_support import (
    LONG_BODY,
    LONG_PUBLIC_REPLY,
    by_code,
    mark,
    open_doc,
    published,
    range_text,
    wait_for,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

GUYS_REPLY = "Hi Sam,\nhey guys, the parcel left today.\nMarie\n"


async def pull(
    client: LanguageClient, uri: str, previous: str | None = None
) -> types.DocumentDiagnosticReport:
    return await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            identifier="replylint",
            previous_result_id=previous,
        )
    )


async def test_pull_diagnostics(client: LanguageClient) -> None:
    uri = open_doc(client, "draft.reply", GUYS_REPLY)
    report = await pull(client, uri)
    assert report.kind == "full"
    [guys] = by_code(list(report.items), "test-guys")
    assert range_text(GUYS_REPLY, guys.range) == "hey guys"
    assert guys.data["fixes"][0]["edits"][0]["text"] == "hey folks"
    # Pushed and pulled agree.
    pushed = await published(client, uri, version=1)
    assert [d.range for d in pushed] == [d.range for d in report.items]
    # Nothing changed: the client's result id is still good.
    again = await pull(client, uri, previous=report.result_id)
    assert again.kind == "unchanged"
    assert again.result_id == report.result_id
    # After an edit, a full report of the new text.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangeWholeDocument(text="Hi Sam,\nall good.\n")
            ],
        )
    )
    fresh = await pull(client, uri, previous=report.result_id)
    assert fresh.kind == "full"
    assert list(fresh.items) == []


async def test_pull_for_unknown_document(client: LanguageClient) -> None:
    report = await pull(client, (client.workspace_path / "nope.reply").as_uri())  # type: ignore[attr-defined]
    assert report.kind == "full"
    assert list(report.items) == []


async def test_hover_shows_rule_docs(client: LanguageClient) -> None:
    uri = open_doc(client, "long.reply", LONG_PUBLIC_REPLY)
    [brevity] = by_code(await published(client, uri, version=1), "brevity")
    inside = types.Position(brevity.range.start.line, brevity.range.start.character + 2)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=inside)
    )
    assert hover is not None
    assert hover.contents.kind == types.MarkupKind.Markdown
    text = hover.contents.value
    assert "# brevity" in text
    assert "## Why it matters" in text
    assert "public replies should stay under 60" in text  # the finding's own message
    assert "https://" not in text  # no external page: the hover holds the docs
    assert hover.range == brevity.range
    # Outside any finding: nothing.
    nothing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 0)
        )
    )
    assert nothing is None


async def test_hover_on_phrase_rule(client: LanguageClient) -> None:
    uri = open_doc(client, "draft.reply", GUYS_REPLY)
    await published(client, uri, version=1)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(1, 5)
        )
    )
    assert hover is not None
    assert "test-guys" in hover.contents.value
    assert "'hey guys'" in hover.contents.value


# --- settings ------------------------------------------------------------------

PRIVATE_LONG = (
    f"Hi Sam,\n{LONG_BODY}\nMarie\n"  # 75 words: fine in private (90), too long in public (60)
)


async def test_settings_channel_change_relints(client: LanguageClient) -> None:
    uri = open_doc(client, "long.reply", PRIVATE_LONG)
    assert by_code(await published(client, uri, version=1), "brevity") == []
    start = mark(client)
    client.set_configuration({"channel": "public"}, section="replylint")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"replylint": {"channel": "public"}})
    )
    [brevity] = by_code(await published(client, uri, after=start), "brevity")
    assert "public replies should stay under 60" in brevity.message
    # Per-rule settings: turn brevity off from the editor.
    start = mark(client)
    client.set_configuration(
        {"channel": "public", "rules": {"brevity": {"enabled": False}}}, section="replylint"
    )
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={}))
    assert by_code(await published(client, uri, after=start), "brevity") == []


@pytest.mark.parametrize(
    "client",
    [{"settings": {"channel": "public", "agent": "", "server": {"command": ["x"]}}}],
    indirect=True,
)
async def test_initial_settings_apply_to_first_lint(client: LanguageClient) -> None:
    uri = open_doc(client, "long.reply", PRIVATE_LONG)
    assert len(by_code(await published(client, uri, version=1), "brevity")) == 1


@pytest.mark.parametrize(
    "client",
    [{"config": 'select = ["brevity"]\nchannel = "public"\n'}],
    indirect=True,
)
async def test_editor_settings_override_config_file(client: LanguageClient) -> None:
    uri = open_doc(client, "long.reply", PRIVATE_LONG)
    assert len(by_code(await published(client, uri, version=1), "brevity")) == 1  # config: public
    start = mark(client)
    client.set_configuration({"channel": "email"}, section="replylint")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={}))
    assert by_code(await published(client, uri, after=start), "brevity") == []  # editor: email


async def test_front_matter_channel_wins_over_settings(client: LanguageClient) -> None:
    client.set_configuration({"channel": "email"}, section="replylint")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={}))
    uri = open_doc(client, "long.reply", LONG_PUBLIC_REPLY)  # front matter: channel: public
    assert len(by_code(await published(client, uri, version=1), "brevity")) == 1


async def test_invalid_settings_warn_and_are_ignored(client: LanguageClient) -> None:
    uri = open_doc(client, "long.reply", PRIVATE_LONG)
    await published(client, uri, version=1)
    start = mark(client)
    client.set_configuration(
        {
            "channel": "public",
            "rules": {"no-such-rule": {"enabled": False}, "brevity": {"severity": "loud"}},
        },
        section="replylint",
    )
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={}))
    diagnostics = await published(client, uri, after=start)
    # The valid part (channel) applies; the invalid parts are dropped with a warning.
    [brevity] = by_code(diagnostics, "brevity")
    assert brevity.severity == types.DiagnosticSeverity.Information
    warnings = await wait_for(
        lambda: [m.message for m in client.messages if m.type == types.MessageType.Warning],
        what="a window/showMessage warning",
    )
    joined = "\n".join(warnings)
    assert "no-such-rule" in joined
    assert "severity" in joined


async def test_config_file_watchers_registered(client: LanguageClient) -> None:
    registrations = await wait_for(lambda: client.registrations, what="client/registerCapability")  # type: ignore[attr-defined]
    assert registrations[0].method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES


@pytest.mark.parametrize(
    "client",
    [{"configuration": False, "init": {"debounceMs": 20, "settings": {"channel": "public"}}}],
    indirect=True,
)
async def test_settings_without_workspace_configuration(client: LanguageClient) -> None:
    # initializationOptions.settings apply from the start...
    uri = open_doc(client, "long.reply", PRIVATE_LONG)
    assert len(by_code(await published(client, uri, version=1), "brevity")) == 1
    # ...and didChangeConfiguration carries the new values itself (push model).
    start = mark(client)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={
                "replylint": {"channel": "email", "server": {"command": ["replylint", "lsp"]}}
            }
        )
    )
    assert by_code(await published(client, uri, after=start), "brevity") == []
    assert not [m for m in client.messages if m.type == types.MessageType.Warning]
