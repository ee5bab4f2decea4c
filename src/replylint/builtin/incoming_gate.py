"""Can a phrase list match in a text at all? A test on the raw text, before its doc.

A rule that reads the customer's message for a few phrase lists pays ~25 µs for the
message's doc (tokenizer and annotator) even when none of their phrases can match in
it. `PhraseGate.may_hold` answers from the raw text: it looks the lower-cased text's
runs of letters and runs of digits (`text.runs`, read once per message for every
gate: `Analysis.incoming_runs`) up in a set worked out once per language from the
lists. It is False only when no phrase can match:

- Every phrase has an anchor, one token any match of it needs (its longest word:
  "charge" in "the charge"): the doc must hold a token with the anchor's lower-case
  form (lower-case matcher) or its lemma (lemma matcher). The default pipeline's
  lemma depends only on the token's form (`nlp.lookup_lemmas`: the table's entry
  for the lower-case form, else for the form, else the lower-case form), so such a
  token's lower-case form is among `starts`: the anchors, every form the lemma
  table leads to an anchor's lemma ("refunded" -> "refund"), and the forms the
  annotator leads there besides (`nlp.extra_forms_leading_to`: "livrée" -> "livrer").
- The tokenizer never splits between two letters or two digits, except inside a
  special case ("cannot" -> "can" "not", "don't" -> "do" "n't"): its prefixes,
  suffixes and infixes are punctuation, symbols, or units and currencies after a
  digit ("5km"), and whitespace and punctuation end runs here too. So a token
  outside a special case is made of whole runs of the text ("e-ticket": "e",
  "ticket"), and any one of its runs is a run of the text; a special case's text is
  too, so it stands in `starts` for its tokens.
- Lower-casing goes character by character, save Greek capital sigma: when a form
  in `starts` holds a sigma, a text with a capital sigma passes.

A form with no letter or digit (a symbol) is looked for as a substring. A word list
(single words compared with the tokens' lower-case forms, no lemma) has the same
kind of gate with each word as its own anchor (`word_gate`, `incoming_may_hold_words`). Only the
default pipeline's tokens are known in advance: with a statistical model
(`phrase_gate` gives None) the doc is always built.

Working out `starts` reads the whole lemma table (~50 ms for English, ~250 ms for
French), so the result is kept in the pattern cache (`text.pattern_cache`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from replylint.rule import data_words
from replylint.text.derived import derived
from replylint.text.nlp import extra_forms_leading_to, lookup_lemmas, pipeline, process
from replylint.text.pattern_cache import stored
from replylint.text.runs import RUNS, runs_of

if TYPE_CHECKING:
    from spacy.language import Language

    from replylint.rule import RuleContext
    from replylint.text.analysis import Analysis
    from replylint.text.lemma_lookup import LemmaLookup

_SIGMAS = ("σ", "ς")
# A phrase ending in an elision ("j'") is compiled before a placeholder word
# (`text.phrases`): its tokens are read the same way here.
_ELISION_ENDS = ("'", "\u2019")


class PhraseGate:
    """`may_hold(text)`: False when no phrase of the lists can match in `text`."""

    __slots__ = ("_runs", "_sigma", "_substrings")

    def __init__(self, runs: Iterable[str], substrings: Iterable[str], sigma: bool) -> None:
        self._runs = frozenset(runs)
        self._substrings = tuple(substrings)
        self._sigma = sigma

    def may_hold(self, text: str) -> bool:
        lower = text.lower()
        return self.may_hold_read(text, lower, runs_of(lower))

    def may_hold_read(self, text: str, lower: str, runs: Iterable[str]) -> bool:
        """`may_hold(text)` from a reading made once: `lower` is `text` lower-cased
        and `runs` its runs (`runs_of`)."""
        if self._sigma and "Σ" in text:
            return True  # lower-cased alone, a token's sigma may read otherwise
        if self._substrings and any(s in lower for s in self._substrings):
            return True
        return not self._runs.isdisjoint(runs)


def phrase_gate(
    data: Mapping[str, Any],
    keys: tuple[str, ...],
    language: str,
    model: str | None,
    form_keys: frozenset[str] = frozenset(),
) -> PhraseGate | None:
    """The gate of the phrase lists `keys` of a rule's `data` (those in `form_keys`
    match by lower-case form only, the others by lemma too) for texts in `language`,
    or None when `model` (a statistical pipeline) tokenizes them: no gate then."""
    if model is not None:
        return None
    return derived(
        data, ("phrase gate", keys, language, form_keys), _gate, data, keys, language, form_keys
    )


def incoming_may_hold(analysis: Analysis, ctx: RuleContext, keys: tuple[str, ...]) -> bool:
    """Can a phrase of the rule's lists `keys` (each matched as its `[lists]` kind says)
    match in the customer's message of `analysis`? False only when none can: then its
    doc need not be built to find them."""
    language, model = analysis.language, analysis.model
    # One lookup per message for the gate of these lists (several rules ask per reply).
    gate = derived(
        ctx.data, ("incoming gate", keys, language, model), _rule_gate, ctx, keys, language, model
    )
    if gate is None:
        return True
    # The message's runs are read once per analysis, for every gate that asks.
    return gate.may_hold_read(
        analysis.incoming_text, analysis.incoming_lower, analysis.incoming_runs
    )


def incoming_may_hold_words(analysis: Analysis, ctx: RuleContext, keys: tuple[str, ...]) -> bool:
    """Can the doc of the customer's message of `analysis` hold a token whose
    lower-case form is a word of the rule's word lists `keys` (lists read token by
    token, not phrases)? False only when none can."""
    language, model = analysis.language, analysis.model
    gate = derived(
        ctx.data,
        ("incoming word gate", keys, language, model),
        _rule_word_gate,
        ctx,
        keys,
        language,
        model,
    )
    if gate is None:
        return True
    return gate.may_hold_read(
        analysis.incoming_text, analysis.incoming_lower, analysis.incoming_runs
    )


def _rule_word_gate(
    ctx: RuleContext, keys: tuple[str, ...], language: str, model: str | None
) -> PhraseGate | None:
    """The word gate of the rule's lists `keys`, all of them in one."""
    return word_gate(
        frozenset(w for key in keys for w in data_words(ctx.data, key)), language, model
    )


