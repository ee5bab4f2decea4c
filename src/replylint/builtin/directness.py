"""`directness`: answer the question, first.

Three checks (RULES.md): a preamble of courtesy sentences before the content, a
question in `incoming` left unanswered, and a deflection that only sends the
customer elsewhere. All three read the body as clauses (sentences cut at commas,
colons and "but"), each classified once from the rule's phrase lists.
"""

from __future__ import annotations

import enum
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from replylint.hookspecs import hookimpl
from replylint.model import Finding
from replylint.rule import Rule, RuleContext, data_words
from replylint.text.analysis import Analysis, content_lemmas, is_word
from replylint.text.phrases import PhraseMatch, data_phrase_list, data_phrase_table
from replylint.text.token_arrays import token_lowers

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# Tokens that end a clause inside a sentence; contrast words also start a new one.
_CLAUSE_PUNCT = frozenset({",", ";", ":", "–", "—", "(", ")", "…"})
_CONTRAST = frozenset(
    {"but", "however", "although", "though", "mais", "cependant", "toutefois", "pourtant"}
)
_CLAUSE_BREAKS = _CLAUSE_PUNCT | _CONTRAST
# "&amp;" in tweets: the entity name is not a word.
_ENTITIES = frozenset({"amp", "lt", "gt", "quot"})
# Courtesy must start the clause: at most this many words before the keyword
# ("I am so sorry", "je suis sincèrement désolé").
_LEAD_WORDS = 4
# Word stems compared between question and reply: lookup lemmas miss
# "delivered"/"delivery", a shared prefix does not.
_STEM = 5
# A question with fewer content words than this is too elliptical to judge.
_QUESTION_CONTENT_WORDS = 2

_LISTS = (
    "apology", "thanks", "empathy", "greeting", "holding", "refusal", "redirect", "reason",
    "specific_link", "negation", "conditional", "yes_no", "first_person", "second_person",
    "indirect_question", "purpose", "instruction",
)  # fmt: skip
# Lists matched on their exact words, not lemmas: the lookup lemma of "as" is "a", and
# "Thanks for contacting us" is no "contact us"; these lists name exact forms.
_EXACT = frozenset(
    {
        "reason", "conditional", "negation", "yes_no", "first_person", "second_person",
        "instruction", "purpose", "redirect",
    }
)  # fmt: skip
# Words before a redirect phrase that tell who is to act: "then we can reach out to the
# store" is the agent's own step; "we suggest that you contact" sends the customer.
_SUBJECT_WINDOW = 4


class Kind(enum.Enum):
    COURTESY = "courtesy"  # greeting / thanks / apology / empathy: counts for the preamble
    FILLER = "filler"  # an offer to help, a generic purpose, an interjection, a name
    REDIRECT = "redirect"  # go elsewhere to start over
    HOLDING = "holding"  # one moment, I'm checking
    CONTENT = "content"  # anything else: a fact, an answer, an instruction

    # Members are singletons compared by identity: hash them the same way, in C
    # (Enum's own __hash__ is a Python call, and sets of kinds are made per clause).
    __hash__ = object.__hash__


_SAYS_NOTHING = frozenset({Kind.COURTESY, Kind.FILLER})


@dataclass(frozen=True)
class Clause:
    start: int  # token indices in the reply doc
    end: int
    kind: Kind


@dataclass(frozen=True)
class Sentence:
    span: Span
    clauses: tuple[Clause, ...]

    @cached_property
    def kinds(self) -> frozenset[Kind]:
        return frozenset(c.kind for c in self.clauses)

    @property
    def is_courtesy(self) -> bool:
        """Only greeting / thanks / apology / empathy (with fillers beside it)."""
        return Kind.COURTESY in self.kinds and self.kinds <= _SAYS_NOTHING

    @property
    def is_empty(self) -> bool:
        """Says nothing: no content, redirect or holding clause."""
        return self.kinds <= _SAYS_NOTHING


