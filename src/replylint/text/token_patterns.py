"""Token patterns written in rule data, matched over token arrays (`array_matcher`).

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

import bisect
import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from replylint.text.array_matcher import ArrayMatcher, sentence_starts
from replylint.text.nlp import pipeline
from replylint.text.pattern_cache import stored
from replylint.text.phrases import PhraseMatch
from replylint.text.token_arrays import token_bounds
from replylint.text.variant_phrases import (
    Item,
    Phrase,
    VariantPhrases,
    enumerate_variant,
    phrases_of,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

# A variant's required tokens in order, each the keys of the words it may be.
Requirement = tuple[frozenset[int], ...]
# A required item: its attribute and the token sequences it may be (one token each,
# or a run of adjacent required tokens: "sorry for|about" -> sorry for, sorry about).
Required = tuple[str, list[tuple[str, ...]]]

# The most token sequences a run of adjacent required tokens may stand for before it
# is split (their product grows with each list joined).
_MAX_RUN_PHRASES = 64

# The most token sequences one variant, and all the variants of a set of patterns,
# are enumerated into (the rest is left to the array matcher).
_MAX_VARIANT_PHRASES = 2_000
_MAX_PHRASES = 300_000

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
        *,
        phrases: bool = True,
    ) -> None:
        """`phrases=False` leaves every variant to the matcher (tests compare)."""
        from spacy.tokens import Doc

        self._doc_class = Doc
        self._nlp = pipeline(language, model)
        self._lists = lists
        self._parts = parts
        self._lemma_cache: dict[str, str] = {}
        # pattern -> its variants left to the matcher (a sentence runs only the
        # patterns that can match there)
        self.specs: dict[str, list[list[dict[str, Any]]]] = {}
        # A variant can only match where its required words stand, in its order.
        # Variants with the same anchors are tested together, and a requirement
        # once for all the patterns that share it (`_expand` makes many alike).
        groups: dict[Requirement, dict[Requirement, set[str]]] = {}
        first_of: dict[Requirement, frozenset[int]] = {}
        self._unanchored: list[str] = []  # patterns with a variant without anchors
        keys = _Keys(self._nlp.vocab)
        compiled = self._compiled(tuple(dict.fromkeys(patterns)), language, model)
        phrases_found, left, lemmas = self._enumerated(compiled, language, model, phrases)
        self._phrases = VariantPhrases(
            self._nlp.vocab, phrases_found, [p for p, _ in compiled], lemmas
        )
        for (pattern, all_variants), kept in zip(compiled, left, strict=True):
            variants = [all_variants[n] for n in kept]
            if not variants:
                continue  # every variant is an enumerated phrase
            for specs in variants:
                required = _required(specs)
                if not required:
                    self._unanchored.append(pattern)
                    continue
                requirement = tuple(keys.of(attr, words) for attr, words in required)
                chosen = self._anchors(required)
                anchors = tuple(requirement[n] for n in sorted(chosen))
                groups.setdefault(anchors, {}).setdefault(requirement, set()).add(pattern)
                first_of[anchors] = requirement[chosen[0]]
            # Every match: the longest of a pattern are chosen with its phrases' (`find`).
            self.specs[pattern] = variants
        self._matcher = ArrayMatcher(self._nlp.vocab.strings, self.specs)
        # One pass in C over a doc: the anchors of the attribute that opens most
        # variants (most replies have none); the array matcher tests the rest.
        first_attrs = {keys.attr(key) for key in set().union(*first_of.values())}
        anchor_finders = keys.finders(_keys_of(groups), first_attrs)
        first_finders = list(anchor_finders.values())
        # The enumerated phrases are looked for in the same pass as the lemma anchors.
        if len(self._phrases):
            if "LEMMA" in first_attrs:
                self._phrases.add_to(anchor_finders["LEMMA"])
            else:
                from spacy.matcher import PhraseMatcher

                finder = PhraseMatcher(self._nlp.vocab, attr="LEMMA")
                self._phrases.add_to(finder)
                first_finders.append(finder)
        self._first_finders = tuple(first_finders)
        self._groups = [
            _Group(
                tuple(item for item in anchors if keys.attr(next(iter(item))) in first_attrs),
                anchors,
                frozenset().union(*members.values()),
            )
            for anchors, members in groups.items()
        ]
        # The anchors of the first pass groups need in order, each tested once for
        # all the groups that need them: (anchors, the groups), by number.
        openers: dict[Requirement, list[int]] = {}
        for index, group in enumerate(self._groups):
            openers.setdefault(group.first_anchors, []).append(index)
        self._openers = [(anchors, tuple(ns)) for anchors, ns in openers.items()]
        number = {anchors: n for n, anchors in enumerate(openers)}
        # key of a word of a group's first anchor -> the openers it may start (numbers:
        # a set of them is cheap to build per doc)
        by_key: dict[int, set[int]] = {}
        for group in self._groups:
            for key in first_of[group.anchors]:
                by_key.setdefault(key, set()).add(number[group.first_anchors])
        self._by_key = {key: tuple(sorted(ns)) for key, ns in by_key.items()}
        # key of a word of a group's first anchor -> the patterns of those groups, by group
        patterns_of: dict[int, dict[int, frozenset[str]]] = {}
        for index, group in enumerate(self._groups):
            for key in first_of[group.anchors]:
                patterns_of.setdefault(key, {})[index] = group.patterns
        self._patterns_of = {key: tuple(found.items()) for key, found in patterns_of.items()}

    def _compiled(
        self, patterns: tuple[str, ...], language: str, model: str | None
    ) -> list[tuple[str, list[list[dict[str, Any]]]]]:
        """Each pattern with its variants as matcher specs, from the pattern cache
        when the default pipeline gives the words their lemmas."""

        def compile_all() -> list[tuple[str, list[list[dict[str, Any]]]]]:
            return [
                (pattern, [self._token_specs(pattern, items) for items in self._expand(pattern)])
                for pattern in patterns
            ]

        if model is not None:
            return compile_all()
        parts = (language, repr(patterns), repr(self._lists), repr(self._parts))
        return stored("token patterns", parts, compile_all)

    def _enumerated(
        self,
        compiled: list[tuple[str, list[list[dict[str, Any]]]]],
        language: str,
        model: str | None,
        wanted: bool = True,
    ) -> tuple[list[Phrase], list[list[int]], list[str]]:
        """The phrases of the variants that are enumerated, by pattern the numbers
        of its variants left to the matcher (a pattern with a variant that needs no
        word keeps all of them there: it is matched in the whole text), and the
        lemmas the phrases are made of."""
        everything = [list(range(len(variants))) for _, variants in compiled]
        if not wanted or model is not None or "replylint_annotate" not in self._nlp.pipe_names:
            # A trained pipeline's lemmas depend on the context, not on the form alone.
            return [], everything, []

        def build() -> tuple[list[Phrase], list[list[int]], list[str]]:
            total = 0
            enumerated: list[tuple[int, list[tuple[Item, ...]]]] = []
            left: list[list[int]] = []
            for number, (_, variants) in enumerate(compiled):
                if any(not _required(specs) for specs in variants):
                    left.append(everything[number])
                    continue
                kept = []
                for index, specs in enumerate(variants):
                    limit = min(_MAX_VARIANT_PHRASES, _MAX_PHRASES - total)
                    sequences = enumerate_variant(specs, limit)
                    if sequences is None:
                        kept.append(index)
                    else:
                        total += len(sequences)
                        enumerated.append((number, sequences))
                left.append(kept)
            forms = {w for _, seqs in enumerated for seq in seqs for a, w, _ in seq if a == "LOWER"}
            form_lemmas = self._form_lemmas(forms)
            strings = self._nlp.vocab.strings
            lemmas: dict[str, int] = {}

            def hash_of(lemma: str) -> int:
                found = lemmas.get(lemma)
                if found is None:
                    found = lemmas[lemma] = strings.add(lemma)
                return found

            phrases = phrases_of(enumerated, form_lemmas.__getitem__, hash_of)
            return phrases, left, list(lemmas)

        parts = (language, repr(compiled))
        return stored("variant phrases", parts, build)

    def _form_lemmas(self, forms: set[str]) -> dict[str, tuple[str, ...]]:
        """Every lemma a token of each lower-case form may get: the annotator looks
        up the lower-case form, then (when the table lacks it) the form as written,
        so "We" may get another lemma than "we" only when "we" is not in the table."""
        from replylint.text.lemma_lookup import LemmaLookup, load_lemma_lookup
        from replylint.text.nlp import LOOKUP_LEMMAS, cache_dir

        language = str(self._nlp.lang)
        table = load_lemma_lookup(language, cache_dir()) if LOOKUP_LEMMAS else LemmaLookup("")
        written: dict[str, set[str]] = {form: {form} for form in forms}
        unknown = sorted((f for f in forms if table.get(f) is None), key=len, reverse=True)
        if unknown and table.block:
            alternation = "|".join(re.escape(f) for f in unknown)
            for found in re.finditer(f"(?mi)^({alternation})\t", table.block):
                form = found.group(1)
                if form.lower() in written:
                    written[form.lower()].add(form)
        return {
            form: tuple(sorted({self._lemma(w) for w in variants}))
            for form, variants in written.items()
        }

    def _anchors(self, required: list[Required]) -> list[int]:
        """The required items (their indexes) a variant is looked for by, the one it
        is found by first: every item none of whose sequences is all stop words (those
        are everywhere), the rarest first (by lemma, then the longest run: "sorry for"
        is far rarer than "sorry", then fewest sequences); at least one."""
        stop_words = self._nlp.Defaults.stop_words
        stops = [sum(all(w in stop_words for w in seq) for seq in seqs) for _, seqs in required]
        ranked = sorted(
            range(len(required)),
            key=lambda n: (
                stops[n],
                required[n][0] != "LEMMA",  # one pass over lemmas finds most variants
                -len(required[n][1][0]),  # its shortest sequence (`_required` puts it first)
                len(required[n][1]),
            ),
        )
        return ranked[:1] + [n for n in ranked[1:] if not stops[n]]

    def _first_hits(self, doc: Doc) -> list[tuple[int, int, int]]:
        """One pass per attribute (mostly one in all): (key, start, end) of the
        anchors and enumerated phrases found."""
        finders = self._first_finders
        if len(finders) == 1:
            return finders[0](doc)
        return [hit for finder in finders for hit in finder(doc)]

    def _first_pass(
        self, doc: Doc, hits: list[tuple[int, int, int]] | None = None
    ) -> tuple[list[tuple[int, int]], list[tuple[int, int, int]]]:
        """The anchors found ((token, key)) and the enumerated phrases found
        ((key, start, end)), from the first pass's `hits` when given."""
        anchors: list[tuple[int, int]] = []
        phrases: list[tuple[int, int, int]] = []
        is_phrase = self._phrases.is_phrase
        for key, start, end in self._first_hits(doc) if hits is None else hits:
            if is_phrase(key):
                phrases.append((key, start, end))
            else:
                anchors.append((start, key))
        return anchors, phrases

    def _windows(
        self, doc: Doc, hits: list[tuple[int, int]]
    ) -> list[tuple[int, dict[str, tuple[int, int]]]]:
        """By sentence where the first-pass words of a candidate group stand (its
        first anchors all found, in order, in the text): the patterns to run there,
        each over the whole sentence. Formulas stay inside a sentence; the array
        matcher follows a pattern only from the tokens that can open it, so a
        sentence costs little more than a window around its words, and finding
        the other required words first cost more than it saved. Each with its
        kind: 0 for the whole text (patterns with a variant that needs no word),
        1 for a sentence."""
        size = len(doc)
        unanchored = [(0, dict.fromkeys(self._unanchored, (0, size)))] if self._unanchored else []
        if not hits:
            return unanchored
        by_key = self._by_key
        opened: set[int] = set()
        for _, key in hits:
            numbers = by_key.get(key)
            if numbers is not None:
                opened.update(numbers)
        if not opened:
            return unanchored
        hits.sort()
        openers = self._openers
        candidates: set[int] = set()
        for number in opened:
            first_anchors, indexes = openers[number]
            if len(first_anchors) == 1 or _in_order(first_anchors, hits):
                candidates.update(indexes)
        if not candidates:
            return unanchored
        starts = sentence_starts(doc) or [0]
        patterns_of = self._patterns_of
        by_sentence: dict[int, set[str]] = {}
        for token, key in hits:
            for index, patterns in patterns_of.get(key, ()):
                if index in candidates:
                    sentence = bisect.bisect_right(starts, token) - 1
                    if sentence >= 0:  # tokens before the first sentence start are in none
                        by_sentence.setdefault(sentence, set()).update(patterns)
        ends = [*starts[1:], size]
        return unanchored + [
            (1, dict.fromkeys(sorted(by_sentence[n]), (starts[n], ends[n])))
            for n in sorted(by_sentence)
        ]

    def matches_any(self, doc: Doc) -> bool:
        """Does any pattern match? (`find` is not empty.) Stops at the first match."""
        if not len(doc):
            return False
        anchors, phrases = self._first_pass(doc)
        if phrases and self._phrases.matches(doc, phrases):
            return True
        return any(
            self._matcher.matches_any(doc, pattern, start, end)
            for _, ranges in self._windows(doc, anchors)
            for pattern, (start, end) in sorted(ranges.items())
        )

    def find(self, doc: Doc) -> list[PhraseMatch]:
        """Longest non-overlapping matches, in text order (`phrase` is the pattern):
        the longest of each pattern in each range it is matched in, then the
        longest of those (the earliest, then the first pattern by name, on a tie)."""
        if not len(doc):
            return []
        hits = self._first_hits(doc)
        if not hits and not self._unanchored:
            return []  # most replies: none of the words any pattern needs
        anchors, phrases = self._first_pass(doc, hits)
        # (kind of range, pattern, start, end): the enumerated phrases are matched in
        # their sentence, as the matcher is in a sentence's range (kind 1)
        found = (
            [(1, p, start, end) for p, start, end in self._phrases.matches(doc, phrases)]
            if phrases
            else []
        )
        for kind, ranges in self._windows(doc, anchors):
            found.extend(
                (kind, pattern, start, end)
                for pattern, start, end in self._matcher.find(doc, ranges)
            )
        if not found:
            return []
        starts, ends = token_bounds(doc)
        chosen: list[PhraseMatch] = []
        taken: set[int] = set()
        for _, label, start, end in sorted(
            _longest_by_pattern(found), key=lambda m: (m[2] - m[3], m[2], m[0], m[1])
        ):
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


