"""Personal data in a text: emails, phone numbers, payment cards, IBANs, order /
account / tracking / case numbers, postal addresses and dates of birth.

Each detector favours precision: a card number must pass the Luhn check and look like
a card (a known issuer prefix or the word "card" nearby), an IBAN must pass its
checksum, a phone number must be a valid number for the region (phonenumbers), and an
order or account number needs its keyword ("order #4821", "numéro de commande 604337").
URLs, @handles and text written as code (between backticks) are never read as data.

A phone number, email or address the text gives as the brand's own ("call us at …",
"our store at …", a toll-free number) is marked `business`: the brand's contact, not
personal data. The words these detectors need (identifier keywords, street types,
the cues that tell the brand's contact from the customer's) are the `sensitive-in-private`
rule's data in `rules/sensitive-in-private.toml` (`DetectionWords`).
"""

from __future__ import annotations

import re
import string
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from replylint.rule import load_rule_data
from replylint.text.char_scan import contains_any

# Regions phone numbers are read in when they carry no country code.
DEFAULT_REGIONS: dict[str, tuple[str, ...]] = {"en": ("US", "GB"), "fr": ("FR",)}
_MIN_PHONE_DIGITS = 7
# A run of digits, spaces and phone punctuation that may hold a phone number.
_PHONE_CANDIDATE = re.compile(r"\+?\(?\d[\d \t().\-/]{5,24}\d")
_PHONE_CONTEXT = 8  # characters around a candidate ("tel:", "+", "ext. 12")
_MASK = "*"
_DIGIT = re.compile(r"\d")  # what the patterns below count as a digit
_DIGIT_RUN = re.compile(r"\d+")
_CARD_MIN_DIGITS = 13
_ASCII_CAPITALS = frozenset(string.ascii_uppercase)

_EMAIL = re.compile(
    r"(?<![\w.+%-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,24}\b"
)
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
# An @handle: "@" (or "＠") after no word character, "@" or "＠". The test on what
# stands before comes after the "@", so `re` looks for an "@" instead of trying every
# position; with no "＠" in the text the ASCII form is quicker still.
_HANDLE = re.compile(r"[@＠](?<![\w@＠][@＠])\w+")
_ASCII_HANDLE = re.compile(r"@(?<![\w@＠]@)\w+")
# 13-19 digits, optionally grouped by spaces or dashes ("4111 1111 1111 1111").
_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
# Issuer prefixes: Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro.
_CARD_ISSUER = re.compile(
    r"\A(?:4|5[1-5]|2[2-7]|3[47]|6011|64[4-9]|65|35|30[0-5]|36|38|62|5018|5020|5038|6304|67)"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")
# Standalone parcel numbers: UPU S10 ("XU240813808FR") and UPS ("1Z999AA10123456784").
_PARCEL = re.compile(r"\b(?:[A-Z]{2}\d{9}[A-Z]{2}|1Z[0-9A-Z]{16})\b")

# Words allowed between the keyword and the code: "order number: 4821", "n° de commande".
_FILLERS = (
    r"(?:numbers?|nos?\.?|nr\.?|nbr|#|n°|no°|num(?:éro|ero)?\.?|id|ids|code|is|was|:|"
    r"de|du|d'|est|le|ending\s+in|ending|se\s+terminant\s+par)"
)
# A number may be written in groups of digits: "compte 2994 118 203".
_CODE = r"(?P<code>[A-Za-z0-9][A-Za-z0-9-]{3,39}(?:[ \u00a0]\d{3,6}(?![\w*•])){0,4})(?![\w*•])"

# Address shapes per language, around that language's street types (`{streets}`):
# English "221B Baker Street, London SW1A", French "12 bis rue des Lilas, 75011 Paris".
_ADDRESS_SHAPES: dict[str, str] = {
    "en": (
        r"\b\d{1,5}[A-Za-z]?\s+(?:[NSEW]\.?\s+)?(?:[A-Z0-9][\w'.-]*\s+){1,3}(?i:{streets})\b\.?"
        r"(?:,?\s+(?i:apt|suite|unit|#)\.?\s*\w+)?"
        r"(?:,\s*[A-Z][\w'.-]*(?:\s[A-Z][\w'.-]*){0,2})?"
        r"(?:,?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?)?"
    ),
    "fr": (
        r"(?i:\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?:{streets})\s+[^\n,.;:!?]{2,50}"
        r"(?:,?\s+\d{5}\s+[A-ZÀ-Ý][\w'’-]+(?:[ -][A-ZÀ-Ý][\w'’-]+)*)?)"
    ),
}
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b")

_MONTHS = (
    r"jan(?:uary|vier)?|feb(?:ruary)?|févr(?:ier)?|fevr(?:ier)?|mar(?:ch|s)?|apr(?:il)?|avr(?:il)?|"
    r"may|mai|june?|juin|july?|juil(?:let)?|aug(?:ust)?|août|aout|sep(?:t(?:ember|embre)?)?|"
    r"oct(?:ober|obre)?|nov(?:ember|embre)?|dec(?:ember)?|déc(?:embre)?"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}(?:st|nd|rd|th|er)?\s+(?:" + _MONTHS + r")\.?\s+\d{4}"
    r"|(?:" + _MONTHS + r")\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"
)
_BIRTH_DATE = re.compile(
    r"\b(?:date\s+of\s+birth|d\.?o\.?b\.?|born(?:\s+on)?|birth\s*date|birthday|"
    r"date\s+de\s+naissance|né(?:e)?\s+le|naissance)"
    r"(?:\s*:|\s+(?:is|was|as|of|on|file|listed|recorded|est|le|du|au|:)){0,3}\s*:?\s*(?P<date>"
    + _DATE
    + r")",
    re.IGNORECASE,
)
# Every keyword of _BIRTH_DATE contains one of these (lower-cased): a quick pre-test.
_BIRTH_CUES = ("birth", "born", "dob", "d.o", "do.", "naissance", "né")


