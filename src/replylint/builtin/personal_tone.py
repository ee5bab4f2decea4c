"""`personal-tone`: sound like a person, not a machine.

Two checks (docs/rules): form-letter formulas, matched as token patterns per family
(apology, salutation, acknowledgement, ...) so that their variants count (tense,
"any"/"the", word order, the hedged "for any inconvenience this may have caused"),
with a plainer rewording as the fix; and a reply of `min_words` or more that never
speaks to the reader (no you/vous, no name, no leading @mention, no request made to
them such as "Please update…" or "Veuillez…").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from replylint.hookspecs import hookimpl
from replylint.model import Edit, Finding, Fix
from replylint.rule import Rule, RuleContext, data_words
from replylint.text.analysis import Analysis
from replylint.text.derived import derived, derived_in
from replylint.text.nlp import pipeline, process
from replylint.text.phrases import PhraseMatch
from replylint.text.token_arrays import token_bounds
from replylint.text.token_patterns import TokenPatterns

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

# Quoted customer text is theirs, not the agent's: "> ..." lines and text in quotes.
_QUOTED = re.compile(r"(?m)^[ \t]*>.*$|\"[^\"\n]{1,400}\"|“[^”]{1,400}”|«[^»]{1,400}»")
# "**@username** Please ...": a mention opening the reply under markdown emphasis.
_LEADING_MENTION = re.compile(r"\A[\s*_~>]*[@＠]\w")
# The characters each of `_QUOTED`'s alternatives needs.
_QUOTE_MARKS = (">", '"', "“", "«")
# A letter or digit (`str.isalnum`): `\w` is those and the underscore.
_ALNUM = re.compile(r"[^\W_]")
_SENTENCE_END = ".!?…\n"
_PUNCT = ".!?…:;, \t\n"
_WORD = re.compile(r"[\w'’-]+")
# A courtesy word, then a capitalised word closed by punctuation: "Thanks Kim!".
_VOCATIVE = re.compile(r"\s*(?P<opener>\w+)[ ,]+(?P<name>[^\W\d_][\w'’-]*)\s*[,.!:;]")


def check(analysis: Analysis, ctx: RuleContext) -> list[Finding]:
    # Most replies have no formula and address the reader: plain calls decide that,
    # and the answer is a plain list (no generator to make and run for nothing).
    findings: list[Finding] = []
    if ctx.enabled("boilerplate"):
        data = ctx.data
        if data.get("formulas"):
            formulas = _formulas_of(data, analysis, ctx)
            matches = formulas.patterns.find(analysis.doc)
            if matches:
                findings.extend(_boilerplate(analysis, ctx, formulas, matches))
    if ctx.enabled("impersonal"):
        words = _impersonal_words(analysis, ctx)
        if words:
            findings.append(
                ctx.finding(
                    analysis.body_start,
                    analysis.body_end,
                    ctx.message("impersonal", words=words),
                    check="impersonal",
                )
            )
    return findings


class _Formulas:
    """Every formula family of one language, compiled into one matcher."""

    def __init__(self, ctx: RuleContext, language: str, model: str | None) -> None:
        data = ctx.data
        families: Mapping[str, Mapping[str, str]] = data.get("formulas", {})
        # pattern -> (family, rewording); a pattern listed twice keeps its first family
        self.meaning: dict[str, tuple[str, str]] = {}
        for family, table in families.items():
            for pattern, rewording in table.items():
                self.meaning.setdefault(pattern, (family, str(rewording)))
        lists = {
            key: (kind, tuple(str(w) for w in data.get(key, ())))
            for key, kind in ctx.rule.lists.items()
            if kind in ("form", "lemma")
        }
        parts = data.get("pattern_parts", {})
        self.patterns = TokenPatterns(tuple(self.meaning), lists, parts, language, model)
        requests = tuple(str(p) for p in data.get("requests", ()))
        self.requests = TokenPatterns(requests, lists, parts, language, model)
        self.to_sentence_end = frozenset(str(p) for p in data.get("to_sentence_end", ()))


def _formulas(ctx: RuleContext, analysis: Analysis) -> _Formulas:
    return _formulas_of(ctx.data, analysis, ctx)


def _formulas_of(data: Mapping[str, Any], analysis: Analysis, ctx: RuleContext) -> _Formulas:
    """The compiled formulas of `data` (the rule's data for the reply's language)."""
    language, model = analysis.language, analysis.model
    if model is None:  # the default pipeline, nearly every reply: one dict read
        return derived_in(_DEFAULT_FORMULAS, data, _Formulas, ctx, language, None)
    return derived(data, ("formulas", language, model), _Formulas, ctx, language, model)


# Per rule data table (one language's), its formulas on the default pipeline.
_DEFAULT_FORMULAS: dict[int, tuple[object, _Formulas]] = {}


def _boilerplate(
    analysis: Analysis, ctx: RuleContext, formulas: _Formulas, matches: list[PhraseMatch]
) -> Iterator[Finding]:
    text = analysis.text
    # Most replies quote nothing: the scan only runs when a quoting mark is there.
    quoted = (
        [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
        if any(mark in text for mark in _QUOTE_MARKS)
        else []
    )
    covered = 0  # end of the last finding: "Madame, Monsieur" inside "Veuillez agréer, ..."
    for match in matches:
        if match.start < covered:
            continue
        if any(q_start <= match.start and match.end <= q_end for q_start, q_end in quoted):
            continue
        start, end = match.start, match.end
        sentence = None  # read only by the findings that need it
        if match.phrase in formulas.to_sentence_end:
            sentence = _sentence_of(analysis, match)
            end = max(end, len(text[: sentence[1]].rstrip(_PUNCT)))
        covered = end
        phrase = text[start:end]
        family_key, rewording = formulas.meaning[match.phrase]
        family = ctx.message(f"family_{family_key}")
        family = family[:1].upper() + family[1:]
        replacement = _personalize(rewording, analysis)
        fixes: list[Fix] = []
        if replacement:
            message = ctx.message(
                "boilerplate_fix", family=family, phrase=phrase, replacement=replacement
            )
            # A rewording written as a sentence ("Sorry about this") replaces a formula
            # that opens its sentence; in the middle of one it would not read.
            if replacement[:1].islower() or _at_sentence_start(analysis, start):
                fixes.append(_replace(analysis, ctx, start, end, replacement))
        else:
            message = ctx.message("boilerplate", family=family, phrase=phrase)
            sentence = sentence or _sentence_of(analysis, match)
            fixes.append(_remove(analysis, ctx, sentence, start, end, phrase))
        yield ctx.finding(start, end, message, fixes=fixes, check="boilerplate")


def _personalize(replacement: str, analysis: Analysis) -> str:
    """A salutation with the customer's name when known: "Hi" -> "Hi Keelin"."""
    customer = (analysis.reply.customer or "").split()
    if customer and replacement.lower() in analysis.lang.salutations:
        return f"{replacement} {customer[0]}"
    return replacement


