"""What a file is, by its name or its first bytes: one table for every door.

A reply document holds one reply; a collection holds reply records. `check` walks
folders for these suffixes and the editor lints the same files the same way.
"""

from __future__ import annotations

import filetype
from filetype.types import TYPES as FILE_TYPES

REPLY = "reply"
SUFFIX_KINDS: dict[str, str] = {
    ".reply": REPLY,
    ".txt": REPLY,
    ".md": REPLY,
    ".markdown": REPLY,
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".parquet": "parquet",
    ".pq": "parquet",
}
COLLECTION_KINDS = ("json", "jsonl", "yaml", "csv", "parquet")
# How much of a file `binary_kind` looks at.
SNIFF_BYTES = 512
# Archives and documents whose signature is enough (text does not start this way).
_ALWAYS_BINARY = frozenset(("zip", "pdf", "gz", "7z", "rar", "bz2", "xz", "zst", "tar"))
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1b")
# Every byte text may hold: deleting them leaves only the other control bytes.
_TEXT_BYTES = bytes(sorted(_TEXT_CONTROLS)) + bytes(range(0x20, 0x100))
# The matchers that can name text without control bytes: filetype tries ~80 in
# turn, which costs more than reading the file; these few settle most files.
_ALWAYS_BINARY_MATCHERS = [t for t in FILE_TYPES if t.extension in _ALWAYS_BINARY]


def kind_for_name(name: str) -> str | None:
    """ "reply", "json", "jsonl", "yaml", "csv", or None (not a file replylint reads)."""
    lowered = name.lower()
    dot = lowered.rfind(".")
    return SUFFIX_KINDS.get(lowered[dot:]) if dot != -1 else None


def binary_kind(head: bytes) -> str | None:
    """What a file is when its first bytes say it is not text ("zip", "pdf", "png",
    "binary" for NUL bytes...), else None."""
    controls = bool(head.translate(None, _TEXT_BYTES))
    if not controls and filetype.match(head, _ALWAYS_BINARY_MATCHERS) is None:
        # Without control bytes only an always-binary kind counts, and none matches.
        return None
    guess = filetype.guess(head) if head else None
    if guess is not None and (guess.extension in _ALWAYS_BINARY or controls):
        return str(guess.extension)
    if b"\x00" in head:
        return "binary"
    return None


def binary_message(kind: str) -> str:
    what = "binary data (NUL bytes)" if kind == "binary" else f"a {kind.upper()} file"
    return f"not a text file ({what}): skipped"
