"""Phrase matching on lower-case tokens and lemmas, built once per language.

Rules never search raw substrings: "apologise / apologize / apologizing" all match
the lemma of "apologize", and French elisions ("l'équipe") are separate tokens.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
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


_SEPARATOR = "\x1f"  # joins a list's key and a phrase into one matcher label


class PhraseTable:
    """Several named phrase lists matched in one pass over a doc.

    Rules with many lists (courtesy, redirects, offers, ...) pay for two matcher
    runs per reply instead of two per list. With `lemmas=False` only the
    lower-case forms match ("tracks" must not match "track").
    """

    def __init__(
        self,
        lists: tuple[tuple[str, tuple[str, ...]], ...],
        language: str,
        model: str | None = None,
        lemmas: bool = True,
    ) -> None:
        from spacy.matcher import PhraseMatcher

        nlp = pipeline(language, model)
        self.keys = tuple(key for key, _ in lists)
        self._lower: PhraseMatcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._lemma: PhraseMatcher | None = (
            PhraseMatcher(nlp.vocab, attr="LEMMA") if lemmas else None
        )
        self._empty = True
        for key, phrases in lists:
            unique = tuple(dict.fromkeys(p for p in phrases if p.strip()))
            docs = nlp.pipe(unique) if self._lemma is not None else [None] * len(unique)
            for phrase, doc in zip(unique, docs, strict=True):
                label = f"{key}{_SEPARATOR}{phrase}"
                self._lower.add(label, [nlp.make_doc(phrase.lower())])
                if self._lemma is not None and doc is not None:
                    self._lemma.add(label, [doc])
                self._empty = False
        self._vocab = nlp.vocab

    def find(self, doc: Doc) -> dict[str, list[PhraseMatch]]:
        """Per list: its longest non-overlapping matches, in text order."""
        result: dict[str, list[PhraseMatch]] = {key: [] for key in self.keys}
        if self._empty:
            return result
        strings = self._vocab.strings
        by_key: dict[str, set[tuple[int, int, str]]] = {}
        matchers = (self._lower,) if self._lemma is None else (self._lower, self._lemma)
        for matcher in matchers:
            for label, start, end in matcher(doc):
                key, _, phrase = strings[label].partition(_SEPARATOR)
                by_key.setdefault(key, set()).add((start, end, phrase))
        for key, candidates in by_key.items():
            result[key] = _longest_first(doc, candidates)
        return result


def _longest_first(doc: Doc, candidates: set[tuple[int, int, str]]) -> list[PhraseMatch]:
    chosen: list[PhraseMatch] = []
    taken: set[int] = set()
    for start, end, phrase in sorted(candidates, key=lambda c: (-(c[1] - c[0]), c[0], c[2])):
        if taken.intersection(range(start, end)):
            continue
        taken.update(range(start, end))
        last = doc[end - 1]  # cheaper than building a Span for its offsets
        chosen.append(PhraseMatch(doc[start].idx, last.idx + len(last), phrase, start, end))
    return sorted(chosen, key=lambda m: m.start)


class PhraseList:
    """One set of phrases matched as token sequences, by lower-case form or lemma."""

    def __init__(
        self, phrases: Iterable[str], language: str, model: str | None = None, lemmas: bool = True
    ) -> None:
        self.phrases = tuple(dict.fromkeys(p for p in phrases if p.strip()))
        self._table = PhraseTable((("", self.phrases),), language, model, lemmas)

    def find(self, doc: Doc) -> list[PhraseMatch]:
        """Longest non-overlapping matches, in text order."""
        if not self.phrases:
            return []
        return self._table.find(doc)[""]


_lists: dict[tuple[str, str | None, bool, tuple[str, ...]], PhraseList] = {}
_tables: dict[tuple[str, str | None, bool, tuple[tuple[str, tuple[str, ...]], ...]], PhraseTable] = {}
_lock = threading.Lock()


def phrase_list(
    phrases: Iterable[str], language: str, model: str | None = None, *, lemmas: bool = True
) -> PhraseList:
    """A cached `PhraseList`; rules call this on every reply at no extra cost."""
    key = (language, model, lemmas, tuple(phrases))
    found = _lists.get(key)
    if found is None:
        with _lock:
            found = _lists.get(key)
            if found is None:
                found = _lists[key] = PhraseList(key[3], language, model, lemmas)
    return found


def phrase_table(
    lists: Mapping[str, Iterable[str]],
    language: str,
    model: str | None = None,
    *,
    lemmas: bool = True,
) -> PhraseTable:
    """A cached `PhraseTable` for the named lists."""
    frozen = tuple((name, tuple(phrases)) for name, phrases in lists.items())
    key = (language, model, lemmas, frozen)
    found = _tables.get(key)
    if found is None:
        with _lock:
            found = _tables.get(key)
            if found is None:
                found = _tables[key] = PhraseTable(frozen, language, model, lemmas)
    return found