def _at_sentence_start(analysis: Analysis, start: int) -> bool:
    text = analysis.text
    # Nothing but emoji or marks before it ("😀 Dear valued customer") opens the text too.
    if start <= analysis.mentions_end or _ALNUM.search(text, 0, start) is None:
        return True
    last = start - 1  # the last character before it that is not a space or tab
    while text[last] in " \t":
        last -= 1
    return text[last] in _SENTENCE_END


def _replace(analysis: Analysis, ctx: RuleContext, start: int, end: int, text: str) -> Fix:
    if _at_sentence_start(analysis, start):
        text = text[:1].upper() + text[1:]
    elif text.split()[0].lower() not in analysis.lang.salutations:
        text = text[:1].lower() + text[1:]
    return Fix(ctx.message("fix_replace", replacement=text), (Edit(start, end, text),), safe=True)


def _remove(
    analysis: Analysis,
    ctx: RuleContext,
    sentence: tuple[int, int],
    start: int,
    end: int,
    phrase: str,
) -> Fix:
    text = analysis.text
    sentence_start, sentence_end = sentence
    title = ctx.message("fix_remove", phrase=phrase)
    before = text[sentence_start:start]
    rest = text[end:sentence_end]
    if not before.strip(_PUNCT) and not rest.strip(_PUNCT):
        # The phrase is the whole sentence: drop it with the space after it (or, at
        # the end of the text, the space before it).
        start = min(start, sentence_start)
        after = len(text) - len(text[sentence_end:].lstrip())
        if after == len(text):
            start = len(text[:start].rstrip())
        return Fix(title, (Edit(start, after, ""),))
    if not rest.strip(_PUNCT):
        # The phrase closes the sentence: drop it with the comma before it.
        return Fix(title, (Edit(len(text[:start].rstrip(" \t,;:")), end, ""),))
    # Drop the phrase and the spaces after it; the next word opens the sentence now
    # ("Ceci est un message automatique, merci de ..." -> "Merci de ...").
    if _at_sentence_start(analysis, start):
        after = end + len(text[end:]) - len(text[end:].lstrip(" \t,;:"))
        if after < len(text):
            return Fix(title, (Edit(start, after + 1, text[after].upper()),))
    after = end + len(text[end:]) - len(text[end:].lstrip(" \t"))
    return Fix(title, (Edit(start, after, ""),))


def _sentence_of(analysis: Analysis, match: PhraseMatch) -> tuple[int, int]:
    """The character bounds of the doc's sentence holding the match's first token,
    as `Token.sent` finds it (back to a sentence start, on to the next one), read
    from the sentence-start array and the token bounds: no Span is built."""
    from spacy.attrs import SENT_START

    doc = analysis.doc
    flags = doc.to_array(SENT_START).tolist()
    first = match.token_start
    while first > 0 and flags[first] != 1:
        first -= 1
    end = match.token_start + 1
    while end < len(flags) and flags[end] != 1:
        end += 1
    starts, ends = token_bounds(doc)
    return starts[first], ends[end - 1]


