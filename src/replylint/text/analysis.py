"""One analysis per reply, shared by every rule: language, spaCy doc, and parts.

A reply is read as: leading @mentions, an optional salutation ("Hi Keelin,"), the
body, and an optional sign-off block at the end ("Best,\\nMarie", "^JK", "- Tom",
"The Acme Team"). Rules read these parts instead of re-tokenizing.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from itertools import compress
from typing import TYPE_CHECKING

from replylint.model import Reply
from replylint.text.derived import derived
from replylint.text.language_data import LanguageData, language_data
from replylint.text.lazy import lazy_property
from replylint.text.nlp import pipeline, process
from replylint.text.runs import runs_of
from replylint.text.token_arrays import token_bounds, token_lowers
from replylint.text.words import content_word_flags, doc_word_flags
from replylint.text.words import is_emoji as is_emoji  # re-exported: rules import them here
from replylint.text.words import is_word as is_word

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# Leading @handles, a saved reply's handle slot among them ("@{{handle}} Hi …").
_LEADING_MENTIONS = re.compile(
    r"\A\s*(?:[@＠](?:\w+|\{\{[^{}\s]{1,40}\}\}|\{[^{}\s]{1,40}\}|\[[^\[\]\s]{1,40}\])[\s,:]*)+"
)
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
# Sign-off marks brand accounts use after the text: ^JK, -MS, *RD, /AB, ~AS, = JJ, ^Kim,
# *MikeRice; capitals after a dash may be glued to the last word ("…see you go-DD").
_INITIALS_END = re.compile(
    r"(?:(?<=[\s.!?,;:)])|\A)"
    r"(?P<mark>[\^*/~]\s?[A-Za-z]{1,5}\d?|[-–—]{1,2}\s?(?:[A-Z]{1,4}|[a-z]{2,5})\d?"
    r"|=\s?[A-Z]{2,4}|[\^*/~]\s?[A-ZÀ-Ý][a-zà-ÿ]+(?:[A-ZÀ-Ý][a-zà-ÿ]*)?)"
    r"[.!]?\s*\Z"
    r"|(?<=[a-z])(?P<glued>[-–—]{1,2}[A-Z]{2,4})\s*\Z"
)
# What may follow a signature in a thread or a tweet: a part marker ("2/2", "(1/3)")
# or an attached link. It is not part of the sign-off and is looked past.
_TRAILER_WORD = re.compile(
    r"\(?\d{1,2}/\d{1,2}\)?|(?:https?://|www\.)\S+|\((?:she|he|they|elle|il|iel)/\w+\)"
    # A bare link: "acme.co.uk/refunds", "acme.com".
    r"|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,6}/\S*"
    r"|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|fr|ca|be|ch|de|eu|gov|edu|co\.uk|org\.uk)",
    re.IGNORECASE,
)
# A line opening a list item ("- Tap Account", "2. Restart"): not a name.
_LIST_ITEM = re.compile(r"[-*•·]|\d+[.)]\s")
# A dash and a name closing the text: "- Marie", "— Tom B.", "~Jules", "—Tom, Acme Care"
# (a capitalised affiliation of up to four words may follow a comma).
_DASH_NAME_END = re.compile(
    r"(?:(?<=[\s.!?,;:)])|\A)(?P<mark>[-–—~]{1,2}\s?)"
    r"(?P<name>[A-ZÀ-Ý][\w'’-]+(?:\s[A-ZÀ-Ý][\w'’.-]*)?"
    r"(?:,\s?[A-ZÀ-Ý][\w'’&.-]*(?:\s[\w'’&.-]+){0,3})?)\s*\Z"
)
# Every mark `_INITIALS_END` and `_DASH_NAME_END` may start with.
_SIGNOFF_MARK = re.compile(r"[\^*/~=\-–—]")
# A word of a bare sign-off after the last sentence: "Julien", "Rob B.", "GA".
_NAME_WORD = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ'’-]+\.?|[A-Z]{2,4}|[A-Z]\.")
_MAX_SIGNOFF_LINE_WORDS = 6
# A sentence ending inside a line: "Thanks for the note. Rob" is a sentence and a name.
_SENTENCE_BREAK = re.compile(r"[a-zà-ÿ][.!?…]+\s")
_MAX_SIGNOFF_LINE_CHARS = 60


@dataclass(frozen=True)
class SignOff:
    """The sign-off block at the end of a reply.

    `start`/`end` cover the whole block (closing line included); `name_start`/
    `name_end` cover the part after any closing ("Marie" in "Best,\\nMarie"), which
    may be empty when the block is a bare closing ("Thanks!").
    """

    start: int
    end: int
    name_start: int
    name_end: int
    kind: str  # "initials" | "dash-name" | "line" | "closing"
    name: str = ""


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


# spaCy's affix splitting is quadratic in the length of a run without spaces
# (20,000 brackets take over a minute); no real word or link is this long.
_LONG_RUN = re.compile(r"\S{500,}")


def tokenizable(text: str) -> str:
    """`text` made safe for the tokenizer, with every offset where it was.

    Lone surrogates (broken UTF-16 from some clients) cannot be encoded by spaCy
    and become U+FFFD; a run of 500+ non-space characters becomes one opaque
    token of the same length.
    """
    if not text.isascii():  # (a flag of the string: no scan) most replies are ASCII
        text = _LONE_SURROGATE.sub("\ufffd", text)
    if len(text) >= 500:
        text = _LONG_RUN.sub(lambda m: "x" * len(m.group()), text)
    return text


@dataclass
class Analysis:
    """Everything rules need to know about one reply, computed once."""

    reply: Reply
    language: str
    doc: Doc
    lang: LanguageData
    model: str | None = None
    mentions_end: int = 0
    greeting: tuple[int, int] | None = None
    signoff: SignOff | None = None
    urls: tuple[tuple[int, int], ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        return self.reply.text

    @property
    def channel(self) -> str:
        return self.reply.channel

    @property
    def body_start(self) -> int:
        """Where the body starts: after leading mentions and the salutation."""
        if self.greeting is not None:
            return self.greeting[1]
        return self.mentions_end

    @property
    def body_end(self) -> int:
        end = self.signoff.start if self.signoff is not None else len(self.text)
        end = len(self.text[:end].rstrip())
        return max(end, self.body_start)

    @property
    def body_span(self) -> tuple[int, int]:
        """The body without its surrounding spaces: what a whole-reply finding covers."""
        start, end = self.body_start, self.body_end
        body = self.text[start:end]
        start += len(body) - len(body.lstrip())
        return (start, end) if start < end else (self.body_start, self.body_end)

    @property
    def body(self) -> str:
        return self.text[self.body_start : self.body_end]

    @lazy_property
    def tokens(self) -> tuple[Token, ...]:
        """The doc's tokens, made once: `doc[i]` builds a new Token object each time."""
        return tuple(self.doc)

    @lazy_property
    def word_flags(self) -> list[bool]:
        """`is_word` of every token of the doc, by token index."""
        return doc_word_flags(self.doc)

    @lazy_property
    def _word_indices(self) -> list[int]:
        """Token index of every word outside links, read from per-doc arrays: the
        counts and offsets of words cost no Token objects."""
        flags = self.word_flags
        if not self.urls:
            return [i for i, word in enumerate(flags) if word]
        # One pass over tokens and URL spans, both in text order.
        starts = token_bounds(self.doc)[0]
        kept: list[int] = []
        spans = iter(self.urls)
        span = next(spans, None)
        for i, word in enumerate(flags):
            if not word:
                continue
            idx = starts[i]
            while span is not None and span[1] <= idx:
                span = next(spans, None)
            if span is None or idx < span[0]:
                kept.append(i)
        return kept

    @lazy_property
    def word_tokens(self) -> tuple[Token, ...]:
        """Every word token outside links (contraction parts and elisions included)."""
        tokens = self.tokens
        return tuple([tokens[i] for i in self._word_indices])

    @property
    def words(self) -> tuple[Token, ...]:
        """Words as docs/rules/brevity.md counts them: spaCy tokens that are not punctuation,
        space, link, @mention or emoji ("doesn't" is two, like "l'équipe")."""
        return self.word_tokens

    @lazy_property
    def _body_word_range(self) -> tuple[int, int]:
        """Which of `words` start inside the body: a slice (words are in text order)."""
        offsets = self._word_offsets
        first = bisect.bisect_left(offsets, self.body_start)
        return first, bisect.bisect_left(offsets, self.body_end, first)

    @lazy_property
    def body_words(self) -> tuple[Token, ...]:
        """The words that start inside the body (words are in text order)."""
        first, end = self._body_word_range
        return self.words[first:end]

    @lazy_property
    def body_word_starts(self) -> list[int]:
        """Where each of `body_words` starts: their count and offsets without Tokens."""
        first, end = self._body_word_range
        return self._word_offsets[first:end]

    @lazy_property
    def sentences(self) -> tuple[Span, ...]:
        """Sentences of the body (salutation and sign-off excluded)."""
        start, end = self.body_start, self.body_end
        flags = self.word_flags
        result = []
        for sent in self.doc.sents:
            s_start, s_end = sent.start_char, sent.end_char
            if s_end <= start or s_start >= end:
                continue
            span: Span | None = sent
            if s_start < start or s_end > end:
                span = self.doc.char_span(
                    max(s_start, start), min(s_end, end), alignment_mode="contract"
                )
            if span is not None and any(flags[span.start : span.end]):
                result.append(span)
        return tuple(result)

    @lazy_property
    def lower_tokens(self) -> frozenset[str]:
        return frozenset(token_lowers(self.doc))

    @lazy_property
    def content_lemmas(self) -> frozenset[str]:
        """Lemmas of the body's content words (no stop words, numbers or names)."""
        return content_lemmas(self.body_words)

    @lazy_property
    def addresses_reader(self) -> bool:
        """Does the reply speak to the customer (you/vous, their name, an @mention)?"""
        if self.mentions_end > 0:
            return True
        reader = self.lang.reader_words
        for lower in token_lowers(self.doc):
            if lower in reader or lower.rstrip("'’") + "'" in reader:
                return True
        customer = (self.reply.customer or "").strip().lower()
        if customer:
            first = customer.split()[0]
            return first in self.lower_tokens or customer in self.text.lower()
        return False

    @lazy_property
    def incoming_text(self) -> str:
        """The customer's message as the tokenizer reads it ("" when there is none)."""
        return tokenizable(self.reply.incoming) if self.reply.incoming else ""

    @lazy_property
    def incoming_lower(self) -> str:
        """The customer's message lower-cased ("" when there is none)."""
        return self.incoming_text.lower()

    @lazy_property
    def incoming_runs(self) -> tuple[str, ...]:
        """The runs of letters and of digits of the lower-cased message: read once
        for every rule's raw-text gate (`runs_of`)."""
        return runs_of(self.incoming_lower)

    @lazy_property
    def incoming_doc(self) -> Doc | None:
        """The customer's message, tokenized with the reply's pipeline."""
        if not self.incoming_text:
            return None
        return process(pipeline(self.language, self.model), self.incoming_text)

    @lazy_property
    def _word_offsets(self) -> list[int]:
        starts = token_bounds(self.doc)[0]
        if not self.urls:  # most replies: every word counts, picked in C
            return list(compress(starts, self.word_flags))
        return [starts[i] for i in self._word_indices]

    def word_count(self, start: int = 0, end: int | None = None) -> int:
        """Words starting in text[start:end] (a bisection: cheap for every sentence)."""
        offsets = self._word_offsets
        end = len(self.text) if end is None else end
        return bisect.bisect_left(offsets, end) - bisect.bisect_left(offsets, start)


