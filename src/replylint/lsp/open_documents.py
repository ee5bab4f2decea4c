"""The documents the client has open: text, version, language id.

The server keeps its own copy instead of pygls' workspace documents because those
split lines with `str.splitlines()`, which also breaks at U+2028, U+0085, form
feeds and the like; an incremental edit after such a character would land in the
wrong place. Here lines break only where the protocol says (see `positions`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types

from replylint.lsp.positions import UTF16, PositionIndex


def uri_to_path(uri: str) -> Path | None:
    """The local file behind a `file:` URI (None for untitled and other schemes)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if parsed.netloc and parsed.netloc != "localhost":
        path = f"//{parsed.netloc}{path}"
    # file:///c%3A/x on Windows
    if len(path) >= 3 and path[0] == "/" and path[2] == ":":
        path = path[1:]
    return Path(path)


def path_to_uri(path: Path) -> str:
    return path.resolve().as_uri()


@dataclass
class OpenDocument:
    uri: str
    language_id: str
    version: int
    text: str
    _index: PositionIndex | None = field(default=None, repr=False)

    @property
    def path(self) -> Path | None:
        return uri_to_path(self.uri)

    @property
    def name(self) -> str:
        """The file name, also for untitled documents (last URI segment)."""
        path = self.path
        if path is not None:
            return path.name
        return unquote(urlparse(self.uri).path.rsplit("/", 1)[-1])

    def index(self, encoding: str = UTF16) -> PositionIndex:
        index = self._index
        if index is None or index.encoding != encoding or index.text is not self.text:
            index = self._index = PositionIndex(self.text, encoding)
        return index

    def apply(self, change: types.TextDocumentContentChangeEvent, encoding: str) -> None:
        range_ = getattr(change, "range", None)
        if range_ is None:
            self.text = change.text
        else:
            start, end = self.index(encoding).offsets(range_)
            if end < start:
                start, end = end, start
            self.text = self.text[:start] + change.text + self.text[end:]
        self._index = None


class DocumentStore:
    """Open documents by URI."""

    def __init__(self) -> None:
        self._docs: dict[str, OpenDocument] = {}

    def open(self, item: types.TextDocumentItem) -> OpenDocument:
        doc = OpenDocument(item.uri, item.language_id, item.version, item.text)
        self._docs[item.uri] = doc
        return doc

    def change(
        self, params: types.DidChangeTextDocumentParams, encoding: str
    ) -> OpenDocument | None:
        doc = self._docs.get(params.text_document.uri)
        if doc is None:
            return None
        for change in params.content_changes:
            doc.apply(change, encoding)
        doc.version = params.text_document.version
        return doc

    def close(self, uri: str) -> OpenDocument | None:
        return self._docs.pop(uri, None)

    def get(self, uri: str) -> OpenDocument | None:
        return self._docs.get(uri)

    def __iter__(self) -> Iterator[OpenDocument]:
        return iter(list(self._docs.values()))

    def __len__(self) -> int:
        return len(self._docs)