def _may_name_birth(lower_text: str) -> bool:
    return any(cue in lower_text for cue in _BIRTH_CUES)


# How far before a contact or address its cue may stand ("our store at", "call us on").
_CUE_WINDOW = 60
# A sentence ends at a line break, or at . ! ? before a capital ("Dept. at" goes on).
_SENTENCE_STOP = re.compile(r"\n|[.!?]+\s+(?=[A-ZÀ-Ý])")
_CUE_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# The phone number types only an organisation has (phonenumbers.PhoneNumberType):
# toll-free, premium-rate, shared-cost and universal access numbers.
_BRAND_NUMBER_TYPES = frozenset((3, 4, 5, 9))
_DATE_CODE = re.compile(r"\A(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{2,4})\Z")


@dataclass(frozen=True)
class PersonalData:
    start: int
    end: int
    kind: str  # email | phone | card | iban | identifier | parcel | address | birth_date
    text: str
    business: bool = False  # the brand's own contact ("our store at ...", "call us on ...")

    def masked(self) -> str:
        return mask(self.text, self.kind)


def mask(value: str, kind: str = "identifier") -> str:
    """The value with all but its last characters hidden ("***-***-2377", "j***@x.com")."""
    if kind == "email":
        local, _, domain = value.partition("@")
        return local[:1] + _MASK * 3 + "@" + domain
    if kind in ("address", "birth_date"):
        return "".join(_MASK if ch.isalnum() else ch for ch in value)
    alnum = sum(ch.isalnum() for ch in value)
    keep = 4 if alnum > 8 else 2
    hidden = alnum - keep
    result = []
    for ch in value:
        if ch.isalnum() and hidden > 0:
            result.append(_MASK)
            hidden -= 1
        else:
            result.append(ch)
    return "".join(result)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