class Reading:
    """The reply's body as classified clauses, and the phrase matches behind them."""

    def __init__(self, analysis: Analysis, ctx: RuleContext) -> None:
        self.analysis = analysis
        self.doc = analysis.doc
        self.tokens = analysis.tokens
        self._classified: list[Sentence] = []
        data = ctx.data
        lang, model = analysis.language, analysis.model
        # All lists in one matcher pass; some lists only count in their exact form
        # (compared on the joined text, so "Rendez-vous" matches however it splits).
        table = data_phrase_table(data, _LISTS, lang, model)
        self.matches: dict[str, list[PhraseMatch]] = {}
        # Token index -> the list names whose matches start there (and their end);
        # list name -> the token indices its matches cover.
        self._starts: dict[int, dict[str, int]] = {}
        self._covered: dict[str, set[int]] = {}
        for key, found in table.find(self.doc).items():
            if key in _EXACT and found:
                found = [m for m in found if same_form(analysis.text, m)]
            self.matches[key] = found
            if not found:
                continue
            covered = self._covered[key] = set()
            for m in found:
                ends = self._starts.setdefault(m.token_start, {})
                ends[key] = max(ends.get(key, 0), m.token_end)
                covered.update(range(m.token_start, m.token_end))
        self.filler_words = data_words(data, "filler_words")
        self.interjections = data_words(data, "interjections")
        self.offer_words = data_words(data, "offer_words")
        self.brand = (analysis.reply.brand or "").lstrip("@").lower()
        # Per token: is it a word of the text (worked out for a sentence when it is
        # classified); and where the question marks are.
        self._is_word = [False] * len(self.tokens)
        self._other_handles = self._find_other_handles()
        self._questions = (
            [i for i, lower in enumerate(token_lowers(self.doc)) if lower.endswith("?")]
            if "?" in analysis.text
            else []
        )

    def iter_sentences(self) -> Iterator[Sentence]:
        """The body's sentences, classified on demand: most checks stop at the first
        sentence with content, so the rest of a long reply is never classified."""
        for index, span in enumerate(self.analysis.sentences):
            if index == len(self._classified):
                self._classified.append(Sentence(span, tuple(self._clauses(span))))
            yield self._classified[index]

    def _words(self, start: int, end: int) -> list[Token]:
        tokens, is_word = self.tokens, self._is_word
        return [tokens[i] for i in range(start, end) if is_word[i]]

    def _clauses(self, sentence: Span) -> Iterator[Clause]:
        start, sentence_end = sentence.start, sentence.end
        tokens = self.tokens
        lowers = token_lowers(self.doc)
        words = self.analysis.word_flags
        # "&amp;" in tweets: the entity name after "&" is not a word.
        self._is_word[start:sentence_end] = [
            words[i] and not (lowers[i] in _ENTITIES and i and lowers[i - 1] == "&")
            for i in range(start, sentence_end)
        ]
        for i in range(start, sentence_end):
            if lowers[i] in _CLAUSE_BREAKS or (lowers[i] == "-" and _spaced_dash(tokens, i)):
                if i > start:
                    yield from self._clause(start, i, sentence_end)
                start = i + 1 if tokens[i].text in _CLAUSE_PUNCT else i
        if start < sentence_end:
            yield from self._clause(start, sentence_end, sentence_end)

    def _clause(self, start: int, end: int, sentence_end: int) -> Iterator[Clause]:
        words = self._words(start, end)
        if words:
            yield Clause(start, end, self._classify(start, end, words, sentence_end))

    def _has(self, key: str, start: int, end: int) -> bool:
        covered = self._covered.get(key)
        return covered is not None and not covered.isdisjoint(range(start, end))

    def _leads(self, key: str, words: Sequence[Token]) -> bool:
        return any(key in self._starts.get(t.i, ()) for t in words[: _LEAD_WORDS + 1])

    def _asks(self, start: int, end: int) -> bool:
        """Is there a question mark in tokens[start:end]?"""
        i = bisect_left(self._questions, start)
        return i < len(self._questions) and self._questions[i] < end

    def _classify(self, start: int, end: int, words: list[Token], sentence_end: int) -> Kind:
        if self._has("holding", start, end):
            return Kind.HOLDING
        # A question is answer-like (a clarifying question), even "can you contact us?".
        asks = self._asks(start, sentence_end)
        if not asks and self._is_redirect(start, end, words):
            return Kind.REDIRECT
        if self._leads("yes_no", words[:1]):
            return Kind.CONTENT
        if any(t.like_num for t in words):
            return Kind.CONTENT
        if self._is_courtesy(words):
            return Kind.COURTESY
        if asks:
            return Kind.CONTENT
        if self._has("refusal", start, end) or self._leads("purpose", words[:2]):
            return Kind.FILLER
        if self._has("instruction", start, end) or self._has("negation", start, end):
            return Kind.CONTENT
        return Kind.FILLER if self._is_filler(words) else Kind.CONTENT

    def _is_courtesy(self, words: list[Token]) -> bool:
        lead = next(
            (
                t
                for t in words[: _LEAD_WORDS + 1]
                if self._starts.get(t.i, {}).keys() & {"apology", "thanks", "empathy"}
            ),
            None,
        )
        if lead is not None:
            ends = self._starts[lead.i]
            courtesy_end = max(ends.get(k, 0) for k in ("apology", "thanks", "empathy"))
            if ends.get("instruction", 0) >= courtesy_end:
                # "Merci de nous transmettre ..." is please; "merci de nous avoir écrit" thanks.
                return False
            # "Sorry we don't ship there" carries the answer; "sorry you didn't get it" does not.
            after = lead.i + 1, words[-1].i + 1
            return not (self._has("negation", *after) and self._has("first_person", *after))
        # "Hello there", "Good morning Jayden": greeting words and names only.
        if self._leads("greeting", words[:1]):
            return all(
                t.i in self._covered.get("greeting", ()) or t.is_title or t.is_stop for t in words
            )
        return False

    def _is_filler(self, words: list[Token]) -> bool:
        # A name on its own (", Sanu."), an interjection ("Oh ok."), or an offer made of
        # filler words around an offer word ("We'd like to take a closer look").
        if len(words) <= 2 and all(t.is_title or t.is_upper for t in words):
            return True
        lowers = [t.lower_ for t in words]
        if all(w in self.interjections for w in lowers):
            return True
        if not all(t.is_stop or t.lower_ in self.filler_words for t in words):
            return False
        return any(w in self.offer_words for w in lowers)

    def _is_redirect(self, start: int, end: int, words: list[Token]) -> bool:
        sends = self._mentions_other(start, end) or any(
            start <= m.token_start < end and self._sends_customer(start, m.token_start)
            for m in self.matches["redirect"]
        )
        if not sends:
            return False
        # A reason, a condition, a negation or a specific resource makes it an answer.
        return not any(
            self._has(key, start, end)
            for key in ("reason", "conditional", "negation", "specific_link")
        )

    def _sends_customer(self, clause_start: int, at: int) -> bool:
        """Is the customer the one told to go ("please contact", "you can reach")?"""
        before = self._words(clause_start, at)[-_SUBJECT_WINDOW:]
        if not before:
            return True  # imperative: "Contact us by phone"
        start = before[0].i
        if self._has("second_person", start, at):
            return True
        # The agent's own step: "then we can reach out to the store team".
        return not self._has("first_person", start, at)

    def _mentions_other(self, start: int, end: int) -> bool:
        """An @handle in the body that is not the brand: "DM our friends at @XboxSupport"."""
        i = bisect_left(self._other_handles, start)
        return i < len(self._other_handles) and self._other_handles[i] < end

    def _find_other_handles(self) -> list[int]:
        """Token indices of @handles after the leading mentions that are not the brand."""
        analysis = self.analysis
        mentions_end = analysis.mentions_end
        text = analysis.text
        if "@" not in text[mentions_end:] and "＠" not in text[mentions_end:]:
            return []
        return [
            token.i
            for token in self.tokens
            if token.idx >= mentions_end
            and token.text[:1] in "@＠"
            and len(token.text) > 1
            and token.text[1:].lower() != self.brand
        ]


