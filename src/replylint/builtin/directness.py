"""`directness`: answer the question, first.

Three checks (docs/rules/): a preamble of courtesy sentences before the content, a
question in `incoming` left unanswered, and a deflection that only sends the
customer elsewhere. All three read the body as clauses (sentences cut at commas,
colons and "but"), each classified once from the rule's phrase lists.
"""

from __future__ import annotations

import enum
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from functools import cached_property
from itertools import compress
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

from replylint.builtin.contact_made import already_made
from replylint.builtin.directness_asking import may_open_question
from replylint.builtin.directness_flags import (
    LIKE_EMAIL,
    LIKE_NUM,
    LIKE_URL,
    STOP,
    TITLE,
    UPPER,
    email_needs_at,
    token_flags,
)
from replylint.builtin.incoming_gate import incoming_may_hold
from replylint.hookspecs import hookimpl
from replylint.model import Finding
from replylint.rule import Rule, RuleContext, data_words
from replylint.text.analysis import Analysis, is_word, tokenizable
from replylint.text.derived import derived
from replylint.text.phrases import (
    MatchesOnDemand,
    PhraseMatch,
    PhraseTable,
    data_phrase_list,
    data_phrase_table,
    is_clock_time,
)
from replylint.text.token_arrays import token_bounds, token_lowers, token_orths
from replylint.text.words import doc_word_flags, is_content_word, orth_values

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

# Tokens that end a clause inside a sentence; the rule's `contrast` words also start one.
_CLAUSE_PUNCT = frozenset({",", ";", ":", "–", "—", "(", ")", "…"})
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
    "apology", "thanks", "empathy", "greeting", "holding", "refusal", "contact_act", "go_to",
    "elsewhere", "directive", "suggestion_question", "private_channel", "handoff",
    "further_need", "feedback", "feedback_submit", "feedback_object", "reason", "specific_link",
    "general_resource", "platitude", "scope",
    "negation", "conditional", "yes_no", "first_person", "second_person", "reader_object",
    "purpose", "instruction", "contact_means", "availability",
    "public_reply", "farewell", "pleasantry", "info_nouns", "notice", "help_section",
    "responsibility", "send_to_us",
)  # fmt: skip
# How far the place or line may follow the act of going: "give our support team a call".
_GO_TO_REACH = 7
# The lists whose matches start a redirect (besides an @handle of someone else).
_REDIRECT_KEYS = ("contact_act", "go_to", "handoff", "contact_means", "info_nouns", "availability")
# A number this long is a phone line, not a fact ("0800 028 0202").
_PHONE_DIGITS = 6
_DIGIT = re.compile(r"\d")
# Marks between the details of a list ("name/ZIP/phone"), and how far back the list's
# possessive may stand from its last detail.
_LIST_MARKS = frozenset({"/", ",", "&"})
_ARTICLE_NUMBERS = frozenset({"one", "un", "une"})
_BRACKETS = "()[]"
_CLOCK_PM = re.compile(r"\d\s?[pP][mM]\b")
# Words of a clause that only names the topic ("for name changes,").
_TOPIC_WORDS = 4
_COPULAS = frozenset({"be", "être"})  # "are available", "sont disponibles"
_DETAIL_LIST_REACH = 8
# How many words may name who "will be able to help" in an idle handoff.
_HANDOFF_SUBJECT_WORDS = 4
_RANGE = re.compile(r"[-–/]")
# A time or a range of times: "9", "9–5", "8h30", "9am-5pm", "10:00", "24/7", "9AM", "9H".
_TIME = re.compile(
    r"\d{1,2}(?:[:h.]\d{2})?(?:am|pm|h)?(?:[-–/]\d{1,2}(?:[:h.]\d{2})?(?:am|pm|h)?)?",
    re.IGNORECASE,
)


class Kind(enum.Enum):
    COURTESY = "courtesy"  # greeting / thanks / apology / empathy: counts for the preamble
    FILLER = "filler"  # an offer to help, a generic purpose, an interjection, a name
    REDIRECT = "redirect"  # go elsewhere to start over
    IDEAS = "ideas"  # post your idea / feedback on the ideas page
    FEEDBACK = "feedback"  # we'll pass your feedback on, we're keeping an eye on it
    CONTENT = "content"  # anything else: a fact, an answer, an instruction

    # Members are singletons compared by identity: hash them the same way, in C
    # (Enum's own __hash__ is a Python call, and sets of kinds are made per clause).
    __hash__ = object.__hash__


# `Clause(...)` runs the named tuple's Python-level `__new__`: clauses and sentences
# are made for every reply, as the tuples they are, in C.
_new_tuple = tuple.__new__
_KIND_OF = itemgetter(2)  # a clause's kind

_SAYS_NOTHING = frozenset({Kind.COURTESY, Kind.FILLER, Kind.FEEDBACK, Kind.IDEAS})
_COURTESY_KINDS = frozenset({Kind.COURTESY, Kind.FILLER})


class Clause(NamedTuple):
    start: int  # token indices in the reply doc
    end: int
    kind: Kind


class Sentence(NamedTuple):  # (a frozen dataclass costs twice as much to make)
    span: Span
    clauses: tuple[Clause, ...]
    kinds: frozenset[Kind]  # of its clauses

    @classmethod
    def of(cls, span: Span, clauses: tuple[Clause, ...]) -> Sentence:
        return _new_tuple(cls, (span, clauses, frozenset(map(_KIND_OF, clauses))))

    @property
    def is_courtesy(self) -> bool:
        """Only greeting / thanks / apology / empathy (with fillers beside it)."""
        return Kind.COURTESY in self.kinds and self.kinds <= _COURTESY_KINDS

    @property
    def is_empty(self) -> bool:
        """Says nothing: no content or redirect clause."""
        return self.kinds <= _SAYS_NOTHING

    @property
    def acknowledges_feedback(self) -> bool:
        """Thanks for, forwards or files the customer's feedback (its link is no answer)."""
        return bool(self.kinds & {Kind.FEEDBACK, Kind.IDEAS})


