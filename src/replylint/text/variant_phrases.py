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

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from replylint.text.token_arrays import token_lowers

if TYPE_CHECKING:
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

# A token of a sequence: (attribute, word), the attribute "LEMMA" or "LOWER".
Item = tuple[str, str]
# An enumerated phrase: its lemmas, and the patterns it is a match of, each with the
# forms its form items must hold: (pattern number, ((offset, forms), ...)).
Phrase = tuple[tuple[str, ...], list[tuple[int, tuple[tuple[int, tuple[str, ...]], ...]]]]

# The most times a repeated item is enumerated (`{0,3}` is 1 + n + n² + n³ runs).
MAX_REPEAT = 4


def token_options(spec: dict[str, Any]) -> list[tuple[Item, ...]] | None:
    """The token runs one matcher spec may stand for, or None when they are not a
    small finite set (any token, a regular expression, `*`, `+`, `{m,}`)."""
    words = None
    for attr in ("LEMMA", "LOWER"):
        value = spec.get(attr)
        if isinstance(value, str):
            words = [(attr, value)]
        elif isinstance(value, dict) and set(value) == {"IN"}:
            words = [(attr, w) for w in value["IN"]]
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
    import itertools

    return list(itertools.product(*choices))


def phrases_of(
    variants: Sequence[tuple[int, list[tuple[Item, ...]]]],
    lemmas_of_form: Callable[[str], tuple[str, ...]],
) -> list[Phrase]:
    """The phrases of enumerated variants ((pattern number, sequences)): a form item
    stands for every lemma its form may get, and is checked on the hit."""
    found: dict[tuple[str, ...], dict[tuple[int, tuple[tuple[int, tuple[str, ...]], ...]], None]]
    found = {}
    for number, sequences in variants:
        for sequence in sequences:
            checks = tuple(
                (offset, (word,)) for offset, (attr, word) in enumerate(sequence) if attr == "LOWER"
            )
            per_token = [
                lemmas_of_form(word) if attr == "LOWER" else (word,) for attr, word in sequence
            ]
            for lemmas in _product(per_token):
                found.setdefault(lemmas, {})[(number, checks)] = None
    return [(lemmas, list(targets)) for lemmas, targets in found.items()]


class VariantPhrases:
    """Enumerated phrases added to a lemma `PhraseMatcher`, and the matches of
    patterns its hits are."""

    def __init__(self, vocab: Vocab, phrases: Sequence[Phrase], patterns: Sequence[str]) -> None:
        strings = vocab.strings
        self._targets: dict[int, list[tuple[str, tuple[tuple[int, frozenset[str]], ...]]]] = {}
        self._hashes: list[tuple[str, tuple[int, ...]]] = []
        for lemmas, targets in phrases:
            label = "variant " + "\x1f".join(lemmas)
            key = strings.add(label)
            self._targets[key] = [
                (patterns[number], tuple((offset, frozenset(forms)) for offset, forms in checks))
                for number, checks in targets
            ]
            self._hashes.append((label, tuple(strings.add(lemma) for lemma in lemmas)))

    def __len__(self) -> int:
        return len(self._hashes)

    def add_to(self, matcher: PhraseMatcher) -> None:
        """Look for the phrases in `matcher`'s pass as well (it matches lemmas)."""
        for label, hashes in self._hashes:
            matcher.add(label, [hashes])  # type: ignore[list-item]  # hashes, as in phrases.py

    def is_phrase(self, key: int) -> bool:
        return key in self._targets

    def matches(self, doc: Doc, hits: list[tuple[int, int, int]]) -> list[tuple[str, int, int]]:
        """(pattern, start, end) of the hits ((key, start, end) of phrases) that are
        matches: form items hold their forms, no sentence starts inside."""
        from spacy.attrs import SENT_START

        lowers = token_lowers(doc)
        starts = doc.to_array(SENT_START).tolist()
        found = []
        for key, start, end in hits:
            if 1 in starts[start + 1 : end]:
                continue
            for pattern, checks in self._targets[key]:
                if all(lowers[start + offset] in forms for offset, forms in checks):
                    found.append((pattern, start, end))
        return found
