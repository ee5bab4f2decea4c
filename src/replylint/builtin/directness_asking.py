"""Can a sentence of the customer's message open on a question word? A test on the
raw text, before its doc is built.

`directness` finds the customer's questions (`_questions`) in sentences with a "?",
an indirect question ("I'd like to know"), or a first word that is a question word
of the language (`question_words`): the first word itself, the first two words
joined by a space ("is there", "est ce") or run together ("est" + "-ce"). Most
messages without a "?" ("my order never arrived") hold no such word at all, and
then neither the message's doc (~25 µs) nor the reply's clauses need be read.

`may_open_question` is False only when no two words of the text can make a
question word that way. It reads the lower-cased text's runs of letters and runs of
digits (`Analysis.incoming_runs`, read once for every raw-text gate), on the
tokenizer's terms (`incoming_gate`): a token outside a special case
is made of whole runs of the text, so a word of the text has one of its runs among
the text's runs; a special case's own text is made of whole runs too.

- A question word, or the part before its space, is a first word: one of its runs
  (its longest) must be a run of the text.
- A question word split in two words run together ("est" + "-ce"): a run of each
  part must be a run of the text.
- A special case whose pieces cut a run ("can't" -> "ca" "n't", "cannot" -> "can"
  "not") and has a piece among these parts: a run of its own text will do.

Only the default pipeline's tokens are known in advance: with a statistical model
the test always passes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from replylint.text.derived import derived
from replylint.text.nlp import pipeline
from replylint.text.runs import RUNS

if TYPE_CHECKING:
    from collections.abc import Iterable

    from replylint.text.analysis import Analysis

_SIGMAS = ("σ", "ς")


class OpenerGate(NamedTuple):
    singles: frozenset[str]  # any one of these runs may make a question word
    pairs: dict[str, frozenset[str]]  # a run -> the runs that make one beside it
    sigma: bool  # a question word holds a sigma: a capital sigma passes


def may_open_question(analysis: Analysis) -> bool:
    """Can a sentence of the customer's message open on a question word?"""
    if analysis.model is not None:
        return True  # a statistical model's tokenizer: not known in advance
    language = analysis.language
    lang = analysis.lang
    gate = derived(lang, ("question openers", language), _gate, lang.question_words, language)
    if gate.sigma and "Σ" in analysis.incoming_text:
        return True  # lower-cased alone, a token's sigma may read otherwise
    runs = analysis.incoming_runs  # read once for every raw-text gate
    if not gate.singles.isdisjoint(runs):
        return True
    pairs = gate.pairs
    return any(not pairs[run].isdisjoint(runs) for run in pairs.keys() & runs)


def _gate(question_words: frozenset[str], language: str) -> OpenerGate:
    rules: dict[str, list[dict[Any, str]]] = pipeline(language).tokenizer.rules  # type: ignore[union-attr]
    return opener_gate(question_words, rules)


def opener_gate(
    question_words: Iterable[str], special_cases: dict[str, list[dict[Any, str]]]
) -> OpenerGate:
    """The gate of `question_words` under a tokenizer with `special_cases` (text ->
    its pieces, as `Tokenizer.rules` gives them)."""
    from spacy.attrs import ORTH

    firsts: set[str] = set()
    splits: set[tuple[str, str]] = set()
    for word in question_words:
        word = word.lower()
        firsts.add(word)
        if " " in word:
            firsts.add(word.split(" ", 1)[0])  # words hold no space
            continue  # nor do two run together
        splits.update((word[:k], word[k:]) for k in range(1, len(word)))
    singles = {_anchor(form) for form in firsts}
    pairs: dict[str, set[str]] = {}
    for head, tail in splits:
        head_run, tail_run = _anchor(head), _anchor(tail)
        if head_run and tail_run:  # (a part with no run is no word)
            pairs.setdefault(head_run, set()).add(tail_run)
            pairs.setdefault(tail_run, set()).add(head_run)
    parts = firsts | {part for split in splits for part in split}
    for text, pieces in special_cases.items():
        own_runs = RUNS.findall(text.lower())
        for piece in pieces:
            form = str(piece.get(ORTH, piece.get("ORTH", ""))).lower()
            if form in parts and _anchor(form) not in own_runs:
                singles.add(_anchor(text.lower()))  # a piece that cuts a run
    singles.discard("")  # a form with no run is no word
    sigma = any(s in form for form in parts for s in _SIGMAS)
    return OpenerGate(
        frozenset(singles), {run: frozenset(with_) for run, with_ in pairs.items()}, sigma
    )


def _anchor(form: str) -> str:
    """The longest run of letters or digits of `form` ("" when it has none)."""
    return max(RUNS.findall(form), key=len, default="")