class Reading:
    """The reply's body as classified clauses, and the phrase matches behind them."""

    def __init__(self, analysis: Analysis, ctx: RuleContext) -> None:
        self.analysis = analysis
        self.doc = analysis.doc
        self.text = analysis.text  # (read per clause: a plain attribute, not a property)
        self._classified: list[Sentence] = []
        data = ctx.data
        lang, model = analysis.language, analysis.model
        lists = derived(data, ("directness lists", lang, model), _rule_lists, ctx, lang, model)
        # Lists sorted out on first read: a reply reads a third of its lists' matches
        # (the many "you"/"please" matches only matter around a redirect).
        self.matches: MatchesOnDemand = lists.table.find_on_demand(self.doc)
        # "until 8 pm": a clock time, no private message. Tested only when the list has
        # matches (`get` sees () for a list without any, and leaves the others unsorted).
        if self.matches.get("private_channel") != () and _CLOCK_PM.search(self.text):
            self.matches["private_channel"] = [
                m for m in self.matches["private_channel"] if not is_clock_time(self.doc, m)
            ]
        # "Vous trouverez l'étiquette en pièce jointe": the attachment the reply
        # carries ("jointe" is a form of "joindre"), not a way to reach someone.
        if self.matches.get("contact_act") != ():
            heads = lists.attachment_heads
            if heads:
                lowers = token_lowers(self.doc)
                self.matches["contact_act"] = [
                    m
                    for m in self.matches["contact_act"]
                    if m.token_start == 0 or lowers[m.token_start - 1] not in heads
                ]
        # Clause start -> the words that make it a redirect (quoted in the message).
        self.triggers: dict[int, tuple[int, int]] = {}
        self._contact_given: bool | None = None
        # The rule's word lists (one attribute, not one each: an object with more
        # than 30 attributes loses CPython's fast attribute reads).
        self.lists = lists
        # Per token: is it a word of the text (worked out for a sentence when it is
        # classified).
        self._is_word: list[bool] = []
        self._other_handles = self._find_other_handles()
        # An e-mail address needs an "@" (see `email_needs_at`).
        self._email_needs_at = email_needs_at(self.doc)
        self._may_hold_email = "@" in analysis.text or not self._email_needs_at
        self._indexed = False  # see `_index_matches`
        self._lowers: list[str] = []
        # Per token, its lexeme's flags (`directness_flags`): no spaCy Token objects.
        # Like `_is_word`, filled in for a sentence when it is classified (most
        # replies classify their first sentence only).
        self._flags: list[int] = []
        self._token_starts: list[int] = []  # character offsets
        self._token_ends: list[int] = []
        # Per list, made on first use (most lists are never asked about): where its
        # matches start and their end, and the token indices they cover.
        self._starts: dict[str, dict[int, int]] = {}
        self._covered: dict[str, set[int]] = {}
        self._courtesy_starts: dict[int, int] = {}
        self._redirect_starts: list[int] = []

    @cached_property
    def phone_tokens(self) -> frozenset[int]:
        """Token indices of phone numbers, written in one piece ("08001234567") or in
        groups ("09 70 60 99 70", "0345 600 1234"): a run of number tokens with six
        digits or more in all."""
        text = self.text
        if len(_DIGIT.findall(text)) < _PHONE_DIGITS:
            return frozenset()  # most replies: no room for a phone number
        phones: set[int] = set()
        run: list[int] = []
        digits = 0
        # Token texts as plain strings (a spaCy Token per token costs more than the test).
        for i, token in enumerate([*token_lowers(self.doc), ""]):
            count = 0 if token.isalpha() else _digits(token)
            if count:
                run.append(i)
                digits += count
                continue
            if digits >= _PHONE_DIGITS:
                phones.update(run)
            run, digits = [], 0
        return frozenset(phones)

    def is_phone(self, i: int) -> bool:
        return i in self.phone_tokens

    def token_start(self, i: int) -> int:
        """Where token `i` starts (a character offset; read once sentences are read)."""
        return self._token_starts[i]

    def token_end(self, i: int) -> int:
        return self._token_ends[i]

    def _index_matches(self) -> None:
        """What only classifying a sentence needs, worked out before the first one is
        classified: replies that no check needs to read (see `may_have_preamble`)
        never pay for it. Plain attributes, not cached properties: these are read
        for every clause, and a cached property's first read takes a lock."""
        self._lowers = token_lowers(self.doc)
        self._flags = [0] * len(self._lowers)
        self._is_word = [False] * len(self._lowers)
        self._token_starts, self._token_ends = token_bounds(self.doc)
        matches = self.matches
        # Where an apology, thanks or empathy starts, and its furthest end.
        courtesy: dict[int, int] = {}
        for key in ("apology", "thanks", "empathy", "pleasantry"):
            for m in matches[key]:
                courtesy[m.token_start] = max(courtesy.get(m.token_start, 0), m.token_end)
        # "We regret to advise that the item is discontinued": a notice, whose news
        # is the answer, not an apology.
        for m in matches["notice"]:
            courtesy.pop(m.token_start, None)
        self._courtesy_starts = courtesy
        # Where a clause can start sending the customer elsewhere (see `_redirect`):
        # a clause with none of these is no redirect, whatever else it says.
        self._redirect_starts = sorted(
            {
                *(m.token_start for key in _REDIRECT_KEYS for m in matches[key]),
                *self._other_handles,
            }
        )

    def may_have_preamble(self, ctx: RuleContext) -> bool:
        """Are there enough courtesy matches for a preamble? A courtesy clause starts
        with an apology, thanks, empathy or greeting match of its own. And enough
        sentences: the courtesy ones and the one with content after them ("Sorry for
        the wait, thanks for your patience!" alone is no preamble)."""
        limit = int(ctx.options.get("preamble_sentences", 2))
        matches = self.matches
        found = (
            len(matches["apology"])
            + len(matches["thanks"])
            + len(matches["empathy"])
            + len(matches["greeting"])
            + len(matches["pleasantry"])
        )
        return found >= limit and len(self.analysis.sentences) > limit

    def may_deflect(self) -> bool:
        """Can a clause send the customer elsewhere (see `_redirect`, `_sends_ideas`)?
        Each way needs its own matches, and some a line to reach someone on: a reply
        with none of them has no redirect clause, so none of its sentences need be
        classified for this check."""
        matches = self.matches
        if matches["contact_act"] or self._other_handles:
            return True
        if matches["elsewhere"] and (matches["go_to"] or matches["info_nouns"]):
            return True  # "go to our website", "the details are on our website"
        if matches["feedback_submit"] and matches["feedback_object"]:
            return True  # "post your idea on the ideas page"
        # Someone else "will be able to help" with a link or number to reach them.
        if matches["handoff"] and self._gives_contact():
            return True
        # A line stated: "available by phone", "joignable au 3900", "chat at <link>".
        if matches["contact_means"] and matches["availability"]:
            return True
        return bool(matches["contact_means"] or matches["availability"]) and self._states_a_line()

    def _states_a_line(self) -> bool:
        """A link-like token or a phone number anywhere in the reply (what
        `_offers_line` and `_states_line` look for in a clause)."""
        if self.phone_tokens:
            return True
        return any(flag & LIKE_URL for flag in token_flags(self.doc))

    @property
    def classified_any(self) -> bool:
        """Has a sentence been classified yet (by an earlier check)?"""
        return bool(self._classified)

    def iter_sentences(self) -> Iterator[Sentence]:
        """The body's sentences, classified on demand: most checks stop at the first
        sentence with content, so the rest of a long reply is never classified."""
        if not self._indexed:
            self._index_matches()
            self._indexed = True
        for index, span in enumerate(self.analysis.sentences):
            if index == len(self._classified):
                self._classified.append(Sentence.of(span, self._clauses(span)))
            yield self._classified[index]

    def _words(self, start: int, end: int) -> list[int]:
        """The indices of the words among tokens[start:end]."""
        is_word = self._is_word
        return [i for i in range(start, end) if is_word[i]]

    def _clauses(self, sentence: Span) -> tuple[Clause, ...]:
        start, sentence_end = sentence.start, sentence.end
        lowers = self._lowers
        # A clause asks when a question mark follows it in its sentence.
        last_question = -1
        text = self.text
        if text.find("?", sentence.start_char, sentence.end_char) >= 0:
            last_question = max(
                (i for i in range(start, sentence_end) if lowers[i].endswith("?")), default=-1
            )
        is_word = self._is_word
        is_word[start:sentence_end] = self.analysis.word_flags[start:sentence_end]
        self._flags[start:sentence_end] = token_flags(self.doc, start, sentence_end)
        if "&" in text:
            # "&amp;" in tweets: the entity name after "&" is not a word.
            for i in range(max(start, 1), sentence_end):
                if lowers[i] in _ENTITIES and lowers[i - 1] == "&":
                    is_word[i] = False
        bounds: list[tuple[int, int]] = []
        breaks = self.lists.clause_breaks
        sentence_lowers = lowers[start:sentence_end]
        # Most sentences are one clause: no break to look for token by token.
        if not breaks.isdisjoint(sentence_lowers) or "-" in sentence_lowers:
            for i in range(start, sentence_end):
                lower = lowers[i]
                if lower in breaks or (lower == "-" and _spaced_dash(self.doc, i)):
                    if i > start:
                        bounds.append((start, i))
                    start = i + 1 if lower in _CLAUSE_PUNCT else i
        if start < sentence_end:
            bounds.append((start, sentence_end))
        clauses = []
        firsts = []
        for start, end in bounds:
            clause_words = list(compress(range(start, end), is_word[start:end]))
            if clause_words:
                kind = self._classify(start, end, clause_words, start <= last_question)
                clauses.append(_new_tuple(Clause, (start, end, kind)))
                firsts.append(clause_words[0])
        # "To change the name on a ticket, please call …": a purpose clause right
        # before a redirect names what the redirect is for, and says nothing itself.
        for k in range(len(clauses) - 1):
            if (
                clauses[k].kind is Kind.CONTENT
                and clauses[k + 1].kind is Kind.REDIRECT
                and lowers[firsts[k]] in self.lists.purpose_openers
            ):
                clauses[k] = clauses[k]._replace(kind=Kind.FILLER)
        return tuple(clauses)

    def _starts_of(self, key: str) -> dict[int, int]:
        """Where the matches of the list `key` start, and their end (a list's matches
        never overlap: one end per start)."""
        starts = self._starts.get(key)
        if starts is None:
            starts = self._starts[key] = {m.token_start: m.token_end for m in self.matches[key]}
        return starts

    def _cover(self, key: str) -> set[int]:
        """The token indices that the matches of the list `key` cover."""
        covered = self._covered.get(key)
        if covered is None:
            covered = self._covered[key] = {
                i for m in self.matches[key] for i in range(m.token_start, m.token_end)
            }
        return covered

    def _has(self, key: str, start: int, end: int) -> bool:
        if not self.matches[key]:
            return False  # most lists, most replies
        return not self._cover(key).isdisjoint(range(start, end))

    def _opens(self, key: str, word: int) -> bool:
        """Does a match of the list `key` start at token `word` (a clause's first word)?"""
        return bool(self.matches[key]) and word in self._starts_of(key)

    def _leads(self, key: str, words: Sequence[int]) -> bool:
        if not self.matches[key]:
            return False
        starts = self._starts_of(key)
        return any(i in starts for i in words[: _LEAD_WORDS + 1])

    def _classify(self, start: int, end: int, words: list[int], asks: bool) -> Kind:
        """`words`: the indices of the clause's words; `asks`: a question mark
        follows in the sentence."""
        # Each list test is guarded inline by the list having a match at all (most
        # lists, most replies have none): a dict read costs less than the method call.
        matches = self.matches
        if matches["public_reply"] and self._has("public_reply", start, end):
            # "Reply here with your app version": asks for details in this thread
            # ("here" and "below" mean publicly), a clarifying request, not elsewhere.
            return Kind.CONTENT
        trigger = self._redirect(start, end, words, asks)
        if trigger is not None:
            self.triggers[start] = trigger
            return Kind.REDIRECT
        if matches["feedback_object"] and self._sends_ideas(start, end):
            return Kind.IDEAS
        if (
            matches["handoff"]
            and self._is_idle_handoff(start, end, words)
            and not self._states_responsibility(start, end)
        ):
            return Kind.FILLER  # "they will be able to help you with that"
        if matches["yes_no"] and self._opens("yes_no", words[0]):
            return Kind.CONTENT
        # Opening hours hold a time, so a digit (most clauses have none: one search in C).
        text_start, text_end = self._token_starts[start], self._token_ends[end - 1]
        if _DIGIT.search(self.text, text_start, text_end) and self._is_hours(words):
            return Kind.FILLER  # "(Mon–Fri 9–5)" beside a contact line
        # "un", "une", "one" are articles and pronouns far more often than counts.
        flags, lowers = self._flags, self._lowers
        numbers = [i for i in words if flags[i] & LIKE_NUM and lowers[i] not in _ARTICLE_NUMBERS]
        if numbers:
            if self._only_contact_details(words):
                return Kind.FILLER  # "0800 028 0202 or e-mail", completing a redirect
            if not all(map(self.is_phone, numbers)) and not self._is_farewell(words):
                return Kind.CONTENT  # (not "Have a good one")
        if not numbers and self._may_hold_email and self._states_address(start, end, words):
            return Kind.FILLER  # "Their email is help@…", completing a redirect
        if self._is_courtesy(words):
            return Kind.COURTESY
        if (
            matches["feedback"]
            and self._has("feedback", start, end)
            and not self._forwards_case(start, end)
        ):
            return Kind.FEEDBACK
        # A question is answer-like (a clarifying question).
        if asks:
            return Kind.CONTENT
        if (matches["refusal"] and self._has("refusal", start, end)) or (
            matches["purpose"] and self._leads("purpose", words[:2])
        ):
            return Kind.FILLER
        # "For name changes, please call …", "Concernant votre carte, …": a short clause
        # that only names the topic before what follows.
        if len(words) <= _TOPIC_WORDS and self._lowers[words[0]] in self.lists.topic_openers:
            return Kind.FILLER
        # "Your satisfaction is our top priority": a platitude says nothing of the case.
        if matches["platitude"] and self._has("platitude", start, end):
            return Kind.FILLER
        # "Pour cela, …", "In that case, …": a clause that only points back at the
        # question says nothing itself.
        if matches["scope"] and all(i in self._cover("scope") for i in words):
            return Kind.FILLER
        # ", Help section" / ", rubrique Aide" after "go to our website": where on it.
        if matches["help_section"] and all(
            i in self._cover("help_section") or self._flags[i] & STOP for i in words
        ):
            return Kind.FILLER
        if self._is_filler(words) or self._is_idle_condition(words):
            return Kind.FILLER
        return Kind.CONTENT  # an instruction, a negation, a fact

    def _states_responsibility(self, start: int, end: int) -> bool:
        """Does the clause say who handles the matter, as a fact ("routers are handled
        by our colleagues at @AcmeNet")? Not "this would be best handled by …", which
        only hands the customer over."""
        lowers = self._lowers or token_lowers(self.doc)
        preference = self.lists.preference_words
        return any(
            start <= m.token_start < end
            and preference.isdisjoint(lowers[max(start, m.token_start - 2) : m.token_start])
            for m in self.matches["responsibility"]
        )

    def _forwards_case(self, start: int, end: int) -> bool:
        """ "J'ai transmis votre demande au service livraison", "I've passed your
        claim to the team": the customer's case sent on is an action taken on it, not
        feedback filed."""
        lowers, nouns = self._lowers, self.lists.case_nouns
        return any(
            start <= m.token_start < end
            and m.token_end < len(lowers)
            and lowers[m.token_end] in nouns
            for m in self.matches["feedback"]
        )

    def _is_courtesy(self, words: list[int]) -> bool:
        courtesy = self._courtesy_starts
        lead_words = words[: _LEAD_WORDS + 1]
        lead = (
            next(i for i in lead_words if i in courtesy)
            # Most replies have no apology, thanks or empathy, most clauses none of
            # theirs: one set test in C before the walk.
            if courtesy and not courtesy.keys().isdisjoint(lead_words)
            else None
        )
        if lead is not None:
            courtesy_end = courtesy[lead]
            instructions = self._starts_of("instruction")
            if instructions.get(lead, 0) >= courtesy_end:
                # "Merci de nous transmettre ..." is please; "merci de nous avoir écrit" thanks.
                return False
            # "Sorry to hear that please DM us …": with no mark between them, the
            # instruction after the courtesy is the clause's content.
            if any(courtesy_end <= i <= words[-1] for i in instructions):
                return False
            # "Sorry we don't ship there" carries the answer; "sorry you didn't get it" does not.
            # (A negation inside an empathy phrase is no answer: "we never want to ...".)
            after = range(lead + 1, words[-1] + 1)
            negated = self._cover("negation").intersection(after)
            states = bool(negated) and not negated <= self._cover("empathy")
            return not (states and self._has("first_person", after.start, after.stop))
        # "Hello there", "Good morning Jayden": greeting words and names only.
        if self.matches["greeting"] and self._opens("greeting", words[0]):
            greeting, flags = self._cover("greeting"), self._flags
            return all(i in greeting or flags[i] & (TITLE | STOP) for i in words)
        return self._is_farewell(words)

    def _is_farewell(self, words: list[int]) -> bool:
        """A parting wish: a fixed closing ("Take care", "À bientôt"), or a wish opened
        by a wish word or opener whose last content word is a time or an occasion
        ("Have a great weekend", "Belle journée à vous", "I hope you enjoy your stay");
        a name may follow."""
        flags, lowers = self._flags, self._lowers
        wish, times = self.lists.wish_words, self.lists.wish_times
        # Both openings are read from the first word, which dropping a name never drops.
        closing = self._opens("farewell", words[0])
        first = lowers[words[0]]
        if not closing and first not in wish and first not in self.lists.wish_openers:
            return False  # "It should be a good week" states a fact (most clauses stop here)
        while len(words) > 1 and flags[words[-1]] & TITLE and lowers[words[-1]] not in times:
            words = words[:-1]  # "Take care, Sam"
        if closing:
            farewell = self._cover("farewell")
            return all(i in farewell or flags[i] & STOP for i in words)
        if times.isdisjoint(map(lowers.__getitem__, words)) and "" not in times:
            return False  # no time or occasion to wish for ("we hope it helps")
        # The last content word is the time: "Belle journée à vous !"
        last = next(
            (lowers[i] for i in reversed(words) if lowers[i] in times or not flags[i] & STOP), ""
        )
        if last not in times or not any(lowers[i] in wish for i in words):
            return False
        return all(lowers[i] in wish or lowers[i] in times or flags[i] & STOP for i in words)

    def _is_hours(self, words: list[int]) -> bool:
        """Opening hours: day names, times and their joining words only, with a time
        ("they're open 9 to 5": stop words may stand around them)."""
        lowers, hours, flags = self._lowers, self.lists.hours_words, self._flags
        timed = False
        for i in words:
            # "(Mon-Fri 8-8)" may leave "8)"; "de 9 h à 17 h." ends on "h."
            lower = lowers[i].strip(_BRACKETS).rstrip(".")
            if _TIME.fullmatch(lower):
                timed = True
            elif (
                lower not in hours
                and not flags[i] & STOP
                and not all(p in hours for p in _RANGE.split(lower))
            ):
                return False  # ("mon–fri" is one token)
        return timed

    def _is_idle_handoff(self, start: int, end: int, words: list[int]) -> bool:
        """Someone else "will be able to help you with that", "someone there will know":
        a promise that completes a redirect and says nothing of its own."""
        if not self.matches["handoff"] or not self._has("handoff", start, end):
            return False
        if self._has("first_person", start, end):
            return False  # "we can help you" is the team's own offer
        handoff, filler = self._cover("handoff"), self.lists.filler_words
        flags, lowers = self._flags, self._lowers
        # Who will help is named before ("les membres sauront vous répondre"); after
        # the promise only filler may follow ("with that").
        first = next(n for n, i in enumerate(words) if i in handoff)
        if first > _HANDOFF_SUBJECT_WORDS:
            return False
        return all(i in handoff or flags[i] & STOP or lowers[i] in filler for i in words[first:])

    def _is_filler(self, words: list[int]) -> bool:
        # A name on its own (", Sanu."), an interjection ("Oh ok."), or an offer made of
        # filler words around an offer word ("We'd like to take a closer look").
        flags = self._flags
        if len(words) <= 2 and all(flags[i] & (TITLE | UPPER) for i in words):
            return True
        # Each test stops at its first word that fails it (most clauses: the first,
        # tested alone before a walk is set up).
        lowers, interjections = self._lowers, self.lists.interjections
        if lowers[words[0]] in interjections and all(lowers[i] in interjections for i in words):
            return True
        filler = self.lists.filler_words
        if not all(flags[i] & STOP or lowers[i] in filler for i in words):
            return False
        return not self.lists.offer_words.isdisjoint(map(lowers.__getitem__, words))

    def _only_contact_details(self, words: list[int]) -> bool:
        """Phone numbers with detail and contact words only: "08081453760 or e-mail",
        "our number is 0800 …"."""
        phones = self.phone_tokens
        if not any(i in phones for i in words):
            return False
        acts, flags = self._cover("contact_act"), self._flags
        nouns, lowers = self.lists.detail_nouns, self._lowers
        return all(i in phones or flags[i] & STOP or i in acts or lowers[i] in nouns for i in words)

    def _states_address(self, start: int, end: int, words: list[int]) -> bool:
        """An e-mail address (not among the words: it reads as a link) with detail and
        contact words only: "their email is members@…", "our address: help@…"."""
        if not self._may_hold_email:
            return False  # most replies: no "@" at all
        if self._email_needs_at and (
            self.analysis.text.find("@", self._token_starts[start], self._token_ends[end - 1]) < 0
        ):
            return False  # most clauses of tweets: the "@" is a mention elsewhere
        flags = self._flags
        if not any(flags[i] & LIKE_EMAIL for i in range(start, end)):
            return False
        acts = self._cover("contact_act")
        nouns, lowers = self.lists.detail_nouns, self._lowers
        return all(flags[i] & STOP or i in acts or lowers[i] in nouns for i in words)

    def _is_idle_condition(self, words: list[int]) -> bool:
        """A condition that says nothing: "If you have a moment", "if you'd prefer"."""
        if not self._opens("conditional", words[0]):
            return False
        flags, lowers, filler = self._flags, self._lowers, self.lists.filler_words
        return all(flags[i] & STOP or lowers[i] in filler for i in words[1:])

    def _redirect(
        self, start: int, end: int, words: list[int], asks: bool
    ) -> tuple[int, int] | None:
        """The words that send the customer elsewhere in tokens[start:end] (whose words
        are `words`), if this clause does only that (character offsets, for the message)."""
        matches = self.matches
        i = bisect_left(self._redirect_starts, start)
        if i == len(self._redirect_starts) or self._redirect_starts[i] >= end:
            return None  # most clauses of most replies: nothing to look at
        if self._leads("yes_no", words[:_LEAD_WORDS]):
            return None  # "for now, no: ..." answers before it redirects
        # Who handles it ("routers are handled by our colleagues at @AcmeNet") is a
        # fact: the account it names is no bare redirect.
        if self._states_responsibility(start, end):
            return None
        if not asks:
            handle = self._mentions_other(start, end)
            if handle is not None:  # another company's account, even by DM
                return self._token_starts[handle], self._token_ends[handle]
        # The team's own private channel, a closing offer for later needs, a reason,
        # a fact or a specific resource: not a bare redirect. (The doc sentence is found only when
        # it is needed: spaCy walks the doc to find it.)
        if matches["private_channel"]:
            sentence = self.doc[start].sent
            if self._has("private_channel", sentence.start, sentence.end):
                return None
        if self._has("reason", start, end):
            return None
        if matches["further_need"]:
            # "If you have any further concerns, please reach out": the offer's
            # condition may stand in a clause of its own.
            sentence = self.doc[start].sent
            if self._has("further_need", sentence.start, sentence.end):
                return None
        if self._names_resource(start, end):
            return None
        if self._states_negation(start, end):
            return None
        # "par téléphone" names a line; its noun is no act ("téléphoner") of its own.
        means = self._cover("contact_means")
        found: list[tuple[int, int]] = [
            (m.start, m.end)
            for m in matches["contact_act"]
            if start <= m.token_start < end
            and m.token_start not in means
            and not self._names_detail(m)
            and self._sends_customer(start, m, asks)
        ]
        for m in matches["go_to"]:
            if start <= m.token_start < end and self._sends_customer(start, m, asks):
                place = self._elsewhere_after(m.token_end, end)
                if place is not None:
                    found.append((m.start, place))
        if found:
            return min(found)
        if not asks:
            for m in matches["handoff"]:
                if start <= m.token_start < end and self._hands_off(start, m):
                    # Quoted with who is to help: "Our support team can help you".
                    return self._token_starts[words[0]], m.end
            for m in matches["contact_means"]:
                if start <= m.token_start < end and self._offers_line(start, end):
                    return m.start, m.end
            # "Nos conseillers sont disponibles au 09 69 …": the line itself beside a
            # word of availability, with no "by phone" to name it.
            for m in matches["availability"]:
                if (
                    start < m.token_start < end
                    and self.doc[m.token_start - 1].lemma_ in _COPULAS  # not "open a claim"
                    and self._states_line(start, end)
                ):
                    return m.start, m.end
            return self._info_elsewhere(start, end)
        return None

    def _names_resource(self, start: int, end: int) -> bool:
        """A specific resource beside the redirect ("the steps are in this article").
        A general one (the FAQ, the docs) is specific only with its link in the
        sentence: "check our FAQ" alone is "visit our website"."""
        if not self._has("specific_link", start, end):
            return False
        general = self._cover("general_resource")
        specific = any(
            m.token_start not in general
            for m in self.matches["specific_link"]
            if start <= m.token_start < end
        )
        if specific:
            return True
        # (The doc's sentence may reach past the classified one: flags of its own.)
        sentence, flags = self.doc[start].sent, token_flags(self.doc)
        return any(flags[i] & LIKE_URL for i in range(sentence.start, sentence.end))

    def _info_elsewhere(self, start: int, end: int) -> tuple[int, int] | None:
        """Information said to be elsewhere, with no link: "All the information is on
        our website", "Toutes les informations sont sur notre site"."""
        if not self.matches["info_nouns"] or not self._has("info_nouns", start, end):
            return None
        if self._has("first_person", start, end):
            return None  # "we'll post the details on our website": the team acts
        # A link in the sentence is the answer or the details ("it's all on our
        # website: <link>", the link a clause of its own after the colon).
        flags = self._flags
        sentence = next((s for s in self.analysis.sentences if s.start <= start < s.end), None)
        first, last = (sentence.start, sentence.end) if sentence is not None else (start, end)
        if any(flags[i] & LIKE_URL for i in range(first, last)):
            return None
        place = next((m for m in self.matches["elsewhere"] if start <= m.token_start < end), None)
        return (place.start, place.end) if place is not None else None

    def _names_detail(self, match: PhraseMatch) -> bool:
        """The contact word names the customer's detail, not an act: "your email",
        "the phone number you booked with", "votre numéro de téléphone" (but "our
        contact details" is the team's line)."""
        lowers, at, after = self._lowers, match.token_start, match.token_end
        if at > 0 and lowers[at - 1] in self.lists.reader_possessives:
            return True
        # The last of a list of the customer's details: "your name/ZIP/phone" (a verb
        # taking an object after a comma is no detail: "your card, contact your bank").
        mark = at - 1
        if after < len(lowers) and lowers[after] in self.lists.verb_objects:
            mark = -1
        while mark > 1 and at - mark <= _DETAIL_LIST_REACH and lowers[mark] in _LIST_MARKS:
            if lowers[mark - 2] in self.lists.reader_possessives:  # "your" + detail + mark
                return True
            mark -= 2  # over the detail before the mark, to the mark before it
        nouns = self.lists.detail_nouns
        if after < len(lowers) and lowers[after] in nouns:
            owner = at - 1  # "our contact details"
        elif at > 0 and lowers[at - 1] in nouns:
            owner = at - 2  # French puts the noun first: "adresse e-mail"
        elif at > 1 and lowers[at - 1] in ("de", "d'") and lowers[at - 2] in nouns:
            owner = at - 3  # "numéro de téléphone"
        else:
            return False
        return owner < 0 or lowers[owner] not in self.lists.team_possessives

    def _offers_line(self, start: int, end: int) -> bool:
        """A contact line stated, not told: "our team is available by phone or chat at
        <link>", "joignable par téléphone au 3900". It needs a word of availability or
        the line itself (a link or a number) in the clause; the team acting on the
        customer ("we'll call you by phone") is no line to start over on."""
        available = self._has("availability", start, end)
        if not available and self._has("first_person", start, end):
            return False
        if available:
            return True
        flags = self._flags
        return any(flags[i] & LIKE_URL or i in self.phone_tokens for i in range(start, end))

    def _states_line(self, start: int, end: int) -> bool:
        """A phone number or a link in the clause."""
        flags = self._flags
        return any(flags[i] & LIKE_URL or i in self.phone_tokens for i in range(start, end))

    def _states_negation(self, start: int, end: int) -> bool:
        """A negated statement ("we can't see accounts here"), not "don't hesitate"."""
        negation = self._cover("negation")
        if not negation:
            return False
        # Set operations in C: the clause's negation words, none of them a directive's.
        negated = negation.intersection(range(start, end))
        return bool(negated) and not negated <= self._cover("directive")

    def _elsewhere_after(self, at: int, end: int) -> int | None:
        """The end (a character offset) of a place or line starting soon after `at`."""
        for m in self.matches["elsewhere"]:
            if at <= m.token_start <= at + _GO_TO_REACH and m.token_start < end:
                return m.end
        return None

    def _sends_customer(self, clause_start: int, match: PhraseMatch, asks: bool) -> bool:
        """Is the customer the one told to go ("please contact", "you can reach",
        "have you tried calling")? Not "thanks for contacting us", "we'll call you"."""
        at = match.token_start
        if self._thanks_before(clause_start, at):
            return False
        # "the email you used to reach out to us": a contact already made.
        if already_made(self._lowers[max(0, at - 2) : at]):
            return False
        # "We'd be happy to give you a call": the team contacts the customer.
        if self._contacts_reader(match.token_end) or (
            at >= 2 and self._lowers[at - 1] == "a" and self._contacts_reader(at - 2)
        ):
            return False
        # "We'll call you (by phone)": the customer is the one contacted; "the refund
        # should reach your card": the money arrives, nobody is contacted.
        for m in self.matches["contact_act"]:
            if clause_start <= m.token_start <= at and (
                self._contacts_reader(m.token_end) or self._arrives(m)
            ):
                return False
        # "Can you let me know if you spoke with anyone in store?", "the date you
        # visited the store": a contact or visit the customer made is reported, not
        # told to them.
        if self._reported(at):
            return False
        before = self._words(clause_start, at)
        if asks:  # only a suggestion in question form: "have you tried calling us?"
            return bool(before) and self._has("suggestion_question", before[0], at)
        if not before:
            return True  # imperative: "Contact us by phone"
        return self._directs(before[0], at)

    def _contacts_reader(self, after: int) -> bool:
        return after in self._starts_of("reader_object")

    def _reported(self, at: int) -> bool:
        """Is the verb at `at` in a past form ("spoke", "called", "visited", "contacté"),
        not an instruction's base form, imperative or gerund ("speak", "contactez",
        "try calling")?"""
        lower = self._lowers[at]
        lists = self.lists
        if lower in lists.irregular_pasts:
            return True
        return lower.endswith(lists.past_endings) and lower != self.doc[at].lemma_.lower()

    def _arrives(self, act: PhraseMatch) -> bool:
        """Is the act a verb of arriving with the reader's thing as its object ("reach
        your card", "reach your account")?"""
        return (
            act.phrase in self.lists.arrival_acts
            and act.token_end < len(self._lowers)
            and self._lowers[act.token_end] in self.lists.reader_possessives
        )

    def _thanks_before(self, start: int, at: int) -> bool:
        """Thanks before the act ("thanks for contacting us"); "merci de contacter" is
        a request made politely, its "merci" covered by a directive."""
        thanks = self._cover("thanks")
        if not thanks:
            return False
        thanked = thanks.intersection(range(start, at))
        return bool(thanked) and not thanked <= self._cover("directive")

    def _directs(self, start: int, at: int) -> bool:
        """Is the act at `at` told to the customer by a directive before it ("please use
        this link to contact us", "we'd recommend reaching out"), with no first-person
        subject after that directive ("please DM us and we'll contact the store")?"""
        directive = self._cover("directive")
        if not directive:
            return False
        last = next((i for i in range(at - 1, start - 1, -1) if i in directive), None)
        if last is None:
            return False
        # "Nous vous appelons": between a first-person subject and the act, "vous" is
        # its object ("je vous propose de contacter" keeps its directive verb).
        first_person = self._cover("first_person")
        second_person = self._cover("second_person")
        if last == at - 1 and last in second_person and last - 1 in first_person:
            return False
        # "Il vous appelle", "nous avons essayé de vous joindre": right before a verb
        # not said to the reader ("vous appelez") nor reflexive ("vous adresser à"),
        # "vous" is its object: the team contacts the customer.
        endings = self.lists.reader_verb_endings
        lowers = self._lowers
        if (
            endings
            and last == at - 1
            and lowers[last] in self.lists.object_pronouns
            and not lowers[at].endswith(endings)
            and self.doc[at].lemma_ not in self.lists.reflexive_acts
        ):
            return False
        # Right before the act a first-person word is its object ("nous contacter").
        return not self._has("first_person", last + 1, at - 1)

    def _hands_off(self, clause_start: int, match: PhraseMatch) -> bool:
        """Someone else "will be able to help you", with a link or number to reach them."""
        if self._has("first_person", clause_start, match.token_start):
            return False
        if self.matches["send_to_us"]:
            # "Send us your name so our team can help you": the details come to the
            # team, which takes the case on; nobody else is to be reached.
            sentence = self.doc[clause_start].sent
            if self._has("send_to_us", sentence.start, match.token_start):
                return False
        return self._gives_contact()

    def _gives_contact(self) -> bool:
        """Does the reply carry a link or a phone number?"""
        if self._contact_given is None:
            self._contact_given = bool(self.analysis.urls) or bool(self.phone_tokens)
        return self._contact_given

    def _sends_ideas(self, start: int, end: int) -> bool:
        """ "Submit your idea here", "vote for the suggestion on our ideas page", "head
        to our ideas board" (a verb of going before the feedback place)."""
        if not self.matches["feedback_object"]:
            return False  # no feedback place named (most replies)
        for m in (*self.matches["feedback_submit"], *self.matches["go_to"]):
            if not start <= m.token_start < end:
                continue
            reach = m.token_end + _GO_TO_REACH
            if any(
                m.token_end <= o.token_start <= reach and o.token_start < end
                for o in self.matches["feedback_object"]
            ):
                before = self._words(start, m.token_start)
                return not before or self._directs(before[0], m.token_start)
        return False

    def _mentions_other(self, start: int, end: int) -> int | None:
        """An @handle in the body that is not the brand: "DM our friends at @XboxSupport"."""
        i = bisect_left(self._other_handles, start)
        if i < len(self._other_handles) and self._other_handles[i] < end:
            handle = self._other_handles[i]
            # "**@username** Please ..." addresses someone; "DM our friends at @X" sends.
            return handle if self._words(start, handle) else None
        return None

    def _find_other_handles(self) -> list[int]:
        """Token indices of @handles after the leading mentions that are not the brand."""
        analysis = self.analysis
        mentions_end = analysis.mentions_end
        text = analysis.text
        if text.find("@", mentions_end) < 0 and text.find("＠", mentions_end) < 0:
            return []
        brand = (analysis.reply.brand or "").lstrip("@").lower()
        # From the token offsets, in text order: no Token object per token.
        starts, ends = token_bounds(self.doc)
        lowers = token_lowers(self.doc)
        # "Team @Acme will reach out", "our @AcmeBilling colleagues": the brand's own team.
        own = self.lists.team_nouns | self.lists.team_possessives
        return [
            i
            for i in range(bisect_left(starts, mentions_end), len(starts))
            if text[starts[i]] in "@＠"
            and ends[i] - starts[i] > 1
            and text[starts[i] + 1 : ends[i]].lower() != brand
            and not (i > 0 and lowers[i - 1] in own)
        ]


