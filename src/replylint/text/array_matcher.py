"""Token patterns matched over a doc's token arrays, in place of spaCy's `Matcher`.

`token_patterns` compiles its patterns to `Matcher` token specs of a few kinds: a
lemma or lower-case form equal to a word or in a list (`{"LEMMA": "sorry"}`,
`{"LOWER": {"IN": [...]}}`), a lower-case form a regular expression finds something
in (`{"LOWER": {"REGEX": ...}}`), a token that is not punctuation
(`{"IS_PUNCT": False}`), each with an operator `?`, `*`, `+` or `{m,n}`. They run
over the few sentences of a reply where a pattern's words stand, where the
`Matcher`'s cost per call (a Span, its own token walk) outweighs the matching: here a range's tokens are read
from one array per doc, each token's tests are one bit mask, and the variants are
followed from the few tokens that can open them.

Every match is reported, each start with each end it reaches, as the `Matcher`
(without `greedy`) reports them; a match is never empty.
"""

from __future__ import annotations

import itertools
import operator
import re
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from replylint.text.token_arrays import token_lowers

if TYPE_CHECKING:
    from spacy.strings import StringStore
    from spacy.tokens import Doc

# More tokens than any text holds: what `*`, `+` or `{m,}` may repeat to.
_UNBOUNDED = 1 << 30
# The doc's (lemma, lower-case form, is punctuation, sentence start) columns.
_ARRAYS_KEY = "replylint.matcher_arrays"
_REPEAT = re.compile(r"\{(?P<low>\d*)(?P<comma>,?)(?P<high>\d*)\}\Z")


class UnsupportedSpec(ValueError):
    """A token spec of a kind the array matcher does not match (the message says which)."""