@dataclass(frozen=True)
class DetectionWords:
    """The words the detectors need for one language (the rule's data lists).

    `identifier_keywords` name an identifier ("order", "dossier"); `street_words` the
    street types of each address shape; `brand_cues` / `customer_cues` tell whose a
    contact is ("our", "call us" / "your", "me"); `card_cues` make 13-19 digits a card.
    """

    identifier_keywords: tuple[str, ...]
    street_words: tuple[tuple[str, tuple[str, ...]], ...]  # (shape language, street types)
    brand_cues: frozenset[str]
    customer_cues: frozenset[str]
    card_cues: frozenset[str]
    future_words: frozenset[str] = frozenset()  # "your next order": no identifier yet
    # A mailbox named for a role, not a person ("support@", "returns@", "sav@"): the
    # brand's address whoever writes it.
    role_mailboxes: frozenset[str] = frozenset()
    # A reader pronoun as the object of a brand cue makes the contact theirs: "nous
    # avons essayé de vous joindre au 06 …" (not "pour nous joindre").
    reader_objects: frozenset[str] = frozenset()
    # "nous" before a verb not conjugated with it ("nous appeler", "nous joindre") is
    # the team as the object: a brand cue; before "-ons" ("nous avons") the subject.
    team_objects: frozenset[str] = frozenset()
    subject_verb_endings: tuple[str, ...] = ()

    @classmethod
    def from_rule_data(cls, data: Mapping[str, Mapping[str, Any]], language: str) -> DetectionWords:
        """The words for `language` from a rule's `[data.<lang>]` tables, English
        added as the fallback: replies mix in English identifiers ("order #")."""
        languages = tuple(dict.fromkeys(lang for lang in (language, "en") if lang in data))

        def joined(key: str) -> tuple[str, ...]:
            return tuple(
                dict.fromkeys(str(w).lower() for lang in languages for w in data[lang].get(key, ()))
            )

        # Every language's address shape is tried: a French reply may hold an English
        # address and the other way round; the reply's own language first.
        shapes = tuple(
            (lang, tuple(str(w).lower() for w in data[lang].get("street_words", ())))
            for lang in (*languages, *(lang for lang in data if lang not in languages))
            if lang in _ADDRESS_SHAPES
        )
        return cls(
            identifier_keywords=joined("identifier_keywords"),
            street_words=shapes,
            brand_cues=frozenset(joined("brand_cues")),
            customer_cues=frozenset(joined("customer_cues")),
            card_cues=frozenset(joined("card_cues")),
            future_words=frozenset(joined("future_words")),
            role_mailboxes=frozenset(joined("role_mailboxes")),
            reader_objects=frozenset(joined("reader_objects")),
            team_objects=frozenset(joined("team_objects")),
            subject_verb_endings=joined("subject_verb_endings"),
        )


