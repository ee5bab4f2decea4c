"""A text's runs of letters and runs of digits: the words a raw-text gate compares.

The tokenizer never splits inside a run of letters or a run of digits save in a
special case ("cannot"), so the runs of a text say which words its doc may hold
before it is built (`builtin.incoming_gate`). A run of letters is `[^\\W\\d_]+` and a
run of digits `\\d+`, as `re` reads them in a `str`.

Most messages are ASCII, or ASCII beside symbols, curly quotes and emoji that are
no word characters: those are read with two byte translations and splits (~1 µs
for a tweet), which give the same runs as the regex (~4 µs) because there a letter
is `a-z`/`A-Z` and a digit `0-9`. Texts with another word character (an accent) go
through the regex.
"""

from __future__ import annotations

import re
import string

RUNS = re.compile(r"[^\W\d_]+|\d+")
# A word character outside ASCII ("é", "٣"): the byte translation would miss it.
_NON_ASCII_WORD_CHAR = re.compile(r"[^\W\x00-\x7f]")


def _keeping(kept: str) -> bytes:
    """A `bytes.translate` table that keeps the bytes of `kept` and blanks the rest."""
    table = bytearray(b" " * 256)
    for char in kept:
        table[ord(char)] = ord(char)
    return bytes(table)


_KEEP_LETTERS = _keeping(string.ascii_letters)
_KEEP_DIGITS = _keeping(string.digits)


def runs_of(text: str) -> tuple[str, ...]:
    """The runs of letters and the runs of digits of `text` (as written: lower-case
    the text first to compare lower-case forms), repeats kept: a gate tests them
    against its own set, which costs less than making a set of them first."""
    if text.isascii():
        data = text.encode("ascii")
    elif _NON_ASCII_WORD_CHAR.search(text) is None:
        # Every other character ends a run: "?" (the stand-in) does too.
        data = text.encode("ascii", "replace")
    else:
        return tuple(RUNS.findall(text))
    letters = data.translate(_KEEP_LETTERS).decode("ascii").split()
    digits = data.translate(_KEEP_DIGITS).decode("ascii").split()
    return (*letters, *digits)