def content_lemmas(tokens: tuple[Token, ...] | list[Token]) -> frozenset[str]:
    """Lemmas of the content words of `tokens` (see `words.is_content_word`)."""
    keep = content_word_flags(tokens)
    return frozenset(
        t.lemma_.lower() or t.lower_ for t, kept in zip(tokens, keep, strict=True) if kept
    )


def _find_mentions_end(text: str) -> int:
    match = _LEADING_MENTIONS.match(text)
    return match.end() if match else 0


def _find_greeting(text: str, start: int, lang: LanguageData) -> tuple[int, int] | None:
    """A leading salutation up to its punctuation: "Hi Keelin," / "Bonjour madame,"."""
    rest = text[start:]
    stripped = rest.lstrip()
    offset = start + len(rest) - len(stripped)
    opening = derived(lang, "salutation opening", _salutation_opening, lang).match(stripped.lower())
    best = opening.end() if opening else 0
    if not best:
        return None
    # Up to four more words (a name, "there", an @handle, a name slot) and then
    # , ! : . or a newline.
    tail = _GREETING_TAIL.match(stripped, best)
    if tail is None:
        return None
    end = offset + tail.end()
    # "Hello" directly followed by text without punctuation is not a salutation.
    if (
        stripped[best : tail.end()].strip() == ""
        and not stripped[best:].startswith("\n")
        and best < len(stripped)
    ):
        return None
    # "Hello, Jared!" / "Hi, Jenna.": a name after the comma, closed by its own
    # punctuation, still belongs to the salutation ("Hi, I can help" does not).
    if stripped[best : tail.end()].rstrip().endswith(","):
        name = re.match(
            r"[ \t]*([A-ZÀ-Ý][\w'’-]*(?:[ \t][A-ZÀ-Ý][\w'’-]*)?)[ \t]*[!.,]+", text[end:]
        )
        if name and not {w.lower() for w in name.group(1).split()} & (
            lang.not_names | lang.closings | lang.salutations
        ):
            end += name.end()
    return offset, end