def same_form(text: str, match: PhraseMatch) -> bool:
    """Did `match` hit the phrase's own words (not only their lemmas)?

    `text` is the doc's text (`Doc.text` rebuilds the string on every access)."""
    found = "".join(text[match.start : match.end].lower().split())
    return found == _joined(match.phrase)


@lru_cache(maxsize=4096)
def _joined(phrase: str) -> str:
    """The phrase lower-cased, without its spaces."""
    return "".join(phrase.lower().split())


def _spaced_dash(tokens: Sequence[Token], i: int) -> bool:
    """A dash between spaces ("help - please call"), not inside "800-222-2377"."""
    return i > 0 and bool(tokens[i].whitespace_) and bool(tokens[i - 1].whitespace_)


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    reading = Reading(analysis, ctx)
    if reading.matches["holding"]:
        return  # a holding turn: the answer follows in the next turn
    checks = set(ctx.options.get("checks", ("preamble", "unanswered", "deflection")))
    if "preamble" in checks:
        yield from _preamble(reading, ctx)
    deflection = list(_deflection(reading, ctx)) if "deflection" in checks else []
    yield from deflection
    if "unanswered" in checks and not deflection:
        yield from _unanswered(reading, ctx)


def _preamble(reading: Reading, ctx: RuleContext) -> Iterator[Finding]:
    """Two or more courtesy sentences before the first sentence with content."""
    limit = int(ctx.options.get("preamble_sentences", 2))
    courtesy: list[Sentence] = []
    for sentence in reading.iter_sentences():
        if sentence.is_courtesy:
            if _is_full_sentence(reading, sentence):
                courtesy.append(sentence)
        elif not sentence.is_empty:
            # The first sentence with content (or a redirect / holding line).
            if len(courtesy) >= limit:
                start, end = _trimmed(
                    reading, courtesy[0].span.start_char, courtesy[-1].span.end_char
                )
                yield ctx.finding(
                    start, end, ctx.message("preamble", count=len(courtesy)), check="preamble"
                )
            return


def _trimmed(reading: Reading, start: int, end: int) -> tuple[int, int]:
    """The span without the spaces and line breaks around it."""
    text = reading.analysis.text[start:end]
    return start + len(text) - len(text.lstrip()), start + len(text.rstrip())


