"""Token patterns written in rule data, compiled to one spaCy `Matcher`.

A phrase list matches fixed word sequences; a formula family ("we apologize / I
apologise / apologies for the / any inconvenience(s) this may have caused") is a
pattern over tokens. Patterns are strings of space-separated items:

- `word`: any form of the word (its lemma: "apologize" also matches "apologized");
  `=word`: that lower-case form only; `a|b|c`: any of them (lemmas);
- `<list>`: a word list of the rule's data, matched as its `[lists]` kind declares
  (`form`: the lower-case forms, `lemma`: every inflection);
- `@part`: a named sub-pattern (`[data.<lang>.pattern_parts]`, a pattern or a list of
  alternative patterns), spliced in;
- `_`: any token that is not punctuation; `~regex`: a token whose lower-case form
  the regular expression matches (no spaces in it);
- a suffix `?` (optional), `*`, `+` or `{m,n}` (spaCy's repetition) on a word, list
  or `_`; `@part?` makes the whole part optional.

Each item is one token; its words get the lemma the same form gets in a text, so
"est" in a pattern matches what "est" in a reply matches.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from replylint.text.nlp import pipeline
from replylint.text.phrases import PhraseMatch
from replylint.text.token_arrays import token_bounds

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

# A variant's anchors: (attribute, word hashes) for each of its rarest tokens.
Condition = tuple[tuple[str, frozenset[int]], ...]

_OPERATOR = re.compile(r"(?P<body>.+?)(?P<op>[?*+]|\{\d*,?\d*\})?\Z")


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message names the pattern and why."""