# A word of the salutation's tail: a name or an @handle, or a slot standing for the
# name in a saved reply ("Hi {{first_name}},", "Bonjour [PRÉNOM],", "Hello <NAME>,").
# A period ends it ("Hi Max. We're sorry." greets Max only) unless it closes a title
# ("Dear Mr. Smith,", "Bonjour M. Dupont,").
_GREETING_TAIL = re.compile(
    r"(?:[ \t]+(?:(?:Mr|Mrs|Ms|Mx|Dr|Prof|M|Mme|Mmes|Mlle|Me|Pr)\.|[@＠]?[\w'’-]+(?:\.[\w'’-]+)*|\{\{[^{}\n]{1,40}\}\}|\{[^{}\n]{1,40}\}|\[[^\[\]\n]{1,40}\]"
    r"|<{1,2}[^<>\n]{1,40}>{1,2}|%[\w.]{1,40}%|\*\|[\w.]{1,40}\|\*)){0,4}?[ \t]*(?:[,!:.]+|\n|\Z)"
)


def _salutation_opening(lang: LanguageData) -> re.Pattern[str]:
    """The longest salutation a lower-cased text opens with, not followed by a letter,
    digit, apostrophe or hyphen ("hi" in "hi, tom", not in "high" or "hi-fi"): one
    regex instead of a test per salutation."""
    longest_first = sorted(lang.salutations, key=len, reverse=True)
    alternation = "|".join(re.escape(salutation) for salutation in longest_first)
    return re.compile(rf"(?:{alternation})(?![^\W_]|['’-])")