def _is_full_sentence(reading: Reading, sentence: Sentence) -> bool:
    """An interjection ("Oh my!", "Oh no, sorry!") is not a full sentence."""
    words, lowers = reading.analysis.word_flags, token_lowers(reading.doc)
    span = sentence.span
    full = (
        i
        for i in range(span.start, span.end)
        if words[i] and lowers[i] not in reading.interjections
    )
    return next(full, None) is not None and next(full, None) is not None


def _deflection(reading: Reading, ctx: RuleContext) -> Iterator[Finding]:
    """The only content is "contact someone else / start over there"."""
    kinds: set[Kind] = set()
    for sentence in reading.iter_sentences():
        kinds.update(c.kind for c in sentence.clauses)
        if Kind.CONTENT in kinds or Kind.HOLDING in kinds:
            return  # an answer (or a holding turn) beside the redirect
    if Kind.REDIRECT not in kinds:
        return
    sentences = list(reading.iter_sentences())
    analysis = reading.analysis
    incoming = analysis.incoming_doc
    if incoming is not None and _asks_for_contact(incoming, ctx, analysis):
        return  # "do you have a phone number?": the contact is the answer
    for sentence in sentences:
        if any(c.kind is Kind.REDIRECT for c in sentence.clauses):
            start, end = _trimmed(reading, sentence.span.start_char, sentence.span.end_char)
            yield ctx.finding(start, end, ctx.message("deflection"), check="deflection")
            return


def _asks_for_contact(incoming: Doc, ctx: RuleContext, analysis: Analysis) -> bool:
    contact = data_phrase_list(ctx.data, "contact_request", analysis.language, analysis.model)
    return bool(contact.find(incoming))


def _unanswered(reading: Reading, ctx: RuleContext) -> Iterator[Finding]:
    """A question in `incoming` that the reply neither touches nor answers."""
    analysis = reading.analysis
    if not analysis.reply.incoming:
        return
    # Anything answer-like: a content or redirect clause, a number, a link, a question.
    # (Checked first: most replies have content, and then the incoming message need
    # not be read at all.)
    if not all(s.is_empty for s in reading.iter_sentences()):
        return
    incoming = analysis.incoming_doc
    if incoming is None:
        return
    courtesy = data_words(ctx.data, "courtesy_words")
    question = _question(incoming, analysis, ctx, courtesy)
    if question is None:
        return
    body = analysis.doc.char_span(analysis.body_start, analysis.body_end, alignment_mode="expand")
    if body is None or any(t.like_num or t.like_url or t.text == "?" for t in body):
        return
    asked = _stems(content_lemmas(list(incoming)), courtesy)
    said = _stems(analysis.content_lemmas, courtesy)
    if asked & said:
        return
    start, end = _trimmed(reading, analysis.body_start, analysis.body_end)
    yield ctx.finding(
        start, end, ctx.message("unanswered", question=question), check="unanswered-question"
    )


def _stems(lemmas: frozenset[str], courtesy: frozenset[str]) -> set[str]:
    return {lemma[:_STEM] for lemma in lemmas if lemma not in courtesy}


def _question(
    incoming: Doc, analysis: Analysis, ctx: RuleContext, courtesy: frozenset[str]
) -> str | None:
    """The first question in the customer's message, as they wrote it.

    A question needs two content words to be judged at all ("Where is my order?"
    needs one): "Why?", "wtf is this??" or "isn't it?" depend on context the reply
    may well have.
    """
    indirect = data_phrase_list(ctx.data, "indirect_question", analysis.language, analysis.model)
    indirect_starts = {m.token_start for m in indirect.find(incoming)}
    salutations = analysis.lang.salutations
    question_words = analysis.lang.question_words
    wh_words = data_words(ctx.data, "wh_words")
    for sent in incoming.sents:
        words = [t for t in sent if is_word(t) and t.lower_ not in salutations]
        needed = 1 if words and words[0].lower_ in wh_words else _QUESTION_CONTENT_WORDS
        if len(_stems(content_lemmas(words), courtesy)) < needed:
            continue
        asks = any(t.text.startswith("?") or t.text.endswith("?") for t in sent)
        first = words[0].lower_
        pair = f"{first} {words[1].lower_.lstrip('-')}" if len(words) > 1 else first
        joined = first + words[1].lower_ if len(words) > 1 else first
        if asks or first in question_words or pair in question_words or joined in question_words:
            return _quote(incoming.text[words[0].idx : sent.end_char])
        if any(t.i in indirect_starts for t in sent):
            return _quote(incoming.text[words[0].idx : sent.end_char])
    return None


def _quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@hookimpl
def replylint_rules() -> list[Rule]:
    return [Rule.builtin("directness", check)]
