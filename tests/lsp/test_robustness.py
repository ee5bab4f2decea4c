"""What must never take the server down: huge or binary documents, broken config,
failing rules. After each, the server still answers."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from lsp_support import (
    LONG_PUBLIC_REPLY,
    SELECT,
    by_code,
    change_doc,
    mark,
    open_doc,
    published,
    wait_for,
)
from lsprotocol import types
from pytest_lsp import LanguageClient

GUYS_REPLY = "Hi Sam,\nhey guys, the parcel left today.\nMarie\n"


async def still_answers(client: LanguageClient) -> None:
    """A fresh document is linted and hover requests are answered."""
    uri = open_doc(client, "alive.reply", GUYS_REPLY)
    diagnostics = await published(client, uri, version=1)
    assert by_code(diagnostics, "test-guys")
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(1, 2)
        )
    )
    assert hover is not None


async def test_one_megabyte_document_is_skipped(client: LanguageClient) -> None:
    paragraph = "Hi Sam, hey guys, we checked your order and it ships today. "
    text = paragraph * (1_000_000 // len(paragraph) + 1)
    assert len(text) > 1_000_000
    uri = open_doc(client, "huge.reply", text)
    [skipped] = await published(client, uri, version=1)
    assert skipped.code == "skipped"
    assert skipped.severity == types.DiagnosticSeverity.Information
    assert "maxDocumentSize" in skipped.message
    # Edits to the huge document are applied (incrementally) and answered too.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(0, 0), types.Position(0, 2)), text="Hello"
                )
            ],
        )
    )
    assert [d.code for d in await published(client, uri, version=2)] == ["skipped"]
    await still_answers(client)


# The server with its engine's lint held, for a text holding "HOLD", until the file
# named by REPLYLINT_TEST_GATE exists: a lint that is certainly still running.
GATED_SERVER = [
    sys.executable,
    "-c",
    "import os, pathlib, time\n"
    "from replylint.engine import Engine\n"
    "lint = Engine.lint\n"
    "def held(self, reply):\n"
    "    gate = pathlib.Path(os.environ['REPLYLINT_TEST_GATE'])\n"
    "    while 'HOLD' in reply.text and not gate.exists():\n"
    "        time.sleep(0.01)\n"
    "    return lint(self, reply)\n"
    "Engine.lint = held\n"
    "from replylint.cli import main\n"
    "raise SystemExit(main(['lsp']))\n",
]


@pytest.fixture
def gate(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path_factory.mktemp("gate") / "open"
    monkeypatch.setenv("REPLYLINT_TEST_GATE", str(path))
    return path


@pytest.mark.parametrize("client", [{"server": GATED_SERVER}], indirect=True)
async def test_requests_answered_while_a_long_lint_runs(gate: Path, client: LanguageClient) -> None:
    text = "Hi Sam, we checked your order and it ships today. HOLD hey guys\n"
    uri = open_doc(client, "big.reply", text)
    # The held lint runs in a worker thread: other documents and requests are served
    # while it certainly has not finished.
    await still_answers(client)
    assert not [p for p in client.received if p.uri == uri]  # type: ignore[attr-defined]
    gate.touch()
    diagnostics = await published(client, uri, version=1)
    [guys] = by_code(diagnostics, "test-guys")
    assert guys.range.start.character == len(text) - len("hey guys\n")


async def test_binary_junk(client: LanguageClient) -> None:
    rng = random.Random(4)
    junk = "".join(
        chr(rng.choice([0, 1, 7, 27, 0xFFFD, 0xD800, 0x1F600, rng.randrange(32, 0x3000)]))
        for _ in range(5000)
    )
    uri = open_doc(client, "junk.reply", junk)
    [skipped] = await published(client, uri, version=1)
    assert skipped.code == "skipped"
    assert "NUL" in skipped.message
    # Junk without NUL bytes goes through the engine, and must not break it either.
    no_nul = junk.replace("\x00", "x")
    change_doc(client, uri, 2, no_nul)
    await published(client, uri, version=2)
    for name in ("junk.jsonl", "junk.yaml", "junk.json"):
        junk_uri = open_doc(client, name, no_nul, language_id="plaintext")
        await published(client, junk_uri, version=1)
    await still_answers(client)


@pytest.mark.parametrize("client", [{"config": "select = [\nthis is not toml"}], indirect=True)
async def test_broken_config_file(client: LanguageClient) -> None:
    uri = open_doc(client, "long.reply", LONG_PUBLIC_REPLY)
    # Built-in defaults apply meanwhile: brevity still runs.
    assert by_code(await published(client, uri, version=1), "brevity")
    for version in (2, 3):
        change_doc(client, uri, version, LONG_PUBLIC_REPLY + "\n" * version)
        await published(client, uri, version=version)
    errors = [m for m in client.messages if "config error" in m.message]
    assert len(errors) == 1, "the config error is shown once, not on every lint"
    assert "replylint.toml" in errors[0].message
    assert "invalid TOML" in errors[0].message
    # Fixing the file takes effect on the next lint.
    config = client.workspace_path / "replylint.toml"  # type: ignore[attr-defined]
    config.write_text('select = ["brevity"]\n[rules.brevity]\nenabled = false\n', encoding="utf-8")
    start = mark(client)
    change_doc(client, uri, 4, LONG_PUBLIC_REPLY)
    assert by_code(await published(client, uri, version=4, after=start), "brevity") == []


@pytest.mark.parametrize(
    "client", [{"config": SELECT + "[rules.no-such-rule]\nenabled = false\n"}], indirect=True
)
async def test_invalid_config_values(client: LanguageClient) -> None:
    uri = open_doc(client, "long.reply", LONG_PUBLIC_REPLY)
    await published(client, uri, version=1)
    message = await wait_for(
        lambda: next((m for m in client.messages if "config error" in m.message), None),
        what="the config error message",
    )
    assert "no-such-rule" in message.message


EXPLODING = """
import sys
import replylint.plugins as plugins
from replylint.rule import Rule

def explode(analysis, ctx):
    raise RuntimeError("kaboom")

loaded = plugins.load_plugins()
plugins._loaded = plugins.LoadedPlugins(
    (*loaded.rules, Rule("exploding-rule", explode)), loaded.languages, loaded.errors
)
from replylint.lsp import main
sys.exit(main([]))
"""


@pytest.mark.parametrize(
    "client",
    [{"server": [sys.executable, "-c", EXPLODING], "config": None}],
    indirect=True,
)
async def test_failing_rule_is_logged(client: LanguageClient) -> None:
    uri = open_doc(client, "long.reply", LONG_PUBLIC_REPLY)
    # The other rules still report.
    assert by_code(await published(client, uri, version=1), "brevity")
    logged = await wait_for(
        lambda: [m for m in client.log_messages if "exploding-rule" in m.message],
        what="a window/logMessage about the failing rule",
    )
    assert "kaboom" in logged[0].message
    change_doc(client, uri, 2, LONG_PUBLIC_REPLY + "\n")
    await published(client, uri, version=2)
    assert len([m for m in client.log_messages if "exploding-rule" in m.message]) == 1


async def test_requests_for_unknown_documents(client: LanguageClient) -> None:
    uri = (client.workspace_path / "never-opened.reply").as_uri()  # type: ignore[attr-defined]
    doc = types.TextDocumentIdentifier(uri=uri)
    assert (
        await client.text_document_hover_async(
            types.HoverParams(text_document=doc, position=types.Position(0, 0))
        )
        is None
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc,
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    assert not actions
    # A change for a document that was never opened is ignored.
    change_doc(client, uri, 2, "hey guys")
    await still_answers(client)