def _closing_opening(lang: LanguageData) -> re.Pattern[str]:
    """The longest closing a lower-cased line opens with, not followed by a letter or
    digit ("thanks" in "thanks, tom", not in "thanksgiving"): one regex instead of a
    test per closing. (`\\w` less "_" is exactly what `str.isalnum` accepts.)"""
    longest_first = sorted(lang.closings, key=len, reverse=True)
    alternation = "|".join(re.escape(closing) for closing in longest_first)
    return re.compile(rf"(?:{alternation})(?![^\W_])")


def _closing_prefix(line: str, lang: LanguageData) -> int:
    """Length of a closing ("Thanks," / "Best regards") at the start of `line`, or 0."""
    opening = derived(lang, "closing opening", _closing_opening, lang).match(line.lower())
    best = opening.end() if opening else 0
    if not best:
        return 0
    punct = re.match(r"[\s,!.:;-]*", line[best:])
    return best + (punct.end() if punct else 0)


def _find_signoff(text: str, body_start: int, lang: LanguageData) -> SignOff | None:
    end = _before_trailer(text, body_start, len(text.rstrip()))
    if end <= body_start:
        return None
    region = text[:end]

    # Both patterns end the text and hold at most one (initials) or six (dash, name
    # and affiliation) single spaces: they start within the last two or seven chunks.
    # Both start with a mark: a body without one (most) needs neither search.
    if _SIGNOFF_MARK.search(region, body_start):
        match = _INITIALS_END.search(region, _last_chunks_start(region, body_start, 2))
        if match:
            mark = match.group("mark") or match.group("glued")
            return SignOff(match.start(), end, match.start(), end, "initials", mark)
        match = _DASH_NAME_END.search(region, _last_chunks_start(region, body_start, 7))
        if match:
            return SignOff(
                match.start(), end, match.start("name"), end, "dash-name", match.group("name")
            )

    # A short last line: "Marie", "Tom from Acme", "The Acme Team", "Best,\nMarie".
    last_nl = region.rfind("\n", body_start)
    if last_nl != -1:
        line_start = last_nl + 1
        line = region[line_start:].strip()
        line_start = region.index(line, line_start) if line else line_start
        if _looks_like_signoff_line(line) and not _SENTENCE_BREAK.search(line):
            block_start = line_start
            closing_len = _closing_prefix(line, lang)
            name_start = line_start + closing_len
            # A closing above belongs to the block, with up to two short lines between:
            # "Best regards,\nMarie Dupont\nAcme Bank"; the name is then every line
            # after the closing.
            line_end = last_nl
            for _ in range(3):
                prev_nl = region.rfind("\n", body_start, line_end)
                prev_line = region[prev_nl + 1 : line_end].strip()
                if not prev_line:
                    break
                if _closing_prefix(prev_line, lang) >= len(prev_line.rstrip(",!. ")):
                    block_start = region.index(prev_line, prev_nl + 1)
                    if not closing_len:
                        name_start = line_end + 1 + _leading_space(region, line_end + 1)
                    break
                if prev_nl == -1 or not _looks_like_signoff_line(prev_line):
                    break
                line_end = prev_nl
            else:
                line_end = last_nl  # four short lines: a list, not a sign-off block
            if line_end < last_nl and not closing_len and block_start == line_start:
                # A paragraph of its own, name above team: "Becca\nAcme Support".
                top = line_end + 1 + _leading_space(region, line_end + 1)
                if not _LIST_ITEM.match(region, top):
                    block_start = name_start = top
            if closing_len >= len(line):
                kind = "closing"
                name_start = end
            else:
                kind = "line"
            return SignOff(block_start, end, name_start, end, kind, region[name_start:end])

    return _signoff_after_last_sentence(region, body_start, end, lang)