def _longest_by_pattern(found: list[tuple[int, str, int, int]]) -> list[tuple[int, str, int, int]]:
    """Of each pattern's matches in one kind of range, the longest that do not
    overlap, the earliest first on a tie (spaCy's `greedy="LONGEST"`)."""
    by_pattern: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for kind, pattern, start, end in found:
        by_pattern.setdefault((kind, pattern), []).append((start, end))
    kept = []
    for (kind, pattern), spans in by_pattern.items():
        taken: set[int] = set()
        for start, end in sorted(set(spans), key=lambda span: (span[0] - span[1], span[0])):
            if taken.isdisjoint(range(start, end)):
                taken.update(range(start, end))
                kept.append((kind, pattern, start, end))
    return kept


def _with_op(spec: dict[str, Any], op: str | None) -> dict[str, Any]:
    return {**spec, "OP": op} if op else spec


def _one_of(words: list[str]) -> str | dict[str, list[str]]:
    """A token value: one word is an equality test (in C), several a set test."""
    return words[0] if len(words) == 1 else {"IN": words}


def _required(specs: list[dict[str, Any]]) -> list[Required]:
    """A variant's tokens that must be there, in order, by the words they may be:
    (attribute, sequences) for each token with a word or word list and no optional
    repetition. Adjacent ones of the same attribute, each standing once, make one
    run, also across optional words of that attribute between them ("for your
    kind? information": for your information, for your kind information): its
    sequences are found in one C pass and are much rarer than their words."""
    required: list[Required] = []
    joinable = False  # may the next token extend the last item into a run?
    between: list[list[str]] = []  # the optional words since the run's last token
    for spec in specs:
        op = str(spec.get("OP", ""))
        words = _words_of(spec)
        optional = _optional(spec)
        if words is None or optional:
            # An optional word of the run's attribute may stand in it, or not.
            if joinable and op == "?" and words is not None and words[0] == required[-1][0]:
                between.append(words[1])
            else:
                joinable = False
            continue
        attr, values = words
        count = len(values) * math.prod(len(options) + 1 for options in between)
        if (
            joinable
            and not op
            and required[-1][0] == attr
            and len(required[-1][1]) * count <= _MAX_RUN_PHRASES
        ):
            # each sequence so far, with or without each optional word, then this one
            sequences = required[-1][1]
            for options in between:
                sequences = [*sequences, *((*seq, w) for seq in sequences for w in options)]
            required[-1] = (attr, [(*seq, v) for seq in sequences for v in values])
            between = []
            continue
        required.append((attr, [(v,) for v in values]))
        joinable = not op
        between = []
    return required


