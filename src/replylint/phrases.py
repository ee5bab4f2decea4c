"""Phrase matching on lower-case tokens and lemmas, built once per language.

Rules never search raw substrings: "apologise / apologize / apologizing" all match
the lemma of "apologize", and French elisions ("l'équipe") are separate tokens.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from replylint.nlp import pipeline

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc


@dataclass(frozen=True)
class PhraseMatch:
    start: int  # character offsets
    end: int
    phrase: str  # the phrase as written in the rule data
    token_start: int
    token_end: int


class PhraseList:
    """A set of phrases matched as token sequences, by lower-case form or lemma."""

    def __init__(self, phrases: Iterable[str], language: str, model: str | None = None) -> None:
        from spacy.matcher import PhraseMatcher

        nlp = pipeline(language, model)
        self.phrases = tuple(dict.fromkeys(p for p in phrases if p.strip()))
        self._lower: PhraseMatcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._lemma: PhraseMatcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        for phrase, doc in zip(self.phrases, nlp.pipe(self.phrases), strict=True):
            self._lower.add(phrase, [nlp.make_doc(phrase.lower())])
            self._lemma.add(phrase, [doc])
        self._vocab = nlp.vocab

    def find(self, doc: Doc) -> list[PhraseMatch]:
        """Longest non-overlapping matches, in text order."""
        if not self.phrases:
            return []
        strings = self._vocab.strings
        candidates = {
            (start, end, strings[key])
            for matcher in (self._lower, self._lemma)
            for key, start, end in matcher(doc)
        }
        chosen: list[PhraseMatch] = []
        taken: set[int] = set()
        for start, end, phrase in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0])):
            if taken.intersection(range(start, end)):
                continue
            taken.update(range(start, end))
            span = doc[start:end]
            chosen.append(PhraseMatch(span.start_char, span.end_char, phrase, start, end))
        return sorted(chosen, key=lambda m: m.start)


_cache: dict[tuple[str, str | None, tuple[str, ...]], PhraseList] = {}
_lock = threading.Lock()


def phrase_list(phrases: Iterable[str], language: str, model: str | None = None) -> PhraseList:
    """A cached `PhraseList`; rules call this on every reply at no extra cost."""
    key = (language, model, tuple(phrases))
    found = _cache.get(key)
    if found is None:
        with _lock:
            found = _cache.get(key)
            if found is None:
                found = _cache[key] = PhraseList(key[2], language, model)
    return found