def _signoff_after_last_sentence(
    region: str, body_start: int, end: int, lang: LanguageData
) -> SignOff | None:
    """A sign-off on the same line as the last sentence: "…anything else. Thanks, Tom",
    "…today? Julien", "…the inconvenience. GA", "…add on.Thanks-Mi"."""
    line_start = max(region.rfind("\n", body_start), body_start - 1) + 1
    core = region[line_start:].rstrip(" .")  # "Rob B." keeps its closing period
    if not core.isascii():
        # A closing emoji after the name: "…today! ~ Jess 🙂".
        trimmed = _without_trailing_emoji(core)
        if trimmed != core and trimmed[-1:] not in ".!?…":
            end -= len(core) - len(trimmed)
            core = trimmed
    cut = max(core.rfind("."), core.rfind("!"), core.rfind("?"), core.rfind("…"))
    if "http" in core or "www." in core:
        # A link ends what it stands in: "…each class: https://help.example.com Sal".
        for link in _URL.finditer(core):
            cut = max(cut, link.end() - 1)
    if not core.isascii():
        # An emoji ends a sentence too: "…is on its way 😊 Aoife".
        cut = max(cut, _last_emoji(core, cut))
    if cut == -1:
        return None
    tail_start = line_start + cut + 1
    while tail_start < end and unicodedata.category(region[tail_start]) in _EMOJI_TAILS:
        tail_start += 1  # a variation selector, skin tone or joiner of the emoji
    tail_start += _leading_space(region, tail_start)
    tail = region[tail_start:end]
    if not tail:
        return None
    closing_len = _closing_prefix(tail, lang)
    if closing_len:
        name = tail[closing_len:].strip()
        # "Tom from Acme", "Jess du service client"
        if 0 < len(name.split()) <= 4 and name[:1].isupper() and not name.endswith("?"):
            return SignOff(tail_start, end, tail_start + closing_len, end, "line", name)
        return None
    # A bare name or initials: one or two words, each a capitalised name or capitals
    # (after a spaced mark: "~ Jess").
    words = tail.split()
    if len(words) > 1 and words[0] in _SPACED_MARKS:
        words = words[1:]
    if _names_team(words, lang):
        # "…via the app. The Acme Team", "… Service Clientèle Acme": the team's
        # sign-off (signature-present says it names no one; no rule reads it as text).
        return SignOff(tail_start, end, tail_start, end, "line", tail)
    if not 1 <= len(words) <= 2 or not all(_NAME_WORD.fullmatch(w) for w in words):
        return None
    if words[0].rstrip(".").lower() in lang.not_names | lang.closings | lang.salutations:
        return None
    return SignOff(tail_start, end, tail_start, end, "line", tail)


