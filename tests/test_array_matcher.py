"""The array matcher finds exactly what spaCy's `Matcher` finds.

Differential: every variant of every pattern `personal-tone` compiles (formulas and
requests, English and French, from the shipped rule data, none enumerated away) is
run by both matchers over token sequences made of the patterns' own words (their
variants written out with random repetitions, gaps and swaps, and random orders),
plus texts of our own; the match sets must be identical. A few hand-written specs
cover the operators the rule data does not use (`*`, `+`, `{n}`, `{m,}`, `{,n}`).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import pytest
from spacy.matcher import Matcher
from spacy.tokens import Doc

from replylint.model import Severity
from replylint.rule import Rule, RuleContext
from replylint.text.array_matcher import ArrayMatcher, UnsupportedSpec
from replylint.text.nlp import pipeline
from replylint.text.token_patterns import TokenPatterns

_TEXTS = {
    "en": [
        "We apologise for any inconvenience this may have caused.",
        "I am so sorry for the trouble you have experienced, truly.",
        "We would like to apologize for the delay. Please note that this is an automated reply.",
        "Sorry about that! We regret to inform you that the parcel is lost.",
        "Thank you for contacting us, we appreciate your patience and understanding.",
        "Dear valued customer, your request has been received and will be handled shortly.",
    ],
    "fr": [
        "Nous nous excusons pour la gêne occasionnée.",
        "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
        "Merci de vérifier votre adresse, prière de nous répondre svp.",
        "Nous sommes désolés pour ce désagrément que vous avez pu rencontrer.",
        "Ceci est un message automatique, merci de ne pas y répondre.",
        "Je vous remercie de votre patience et de votre compréhension.",
    ],
}
_FILLERS = ("the", "parcel", "xyzzy", ",", ".", "!", "-", "42", "and", "le", "colis")
_SEQUENCES_PER_PATTERN = 120


def _tone_patterns(language: str) -> list[TokenPatterns]:
    """The rule's formulas and requests, every variant left to the matcher."""
    rule = Rule.builtin("personal-tone", lambda analysis, ctx: iter(()))
    data = RuleContext(rule, Severity.WARNING, {}, language).data
    lists = {
        key: (kind, tuple(str(w) for w in data.get(key, ())))
        for key, kind in rule.lists.items()
        if kind in ("form", "lemma")
    }
    parts = data.get("pattern_parts", {})
    formulas = tuple(p for table in data.get("formulas", {}).values() for p in table)
    requests = tuple(str(p) for p in data.get("requests", ()))
    return [
        TokenPatterns(patterns, lists, parts, language, phrases=False)
        for patterns in (formulas, requests)
        if patterns
    ]


def _words_of(spec: dict[str, Any]) -> list[str]:
    """Words a token passing the spec may be written as (a regex spec: none)."""
    for attr in ("LEMMA", "LOWER"):
        value = spec.get(attr)
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict) and "IN" in value:
            return list(value["IN"])
    return []


def _written_out(specs: Sequence[dict[str, Any]], rng: random.Random) -> list[str]:
    """One token sequence the variant may match: each item taken a random number of
    times within its bounds (a little past them, now and then)."""
    words = []
    for spec in specs:
        op = str(spec.get("OP", ""))
        times = {"": 1, "?": rng.randint(0, 1), "*": rng.randint(0, 3), "+": rng.randint(1, 3)}.get(
            op, rng.randint(0, 3)
        )
        choices = _words_of(spec) or ["word", "attendez", "vérifier", ","]
        words.extend(rng.choice(choices) for _ in range(times))
    return words


def _mutated(words: list[str], pool: list[str], rng: random.Random) -> list[str]:
    words = list(words)
    for _ in range(rng.randint(0, 3)):
        action = rng.randrange(4)
        at = rng.randint(0, len(words))
        if action == 0:
            words.insert(at, rng.choice(pool))  # a gap
        elif action == 1 and words:
            del words[min(at, len(words) - 1)]
        elif action == 2 and len(words) > 1:
            i, j = rng.randrange(len(words)), rng.randrange(len(words))
            words[i], words[j] = words[j], words[i]
    return words