class ArrayMatcher:
    """Named patterns, each a list of variants (lists of `Matcher` token specs)."""

    def __init__(
        self, strings: StringStore, patterns: Mapping[str, Sequence[Sequence[dict[str, Any]]]]
    ) -> None:
        self._strings = strings
        self._bits: dict[tuple[str, Any], int] = {}  # a distinct test -> its bit
        self._lemma_bits: dict[int, int] = {}  # lemma hash -> the bits of the tests it passes
        self._lower_bits: dict[int, int] = {}  # lower-case form hash -> the same
        self._word_bit = 0  # the test "not punctuation" (one bit for all)
        self._regexes: list[tuple[re.Pattern[str], int]] = []
        self._automata = {
            pattern: _Automaton([[self._item(spec) for spec in specs] for specs in variants])
            for pattern, variants in patterns.items()
        }
        # pattern -> the lemma and lower-case form hashes a match's first token may
        # have: a range with none of them is skipped before any mask is made (None
        # when it may open with any word or a regular expression)
        self._openers: dict[str, tuple[frozenset[int], frozenset[int]] | None] = {}
        unlisted = self._word_bit | sum(bit for _, bit in self._regexes)
        for pattern, automaton in self._automata.items():
            first = automaton.first_bits
            self._openers[pattern] = (
                None
                if first & unlisted
                else (
                    frozenset(h for h, bits in self._lemma_bits.items() if bits & first),
                    frozenset(h for h, bits in self._lower_bits.items() if bits & first),
                )
            )

    def __contains__(self, pattern: str) -> bool:
        return pattern in self._automata

    def find(self, doc: Doc, ranges: Mapping[str, tuple[int, int]]) -> list[tuple[str, int, int]]:
        """(pattern, start, end) of every match of each pattern in its token range."""
        ranges = {p: bounds for p, bounds in ranges.items() if self._may_open(doc, p, *bounds)}
        if not ranges:
            return []
        base = min(start for start, _ in ranges.values())
        masks = self._masks(doc, base, max(stop for _, stop in ranges.values()))
        found: list[tuple[str, int, int]] = []
        for pattern, (start, stop) in ranges.items():
            automaton = self._automata[pattern]
            found.extend(
                (pattern, begin + base, end + base)
                for begin, end in automaton.matches(masks, start - base, stop - base)
            )
        return found

    def matches_any(self, doc: Doc, pattern: str, start: int, stop: int) -> bool:
        """Does the pattern match in doc[start:stop]?"""
        if not self._may_open(doc, pattern, start, stop):
            return False
        masks = self._masks(doc, start, stop)
        return bool(self._automata[pattern].matches(masks, 0, stop - start, first_only=True))

    def _may_open(self, doc: Doc, pattern: str, start: int, stop: int) -> bool:
        """Does a token of doc[start:stop] pass a test a match may open with? (Most
        sentences a pattern is run in lack its first words: sets, in C.)"""
        openers = self._openers[pattern]
        if openers is None:
            return True
        lemmas, lowers, _, _ = _columns(doc)
        return not (
            openers[0].isdisjoint(lemmas[start:stop]) and openers[1].isdisjoint(lowers[start:stop])
        )

    def _masks(self, doc: Doc, start: int, stop: int) -> list[int]:
        """The bits of the tests each token of doc[start:stop] passes (the lookups
        are `map`s: no Python step per token)."""
        lemmas, lowers, puncts, _ = _columns(doc)
        none = itertools.repeat(0)
        masks = list(
            map(
                operator.or_,
                map(self._lemma_bits.get, lemmas[start:stop], none),
                map(self._lower_bits.get, lowers[start:stop], none),
            )
        )
        if self._word_bit:
            word_bit = self._word_bit
            masks = [
                mask if punct else mask | word_bit
                for mask, punct in zip(masks, puncts[start:stop], strict=True)
            ]
        if self._regexes:
            forms = token_lowers(doc)
            for at in range(stop - start):
                form = forms[start + at]
                for regex, bit in self._regexes:
                    if regex.search(form):
                        masks[at] |= bit
        return masks

    def _item(self, spec: dict[str, Any]) -> tuple[int, int, int]:
        """The spec as (its test's bit, fewest tokens, most tokens)."""
        return (self._bit(spec), *_repeats(spec))

    def _bit(self, spec: dict[str, Any]) -> int:
        """The bit of the spec's test, registered with the values that pass it."""
        tests = {key: value for key, value in spec.items() if key != "OP"}
        if len(tests) != 1:
            raise UnsupportedSpec(f"token spec {spec!r}: one attribute test expected")
        [(attr, value)] = tests.items()
        if attr == "IS_PUNCT" and value is False:
            if not self._word_bit:
                self._word_bit = self._new_bit(("IS_PUNCT", False))
            return self._word_bit
        if attr not in ("LEMMA", "LOWER"):
            raise UnsupportedSpec(f"token spec {spec!r}: attribute {attr} is not matched")
        if isinstance(value, dict) and set(value) == {"REGEX"} and attr == "LOWER":
            key: tuple[str, Any] = ("REGEX", value["REGEX"])
            if key not in self._bits:
                self._regexes.append((re.compile(value["REGEX"]), self._new_bit(key)))
            return self._bits[key]
        if isinstance(value, str):
            words: tuple[str, ...] = (value,)
        elif isinstance(value, dict) and set(value) == {"IN"}:
            words = tuple(sorted(value["IN"]))
        else:
            raise UnsupportedSpec(f"token spec {spec!r}: value {value!r} is not matched")
        key = (attr, words)
        bit = self._bits.get(key)
        if bit is None:
            bit = self._new_bit(key)
            by_hash = self._lemma_bits if attr == "LEMMA" else self._lower_bits
            for word in words:
                word_hash = self._strings.add(word)
                by_hash[word_hash] = by_hash.get(word_hash, 0) | bit
        return bit

    def _new_bit(self, key: tuple[str, Any]) -> int:
        bit = self._bits[key] = 1 << len(self._bits)
        return bit


def sentence_starts(doc: Doc) -> list[int]:
    """The tokens that start a sentence (`SENT_START` 1), read in the same
    `to_array` call as the arrays the matcher reads (a doc whose sentences are
    looked at is nearly always matched in)."""
    flags = _columns(doc)[3]
    return list(itertools.compress(range(len(flags)), map((1).__eq__, flags)))


def _columns(doc: Doc) -> list[list[int]]:
    """The doc's lemma, lower-case form, is-punctuation and sentence-start columns,
    read once per doc (kept with it)."""
    columns = doc.user_data.get(_ARRAYS_KEY)
    if columns is None:
        from spacy.attrs import IS_PUNCT, LEMMA, LOWER, SENT_START

        array = doc.to_array([LEMMA, LOWER, IS_PUNCT, SENT_START])
        columns = doc.user_data[_ARRAYS_KEY] = array.T.tolist()
    return columns  # type: ignore[no-any-return]


