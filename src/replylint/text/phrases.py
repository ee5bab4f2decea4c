"""Phrase matching on lower-case tokens and lemmas, built once per language.

Rules never search raw substrings: "apologise / apologize / apologizing" all match
the lemma of "apologize", and French elisions ("l'équipe") are separate tokens.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any, NamedTuple

from replylint.text.derived import derived
from replylint.text.nlp import pipeline, process
from replylint.text.pattern_cache import stored
from replylint.text.shared_phrases import SharedPass, shared_pass
from replylint.text.token_arrays import token_bounds

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc


class PhraseMatch(NamedTuple):
    start: int  # character offsets
    end: int
    phrase: str  # the phrase as written in the rule data
    token_start: int
    token_end: int


def is_clock_time(doc: Doc, match: PhraseMatch) -> bool:
    """Is the match a "pm" right after digits ("until 8 pm", "8pm" split by the
    tokenizer)? That is a time of day, not a private message; "un message privé" has
    the number word "un" before it, which is no digit."""
    at = match.token_start
    return at > 0 and doc[at].lower_ == "pm" and doc[at - 1].text[-1:].isdigit()


# A phrase's matcher label is this and its number in the table: spaCy makes a lexeme
# of each label (~15 µs), and short labels that every table numbers alike are made
# once per process (the lexeme of a string is the same wherever it is used).
_LABEL_PREFIX = "\x1f"


class PhraseTable:
    """Several named phrase lists matched in one pass over a doc.

    Rules with many lists (courtesy, redirects, offers, ...) pay for two matcher
    runs per reply instead of two per list. With `lemmas=False` only the
    lower-case forms match ("tracks" must not match "track"); the lists named in
    `form_keys` match that way in a table whose other lists match by lemma too
    (one lower-case pass for both kinds of list, not one per kind). A `shared`
    table of the default pipeline puts its phrases in its language's `SharedPass`:
    the tables that read the same doc then pay for one pair of matcher runs in all.
    """

    def __init__(
        self,
        lists: tuple[tuple[str, tuple[str, ...]], ...],
        language: str,
        model: str | None = None,
        lemmas: bool = True,
        form_keys: frozenset[str] = frozenset(),
        shared: bool = False,
    ) -> None:
        from spacy.matcher import PhraseMatcher

        nlp = pipeline(language, model)
        self.keys = tuple(key for key, _ in lists)
        lemma_keys = [key for key, _ in lists if key not in form_keys] if lemmas else []
        by_lemma = frozenset(lemma_keys)
        compiled = _compiled(nlp, lists, language, model, by_lemma)
        self._empty = not compiled
        self._has_lemmas = bool(lemma_keys)
        # Either the language's shared pass (a statistical model's tokens are its own)
        # or matchers of the table's own.
        self._pass: SharedPass | None = None
        self._member = 0
        self._lower: PhraseMatcher | None = None
        self._lemma: PhraseMatcher | None = None
        if shared and model is None and compiled:
            self._pass = shared_pass(language)
            self._member = self._pass.join(c[:4] for c in compiled)
        else:
            self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
            if lemma_keys:
                self._lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._labels: dict[int, tuple[str, str]] = {}  # matcher label -> (list, phrase)
        # Per list, the first token of each phrase, lower-cased (see `could_match`).
        self._first_tokens: dict[str, set[str]] = {}
        # The lower-case words of each phrase and its list, found by its longest word:
        # a lower-case match needs them all in the doc (see `lists_in_reach`).
        by_anchor: dict[str, set[tuple[frozenset[str], str]]] = {}
        strings = nlp.vocab.strings
        for number, (key, phrase, lemma_ids, lower_ids, words) in enumerate(compiled):
            first = words[0] if words else None
            if first is not None:
                self._first_tokens.setdefault(key, set()).add(first)
            if self._lower is None:  # shared: the pass answers `lists_in_reach` too
                continue
            if first is not None:
                anchor = max(words, key=len)
                by_anchor.setdefault(anchor, set()).add((frozenset(words), key))
            label = f"{_LABEL_PREFIX}{number}"
            self._labels[strings.add(label)] = (key, phrase)
            # The matchers take a phrase's token hashes as they take its doc (what
            # spaCy's unpickling does; the stub lists only docs).
            if self._lemma is not None and lemma_ids is not None:
                self._lemma.add(label, [lemma_ids])  # type: ignore[list-item]
            self._lower.add(label, [lower_ids])  # type: ignore[list-item]
        # Every list without a match, as `find_on_demand` starts its answer: copying a
        # dict costs a fraction of building it from the keys.
        self._no_matches: dict[str, ListMatches] = dict.fromkeys(self.keys, ())
        self._anchors = frozenset(by_anchor)
        self._phrase_words = {anchor: tuple(sets) for anchor, sets in by_anchor.items()}

    def could_match(self, text: str, keys: Iterable[str]) -> bool:
        """Can a phrase of the lists `keys` match in `text`? A quick test before
        tokenizing: False only when no phrase's first token is in the lower-cased
        text (a lower-case match needs it there). Always True for a lemma table."""
        if self._has_lemmas:
            return True
        lower = text.lower()
        return any(first in lower for key in keys for first in self._first_tokens.get(key, ()))

    def lists_in_reach(self, doc: Doc, lowers: AbstractSet[str]) -> set[str]:
        """The lists of which `find` may match something in `doc`, whose tokens'
        lower-case forms are `lowers` (every list `find` fills is among them): a gate
        cheaper than `find` where most docs hold nothing. A list is in reach when all
        the words of one of its phrases are among `lowers`, or one of its phrases
        matches by lemma. With a shared pass, the lists that match: the pass is run
        once for all the tables that read the doc."""
        if self._pass is not None:
            return set(self._pass.candidates(doc, self._member))
        found: set[str] = set()
        for anchor in self._anchors.intersection(lowers):  # few: most hold none
            for words, key in self._phrase_words[anchor]:
                if key not in found and words <= lowers:
                    found.add(key)
        lemma_matches = self._lemma(doc) if self._lemma is not None else None
        if lemma_matches:
            labels = self._labels
            found.update(labels[label][0] for label, _, _ in lemma_matches)
        return found

    def find(self, doc: Doc) -> dict[str, list[PhraseMatch]]:
        """Per list: its longest non-overlapping matches, in text order."""
        result: dict[str, list[PhraseMatch]] = {key: [] for key in self.keys}
        candidates = self._candidates(doc)
        if candidates:
            bounds = token_bounds(doc)
            for key, found in candidates.items():
                result[key] = _longest_first(bounds, found)
        return result

    def find_on_demand(self, doc: Doc) -> MatchesOnDemand:
        """What `find` gives, each list's matches sorted out when it is first read: a
        rule that reads a few of many lists per doc pays for those only."""
        # Lists without a match are filled at once, in C; the others are missing.
        matches = MatchesOnDemand(self._no_matches)
        candidates = matches._candidates = self._candidates(doc)
        if candidates:
            for key in candidates:
                del matches[key]
            matches._bounds = token_bounds(doc)
        return matches

    def _candidates(self, doc: Doc) -> dict[str, list[tuple[int, int, str]]]:
        """Per list with a match: its matches as (token start, token end, phrase),
        overlapping and in no order."""
        if self._empty:
            return {}
        if self._pass is not None:
            return self._pass.candidates(doc, self._member)
        assert self._lower is not None
        # Most lemma matches repeat a lower-case match: one set drops them in C.
        found = set(self._lower(doc))
        if self._lemma is not None:
            found.update(self._lemma(doc))
        labels = self._labels
        by_key: dict[str, list[tuple[int, int, str]]] = {}
        for label, start, end in found:
            key, phrase = labels[label]
            candidates = by_key.get(key)
            if candidates is None:
                by_key[key] = [(start, end, phrase)]
            else:
                candidates.append((start, end, phrase))
        return by_key


# One list's matches in a `MatchesOnDemand`: a tuple when there are none.
ListMatches = list[PhraseMatch] | tuple[()]


class MatchesOnDemand(dict[str, ListMatches]):
    """Per list of a table, its matches as `PhraseTable.find` gives them (a tuple
    when there are none). A list's matches are sorted out on its first read by
    `[list]`; until then `in`, `get` and iteration do not see it."""

    # Filled by `PhraseTable.find_on_demand`: slots, and no `__init__` of its own,
    # so the dict is built by dict's own constructor, in C.
    __slots__ = ("_bounds", "_candidates")
    _candidates: dict[str, list[tuple[int, int, str]]]
    _bounds: tuple[list[int], list[int]]

    def __missing__(self, key: str) -> ListMatches:
        matches = self[key] = _longest_first(self._bounds, self._candidates[key])
        return matches


# One phrase, compiled: (list, phrase, its lemma hashes or None when the list
# matches by form, its lower-case form hashes, its lower-case words).
CompiledPhrase = tuple[str, str, "tuple[int, ...] | None", tuple[int, ...], tuple[str, ...]]


def _compiled(
    nlp: Any,
    lists: tuple[tuple[str, tuple[str, ...]], ...],
    language: str,
    model: str | None,
    by_lemma: frozenset[str],
) -> list[CompiledPhrase]:
    """Every phrase of `lists` as token hashes, from the pattern cache when the
    default pipeline makes them (a statistical model's tokens are not cached)."""
    if model is not None:
        return _compile(nlp, lists, by_lemma)
    parts = (language, repr(sorted(by_lemma)), repr(lists))
    return stored("phrases", parts, lambda: _compile(nlp, lists, by_lemma))


def _compile(
    nlp: Any, lists: tuple[tuple[str, tuple[str, ...]], ...], by_lemma: frozenset[str]
) -> list[CompiledPhrase]:
    from spacy.attrs import LEMMA, LOWER

    compiled: list[CompiledPhrase] = []
    for key, phrases in lists:
        for phrase in dict.fromkeys(p for p in phrases if p.strip()):
            lower = phrase.lower()
            lemma_ids: tuple[int, ...] | None = None
            if key in by_lemma:
                doc = _pattern(nlp, phrase, lemmas=True)
                lemma_ids = tuple(doc.to_array(LEMMA).tolist()) if len(doc) else ()
                # A phrase written in lower case is its own lower-case pattern.
                lower_doc = doc if lower == phrase else _pattern(nlp, lower, lemmas=False)
            else:
                lower_doc = _pattern(nlp, lower, lemmas=False)
            lower_ids = tuple(lower_doc.to_array(LOWER).tolist()) if len(lower_doc) else ()
            words = tuple(t.lower_ for t in lower_doc)  # what the lower-case matcher compares
            compiled.append((key, phrase, lemma_ids, lower_ids, words))
    return compiled


_ELISION_ENDS = ("'", "\u2019")


def _pattern(nlp: Any, phrase: str, *, lemmas: bool) -> Doc:
    """The tokens of `phrase` as they stand in a reply. A phrase ending in an
    elision ("j'", "qu'") is one token before a word but two ("j", "'") alone, so it
    is tokenized before a placeholder word that is then dropped."""
    make = process if lemmas else (lambda nlp, text: nlp.make_doc(text))
    if len(phrase) > 1 and phrase.endswith(_ELISION_ENDS) and phrase[-2].isalpha():
        doc = make(nlp, phrase + "x")
        if len(doc) > 1 and doc[-1].text == "x":
            return doc[:-1].as_doc()
    return make(nlp, phrase)


# `PhraseMatch(...)` runs the named tuple's Python-level `__new__`; the matches of
# every reply are made here, so they are made as the tuples they are, in C.
_new_tuple = tuple.__new__


def _longest_first(
    bounds: tuple[list[int], list[int]], candidates: list[tuple[int, int, str]]
) -> list[PhraseMatch]:
    starts, ends = bounds
    new, match = _new_tuple, PhraseMatch
    if len(candidates) == 1:
        ((start, end, phrase),) = candidates
        return [new(match, (starts[start], ends[end - 1], phrase, start, end))]
    # Usually no two candidates overlap: then every one is kept, in text order.
    candidates.sort()
    last_end = 0
    for start, end, _ in candidates:
        if start < last_end:
            break
        last_end = end
    else:
        return [new(match, (starts[s], ends[e - 1], p, s, e)) for s, e, p in candidates]
    chosen: list[PhraseMatch] = []
    taken: set[int] = set()
    # Longest first, then leftmost, then by phrase: (minus length, start, phrase) is
    # unique in a list, so the tuples sort in C without a key function.
    for _, start, phrase, end in sorted([(s - e, s, p, e) for s, e, p in candidates]):
        if not taken.isdisjoint(range(start, end)):
            continue
        taken.update(range(start, end))
        chosen.append(new(match, (starts[start], ends[end - 1], phrase, start, end)))
    chosen.sort()
    return chosen


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
_tables: dict[
    tuple[str, str | None, bool, tuple[tuple[str, tuple[str, ...]], ...], frozenset[str], bool],
    PhraseTable,
] = {}
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
    form_keys: frozenset[str] = frozenset(),
    shared: bool = False,
) -> PhraseTable:
    """A cached `PhraseTable` for the named lists (`shared`: see `data_phrase_table`)."""
    frozen = tuple((name, tuple(phrases)) for name, phrases in lists.items())
    key = (language, model, lemmas, frozen, form_keys, shared)
    found = _tables.get(key)
    if found is None:
        with _lock:
            found = _tables.get(key)
            if found is None:
                found = _tables[key] = PhraseTable(
                    frozen, language, model, lemmas, form_keys, shared
                )
    return found