def _doc(nlp: Any, words: list[str]) -> Doc:
    doc = Doc(nlp.vocab, words=[w for w in words if w.strip()] or ["."])
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def _spacy_matches(matcher: Matcher, doc: Doc, start: int, stop: int) -> set[tuple[int, int]]:
    return {(begin + start, end + start) for _, begin, end in matcher(doc[start:stop])}


def _array_matches(matcher: ArrayMatcher, doc: Doc, start: int, stop: int) -> set[tuple[int, int]]:
    return {(begin, end) for _, begin, end in matcher.find(doc, {"p": (start, stop)})}


def _compare(
    nlp: Any, variants: list[list[dict[str, Any]]], docs: list[Doc], rng: random.Random
) -> int:
    """Both matchers over each doc, whole and in a random range; the matches compared."""
    reference = Matcher(nlp.vocab)
    reference.add("p", variants)
    ours = ArrayMatcher(nlp.vocab.strings, {"p": variants})
    compared = 0
    for doc in docs:
        start = rng.randint(0, len(doc) - 1)
        for begin, end in ((0, len(doc)), (start, rng.randint(start + 1, len(doc)))):
            expected = _spacy_matches(reference, doc, begin, end)
            assert _array_matches(ours, doc, begin, end) == expected, (doc.text, begin, end)
            assert ours.matches_any(doc, "p", begin, end) == bool(expected)
            compared += 1
    return compared


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_compiled_pattern_of_the_rule_matches_as_spacy_matches(language: str) -> None:
    rng = random.Random(f"array matcher {language}")
    nlp = pipeline(language)
    fixtures = [nlp(text) for text in _TEXTS[language]]
    compared = variants_seen = 0
    for patterns in _tone_patterns(language):
        for variants in patterns.specs.values():
            variants_seen += len(variants)
            pool = [w for specs in variants for spec in specs for w in _words_of(spec)]
            pool += _FILLERS
            docs = list(fixtures)
            for _ in range(_SEQUENCES_PER_PATTERN):
                if rng.random() < 0.7:
                    words = _written_out(rng.choice(variants), rng)
                    words = _mutated(words, pool, rng)
                    words = [rng.choice(pool) for _ in range(rng.randint(0, 3))] + words
                else:
                    words = [rng.choice(pool) for _ in range(rng.randint(1, 14))]
                docs.append(_doc(nlp, words))
            compared += _compare(nlp, variants, docs, rng)
    # Every variant was run, over many sequences (the rule has dozens of patterns).
    assert variants_seen > 50
    assert compared > 5_000


_OPERATORS = [
    [{"LOWER": "a", "OP": "*"}, {"LOWER": "b"}],
    [{"LOWER": "a", "OP": "+"}, {"LOWER": {"IN": ["a", "b"]}, "OP": "?"}],
    [{"LOWER": "a", "OP": "{2}"}, {"IS_PUNCT": False, "OP": "{1,}"}],
    [{"LOWER": {"IN": ["a", "b"]}, "OP": "{,2}"}, {"LOWER": {"REGEX": "^c"}}],
    [{"IS_PUNCT": False, "OP": "*"}],
    [{"LOWER": "a", "OP": "?"}, {"LOWER": "a", "OP": "{1,3}"}, {"LOWER": "b", "OP": "*"}],
]


@pytest.mark.parametrize("specs", _OPERATORS)
def test_operators_the_rule_data_does_not_use_match_as_spacy_matches(
    specs: list[dict[str, Any]],
) -> None:
    rng = random.Random(repr(specs))
    nlp = pipeline("en")
    pool = ["a", "b", "c", "ca", ",", "d"]
    docs = [_doc(nlp, [rng.choice(pool) for _ in range(rng.randint(1, 9))]) for _ in range(300)]
    assert _compare(nlp, [specs], docs, rng) == 600


def test_a_spec_of_another_kind_is_refused_by_name() -> None:
    nlp = pipeline("en")
    with pytest.raises(UnsupportedSpec, match="IS_DIGIT"):
        ArrayMatcher(nlp.vocab.strings, {"p": [[{"IS_DIGIT": True}]]})