def _optional(spec: dict[str, Any]) -> bool:
    op = str(spec.get("OP", ""))
    return op in ("?", "*") or op.startswith("{0") or op.startswith("{,")


def _words_of(spec: dict[str, Any]) -> tuple[str, list[str]] | None:
    """The attribute and words of a token spec with a word or word list."""
    for attr in ("LEMMA", "LOWER"):
        value = spec.get(attr)
        if isinstance(value, str):
            return attr, [value]
        if isinstance(value, dict) and "IN" in value:
            return attr, list(value["IN"])
    return None


def _keys_of(requirements: Iterable[Requirement]) -> frozenset[int]:
    return frozenset(key for requirement in requirements for item in requirement for key in item)


def _in_order(requirement: Requirement, words: list[tuple[int, int]]) -> bool:
    """Do the required tokens all stand among `words` ((token, key), in text order),
    each after the one before? (Earliest first: if any order fits, this one does.)"""
    needed = iter(requirement)
    keys = next(needed)
    last = -1
    for token, key in words:
        if token > last and key in keys:
            last = token
            keys = next(needed, None)  # type: ignore[arg-type]
            if keys is None:
                return True
    return False


class _Group(NamedTuple):
    """The variants of patterns (sequences of plain items) with the same anchors."""

    first_anchors: Requirement  # those found by the first pass, in order
    anchors: Requirement  # the rare required tokens, in order
    patterns: frozenset[str]  # the patterns of its variants