@lru_cache(maxsize=8)
def default_words(language: str) -> DetectionWords:
    """The words of the shipped `sensitive-in-private` rule data."""
    return DetectionWords.from_rule_data(load_rule_data("sensitive-in-private")["data"], language)


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation of `words`, longest first, spaces matching any whitespace."""
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True)
    )


@lru_cache(maxsize=16)
def _identifier_pattern(keywords: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(
        r"(?<![\w-])(?:"
        + _alternatives(keywords)
        + r")s?(?![\w-])(?:\s*"
        + _FILLERS
        + r"){0,3}\s*[#:]?\s*"
        + _CODE,
        re.IGNORECASE,
    )


@lru_cache(maxsize=16)
def address_patterns(
    street_words: tuple[tuple[str, tuple[str, ...]], ...],
) -> tuple[re.Pattern[str], ...]:
    """One pattern per address shape, in the order given."""
    return tuple(
        re.compile(_ADDRESS_SHAPES[lang].replace("{streets}", _alternatives(streets)))
        for lang, streets in street_words
        if streets
    )


@lru_cache(maxsize=16)
def _card_cue_pattern(cues: frozenset[str]) -> re.Pattern[str] | None:
    return re.compile(rf"\b(?:{_alternatives(cues)})\b", re.IGNORECASE) if cues else None


_WORD_OR_HYPHENATED = re.compile(r"[\w-]+")


@lru_cache(maxsize=16)
def _identifier_first_words(keywords: tuple[str, ...]) -> frozenset[str]:
    """The first word of every identifier keyword, and its plural."""
    words = {k.split()[0].lower() for k in keywords}
    return frozenset(words | {w + "s" for w in words})


# What a lower-cased text holds where `re.IGNORECASE` would still match an ASCII
# letter: long s, dotless i, and the combining dot that "İ" lower-cases to.
_CASE_FOLD_EXTRAS = frozenset("\u017f\u0131\u0307")


def _may_name_identifier(lower_text: str, keywords: tuple[str, ...]) -> bool:
    """A quick pre-test for the identifier pattern: one of its keywords is in the text."""
    if not lower_text.isascii() and not _CASE_FOLD_EXTRAS.isdisjoint(lower_text):
        return True
    # The keyword stands alone between non-word characters (or hyphens).
    first_words = _identifier_first_words(keywords)
    return not first_words.isdisjoint(_WORD_OR_HYPHENATED.findall(lower_text))


_ASCII_DIGITS = re.compile(r"[0-9]+")
_CODE_CHARS = frozenset(string.ascii_letters + string.digits + "-")
_CODE_STRETCH = re.compile(r"[A-Za-z0-9-]*")


def _may_hold_code(text: str, skip: _Spans) -> bool:
    """A quick pre-test for identifiers: a code (`_CODE` that `_looks_like_code`)
    has 5 or more characters with digits, so some stretch of letters, digits and
    hyphens around a digit is that long, and not all within a span already claimed
    (an @handle "@115821" or a URL holds none)."""
    for run in _ASCII_DIGITS.finditer(text):
        start = run.start()
        while start > 0 and text[start - 1] in _CODE_CHARS:
            start -= 1
        end = _CODE_STRETCH.match(text, run.end()).end()  # type: ignore[union-attr]
        if end - start >= 5 and not skip.covers(start, end):
            return True
    # A number in groups ("2994 118 203") has no stretch that long.
    return any(not skip.covers(m.start(), m.end()) for m in _GROUPED_DIGITS.finditer(text))


_GROUPED_DIGITS = re.compile(r"\d{3,}[ \u00a0]\d{3,}")


def _looks_like_code(code: str) -> bool:
    digits = sum(map(str.isdigit, code))
    letters = sum(ch.isalpha() for ch in code)
    # "4821xx", "609448", "kwiku14346", "LJV0Y5SFRQ"; not "2017" alone or "iPhone".
    return (
        digits >= 5
        or (digits >= 4 and letters == 0 and len(code) >= 5)
        or (digits >= 2 and letters >= 2 and len(code) >= 6)
    )


class _Spans:
    """Non-overlapping spans, kept sorted so an overlap test is a bisection."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(spans):
            if not self.overlaps(start, end):
                self.add(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self._starts, end)  # spans starting before `end`
        return i > 0 and self._ends[i - 1] > start

    def covers(self, start: int, end: int) -> bool:
        """Does one span hold all of `start`-`end`?"""
        i = bisect_right(self._starts, start)  # spans starting at or before `start`
        return i > 0 and self._ends[i - 1] >= end

    def add(self, start: int, end: int) -> None:
        i = bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


def _phone_spans(text: str, regions: Iterable[str], taken: _Spans) -> list[tuple[int, int, bool]]:
    """Each phone number's span, and whether its type is one only an organisation has."""
    # phonenumbers is the slow part: it only reads the runs of digits long enough to
    # be a number, with a little context on each side.
    spans: list[tuple[int, int, bool]] = []
    regions = tuple(regions)
    for candidate in _PHONE_CANDIDATE.finditer(text):
        if sum(map(str.isdigit, candidate.group())) < _MIN_PHONE_DIGITS:
            continue
        offset = max(0, candidate.start() - _PHONE_CONTEXT)
        window = text[offset : candidate.end() + _PHONE_CONTEXT]
        for start, end, brand in _phone_numbers_in(window, regions):
            start, end = offset + start, offset + end
            if not taken.overlaps(start, end):
                taken.add(start, end)
                spans.append((start, end, brand))
    return spans