def word_gate(words: frozenset[str], language: str, model: str | None) -> PhraseGate | None:
    """The gate of single-token `words` (lower-case), compared with the tokens'
    lower-case forms (no lemma): each word is its own anchor. None when `model` (a
    statistical pipeline) tokenizes the texts."""
    if model is not None:
        return None
    nlp = pipeline(language)
    if lookup_lemmas(nlp) is None:
        return None  # not the default pipeline: its tokenizer is not known in advance
    return PhraseGate(*_gate_parts(nlp, set(words)))


def _rule_gate(
    ctx: RuleContext, keys: tuple[str, ...], language: str, model: str | None
) -> PhraseGate | None:
    form_keys = frozenset(key for key in keys if ctx.list_kind(key) == "form")
    return phrase_gate(ctx.data, keys, language, model, form_keys)


def _gate(
    data: Mapping[str, Any], keys: tuple[str, ...], language: str, form_keys: frozenset[str]
) -> PhraseGate | None:
    nlp = pipeline(language)
    lemmas = lookup_lemmas(nlp)
    if lemmas is None:
        return None  # not the default pipeline: its lemmas are not known in advance
    lists = tuple((key, tuple(str(p) for p in data.get(key, ()))) for key in keys)
    forms = repr(sorted(form_keys))
    parts = (language, str(len(lemmas.block)), repr(lists), forms, _own_source())
    runs, substrings, sigma = stored(
        "phrase gate", parts, lambda: _worked_out(nlp, lemmas, lists, form_keys)
    )
    return PhraseGate(runs, substrings, sigma)


@cache
def _own_source() -> str:
    """This module's text: what the stored entries were worked out by (the pattern
    cache's own signature covers the `text` modules only)."""
    return Path(__file__).read_text("utf-8")