def _impersonal_words(analysis: Analysis, ctx: RuleContext) -> int:
    """The body's word count of a long reply with no "you", no name, no @mention and
    no request to the reader; 0 for any other reply."""
    min_words = ctx.options.get("min_words", 20)
    if type(min_words) is not int:  # a table by channel (the plain number is read as is)
        min_words = int(ctx.option_for("min_words", analysis.channel, default=20))
    if len(analysis.doc) < min_words:
        return 0  # every word is a token: fewer tokens, fewer words (no count needed)
    words = len(analysis.body_word_starts)
    if words < min_words or analysis.addresses_reader:
        return 0
    if _LEADING_MENTION.match(analysis.text) or _greets_by_name(analysis, ctx):
        return 0
    if _thanks_by_name(analysis, ctx):
        return 0
    # "C'est bien la carte qui se termine par 4471 ?": a question is put to the reader.
    if "?" in analysis.text[analysis.body_start : analysis.body_end]:
        return 0
    if _requests_of_reader(analysis, ctx):
        return 0
    return words


def _requests_of_reader(analysis: Analysis, ctx: RuleContext) -> bool:
    """Does the reply ask the reader to do something? A request marker ("please",
    "feel free", "veuillez"), an instruction verb opening a sentence in its base form
    ("Update to…", "Try again…"), or a verb in the reader's person ("vérifiez")."""
    data = ctx.data
    if _formulas(ctx, analysis).requests.matches_any(analysis.doc):
        return True
    endings = tuple(data_words(data, "reader_verb_endings"))
    if endings:
        for token in analysis.body_words:
            lower = token.lower_
            if lower.endswith(endings) and token.lemma_ != lower:
                return True
    verbs = _instruction_lemmas(ctx, analysis)
    if not verbs:
        return False
    openers = data_words(data, "sentence_openers")
    # Besides the base form ("Restart", "Redémarrer"), the forms only the imperative
    # gives a sentence-opening verb with no subject ("Redémarre", "Attends", "Vérifiez").
    imperative = tuple(data_words(data, "imperative_endings"))
    for sentence in analysis.sentences:
        first = _first_word(sentence, openers)
        if (
            first is not None
            and first.lemma_ in verbs
            and (first.lower_ == first.lemma_ or (imperative and first.lower_.endswith(imperative)))
        ):
            following = first.nbor(1) if first.i + 1 < len(first.doc) else None
            if following is None or following.text not in (":", "-", "–"):
                return True
    return False


def _first_word(sentence: Span, openers: frozenset[str]) -> Token | None:
    """The sentence's first word after openers such as "please" or "then"."""
    for token in sentence:
        if token.is_punct or token.is_space or token.lower_ in openers:
            continue
        return token
    return None


def _instruction_lemmas(ctx: RuleContext, analysis: Analysis) -> frozenset[str]:
    return derived(
        ctx.data,
        ("instruction-lemmas", analysis.language, analysis.model),
        _lemmas_of,
        tuple(str(w) for w in ctx.data.get("instruction_verbs", ())),
        analysis.language,
        analysis.model,
    )


def _lemmas_of(words: tuple[str, ...], language: str, model: str | None) -> frozenset[str]:
    nlp = pipeline(language, model)
    return frozenset(t.lemma_ or t.lower_ for w in words for t in process(nlp, w)[:1])


def _greets_by_name(analysis: Analysis, ctx: RuleContext) -> bool:
    """A greeting with a name ("Hi Keelin,") speaks to the reader, configured or not."""
    if analysis.greeting is None:
        return False
    greeting = analysis.text[analysis.greeting[0] : analysis.greeting[1]].lower()
    opener = max(
        (s for s in analysis.lang.salutations if greeting.startswith(s)), key=len, default=""
    )
    words = _WORD.findall(greeting[len(opener) :])
    not_names = data_words(ctx.data, "not_names")
    return any(w not in not_names for w in words)


def _thanks_by_name(analysis: Analysis, ctx: RuleContext) -> bool:
    """A courtesy word and a name opening the body speak to the reader: "Thanks Kim!",
    "Sorry, Dev.", "Merci Julie !"."""
    match = _VOCATIVE.match(analysis.text, analysis.body_start)
    if match is None:
        return False
    opener, name = match.group("opener").lower(), match.group("name").lower()
    if opener not in data_words(ctx.data, "vocative_openers"):
        return False
    # "Thanks so much!", "Sorry again.": a stop word or a known non-name is no name.
    stop_words = pipeline(analysis.language, analysis.model).Defaults.stop_words
    return name not in stop_words and name not in data_words(ctx.data, "not_names")


@hookimpl
def replylint_rules() -> list[Rule]:
    return [Rule.builtin("personal-tone", check)]