class _RuleLists(NamedTuple):
    """What every reply reads from the rule's data for one language, made once."""

    table: PhraseTable
    filler_words: frozenset[str]
    clause_breaks: frozenset[str]  # punctuation and the `contrast` words
    interjections: frozenset[str]
    offer_words: frozenset[str]
    wish_words: frozenset[str]
    wish_times: frozenset[str]
    wish_openers: frozenset[str]
    detail_nouns: frozenset[str]
    reader_possessives: frozenset[str]
    hours_words: frozenset[str]
    team_possessives: frozenset[str]
    verb_objects: frozenset[str]
    reader_verb_endings: tuple[str, ...]
    reflexive_acts: frozenset[str]
    object_pronouns: frozenset[str]
    topic_openers: frozenset[str]
    purpose_openers: frozenset[str]
    case_nouns: frozenset[str]
    arrival_acts: frozenset[str]
    team_nouns: frozenset[str]
    preference_words: frozenset[str]
    past_endings: tuple[str, ...]
    irregular_pasts: frozenset[str]
    attachment_heads: frozenset[str]


def _rule_lists(ctx: RuleContext, language: str, model: str | None) -> _RuleLists:
    data = ctx.data
    # Each list matches as its [lists] declaration says: word forms only, or every
    # inflection through lemmas. One table, so one lower-case matcher pass serves
    # both kinds.
    form_keys = frozenset(k for k in _LISTS if ctx.list_kind(k) == "form")
    return _RuleLists(
        data_phrase_table(data, _LISTS, language, model, form_keys=form_keys, shared=True),
        data_words(data, "filler_words"),
        _CLAUSE_PUNCT | data_words(data, "contrast"),
        data_words(data, "interjections"),
        data_words(data, "offer_words"),
        data_words(data, "wish_words"),
        data_words(data, "wish_times"),
        data_words(data, "wish_openers"),
        data_words(data, "detail_nouns"),
        data_words(data, "reader_possessives"),
        data_words(data, "hours_words"),
        data_words(data, "team_possessives"),
        data_words(data, "verb_objects"),
        tuple(sorted(data_words(data, "reader_verb_endings"))),
        data_words(data, "reflexive_acts"),
        data_words(data, "object_pronouns"),
        data_words(data, "topic_openers"),
        data_words(data, "purpose_openers"),
        data_words(data, "case_nouns"),
        data_words(data, "arrival_acts"),
        data_words(data, "team_nouns"),
        data_words(data, "preference_words"),
        tuple(sorted(data_words(data, "past_endings"))),
        data_words(data, "irregular_pasts"),
        data_words(data, "attachment_heads"),
    )