class _Keys:
    """One key per (attribute, token sequence) that a pattern requires, and the
    phrase matchers that find them: each sequence is its own label, so a match says
    which."""

    def __init__(self, vocab: Vocab) -> None:
        self._vocab = vocab
        self._words: dict[int, tuple[str, tuple[str, ...]]] = {}  # key -> (attribute, words)
        self._hashes: dict[int, tuple[int, ...]] = {}  # key -> its words' token hashes
        self._labels: dict[int, str] = {}  # key -> its string (no StringStore decoding)

    def of(self, attr: str, sequences: list[tuple[str, ...]]) -> frozenset[int]:
        keys = set()
        for words in sequences:
            # A unit separator between the words of a run: a list word may hold a
            # space ("account holder", one token that never matches) and is no run.
            label = f"{attr} " + "\x1f".join(words)
            key = self._vocab.strings.add(label)
            self._words[key] = (attr, words)
            self._labels[key] = label
            keys.add(key)
        return frozenset(keys)

    def all(self) -> frozenset[int]:
        return frozenset(self._words)

    def attr(self, key: int) -> str:
        return self._words[key][0]

    def finders(self, keys: frozenset[int], attrs: set[str]) -> dict[str, PhraseMatcher]:
        """Phrase matchers (one per attribute of `attrs`) of the words of `keys`."""
        from spacy.matcher import PhraseMatcher

        finders = {}
        strings = self._vocab.strings
        for attr in sorted(attrs):
            finder = PhraseMatcher(self._vocab, attr=attr)
            for key in sorted(keys):
                word_attr, words = self._words[key]
                if word_attr == attr:
                    # The words' token hashes, as a doc whose lemmas are the words
                    # would give them (lower-case forms: spaCy's `str.lower`).
                    hashes = self._hashes.get(key)
                    if hashes is None:
                        hashes = self._hashes[key] = tuple(
                            strings.add(w if attr == "LEMMA" else w.lower()) for w in words
                        )
                    finder.add(self._labels[key], [hashes])  # type: ignore[list-item]  # hashes, as in phrases.py
            if len(finder):
                finders[attr] = finder
        return finders
