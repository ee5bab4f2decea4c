"""One phrase-matcher pass per doc for every phrase table of a language.

A `PhraseMatcher` call walks the doc's tokens whatever the number of its patterns,
so the tables that read the same reply (directness, sensitive-in-private,
no-marketing-spam, ...) put their phrases in one pair of matchers per language (by
lower-case form and by lemma). The first table to read a doc runs both and sorts the
matches out per table; the others read their share. The shares are kept in
`doc.user_data`, so they live exactly as long as the doc.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

# Per list with a match: its matches as (token start, token end, phrase).
Candidates = dict[str, list[tuple[int, int, str]]]

# The start of a shared pass's key in `doc.user_data` (a benchmark replaying table
# calls on the same docs drops the kept shares to time the pass again).
USER_DATA_PREFIX = "replylint.phrase_pass."

# A phrase's matcher label is this and its number in the shared pass.
_LABEL_PREFIX = "\x1f"


class SharedPass:
    """The phrases of several tables of one language, matched in one pass per doc.

    A table joins once, when it is built, and gets its member number; a doc matched
    before a table joined is matched again when that table reads it. The matchers are
    only used under the lock: a table may join while another thread reads a doc.
    """

    def __init__(self, language: str, vocab: Vocab) -> None:
        from spacy.matcher import PhraseMatcher

        self._key = USER_DATA_PREFIX + language
        self._lower: PhraseMatcher = PhraseMatcher(vocab, attr="LOWER")
        self._lemma: PhraseMatcher = PhraseMatcher(vocab, attr="LEMMA")
        self._strings = vocab.strings
        self._has_lemmas = False
        self._labels: dict[int, tuple[int, str, str]] = {}  # label -> (member, list, phrase)
        self._members = 0
        self._lock = threading.Lock()

    def join(
        self, phrases: Iterable[tuple[str, str, tuple[int, ...] | None, tuple[int, ...]]]
    ) -> int:
        """Add a table's phrases as (list, phrase, lemma hashes or None when the list
        matches by form only, lower-case hashes); its member number."""
        with self._lock:
            member = self._members
            labels, strings = self._labels, self._strings
            for key, phrase, lemma_ids, lower_ids in phrases:
                label = f"{_LABEL_PREFIX}{len(labels)}"
                labels[strings.add(label)] = (member, key, phrase)
                # The matchers take a phrase's token hashes as they take its doc (what
                # spaCy's unpickling does; the stub lists only docs).
                if lemma_ids is not None:
                    self._lemma.add(label, [lemma_ids])  # type: ignore[list-item]
                    self._has_lemmas = True
                self._lower.add(label, [lower_ids])  # type: ignore[list-item]
            self._members = member + 1
        return member

    def candidates(self, doc: Doc, member: int) -> Candidates:
        """The matches of the table `member` in `doc`: per list with a match, its
        matches, overlapping and in no order."""
        shares: list[Candidates] | None = doc.user_data.get(self._key)
        if shares is None or member >= len(shares):
            shares = doc.user_data[self._key] = self._match(doc)
        return shares[member]

    def _match(self, doc: Doc) -> list[Candidates]:
        with self._lock:
            members = self._members
            # Most lemma matches repeat a lower-case match: one set drops them in C.
            found = set(self._lower(doc))
            if self._has_lemmas:
                found.update(self._lemma(doc))
        shares: list[Candidates] = [{} for _ in range(members)]
        labels = self._labels
        for label, start, end in found:
            member, key, phrase = labels[label]
            shares[member].setdefault(key, []).append((start, end, phrase))
        return shares


_passes: dict[str, SharedPass] = {}
_lock = threading.Lock()
_label_vocab: list[Any] = []


def shared_pass(language: str) -> SharedPass:
    """The shared pass of `language` (the default pipeline's tokens and lemmas)."""
    found = _passes.get(language)
    if found is None:
        with _lock:
            found = _passes.get(language)
            if found is None:
                found = _passes[language] = SharedPass(language, _labels_vocab())
    return found


def _labels_vocab() -> Vocab:
    """A bare vocab for the matchers' labels: the matchers make a lexeme of each
    label, which costs a sixth of a pipeline vocab's (no language attributes to
    compute), and read the docs' tokens, not their vocab."""
    if not _label_vocab:
        from spacy.vocab import Vocab

        _label_vocab.append(Vocab())
    return _label_vocab[0]  # type: ignore[no-any-return]