def _digits(text: str) -> int:
    return sum(map(str.isdigit, text))


def _spaced_dash(doc: Doc, i: int) -> bool:
    """A dash between spaces ("help - please call"), not inside "800-222-2377"."""
    return i > 0 and bool(doc[i].whitespace_) and bool(doc[i - 1].whitespace_)


def check(analysis: Analysis, ctx: RuleContext) -> Iterator[Finding]:
    reading = Reading(analysis, ctx)
    if reading.matches["holding"]:
        return  # a holding turn, in any channel: the answer follows in the next turn
    # Cheap exact gates first: each check needs certain phrase matches, and most
    # replies have none of them, so their sentences need not be classified for it.
    if ctx.enabled("preamble") and reading.may_have_preamble(ctx):
        yield from _preamble(reading, ctx)
    deflection = []
    if ctx.enabled("deflection") and reading.may_deflect():
        deflection = list(_deflection(reading, ctx))
    yield from deflection
    if ctx.enabled("unanswered-question") and not deflection:
        yield from _unanswered(reading, ctx)


def _preamble(reading: Reading, ctx: RuleContext) -> Iterator[Finding]:
    """Two or more courtesy sentences before the first sentence with content. A reply
    with no content sentence at all (thanks answering praise) has no preamble."""
    limit = int(ctx.options.get("preamble_sentences", 2))
    courtesy: list[Sentence] = []
    for sentence in reading.iter_sentences():
        if sentence.is_courtesy:
            if _is_full_sentence(reading, sentence):
                courtesy.append(sentence)
        elif not sentence.is_empty:
            # The first sentence with content (or a redirect).
            if len(courtesy) >= limit:
                start, end = _trimmed(
                    reading, courtesy[0].span.start_char, courtesy[-1].span.end_char
                )
                first = _quote(reading.analysis.text[start : courtesy[0].span.end_char], 60)
                message = ctx.message("preamble", count=len(courtesy), first=first)
                yield ctx.finding(start, end, message, check="preamble")
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
        if words[i] and lowers[i] not in reading.lists.interjections
    )
    return next(full, None) is not None and next(full, None) is not None


