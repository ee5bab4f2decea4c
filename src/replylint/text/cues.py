"""Greeting and sign-off words as a cue to a short reply's language.

"Merci ! – Anne" or "Cheers! – Ben" is too short for a statistical detector to be
sure, but its greeting or sign-off belongs to one language. The words come from each
language's `salutations` and `closings` (`text/languages/<code>.toml`, or a plugin's
language data); a word listed for more than one language ("hello") is no cue.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

from replylint.text.language_data import LanguageData

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def cue_language(text: str, languages: Sequence[LanguageData]) -> str | None:
    """The one language whose greeting or sign-off words `text` uses, else None."""
    words = [w.replace("’", "'") for w in _WORD.findall(text.lower())]
    phrases = _phrases(words)
    found = {code for code, cues in _own_cues(tuple(languages)) if not cues.isdisjoint(phrases)}
    return found.pop() if len(found) == 1 else None


@cache
def _own_cues(languages: tuple[LanguageData, ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    """Each language's greeting and sign-off phrases that no other language lists."""
    listed = Counter(p for data in languages for p in data.salutations | data.closings)
    return tuple(
        (data.code, frozenset(p for p in data.salutations | data.closings if listed[p] == 1))
        for data in languages
    )


def _phrases(words: list[str], longest: int = 4) -> frozenset[str]:
    """Every run of 1 to `longest` consecutive words, joined by single spaces."""
    return frozenset(
        " ".join(words[start : start + size])
        for size in range(1, longest + 1)
        for start in range(len(words) - size + 1)
    )