# A pure function of its arguments, so a bounded cache changes no result; it spares
# phonenumbers (~100-500 µs a window) when a text is read again: a language server
# re-reads a document's unchanged numbers on every edit.
@lru_cache(maxsize=1024)
def _phone_numbers_in(window: str, regions: tuple[str, ...]) -> tuple[tuple[int, int, bool], ...]:
    """Every valid number phonenumbers finds in `window`, region by region in order
    (overlaps included): its span and whether only an organisation has its type."""
    # Imported when first needed: ~20 ms that a run with no such number never pays.
    import phonenumbers

    return tuple(
        (match.start, match.end, phonenumbers.number_type(match.number) in _BRAND_NUMBER_TYPES)
        for region in regions
        for match in phonenumbers.PhoneNumberMatcher(
            window, region, leniency=phonenumbers.Leniency.VALID
        )
    )


def is_card_number(candidate: str, context: str = "", words: DetectionWords | None = None) -> bool:
    """A full payment card number: 13-19 digits, Luhn-valid, with an issuer prefix
    or a card word ("card", "visa", `card_cues`) in `context`."""
    digits = _digits(candidate)
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    # Imported when first needed: ~25 ms that a run with no such number never pays.
    from stdnum import luhn

    if not luhn.is_valid(digits):
        return False
    if _CARD_ISSUER.match(digits):
        return True
    cues = _card_cue_pattern((words or default_words("en")).card_cues)
    return cues is not None and bool(cues.search(context))


def _first_email_at(text: str) -> int:
    """Where the first "@" that follows a character of an email's local part stands
    (an @handle's does not), or -1: no email ends before it."""
    at = text.find("@")
    while at != -1:
        if at > 0 and text[at - 1] in _EMAIL_LOCAL_CHARS:
            return at
        at = text.find("@", at + 1)
    return -1


def _emails(text: str, at: int) -> Iterator[re.Match[str]]:
    """`_EMAIL.finditer(text)`, scanned only from 64 characters (the longest local
    part) before `at`, the text's `_first_email_at`."""
    return _EMAIL.finditer(text, max(0, at - 64)) if at != -1 else iter(())


_EMAIL_LOCAL_CHARS = frozenset(string.ascii_letters + string.digits + "._%+-")


def _has_digit(text: str) -> bool:
    """`_DIGIT.search(text) is not None` (in an ASCII text only 0-9 can stand)."""
    return contains_any(text, _DIGIT_CHARS, _DIGIT)


_DIGIT_CHARS = "0123456789"
_DIGIT_BYTES = _DIGIT_CHARS.encode("ascii")


def _digit_count(text: str) -> int:
    """`len(_DIGIT.findall(text))`; an ASCII text's digits are counted as the bytes
    that deleting 0-9 removes (in C, without a string per digit)."""
    if text.isascii():
        return len(text) - len(text.encode("ascii").translate(None, _DIGIT_BYTES))
    return len(_DIGIT.findall(text))


def find_card_numbers(text: str, words: DetectionWords | None = None) -> list[PersonalData]:
    # Most texts hold a few digits at most: counting them costs less than a `_Scan`.
    if _digit_count(text) < _CARD_MIN_DIGITS:
        return []
    return _card_numbers(_Scan(text), words or default_words("en"))


def _url_spans(text: str, lower: str) -> list[tuple[int, int]]:
    """The spans of `_URL.finditer(text)`; `lower` is `text.lower()`.

    `_URL` (case-blind, opening with a word boundary) makes `re` try every position
    of the text; in an ASCII text (lower-casing keeps every character's place) only
    where "http" or "www." stands in `lower` can a URL start, and the case-sensitive
    `_LOWER_URL` matched there on `lower` gives the same spans."""
    if "http" not in lower and "www." not in lower:
        return []
    if not text.isascii():
        return [m.span() for m in _URL.finditer(text)]
    spans: list[tuple[int, int]] = []
    at = 0
    while True:
        http, www = lower.find("http", at), lower.find("www.", at)
        if http == -1 and www == -1:
            return spans
        start = www if http == -1 or (www != -1 and www < http) else http
        found = _LOWER_URL.match(lower, start)
        if found is None:
            at = start + 1
        else:
            spans.append(found.span())
            at = found.end()