# How many words a team's sign-off may have ("The Acme Customer Care Team"), as many
# as signature-present reads after the last sentence.
_TEAM_SIGNOFF_WORDS = 5


def _names_team(words: list[str], lang: LanguageData) -> bool:
    """A team's sign-off: a few words, each capitalised, a team word or an article,
    one of them a team word that is no article ("The Acme Team", "le service client")."""
    if not 2 <= len(words) <= _TEAM_SIGNOFF_WORDS:
        return False
    lowers = [w.lower() for w in words]
    team, articles = lang.team_words, lang.articles
    if not any(w in team and w not in articles for w in lowers):
        return False
    return all(
        w[:1].isupper() or lower in team or lower in articles
        for w, lower in zip(words, lowers, strict=True)
    )


_SPACED_MARKS = frozenset({"~", "-", "–", "—", "/"})


def _without_trailing_emoji(text: str) -> str:
    """`text` without the emoji (and spaces) it ends with."""
    end = len(text)
    while end and (
        text[end - 1].isspace() or unicodedata.category(text[end - 1]) in _EMOJI_CATEGORIES
    ):
        end -= 1
    return text[:end]


_EMOJI_CATEGORIES = frozenset({"So", "Mn", "Sk", "Cf"})
# Characters that continue an emoji: variation selectors, skin tones, joiners.
_EMOJI_TAILS = frozenset({"Mn", "Sk", "Cf"})


