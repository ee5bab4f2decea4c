"""The built-in rules through the server (all rules, no config file)."""

from __future__ import annotations

import pytest
from lsp_support import (
    apply_text_edits,
    by_code,
    change_doc,
    edits_for,
    open_doc,
    published,
    range_text,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

REPLY = "😀👍🏽 Dear valued customer, your request has been received.\nThe Acme Team\n"


@pytest.mark.parametrize("client", [{"config": None}], indirect=True)
async def test_personal_tone_after_emoji_and_its_fix(client: LanguageClient) -> None:
    uri = open_doc(client, "welcome.reply", REPLY)
    diagnostics = await published(client, uri, version=1)
    tone = by_code(diagnostics, "personal-tone")
    assert "Dear valued customer" in [range_text(REPLY, d.range) for d in tone]
    for d in diagnostics:
        assert d.source == "replylint"
        assert d.code_description is None  # no external rule pages (see README)
    [dear] = [d for d in tone if range_text(REPLY, d.range) == "Dear valued customer"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=dear.range,
            context=types.CodeActionContext(diagnostics=[dear]),
        )
    )
    fix = next(a for a in actions or [] if isinstance(a, types.CodeAction) and a.is_preferred)
    fixed = apply_text_edits(REPLY, edits_for(fix.edit, uri))
    assert "Dear valued customer" not in fixed
    assert fixed.startswith("😀👍🏽 ")
    change_doc(client, uri, 2, fixed)
    after = by_code(await published(client, uri, version=2), "personal-tone")
    assert "Dear valued customer" not in [range_text(fixed, d.range) for d in after]


@pytest.mark.parametrize("client", [{"config": None}], indirect=True)
async def test_sensitive_data_in_public_is_an_error(client: LanguageClient) -> None:
    text = "---\nchannel: public\nagent: Marie\n---\nHi Sam, we have your email as sam@example.com and we'll check.\n– Marie\n"
    uri = open_doc(client, "public.reply", text)
    diagnostics = by_code(await published(client, uri, version=1), "sensitive-in-private")
    assert diagnostics, "an email address in a public reply must be flagged"
    assert diagnostics[0].severity == types.DiagnosticSeverity.Error
    assert "sam@example.com" in range_text(text, diagnostics[0].range)