_LOWER_URL = re.compile(r"\b(?:https?://|www\.)\S+")


def _digit_outside_links(text: str, lower: str, urls: list[tuple[int, int]]) -> bool:
    """Does a digit stand outside the text's URLs (`urls`, its `_url_spans`) and
    @handles? ("@115821 Hi, see https://t.co/x8Fz" holds none.)

    With none, a text without an email holds no data: every other kind holds a
    digit, and `find_personal_data` reads no digit of a URL or handle. A digit run
    lies wholly inside a URL or handle or wholly outside (neither starts or ends
    next to a digit), and a handle in a URL is inside it: removing the URLs first
    leaves the handles outside them as they were. (The caller has seen a digit.)"""
    if urls:
        text = "".join(text[start:end] for start, end in _between(urls, len(text)))
    if "＠" in text:
        text = _HANDLE.sub("", text)
    elif "@" in text:
        text = _ASCII_HANDLE.sub("", text)
    return _has_digit(text)


def _between(spans: list[tuple[int, int]], length: int) -> Iterator[tuple[int, int]]:
    """The stretches of 0-`length` outside sorted, non-overlapping `spans`."""
    at = 0
    for start, end in spans:
        yield at, start
        at = end
    yield at, length


class _Scan:
    """One text with what the detectors' quick pre-tests need, worked out once.

    Python's `re` tries every position of the text for patterns that open with a
    word boundary or a lookbehind, so each detector first checks that the text can
    hold what it looks for (digits, "@", a cue word), and patterns that start at a
    run of digits (or a letter or two before one) are tried only there.
    """

    def __init__(self, text: str, lower: str | None = None) -> None:
        self.text = text
        if lower is not None:
            self.lower = lower  # spares the cached property's work
        spans = [run.span() for run in _DIGIT_RUN.finditer(text)]
        self.run_starts: list[int] = [start for start, _ in spans]  # where each run begins
        self.run_ends: list[int] = [end for _, end in spans]
        self.digits = sum(self.run_ends) - sum(self.run_starts)

    @cached_property
    def lower(self) -> str:
        return self.text.lower()

    def digit_led(self, pattern: re.Pattern[str], back: int) -> Iterator[re.Match[str]]:
        """What `pattern.finditer(text)` finds, for a pattern whose matches all start
        0 to `back` characters before a run of digits. `match` at a position still
        sees the text before it (word boundaries, lookbehinds)."""
        return self._matched_before(self.run_starts, pattern, back)

    def capital_led(self, pattern: re.Pattern[str], back: int) -> Iterator[re.Match[str]]:
        """`digit_led` for a pattern whose matches all open with 1 to `back` ASCII
        capitals right before a run of digits ("GB29 …", "SW1A 1AA"): only the runs
        after a capital are tried (the others hold no match)."""
        text = self.text
        runs = [run for run in self.run_starts if run and text[run - 1] in _ASCII_CAPITALS]
        return self._matched_before(runs, pattern, back)

    def _matched_before(
        self, runs: list[int], pattern: re.Pattern[str], back: int
    ) -> Iterator[re.Match[str]]:
        """The first match of `pattern` starting 0 to `back` characters before each of
        `runs` (after the previous match's end), in text order."""
        text, end = self.text, 0
        for run in runs:
            for start in range(max(end, run - back), run + 1):
                found = pattern.match(text, start)
                if found is not None:
                    yield found
                    end = found.end()
                    break

    def from_first(self, pattern: re.Pattern[str], marks: str) -> Iterator[re.Match[str]]:
        """`pattern.finditer(text)` for a pattern whose matches start with one of
        `marks`: the scan starts at the first of them."""
        positions = [p for p in (self.text.find(mark) for mark in marks) if p != -1]
        return pattern.finditer(self.text, min(positions)) if positions else iter(())