class TokenPatterns:
    """Named token patterns matched in one pass: longest non-overlapping matches."""

    def __init__(
        self,
        patterns: Sequence[str],
        lists: Mapping[str, tuple[str, Sequence[str]]],
        parts: Mapping[str, Sequence[str]],
        language: str,
        model: str | None = None,
    ) -> None:
        from spacy.matcher import Matcher
        from spacy.tokens import Doc

        self._doc_class = Doc
        self._nlp = pipeline(language, model)
        self._lists = lists
        self._parts = parts
        self._lemma_cache: dict[str, str] = {}
        # One matcher per pattern: a sentence runs only the patterns whose anchors
        # it holds (the matcher's cost grows with the patterns it carries).
        self._matchers: dict[str, Matcher] = {}
        strings = self._nlp.vocab.strings
        # A variant can only match where its two rarest required tokens are (see
        # `_anchors`). attribute -> anchor word -> (anchors, pattern) it may open.
        self._by_word: dict[str, dict[int, set[tuple[Condition, str]]]] = {
            "LEMMA": {},
            "LOWER": {},
        }
        self._unanchored: list[str] = []  # patterns with a variant without anchors
        for pattern in dict.fromkeys(patterns):
            variants = [self._token_specs(pattern, items) for items in self._expand(pattern)]
            for specs in variants:
                anchors = tuple(
                    (attr, frozenset(strings.add(w) for w in words))
                    for attr, words in self._anchors(specs)
                )
                if not anchors:
                    self._unanchored.append(pattern)
                    continue
                attr, words = anchors[0]
                for word in words:
                    self._by_word[attr].setdefault(word, set()).add((anchors, pattern))
            matcher = Matcher(self._nlp.vocab)
            matcher.add(pattern, variants, greedy="LONGEST")
            self._matchers[pattern] = matcher
        self._lemma_keys = frozenset(self._by_word["LEMMA"])
        self._lower_keys = frozenset(self._by_word["LOWER"])

    def _anchors(self, specs: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
        """The two required tokens of a variant whose words are rarest: those with
        the fewest stop words, then the fewest words ("inconvenience" before "for")."""
        stop_words = self._nlp.Defaults.stop_words
        ranked: list[tuple[int, int, str, list[str]]] = []
        for spec in specs:
            op = str(spec.get("OP", ""))
            if op in ("?", "*") or op.startswith("{0") or op.startswith("{,"):
                continue
            for attr in ("LEMMA", "LOWER"):
                value = spec.get(attr)
                if isinstance(value, str) or (isinstance(value, dict) and "IN" in value):
                    words = [value] if isinstance(value, str) else list(value["IN"])
                    ranked.append((sum(w in stop_words for w in words), len(words), attr, words))
        ranked.sort(key=lambda r: r[:2])
        return [(attr, words) for _, _, attr, words in ranked[:2]]

    def _windows(self, doc: Doc) -> list[tuple[int, int, set[str]]]:
        """The sentences (token ranges) where all the anchors of some variant are,
        with the patterns to run there. Formulas stay inside a sentence."""
        from spacy.attrs import LEMMA, LOWER, SENT_START

        size = len(doc)
        if not size:
            return []
        unanchored = [(0, size, set(self._unanchored))] if self._unanchored else []
        array = doc.to_array([LEMMA, LOWER, SENT_START])
        lemmas, lowers = array[:, 0].tolist(), array[:, 1].tolist()
        # First over the whole doc (set operations in C): most replies stop here.
        in_doc = {"LEMMA": set(lemmas), "LOWER": set(lowers)}
        candidates = {
            candidate
            for attr, keys in (("LEMMA", self._lemma_keys), ("LOWER", self._lower_keys))
            for word in keys.intersection(in_doc[attr])
            for candidate in self._by_word[attr][word]
        }
        candidates = {c for c in candidates if _holds(c[0], in_doc)}
        if not candidates:
            return unanchored
        starts = [i for i, flag in enumerate(array[:, 2].tolist()) if flag == 1] or [0]
        windows: list[tuple[int, int, set[str]]] = []
        for start, end in zip(starts, [*starts[1:], size], strict=True):
            present = {"LEMMA": set(lemmas[start:end]), "LOWER": set(lowers[start:end])}
            ready = {pattern for condition, pattern in candidates if _holds(condition, present)}
            if ready:
                windows.append((start, end, ready))
        return unanchored + windows

    def find(self, doc: Doc) -> list[PhraseMatch]:
        """Longest non-overlapping matches, in text order (`phrase` is the pattern)."""
        found = [
            (pattern, begin + offset, end + offset)
            for offset, stop, patterns in self._windows(doc)
            for pattern in sorted(patterns)
            for _, begin, end in self._matchers[pattern](doc[offset:stop])
        ]
        if not found:
            return []
        starts, ends = token_bounds(doc)
        chosen: list[PhraseMatch] = []
        taken: set[int] = set()
        for label, start, end in sorted(found, key=lambda m: (m[1] - m[2], m[1])):
            if not taken.isdisjoint(range(start, end)):
                continue
            taken.update(range(start, end))
            chosen.append(PhraseMatch(starts[start], ends[end - 1], label, start, end))
        chosen.sort()
        return chosen

    def _expand(self, pattern: str, depth: int = 0) -> list[list[str]]:
        """Every sequence of plain items the pattern stands for (parts spliced in)."""
        if depth > 5:
            raise PatternError(f"pattern {pattern!r}: parts nest too deep")
        choices: list[list[list[str]]] = []
        for item in pattern.split():
            if not item.startswith("@"):
                choices.append([[item]])
                continue
            optional = item.endswith("?")
            name = item[1:].rstrip("?")
            if name not in self._parts:
                raise PatternError(f"pattern {pattern!r}: unknown part @{name}")
            alternatives = self._parts[name]
            if isinstance(alternatives, str):
                alternatives = [alternatives]
            expanded = [seq for alt in alternatives for seq in self._expand(alt, depth + 1)]
            choices.append([*expanded, []] if optional else expanded)
        return [list(itertools.chain.from_iterable(combo)) for combo in itertools.product(*choices)]

    def _token_specs(self, pattern: str, items: list[str]) -> list[dict[str, Any]]:
        specs: list[dict[str, Any]] = []
        for item in items:
            match = _OPERATOR.match(item)
            assert match is not None  # the body takes at least one character
            body, op = match.group("body"), match.group("op")
            if body == "_":
                specs.append(_with_op({"IS_PUNCT": False}, op))
            elif body.startswith("<") and body.endswith(">"):
                specs.append(_with_op(self._list_spec(pattern, body[1:-1]), op))
            elif body.startswith("~"):
                specs.append(_with_op({"LOWER": {"REGEX": body[1:]}}, op))
            elif body.startswith("="):
                forms = [w.lower() for w in body[1:].split("|")]
                specs.append(_with_op({"LOWER": _one_of(forms)}, op))
            else:
                lemmas = sorted({self._lemma(w) for w in body.split("|")})
                specs.append(_with_op({"LEMMA": _one_of(lemmas)}, op))
        return specs

    def _list_spec(self, pattern: str, name: str) -> dict[str, Any]:
        if name not in self._lists:
            raise PatternError(f"pattern {pattern!r}: unknown list <{name}>")
        kind, words = self._lists[name]
        if kind == "form":
            return {"LOWER": _one_of(sorted({w.lower() for w in words}))}
        return {"LEMMA": _one_of(sorted({self._lemma(w) for w in words}))}

    def _lemma(self, word: str) -> str:
        """The lemma a token of this form gets in a text (the word is one token: "d'"
        alone would be split, yet in "d'agréer" it is a token of its own)."""
        found = self._lemma_cache.get(word)
        if found is None:
            doc = self._doc_class(self._nlp.vocab, words=[word])
            for _, component in self._nlp.pipeline:
                doc = component(doc)
            token = doc[0]
            found = self._lemma_cache[word] = token.lemma_ or token.lower_
        return found

    @property
    def nlp(self) -> Language:
        return self._nlp


def _with_op(spec: dict[str, Any], op: str | None) -> dict[str, Any]:
    return {**spec, "OP": op} if op else spec


def _one_of(words: list[str]) -> str | dict[str, list[str]]:
    """A token value: one word is an equality test (in C), several a set test."""
    return words[0] if len(words) == 1 else {"IN": words}


def _holds(condition: Condition, present: dict[str, set[int]]) -> bool:
    """Are all of a variant's anchors among the words present?"""
    return all(not words.isdisjoint(present[attr]) for attr, words in condition)
