"""Token-pattern variants of finite words, matched as phrases in one C pass.

A variant whose every item is a word, a word list or alternatives (`?` optional or
`{m,n}` repeated, with a small n) stands for a finite set of token sequences. Those
sequences are enumerated once (`enumerate_variant`) and looked for by a
`PhraseMatcher` over lemmas, the same pass that looks for the anchors of the
patterns left to spaCy's `Matcher` (items `_`, `*`, `+`, `~regex`, or too many
sequences). An item of lower-case forms (`=form`, a `form` list) is matched by the
lemmas those forms get and its forms are checked on the rare hits.

A hit is a match of its variant exactly when its form items hold one of their forms
and it does not cross a sentence start (formulas stay inside a sentence).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from replylint.text.token_arrays import token_lowers

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

# A token of a sequence: (attribute, word, the forms of its item when the attribute
# is "LOWER": any of them will do), the attribute "LEMMA" or "LOWER".
Item = tuple[str, str, tuple[str, ...]]
# What a phrase is a match of: (pattern number, ((offset, forms), ...)), the forms
# a token at that offset of the phrase must have.
Target = tuple[int, tuple[tuple[int, tuple[str, ...]], ...]]
# Phrases by what they are a match of: (target, each phrase's lemmas as the string
# hashes a doc holds: kept so, a run starts without hashing ~40,000 phrases again).
Phrase = tuple[Target, list[tuple[int, ...]]]

# The most times a repeated item is enumerated (`{0,3}` is 1 + n + n² + n³ runs).
MAX_REPEAT = 4


def token_options(spec: dict[str, Any]) -> list[tuple[Item, ...]] | None:
    """The token runs one matcher spec may stand for, or None when they are not a
    small finite set (any token, a regular expression, `*`, `+`, `{m,}`)."""
    words = None
    for attr in ("LEMMA", "LOWER"):
        value = spec.get(attr)
        if isinstance(value, str):
            value = {"IN": [value]}
        if isinstance(value, dict) and set(value) == {"IN"}:
            forms = tuple(value["IN"]) if attr == "LOWER" else ()
            words = [(attr, w, forms) for w in value["IN"]]
    if words is None or len(spec) > (2 if "OP" in spec else 1):
        return None
    op = str(spec.get("OP", ""))
    if op == "":
        low, high = 1, 1
    elif op == "?":
        low, high = 0, 1
    elif op.startswith("{") and not op.endswith(",}"):
        bounds = op.strip("{}").split(",")  # "{n}", "{m,n}", "{,n}"
        low, high = int(bounds[0] or 0), int(bounds[-1])
    else:
        return None
    if high > MAX_REPEAT:
        return None
    options: list[tuple[Item, ...]] = []
    for count in range(low, high + 1):
        options.extend(_product([words] * count))
    return options


def enumerate_variant(specs: Sequence[dict[str, Any]], limit: int) -> list[tuple[Item, ...]] | None:
    """Every token sequence the variant stands for, or None when it has an item
    that is not finite, or more than `limit` sequences, or may match no token."""
    choices = []
    for spec in specs:
        options = token_options(spec)
        if options is None:
            return None
        choices.append(options)
    if math.prod(len(options) for options in choices) > limit:
        return None
    sequences = [tuple(item for run in combo for item in run) for combo in _product(choices)]
    if not all(sequences):
        return None  # an empty match: left to the matcher, which never reports one
    return sequences


def _product(choices: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    return list(itertools.product(*choices))


def phrases_of(
    variants: Sequence[tuple[int, list[tuple[Item, ...]]]],
    lemmas_of_form: Callable[[str], tuple[str, ...]],
    hash_of: Callable[[str], int],
) -> list[Phrase]:
    """The phrases of enumerated variants ((pattern number, sequences)), grouped by
    what they are a match of: a form item stands for every lemma its forms may get,
    and is checked on the hit (one label per group keeps the matcher quick to build)."""
    found: dict[Target, dict[tuple[int, ...], None]] = {}
    for number, sequences in variants:
        for sequence in sequences:
            checks = tuple(
                (offset, forms)
                for offset, (attr, _, forms) in enumerate(sequence)
                if attr == "LOWER"
            )
            lemmas = found.setdefault((number, checks), {})
            per_token = [
                tuple(map(hash_of, lemmas_of_form(word) if attr == "LOWER" else (word,)))
                for attr, word, _ in sequence
            ]
            lemmas.update(dict.fromkeys(_product(per_token)))
    return [(target, list(lemmas)) for target, lemmas in found.items()]


class VariantPhrases:
    """Enumerated phrases added to a lemma `PhraseMatcher`, and the matches of
    patterns its hits are."""

    def __init__(
        self,
        vocab: Vocab,
        phrases: Sequence[Phrase],
        patterns: Sequence[str],
        lemmas: Sequence[str],
    ) -> None:
        """`lemmas`: the words the phrases' hashes are of (added to the vocab's strings)."""
        strings = vocab.strings
        for lemma in lemmas:
            strings.add(lemma)
        self._targets: dict[int, tuple[str, tuple[tuple[int, frozenset[str]], ...]]] = {}
        self._hashes: list[tuple[str, list[tuple[int, ...]]]] = []
        self._count = 0
        for n, ((number, checks), sequences) in enumerate(phrases):
            label = f"variant {n} of {patterns[number]}"
            key = strings.add(label)
            forms = tuple((offset, frozenset(words)) for offset, words in checks)
            self._targets[key] = (patterns[number], forms)
            self._hashes.append((label, list(sequences)))
            self._count += len(sequences)

    def __len__(self) -> int:
        """The number of phrases."""
        return self._count

    def add_to(self, matcher: PhraseMatcher) -> None:
        """Look for the phrases in `matcher`'s pass as well (it matches lemmas)."""
        for label, hashes in self._hashes:
            matcher.add(label, hashes)  # type: ignore[arg-type]  # hashes, as in phrases.py

    def is_phrase(self, key: int) -> bool:
        return key in self._targets

    def matches(self, doc: Doc, hits: list[tuple[int, int, int]]) -> list[tuple[str, int, int]]:
        """(pattern, start, end) of the hits ((key, start, end) of phrases) that are
        matches: form items hold their forms, no sentence starts inside."""
        lowers = token_lowers(doc)
        found = []
        for key, start, end in hits:
            # hits are few and short: their tokens cost less than the doc's array
            if any(doc[i].is_sent_start for i in range(start + 1, end)):
                continue
            pattern, checks = self._targets[key]
            if all(lowers[start + offset] in forms for offset, forms in checks):
                found.append((pattern, start, end))
        return found