def _card_numbers(scan: _Scan, words: DetectionWords) -> list[PersonalData]:
    if scan.digits < _CARD_MIN_DIGITS:
        return []  # no room for a card number
    text = scan.text
    return [
        PersonalData(m.start(), m.end(), "card", m.group())
        for m in scan.digit_led(_CARD, 0)
        if is_card_number(m.group(), text[max(0, m.start() - 30) : m.start()], words)
    ]


# Text written as code ("`Signed-off-by: Name <you@example.com>`") is literal, not data.
_CODE_SPAN = re.compile(r"`[^`\n]+`")


def find_personal_data(
    text: str,
    language: str,
    *,
    regions: Iterable[str] | None = None,
    public_contacts: Iterable[str] = (),
    words: DetectionWords | None = None,
) -> list[PersonalData]:
    """Personal data in `text`, in text order, without overlaps.

    `public_contacts` are the brand's own public phone numbers, emails or addresses:
    never reported. Contacts the text gives as the brand's own come back `business`.
    `words` defaults to the shipped rule data for `language`.
    """
    # Every kind but email needs digits, and an email needs "@" after a character of
    # its local part (most "@" open a handle).
    email_at = _first_email_at(text)
    if email_at == -1 and not _has_digit(text):
        return []
    lower = text.lower()
    urls = _url_spans(text, lower)
    if email_at == -1 and not _digit_outside_links(text, lower, urls):
        return []
    words = words or default_words(language)
    scan = _Scan(text, lower)
    digits = scan.digits
    # URLs, @handles and code are never data; the first detector to claim a span keeps it.
    skip = _Spans(urls)
    for m in scan.from_first(_HANDLE if "＠" in text else _ASCII_HANDLE, "@＠"):
        if not skip.overlaps(m.start(), m.end()):
            skip.add(m.start(), m.end())
    for m in scan.from_first(_CODE_SPAN, "`"):
        if not skip.overlaps(m.start(), m.end()):
            skip.add(m.start(), m.end())
    found: list[PersonalData] = []

    def add(item: PersonalData) -> None:
        if not skip.overlaps(item.start, item.end):
            skip.add(item.start, item.end)
            found.append(item)

    def contact(start: int, end: int, kind: str) -> None:
        add(PersonalData(start, end, kind, text[start:end], _brand_cue_before(text, start, words)))

    for m in _emails(text, email_at):
        if _is_role_mailbox(m.group(), words.role_mailboxes):
            add(PersonalData(m.start(), m.end(), "email", m.group(), True))
        else:
            contact(m.start(), m.end(), "email")
    # Every other kind holds a digit: with each digit in a span already claimed (an
    # @handle "@115821", a URL, code, an email), none of them can be found.
    if all(skip.covers(*run) for run in zip(scan.run_starts, scan.run_ends, strict=True)):
        return _not_public(found, public_contacts)
    for item in _card_numbers(scan, words):
        add(item)
    if digits >= 2:
        for m in scan.capital_led(_IBAN, 2):
            from stdnum import iban

            if iban.is_valid(m.group()):
                add(PersonalData(m.start(), m.end(), "iban", m.group()))
        for m in _BIRTH_DATE.finditer(text) if _may_name_birth(scan.lower) else ():
            add(PersonalData(m.start("date"), m.end("date"), "birth_date", m.group("date")))
        keywords = words.identifier_keywords
        if keywords and _may_hold_code(text, skip) and _may_name_identifier(scan.lower, keywords):
            for m in _identifier_pattern(keywords).finditer(text):
                code = m.group("code").rstrip("-")
                if (
                    _looks_like_code(code)
                    and not _DATE_CODE.match(code)
                    and not _names_future_record(text, m.start(), words.future_words)
                ):
                    start = m.start("code")
                    add(PersonalData(start, start + len(code), "identifier", code))
    if digits >= 9 or "1Z" in text:
        for m in scan.digit_led(_PARCEL, 2):
            add(PersonalData(m.start(), m.end(), "parcel", m.group()))
    for pattern in address_patterns(words.street_words):
        for m in scan.digit_led(pattern, 0):
            contact(m.start(), m.start() + len(m.group().rstrip()), "address")
    if language == "en" and digits >= 2:
        for m in scan.capital_led(_UK_POSTCODE, 2):
            contact(m.start(), m.end(), "address")
    if digits >= _MIN_PHONE_DIGITS:
        for start, end, brand in _phone_spans(
            text, regions or DEFAULT_REGIONS.get(language, ("US",)), skip
        ):
            # Already claimed in `skip` by `_phone_spans`.
            brand = brand or _brand_cue_before(text, start, words)
            found.append(PersonalData(start, end, "phone", text[start:end], brand))

    return _not_public(found, public_contacts)


