"""Helpers for the language server tests (imported by conftest and the tests)."""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Callable
from typing import Any

from lsprotocol import types
from pytest_lsp import LanguageClient

SERVER = [sys.executable, "-m", "replylint", "lsp"]
# Only these rules, so findings do not change as more built-in rules land.
SELECT = 'select = ["brevity", "test-guys"]\n'
# Record collections are replies only when the config lists them.
COLLECTION_FILES = 'files = ["*.json", "*.jsonl", "*.yaml", "*.csv"]\n'
PHRASE_CONFIG = (
    SELECT
    + COLLECTION_FILES
    + """\
[[phrases]]
name = "test-guys"
message = "Say 'folks'."
severity = "warning"
swap = {"hey guys" = "hey folks"}
"""
)
# Fast tests: a short debounce (the default is 150 ms).
INIT_OPTIONS: dict[str, Any] = {"debounceMs": 20}
TIMEOUT = 60.0  # the first lint loads spaCy


def words(n: int, word: str = "word") -> str:
    return " ".join(f"{word}{i}" for i in range(n))


# 75 words in short sentences: over the public budget (60), under the private one (90).
LONG_BODY = " ".join(f"We checked parcel {i} today." for i in range(15))
LONG_PUBLIC_REPLY = f"---\nchannel: public\n---\nHi Sam,\n{LONG_BODY}\nMarie\n"


async def wait_for(predicate: Callable[[], Any], timeout: float = TIMEOUT, what: str = "") -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.01)


async def published(
    client: LanguageClient, uri: str, version: int | None = None, after: int = 0
) -> list[types.Diagnostic]:
    """The first publishDiagnostics for `uri` (at `version`) among those received
    after the `after`-th one."""

    def find() -> types.PublishDiagnosticsParams | None:
        for params in client.received[after:]:  # type: ignore[attr-defined]
            if params.uri == uri and (version is None or params.version == version):
                return params
        return None

    params = await wait_for(find, what=f"diagnostics for {uri} v{version}")
    return list(params.diagnostics)


def mark(client: LanguageClient) -> int:
    """Position in the list of received diagnostics, for `published(after=...)`."""
    return len(client.received)  # type: ignore[attr-defined]


def open_doc(
    client: LanguageClient, name: str, text: str, language_id: str = "reply", version: int = 1
) -> str:
    path = client.workspace_path / name  # type: ignore[attr-defined]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", errors="surrogatepass", newline="")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language_id, version=version, text=text
            )
        )
    )
    return uri


def change_doc(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def utf16_offset(text: str, position: types.Position) -> int:
    """Code-point offset of a UTF-16 position in `text` (LSP line breaks)."""
    return offset_in(text, position, "utf-16")


def offset_in(text: str, position: types.Position, encoding: str) -> int:
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    start = starts[position.line]
    units = 0
    i = start
    while units < position.character and i < len(text) and text[i] not in "\r\n":
        char = text[i]
        if encoding == "utf-16":
            units += 2 if ord(char) > 0xFFFF else 1
        elif encoding == "utf-8":
            units += len(char.encode("utf-8"))
        else:
            units += 1
        i += 1
    return i


def range_text(text: str, range_: types.Range, encoding: str = "utf-16") -> str:
    return text[offset_in(text, range_.start, encoding) : offset_in(text, range_.end, encoding)]


def apply_text_edits(text: str, edits: list[types.TextEdit], encoding: str = "utf-16") -> str:
    spans = sorted(
        (
            (
                offset_in(text, e.range.start, encoding),
                offset_in(text, e.range.end, encoding),
                e.new_text,
            )
            for e in edits
        ),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_for(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    out: list[types.TextEdit] = []
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri:
            out.extend(e for e in change.edits if isinstance(e, types.TextEdit))
    out.extend((edit.changes or {}).get(uri, []))
    return out


def by_code(diagnostics: list[types.Diagnostic], code: str) -> list[types.Diagnostic]:
    return [d for d in diagnostics if d.code == code]
