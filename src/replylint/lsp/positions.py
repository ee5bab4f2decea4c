"""Code-point offsets (what the engine reports) <-> LSP positions.

An LSP position is a line and a column counted in the negotiated encoding's code
units: UTF-16 by default (an emoji outside the BMP counts 2), UTF-8 (bytes) or
UTF-32 (code points) when the client offers them. Lines end at `\\n`, `\\r\\n` or
`\\r` only, as the protocol says; `str.splitlines()` would also break at U+2028,
form feeds and other separators the editor does not, shifting every position after
one of them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from lsprotocol import types

from replylint.model import utf16_length

UTF8 = types.PositionEncodingKind.Utf8
UTF16 = types.PositionEncodingKind.Utf16
UTF32 = types.PositionEncodingKind.Utf32

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def choose_encoding(offered: Sequence[str] | None) -> types.PositionEncodingKind:
    """UTF-8 or UTF-32 if the client offers one (in its order of preference), else UTF-16.

    Both are cheaper than UTF-16 for us (UTF-32 is exactly our code points), and
    UTF-16 is what every client must support.
    """
    for kind in offered or ():
        if kind in (UTF8, UTF32):
            return types.PositionEncodingKind(kind)
    return UTF16


def _units(text: str, encoding: str) -> int:
    """Length of `text` in code units of `encoding`."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF16:
        return utf16_length(text)
    return len(text.encode("utf-8", "surrogatepass"))


def _char_units(char: str, encoding: str) -> int:
    if encoding == UTF32:
        return 1
    code = ord(char)
    if encoding == UTF16:
        return 2 if code > 0xFFFF else 1
    if code < 0x80:
        return 1
    if code < 0x800:
        return 2
    return 3 if code < 0x10000 else 4


class PositionIndex:
    """Line starts of one text, and conversions in one position encoding."""

    __slots__ = ("_ends", "_starts", "encoding", "text")

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.encoding = encoding
        starts = [0]
        ends = []  # where each line's content ends (before its line break)
        for match in _LINE_BREAK.finditer(text):
            ends.append(match.start())
            starts.append(match.end())
        ends.append(len(text))
        self._starts = starts
        self._ends = ends

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def line_of(self, offset: int) -> int:
        offset = max(0, min(offset, len(self.text)))
        return bisect.bisect_right(self._starts, offset) - 1

    def line_span(self, line: int) -> tuple[int, int]:
        """(start, end) offsets of a line's content, line break excluded."""
        line = max(0, min(line, len(self._starts) - 1))
        return self._starts[line], self._ends[line]

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        # An offset inside a \r\n pair is clamped to the end of the line's content.
        offset = min(offset, self._ends[line])
        return types.Position(line, _units(self.text[start:offset], self.encoding))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(max(start, end)))

    def offset(self, position: types.Position) -> int:
        """The code-point offset of a position; past a line's end is its end."""
        if position.line < 0:
            return 0
        if position.line >= len(self._starts):
            return len(self.text)
        start, end = self._starts[position.line], self._ends[position.line]
        wanted = max(0, position.character)
        content = self.text[start:end]
        if self.encoding == UTF32 or content.isascii():
            return start + min(wanted, len(content))
        units = 0
        for i, char in enumerate(content):
            if units >= wanted:
                return start + i
            units += _char_units(char, self.encoding)
        return end

    def offsets(self, range_: types.Range) -> tuple[int, int]:
        return self.offset(range_.start), self.offset(range_.end)