_LAST_WORD = re.compile(r"([\w'-]+)\W*\Z")


def _names_future_record(text: str, keyword_start: int, future_words: frozenset[str]) -> bool:
    """The keyword names a record that does not exist yet ("a code for your next
    order: SAVE20", "votre prochaine commande"): the code after it is not its number."""
    if not future_words:
        return False
    before = _LAST_WORD.search(text, max(0, keyword_start - 24), keyword_start)
    return before is not None and before.group(1).lower() in future_words


def _not_public(
    found: Iterable[PersonalData], public_contacts: Iterable[str]
) -> list[PersonalData]:
    """`found` without the brand's `public_contacts`, in text order."""
    public = _public_keys(tuple(public_contacts))
    return sorted((f for f in found if not _is_public(f, public)), key=lambda f: f.start)


_LOCAL_PARTS = re.compile(r"[._+\-]")


def _is_role_mailbox(email: str, roles: frozenset[str]) -> bool:
    """Does the address's local part open on a role ("support@…", "customer.care@…",
    "sav-paris@…") rather than a person's name?"""
    local = email.split("@", 1)[0].lower()
    return local in roles or _LOCAL_PARTS.split(local, 1)[0] in roles


def _brand_cue_before(text: str, start: int, words: DetectionWords) -> bool:
    """Is the contact at `start` given as the brand's own? The cue word nearest before
    it, in the same sentence, decides: "call us on", "our store at" are the brand's;
    "call me on", "your address" the customer's."""
    window = text[max(0, start - _CUE_WINDOW) : start]
    stops = list(_SENTENCE_STOP.finditer(window))
    if stops:
        window = window[stops[-1].end() :]
    cue_words = _CUE_WORD.findall(window.lower())
    for index in range(len(cue_words) - 1, -1, -1):
        word = cue_words[index]
        # "contactez-nous" may be a cue as a whole; else its parts, last first
        # ("appelez-moi" is the customer's "moi").
        for part in (word, *reversed(word.split("-"))) if "-" in word else (word,):
            if part in words.customer_cues:
                # "notre service client au …": a customer word naming the brand's
                # service ("service client", "espace client") is the brand's; a
                # pronoun after the team ("nous vous rappellerons au …") is not.
                return (
                    index > 0
                    and cue_words[index - 1] in words.brand_cues
                    and part not in words.reader_objects
                )
            if part in words.brand_cues:
                return not (index > 0 and cue_words[index - 1] in words.reader_objects)
            if part in words.team_objects and index + 1 < len(cue_words):
                # "nous appeler au …" (the team called); "nous avons livré au …" (the
                # team acting: the address is the customer's).
                return not cue_words[index + 1].endswith(words.subject_verb_endings)
    return False


@lru_cache(maxsize=32)
def _public_keys(contacts: tuple[str, ...]) -> frozenset[str]:
    keys = set()
    for contact in contacts:
        contact = contact.strip().lower()
        if not contact:
            continue
        keys.add(contact)
        digits = _digits(contact)
        if len(digits) >= _MIN_PHONE_DIGITS and "@" not in contact:
            keys.add("tel:" + digits[-9:])  # the national part, whatever the prefix
    return frozenset(keys)


def _is_public(item: PersonalData, public: frozenset[str]) -> bool:
    if not public:
        return False
    value = item.text.strip().lower()
    if value in public:
        return True
    digits = _digits(value)
    return (
        item.kind == "phone" and len(digits) >= _MIN_PHONE_DIGITS and "tel:" + digits[-9:] in public
    )