def _deflection(reading: Reading, ctx: RuleContext) -> Iterator[Finding]:
    """The only content is "contact someone else / start over there"; or, when the
    customer asked a question, "post your idea on the ideas page"."""
    kinds: set[Kind] = set()
    for sentence in reading.iter_sentences():
        kinds |= sentence.kinds
        if Kind.CONTENT in kinds:
            return  # an answer beside the redirect
    if not kinds & {Kind.REDIRECT, Kind.IDEAS}:
        return
    analysis = reading.analysis
    if Kind.REDIRECT in kinds:
        sent_to = Kind.REDIRECT
        if _asks_for_contact(analysis, ctx):
            return  # "do you have a phone number?": the contact is the answer
    elif (incoming := analysis.incoming_doc) is not None and next(
        _questions(incoming, analysis, ctx), None
    ) is not None:
        sent_to = Kind.IDEAS  # a question answered with "post it as an idea"
    else:
        return  # feedback filed where feedback goes: nothing was asked
    for sentence in reading.iter_sentences():
        clause = next((c for c in sentence.clauses if c.kind is sent_to), None)
        if clause is None:
            continue
        start, end = _trimmed(reading, sentence.span.start_char, sentence.span.end_char)
        # Quoted from the words that send the customer to the end of their clause.
        trigger = reading.triggers.get(clause.start)
        quote_start = trigger[0] if trigger else reading.token_start(clause.start)
        phrase = _quote(analysis.text[quote_start : _clause_end(reading, clause)], 70)
        key = "deflection" if sent_to is Kind.REDIRECT else "deflection_ideas"
        yield ctx.finding(start, end, ctx.message(key, phrase=phrase), check="deflection")
        return