def _worked_out(
    nlp: Language,
    lemmas: LemmaLookup,
    lists: tuple[tuple[str, tuple[str, ...]], ...],
    form_keys: frozenset[str],
) -> tuple[list[str], list[str], bool]:
    """The letter/digit runs, the substrings and the sigma flag of the gate (as
    marshal-able lists)."""
    by_form, by_lemma = _anchors(nlp, lists, form_keys)
    starts = by_form | by_lemma | _forms_leading_to(lemmas, by_lemma)
    # The annotator also leads forms to a lemma the table does not ("est" -> "être",
    # "livrée" -> "livrer"), some of them forms the table does not hold at all.
    starts.update(
        form for lemma in by_lemma for form in extra_forms_leading_to(nlp.lang or "", lemma)
    )
    return _gate_parts(nlp, starts)


def _gate_parts(nlp: Language, starts: set[str]) -> tuple[list[str], list[str], bool]:
    """The runs, substrings and sigma flag of a gate that passes a text whose doc may
    hold a token with a lower-case form among `starts` (changed in place)."""
    from spacy.attrs import ORTH

    # A special case's tokens may cut its runs: its own text holds a run instead.
    rules: dict[str, list[dict[Any, str]]] = nlp.tokenizer.rules  # type: ignore[union-attr]
    for chunk, pieces in rules.items():
        orths = (piece.get(ORTH, piece.get("ORTH", "")) for piece in pieces)
        if any(str(orth).lower() in starts for orth in orths):
            starts.add(chunk.lower())
    runs: set[str] = set()
    substrings: set[str] = set()
    for form in starts:
        found = RUNS.findall(form)
        if found:
            runs.add(max(found, key=len))  # any one run will do: the rarest-looking
        else:
            substrings.add(form)
    sigma = any(s in form for form in starts for s in _SIGMAS)
    return sorted(runs), sorted(substrings), sigma


def _anchors(
    nlp: Language, lists: tuple[tuple[str, tuple[str, ...]], ...], form_keys: frozenset[str]
) -> tuple[set[str], set[str]]:
    """One token of every phrase that any match needs (its longest run of letters or
    digits): as the lower-case matcher compares it (its lower-case form) and as the
    lemma matcher does (its lemma; lists not in `form_keys`)."""
    by_form: set[str] = set()
    by_lemma: set[str] = set()
    for key, phrases in lists:
        for phrase in phrases:
            if not phrase.strip():
                continue
            for tokens in _tokenizations(nlp, phrase.lower()):
                by_form.add(_anchor(tokens).lower_)
            if key in form_keys:
                continue
            for tokens in _tokenizations(nlp, phrase):
                by_lemma.add(_anchor(tokens).lemma_)
    return by_form, by_lemma


def _tokenizations(nlp: Language, phrase: str) -> list[Any]:
    """The phrase's tokens as `text.phrases` compiles them: a phrase ending in an
    elision ("j'") before a placeholder word, which is dropped. Both ways, when the
    phrase ends in one (an over-estimate is safe)."""
    found: list[Any] = [process(nlp, phrase)]
    if phrase.endswith(_ELISION_ENDS):
        doc = process(nlp, phrase + "x")
        if len(doc) > 1 and doc[-1].text == "x":
            found.append(doc[:-1])
    return [tokens for tokens in found if len(tokens)]


def _anchor(tokens: Any) -> Any:
    """The token with the longest run of letters or digits (the first of equals)."""
    return max(tokens, key=lambda t: max(map(len, RUNS.findall(t.lower_)), default=0))


def _forms_leading_to(lemmas: LemmaLookup, targets: set[str]) -> set[str]:
    """Every form of the table whose lemma, lower-cased, is one of `targets`,
    lower-cased."""
    found: set[str] = set()
    for line in lemmas.block.split("\n"):
        form, _, lemma = line.partition("\t")
        if lemma and lemma.lower() in targets:
            found.add(form.lower())
    return found