def data_phrase_table(
    data: Mapping[str, Any],
    keys: tuple[str, ...],
    language: str,
    model: str | None = None,
    *,
    lemmas: bool = True,
    form_keys: frozenset[str] = frozenset(),
    shared: bool = False,
) -> PhraseTable:
    """The cached `PhraseTable` of the lists `keys` of a rule's data table (found by
    the table, not by every phrase, which would be copied and hashed each time).
    The lists in `form_keys` match by lower-case form only (see `PhraseTable`).
    A `shared` table is one that reads every reply's doc: it is matched in one pass
    with the language's other shared tables (see `SharedPass`); a table read on some
    docs only would make every reply's pass sort out matches nobody reads."""
    if not data:  # a fresh empty table each time: nothing worth keeping
        return phrase_table(
            {k: () for k in keys}, language, model, lemmas=lemmas, form_keys=form_keys
        )
    return derived(
        data,
        ("table", keys, language, model, lemmas, form_keys, shared),
        _table_of,
        data,
        keys,
        language,
        model,
        lemmas,
        form_keys,
        shared,
    )


def data_phrase_list(
    data: Mapping[str, Any],
    key: str,
    language: str,
    model: str | None = None,
    *,
    lemmas: bool = True,
) -> PhraseList:
    """The cached `PhraseList` of the list `key` of a rule's data table."""
    if not data:
        return phrase_list((), language, model, lemmas=lemmas)
    return derived(
        data, ("list", key, language, model, lemmas), _list_of, data, key, language, model, lemmas
    )


def _table_of(
    data: Mapping[str, Any],
    keys: tuple[str, ...],
    language: str,
    model: str | None,
    lemmas: bool,
    form_keys: frozenset[str],
    shared: bool,
) -> PhraseTable:
    lists = {k: data.get(k, ()) for k in keys}
    return phrase_table(lists, language, model, lemmas=lemmas, form_keys=form_keys, shared=shared)


def _list_of(
    data: Mapping[str, Any], key: str, language: str, model: str | None, lemmas: bool
) -> PhraseList:
    phrases = tuple(str(p) for p in data.get(key, ()))
    return phrase_list(phrases, language, model, lemmas=lemmas)