def _repeats(spec: dict[str, Any]) -> tuple[int, int]:
    """The fewest and most tokens a spec's operator lets it take."""
    op = str(spec.get("OP", ""))
    if op in ("", "?", "*", "+"):
        return {"": (1, 1), "?": (0, 1), "*": (0, _UNBOUNDED), "+": (1, _UNBOUNDED)}[op]
    found = _REPEAT.match(op)
    if found is None or not (found.group("low") or found.group("high")):
        raise UnsupportedSpec(f"token spec {spec!r}: operator {op!r} is not matched")
    low = int(found.group("low") or 0)
    if not found.group("comma"):
        return low, low  # "{n}"
    return low, int(found.group("high")) if found.group("high") else _UNBOUNDED


# The most states an automaton keeps before it starts over (a long-lived server
# meets new combinations of words forever; a dropped state is worked out again).
_MAX_STATES = 5_000


class _Automaton:
    """A pattern's variants as one automaton over token masks, its states (sets of
    places in the variants) made as tokens lead to them: a match is followed one
    dictionary lookup per token, whatever the variants it may still be of.

    A place is (variant, item, times the item was taken); items are (bit, fewest,
    most), so `{0,3}` is one item, not three.
    """

    def __init__(self, variants: list[list[tuple[int, int, int]]]) -> None:
        self._variants = [tuple(items) for items in variants]
        self._bits = 0  # the tests any item makes: other bits of a mask are dropped
        self.first_bits = 0  # the tests a match's first token may pass
        for items in self._variants:
            for bit, _, _ in items:
                self._bits |= bit
            for bit, fewest, _ in items:
                self.first_bits |= bit
                if fewest:
                    break
        self._lock = threading.Lock()
        self._start = frozenset(
            place for n in range(len(self._variants)) for place in self._closure(n, 0, 0)
        )
        self._states = _States(self._start, self._accepts(self._start))

    def matches(
        self, masks: list[int], start: int, stop: int, *, first_only: bool = False
    ) -> list[tuple[int, int]]:
        """(start, end) of every match in masks[start:stop] (the first one only)."""
        states = self._states
        if len(states.places) >= _MAX_STATES:
            states = self._states = _States(self._start, self._accepts(self._start))
        found = []
        bits, first_bits, step, accepting = (
            self._bits,
            self.first_bits,
            states.next,
            states.accepting,
        )
        for begin in range(start, stop):
            if not masks[begin] & first_bits:
                continue
            state = _START
            for at in range(begin, stop):
                mask = masks[at] & bits
                following = step.get((state, mask))
                state = self._step(states, state, mask) if following is None else following
                if state == _DEAD:
                    break
                if accepting[state]:
                    found.append((begin, at + 1))
                    if first_only:
                        return found
        return found

    def _step(self, states: _States, state: int, mask: int) -> int:
        """The state a token of `mask` leads to from `state`, made and kept."""
        with self._lock:
            places = set()
            for n, item, taken in states.places[state]:
                items = self._variants[n]
                if item == len(items):
                    continue  # the end of a match: no token goes on from it
                bit, _, most = items[item]
                if mask & bit and taken < most:
                    places.update(self._closure(n, item, taken + 1))
            key = frozenset(places)
            following = states.ids.get(key)
            if following is None:
                following = states.ids[key] = len(states.places)
                states.places.append(key)
                states.accepting.append(self._accepts(key))
            states.next[(state, mask)] = following
            return following

    def _closure(self, n: int, item: int, taken: int) -> list[tuple[int, int, int]]:
        """The places reached from `item` of variant `n` taken `taken` times, past the
        items that may be left (taken their fewest times): the end is (n, len, 0)."""
        items = self._variants[n]
        places = []
        while item < len(items):
            _, fewest, most = items[item]
            if most == _UNBOUNDED:
                taken = min(taken, fewest)  # past its fewest, one more changes nothing
            if taken < most:
                places.append((n, item, taken))
            if taken < fewest:
                return places
            item, taken = item + 1, 0
        places.append((n, item, 0))
        return places

    def _accepts(self, places: frozenset[tuple[int, int, int]]) -> bool:
        return any(item == len(self._variants[n]) for n, item, _ in places)


_DEAD, _START = 0, 1


class _States:
    """An automaton's states made so far: the places of each (by number), whether
    it ends a match, and the state each (state, token mask) leads to. A walk keeps
    the table it started with, so a table started over never mixes numbers."""

    def __init__(self, start: frozenset[tuple[int, int, int]], accepting: bool) -> None:
        self.ids: dict[frozenset[tuple[int, int, int]], int] = {frozenset(): _DEAD, start: _START}
        self.places: list[frozenset[tuple[int, int, int]]] = [frozenset(), start]
        self.accepting: list[bool] = [False, accepting]
        self.next: dict[tuple[int, int], int] = {}