def _last_emoji(text: str, floor: int) -> int:
    """Where the last emoji-like symbol of `text` after `floor` is (-1: none). No
    ASCII character is of category So: only the runs of other characters are read."""
    runs = [match.span() for match in _NON_ASCII_RUN.finditer(text, floor + 1)]
    for start, end in reversed(runs):
        for i in range(end - 1, start - 1, -1):
            if unicodedata.category(text[i]) == "So":
                return i
    return -1


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _last_chunks_start(text: str, floor: int, chunks: int) -> int:
    """Where the last `chunks` whitespace-separated chunks of `text` begin (not
    before `floor`). Only spaces and line breaks separate here, which can only make
    the chunks longer: the position is never after the true one.

    Read backwards with one regex on the reversed text: per chunk, the spaces after
    it (any whitespace), its last character (no whitespace) and the rest of it up to
    a space or line break (each step can match only one way: no backtracking)."""
    backwards = text[floor:][::-1]
    found = _chunks_backwards(chunks).match(backwards)
    if found is None:
        return floor  # fewer chunks than that after `floor`
    return floor + len(backwards) - found.end() + 1  # just after the last separator


@cache  # the sign-off search uses two counts
def _chunks_backwards(chunks: int) -> re.Pattern[str]:
    return re.compile(rf"(?:\s*\S[^ \n]*[ \n]){{{chunks}}}")


def _before_trailer(text: str, start: int, end: int) -> int:
    """Where the text ends once trailing part markers and links are set aside."""
    while end > start:
        word_start = (
            max(
                text.rfind(" ", start, end),
                text.rfind("\t", start, end),
                text.rfind("\n", start, end),
                text.rfind("\r", start, end),
            )
            + 1
        )
        if word_start <= start or not _TRAILER_WORD.fullmatch(text, word_start, end):
            return end
        end = len(text[:word_start].rstrip())
    return end


def _leading_space(text: str, start: int) -> int:
    return len(text[start:]) - len(text[start:].lstrip())


def _may_link(text: str) -> bool:
    """Can `_URL` match? (It needs "http" or "www." in any case.)"""
    lower = text.lower()
    return "http" in lower or "www." in lower


def _looks_like_signoff_line(line: str) -> bool:
    if not line or len(line) > _MAX_SIGNOFF_LINE_CHARS:
        return False
    if line.endswith(("?", ":")) or _URL.search(line):
        return False
    words = line.split()
    if len(words) > _MAX_SIGNOFF_LINE_WORDS:
        return False
    # A full sentence ends with a period and usually has a lower-case word in it;
    # "Marie D." or "Acme Support." do not.
    return not (line.endswith(".") and sum(w[:1].islower() for w in words) >= 2)


def find_signoff(text: str, lang: LanguageData) -> SignOff | None:
    """The sign-off `analyze` finds in `text`, read on the raw text without tokenizing."""
    mentions_end = _find_mentions_end(text)
    greeting = _find_greeting(text, mentions_end, lang)
    return _find_signoff(text, greeting[1] if greeting else mentions_end, lang)


def analyze(
    reply: Reply, language: str, model: str | None = None, lang: LanguageData | None = None
) -> Analysis:
    """Tokenize and split `reply` once; every rule reads the result. `lang` is the
    language's word lists (the engine passes plugin languages; built-ins by default)."""
    nlp = pipeline(language, model)
    text = reply.text
    doc = process(nlp, tokenizable(text))
    if lang is None:
        lang = language_data(language)
    mentions_end = _find_mentions_end(text)
    greeting = _find_greeting(text, mentions_end, lang)
    body_start = greeting[1] if greeting else mentions_end
    signoff = _find_signoff(text, body_start, lang)
    urls = tuple((m.start(), m.end()) for m in _URL.finditer(text)) if _may_link(text) else ()
    return Analysis(
        reply=reply,
        language=language,
        doc=doc,
        lang=lang,
        model=model,
        mentions_end=mentions_end,
        greeting=greeting,
        signoff=signoff,
        urls=urls,
    )
