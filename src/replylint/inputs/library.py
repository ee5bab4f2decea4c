"""Checks over a whole saved-reply library, not one reply: near-duplicates, missing `faq`.

A saved reply is a record with `saved_reply` set. Two saved replies are near-
duplicates when the Jaccard similarity of their word 3-gram sets ("shingles") is
at least `DEFAULT_THRESHOLD` (0.8): the team keeps two templates for one answer,
and one of them will drift out of date.

Finding the pairs is not quadratic: identical shingle sets are grouped first (each
copy is paired with the first one), then the distinct sets are compared with
prefix filtering (Bayardo et al., "Scaling up all pairs similarity search", 2007):
shingles are ordered rarest first, and two sets can reach the threshold only if
their first `|x| - ceil(t·|x|) + 1` shingles share one, so only sets meeting in
that short prefix are compared exactly. 10,000 saved replies take well under a
second.

Entries are built where the reply is linted (a `--jobs` worker) and are small: the
record's path, id and hashed shingles (CRC-32, stable across processes).
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from replylint.model import Reply

DEFAULT_THRESHOLD = 0.8
SHINGLE_WORDS = 3
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """What the library checks need to know about one saved reply."""

    path: str
    id: str | None
    name: str | None  # the saved reply's name, when `saved_reply` is a string
    has_faq: bool
    has_incoming: bool
    shingles: tuple[int, ...]  # sorted, distinct
    is_document: bool = False
    line: int | None = None  # collections: the line where the record starts

    @classmethod
    def from_reply(
        cls, path: str, reply: Reply, *, is_document: bool = False, line: int | None = None
    ) -> LibraryEntry | None:
        """The entry for `reply`, or None when it is not a saved reply."""
        if not reply.is_saved_reply:
            return None
        name = reply.saved_reply if isinstance(reply.saved_reply, str) else None
        return cls(
            path,
            reply.id,
            name,
            bool(reply.faq),
            bool(reply.incoming and reply.incoming.strip()),
            shingles(reply.text),
            is_document,
            line,
        )

    def where(self) -> dict[str, Any]:
        return {"path": self.path, "id": self.id}


def shingles(text: str, size: int = SHINGLE_WORDS) -> tuple[int, ...]:
    """Hashed word `size`-grams of `text` (case-folded); one shingle for shorter texts."""
    words = _WORD.findall(text.casefold())
    if not words:
        return ()
    if len(words) < size:
        grams: Iterable[str] = ("\x1f".join(words),)
    else:
        grams = ("\x1f".join(words[i : i + size]) for i in range(len(words) - size + 1))
    return tuple(sorted({zlib.crc32(gram.encode("utf-8")) for gram in grams}))


def jaccard(a: frozenset[int] | set[int], b: frozenset[int] | set[int]) -> float:
    if not a and not b:
        return 1.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)


@dataclass(frozen=True)
class NearDuplicate:
    a: LibraryEntry
    b: LibraryEntry
    similarity: float

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a.where(), "b": self.b.where(), "similarity": round(self.similarity, 2)}


def near_duplicates(
    entries: list[LibraryEntry], threshold: float = DEFAULT_THRESHOLD
) -> list[NearDuplicate]:
    """Pairs of entries with shingle Jaccard >= threshold, `a` before `b` in input order."""
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    # 1. Identical sets: each later copy is paired with the first.
    first_of: dict[tuple[int, ...], int] = {}
    pairs: list[tuple[int, int, float]] = []
    representatives: list[int] = []
    for index, entry in enumerate(entries):
        if not entry.shingles:
            continue
        first = first_of.setdefault(entry.shingles, index)
        if first == index:
            representatives.append(index)
        else:
            pairs.append((first, index, 1.0))
    # 2. Distinct sets: prefix filtering over shingles ordered rarest first.
    frequency: Counter[int] = Counter()
    for index in representatives:
        frequency.update(entries[index].shingles)
    ordered = {
        index: sorted(entries[index].shingles, key=lambda s: (frequency[s], s))
        for index in representatives
    }
    postings: dict[int, list[int]] = defaultdict(list)
    sets: dict[int, frozenset[int]] = {}
    for index in sorted(representatives, key=lambda i: (len(ordered[i]), i)):
        tokens = ordered[index]
        size = len(tokens)
        prefix = size - math.ceil(threshold * size - 1e-9) + 1
        minimum = threshold * size - 1e-9  # smaller sets cannot reach the threshold
        mine = sets[index] = frozenset(tokens)
        seen: set[int] = set()
        for token in tokens[:prefix]:
            for other in postings[token]:
                if other in seen:
                    continue
                seen.add(other)
                if len(sets[other]) < minimum:
                    continue
                similarity = jaccard(mine, sets[other])
                if similarity >= threshold - 1e-9:
                    a, b = sorted((index, other))
                    pairs.append((a, b, similarity))
            postings[token].append(index)
    pairs.sort(key=lambda pair: (pair[0], pair[1]))
    return [NearDuplicate(entries[a], entries[b], similarity) for a, b, similarity in pairs]


def missing_faq(entries: Iterable[LibraryEntry]) -> list[LibraryEntry]:
    """Saved replies of a template library (no `incoming`) that declare no `faq`."""
    return [e for e in entries if not e.has_faq and not e.has_incoming]


@dataclass
class LibraryReport:
    """The library-level section of `check`'s output."""

    near_duplicates: list[NearDuplicate]
    missing_faq: list[LibraryEntry]
    saved_replies: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "near_duplicates": [pair.to_dict() for pair in self.near_duplicates],
            "missing_faq": [
                {**entry.where(), "saved_reply": entry.name} for entry in self.missing_faq
            ],
        }

    def __bool__(self) -> bool:
        return bool(self.near_duplicates or self.missing_faq)


class LibraryCollector:
    """Collects entries while replies stream by; `report()` runs the checks once."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self.entries: list[LibraryEntry] = []

    def add(self, entry: LibraryEntry | None) -> None:
        if entry is not None:
            self.entries.append(entry)

    def report(self) -> LibraryReport:
        return LibraryReport(
            near_duplicates(self.entries, self.threshold),
            missing_faq(self.entries),
            len(self.entries),
        )