def _clause_end(reading: Reading, clause: Clause) -> int:
    return reading.token_end(clause.end - 1)


def _asks_for_contact(analysis: Analysis, ctx: RuleContext) -> bool:
    """Does a question of the customer's ask how to reach someone?"""
    # Only with a contact phrase: the message's doc is built only when one can be in it.
    if not incoming_may_hold(analysis, ctx, ("contact_request",)):
        return False
    incoming = analysis.incoming_doc
    if incoming is None:
        return False
    contact = data_phrase_list(ctx.data, "contact_request", analysis.language, analysis.model)
    starts = [m.token_start for m in contact.find(incoming)]
    if starts:
        # "declined on your website", "refusée sur votre site": where the trouble
        # happens, not a way to reach someone asked for.
        places = data_words(ctx.data, "locative_prepositions")
        lowers = token_lowers(incoming)
        starts = [
            at for at in starts if not any(lowers[i] in places for i in range(max(0, at - 2), at))
        ]
    if not starts:
        return False  # the usual case: no need to find the questions
    return any(
        any(question.start <= at < question.end for at in starts)
        for question in _questions(incoming, analysis, ctx)
    )


def _unanswered(reading: Reading, ctx: RuleContext) -> Iterator[Finding]:
    """A question in `incoming` that the reply neither touches nor answers."""
    analysis = reading.analysis
    if not analysis.reply.incoming:
        return
    if "?" in analysis.text and _asks_back(reading):
        return  # answer-like whatever its sentence says: no sentence need be classified
    if (
        not reading.classified_any
        and "?" not in analysis.incoming_text
        and not incoming_may_hold(analysis, ctx, ("indirect_question",))
        and not may_open_question(analysis)
    ):
        # Nothing asked ("my order never arrived"), read from the raw text: no clause
        # need be classified nor the message's doc built (see `_questions`).
        return
    # Anything answer-like: a content or redirect clause, a number, a link, a question.
    # (Checked first: most replies have content, and then the incoming message need
    # not be read at all.)
    sentences = []
    for sentence in reading.iter_sentences():
        if not sentence.is_empty:
            return  # the rest of the reply need not be classified
        sentences.append(sentence)
    # Cheaper than finding the customer's questions, so tested before.
    if _has_answer_like_token(reading, sentences) or _asks_unmarked(analysis, ctx):
        return
    incoming = analysis.incoming_doc
    if incoming is None:
        return
    courtesy = data_words(ctx.data, "courtesy_words")
    indirect = _indirect_questions(incoming, analysis, ctx)  # one pass for both uses
    question = next(_questions(incoming, analysis, ctx, courtesy, indirect), None)
    if question is None:
        return
    frame = {i for m in indirect for i in range(m.token_start, m.token_end)}
    asked = _stems(
        _content_lemmas_at(incoming, [i for i in range(len(incoming)) if i not in frame]), courtesy
    )
    said = _stems(analysis.content_lemmas, courtesy)
    if asked & said:
        return
    start, end = _trimmed(reading, analysis.body_start, analysis.body_end)
    words = [t for t in question if is_word(t)]
    quoted = _quote(analysis.incoming_text[words[0].idx : question.end_char])
    yield ctx.finding(
        start, end, ctx.message("unanswered", question=quoted), check="unanswered-question"
    )


