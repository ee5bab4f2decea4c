"""Where each cell of a CSV collection sits in the file, for edits in place.

The `csv` module gives values, not positions. This reads the same dialect
`check` reads (comma-separated, `"` quoting with `""` escapes, rows ending at a
line break outside quotes) and keeps each cell's span in the file. A file this
reading disagrees with the `csv` module about (a stray quote inside an unquoted
cell, say) yields None: no position is then trusted.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    value: str
    start: int  # the cell in the file, quotes included
    end: int
    quoted: bool

    def rewritten(self, value: str) -> str:
        """`value` written as this cell, quoted as it was (or when it must be)."""
        if self.quoted or any(c in value for c in ',"\r\n'):
            return '"' + value.replace('"', '""') + '"'
        return value


def csv_rows(source: str) -> list[list[Cell]] | None:
    """The rows of `source` (header first, blank lines skipped, as `csv.reader`
    skips them for `DictReader`), or None when the positions cannot be trusted."""
    rows: list[list[Cell]] = []
    pos, size = 0, len(source)
    while pos < size:
        row: list[Cell] = []
        line_start = pos
        while True:
            if pos < size and source[pos] == '"':
                start, pos = pos, pos + 1
                while True:
                    quote = source.find('"', pos)
                    if quote == -1:
                        return None  # unterminated quote
                    if source.startswith('""', quote):
                        pos = quote + 2
                        continue
                    pos = quote + 1
                    break
                row.append(Cell(source[start + 1 : pos - 1].replace('""', '"'), start, pos, True))
            else:
                start = pos
                while pos < size and source[pos] not in ",\r\n":
                    pos += 1
                row.append(Cell(source[start:pos], start, pos, False))
            if pos < size and source[pos] == ",":
                pos += 1
                continue
            break
        if source.startswith("\r\n", pos):
            pos += 2
        elif pos < size and source[pos] in "\r\n":
            pos += 1
        elif pos < size:
            return None  # something after a closing quote
        if not (len(row) == 1 and row[0].end == line_start and not row[0].quoted):
            rows.append(row)
    expected = [r for r in csv.reader(io.StringIO(source, newline="")) if r]
    if [[c.value for c in row] for row in rows] != expected:
        return None
    return rows