def _indirect_questions(incoming: Doc, analysis: Analysis, ctx: RuleContext) -> list[PhraseMatch]:
    """The frames of indirect questions in the customer's message ("I'd like to know",
    "je voudrais savoir"). Outside them, "je ne sais pas" shares no content with the
    question."""
    indirect = data_phrase_list(ctx.data, "indirect_question", analysis.language, analysis.model)
    return indirect.find(incoming)


def _content_lemmas_at(doc: Doc, indices: list[int]) -> frozenset[str]:
    """`content_lemmas` of the tokens `indices` of `doc`, read from the doc's word
    forms: a Token object for each content word only."""
    orths = token_orths(doc)
    keep = orth_values(doc.vocab, [orths[i] for i in indices], is_content_word)
    return frozenset(
        doc[i].lemma_.lower() or doc[i].lower_
        for i, kept in zip(indices, keep, strict=True)
        if kept
    )


def _asks_unmarked(analysis: Analysis, ctx: RuleContext) -> bool:
    """A clarifying question written without its "?": a sentence that opens on a
    question word, is no exclamation ("what a…") and speaks to the reader ("what is
    the store's address and we'll pass it on")."""
    wh_words = data_words(ctx.data, "wh_words")
    exclamatives = data_words(ctx.data, "exclamative_words")
    reader = analysis.lang.reader_words
    # Read from the doc's arrays: no Token object per token.
    lowers, is_words = token_lowers(analysis.doc), analysis.word_flags
    for sent in analysis.sentences:
        words = [lowers[i] for i in range(sent.start, sent.end) if is_words[i]]
        if (
            len(words) > 2
            and words[0] in wh_words
            and words[1] not in exclamatives
            and not reader.isdisjoint(words)
        ):
            return True
    return False


def _asks_back(reading: Reading) -> bool:
    """A question mark of its own in the body (see `_has_answer_like_token`)."""
    analysis = reading.analysis
    # The tokens the body overlaps (what `char_span(..., "expand")` covers), found
    # from the token offsets: no Span object.
    starts, ends = token_bounds(reading.doc)
    first = bisect_right(ends, analysis.body_start)
    end = bisect_left(starts, analysis.body_end, first)
    return "?" in token_lowers(reading.doc)[first:end]


def _has_answer_like_token(reading: Reading, sentences: list[Sentence]) -> bool:
    """A number, a link or a question mark in the body; a link given with feedback
    ("post your idea here: <link>") and a number in a courtesy sentence are no answer."""
    analysis, doc = reading.analysis, reading.doc
    # The tokens the body overlaps (as `_asks_back`), read from the doc's arrays: no
    # Token object per token.
    starts, ends = token_bounds(doc)
    first = bisect_right(ends, analysis.body_start)
    end = bisect_left(starts, analysis.body_end, first)
    if first >= end:
        return False
    feedback = [s.span for s in sentences if s.acknowledges_feedback]
    # "Have a good one": a number in a courtesy sentence is no answer.
    courtesy = [s.span for s in sentences if s.is_courtesy]
    # The text the doc was made from (`Doc.text` joins every token's text anew).
    lowers, flags, text = (
        token_lowers(doc),
        token_flags(doc, first, end),
        tokenizable(analysis.text),
    )
    for i, flag in zip(range(first, end), flags, strict=True):
        if lowers[i] == "?":
            return True
        number = flag & LIKE_NUM and lowers[i] not in _ARTICLE_NUMBERS
        # A time may keep the sentence's period ("Dès 9H." is one token).
        end_of_time = ends[i] - 1 if text[ends[i] - 1] == "." else ends[i]
        if (number or _TIME.fullmatch(text, starts[i], end_of_time)) and not any(
            s.start <= i < s.end for s in courtesy
        ):
            return True
        if flag & LIKE_URL and not any(s.start <= i < s.end for s in feedback):
            return True
    return False


def _stems(lemmas: frozenset[str], courtesy: frozenset[str]) -> set[str]:
    return {lemma[:_STEM] for lemma in lemmas if lemma not in courtesy}


def _questions(
    incoming: Doc,
    analysis: Analysis,
    ctx: RuleContext,
    courtesy: frozenset[str] | None = None,
    indirect: list[PhraseMatch] | None = None,
) -> Iterator[Span]:
    """The questions in the customer's message (`incoming`: the analysis's
    `incoming_doc`), as they wrote them (`indirect`: the message's
    `_indirect_questions`, when already found).

    A question needs two content words to be judged at all ("Where is my order?"
    needs one): "Why?", "wtf is this??" or "isn't it?" depend on context the reply
    may well have.
    """
    if courtesy is None:
        courtesy = data_words(ctx.data, "courtesy_words")
    if indirect is None:
        indirect = _indirect_questions(incoming, analysis, ctx)
    indirect_starts = {m.token_start for m in indirect}
    salutations = analysis.lang.salutations
    question_words = analysis.lang.question_words
    wh_words = data_words(ctx.data, "wh_words")
    mention_verbs = data_words(ctx.data, "mention_verbs")
    opinion_words = data_words(ctx.data, "opinion_words")
    exclamatives = data_words(ctx.data, "exclamative_words")
    rhetorical = data_words(ctx.data, "rhetorical_words")
    negations = data_words(ctx.data, "lead_negations")
    # Read from the doc's arrays: no Token object per token.
    lowers, is_words = token_lowers(incoming), doc_word_flags(incoming)
    starts, ends = token_bounds(incoming)
    # The text the doc was made from (`Doc.text` joins every token's text anew).
    text = analysis.incoming_text
    for sent in incoming.sents:
        tokens = range(sent.start, sent.end)
        words = [i for i in tokens if is_words[i] and lowers[i] not in salutations]
        word_lowers = [lowers[i] for i in words]
        if _exclaims(word_lowers, sent, wh_words, exclamatives, rhetorical, negations):
            continue
        needed = 1 if words and word_lowers[0] in wh_words else _QUESTION_CONTENT_WORDS
        if len(_stems(_content_lemmas_at(incoming, words), courtesy)) < needed:
            continue
        asks = any(
            text.startswith("?", starts[i], ends[i]) or text.endswith("?", starts[i], ends[i])
            for i in tokens
        )
        first = word_lowers[0]
        pair = f"{first} {word_lowers[1].lstrip('-')}" if len(words) > 1 else first
        joined = first + word_lowers[1] if len(words) > 1 else first
        opens = first in question_words or pair in question_words or joined in question_words
        if (
            opens
            and first in mention_verbs
            and words[0] > sent.start
            and text[starts[words[0] - 1]] in "@＠"
            and not opinion_words.isdisjoint(word_lowers)
        ):
            opens = False  # "@Acme is the best app": a statement about the one mentioned
        if asks or opens or not indirect_starts.isdisjoint(tokens):
            yield sent


def _exclaims(
    words: list[str],
    sentence: Span,
    wh_words: frozenset[str],
    exclamatives: frozenset[str],
    rhetorical: frozenset[str],
    negations: frozenset[str],
) -> bool:
    """Praise in question form, which asks nothing: "how amazing is your new menu?!"
    (with its "!": "how good is the battery?" asks), "isn't this the cutest latte art
    you've ever seen?". `words`: the sentence's words, lower-cased."""
    if len(words) < 2:
        return False
    if words[0] in wh_words and words[1] in exclamatives and "!" in sentence.text:
        return True
    return not negations.isdisjoint(words[:2]) and not rhetorical.isdisjoint(words)


def _quote(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@hookimpl
def replylint_rules() -> list[Rule]:
    return [Rule.builtin("directness", check)]
