"""A reply's language: from its text where that is clear, else from its context.

The order (docs/language.md): an explicit `language` always wins; else the text's
language where it is clear; else the incoming message's; else the reply's greeting
and sign-off words; else the configured default.

The text is read in up to three steps, cheapest first:

1. function words (`function_words.py`): decides nine replies in ten of the labeled
   corpus in a few microseconds;
2. a text long enough to tell that is not decided there may be in a language
   replylint does not support: the wide statistical detector, which knows a few such
   languages, is asked, and a clear answer in one of them is returned as such;
3. the narrow statistical detector (supported languages only), whose answer counts
   when its confidence reaches `CLEAR`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from replylint.text import statistical
from replylint.text.cues import cue_language
from replylint.text.function_words import count_function_words
from replylint.text.language_data import LanguageData, language_data

# Handles, links, sign-off initials and numbers carry no language and skew short texts.
# The pattern opens with a class of every alternative's first character, which lets the
# regex engine skip to the next such character instead of trying each alternative at
# every position; the look-behind after it picks the alternative that character opens.
_NOISE = re.compile(
    r"[hw@#^*/\d](?:(?<=h)ttps?://\S+|(?<=w)ww\.\S+|(?<=[@#])\w+|(?<=[\^*/])[A-Z]{1,4}\b"
    r"|(?<=\d)\d*)"
)
# The same in a text without "http" or "www." (most replies): its link alternatives
# never match there, and without them the regex engine no longer stops at every
# "h" and "w".
_NOISE_WITHOUT_LINKS = re.compile(r"[@#^*/\d](?:(?<=[@#])\w+|(?<=[\^*/])[A-Z]{1,4}\b|(?<=\d)\d*)")
# "– Marie" at the end: a name says nothing of the language and sways short texts.
_SIGN_OFF_NAME = re.compile(r"\s[–—-]+\s*[A-Z][^\W\d_]*(?:\s+[A-Z][^\W\d_]*)?\s*$")
# Latin letters beyond ASCII (with × and ÷, which the range holds too).
_LATIN_NON_ASCII = re.compile(r"[\u00c0-\u024f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_ASCII_LETTERS = bytes(range(ord("A"), ord("Z") + 1)) + bytes(range(ord("a"), ord("z") + 1))

# The narrow detector's confidence from which its answer is taken as clear.
CLEAR = 0.8
# Fewer letters than this (sign-off name aside) are too few for statistics: "OK".
MIN_LETTERS = 5
# A text with this many letters that the function words leave undecided is checked
# for an unsupported language even without a witness word (a text with one is
# checked whatever its length).
WIDE_MIN_LETTERS = 50
# The wide detector's confidence from which an unsupported language is reported.
WIDE_CLEAR = 0.6

Source = Literal["explicit", "text", "incoming", "cues", "default"]
# (text, languages) -> [(code, confidence)], most likely first: the narrow detector.
Scorer = Callable[[str, Sequence[str]], list[tuple[str, float]]]


@dataclass(frozen=True)
class Detection:
    """The language of a text, and whether replylint supports it."""

    language: str
    confidence: float
    supported: bool = True


@dataclass(frozen=True)
class LanguageChoice:
    """The language a reply is linted in, and where it came from.

    For a reply written in a language replylint does not support, `language` is that
    language (so only the language-independent rules run), `supported` is False and
    `fallback` is the language the context suggests (incoming message, greeting and
    sign-off, default), the one to write messages about the reply in.
    """

    language: str
    source: Source
    supported: bool = True
    fallback: str | None = None


def detect_language(
    text: str, languages: Sequence[str], *, scorer: Scorer | None = None
) -> Detection | None:
    """The language of `text` where it is clear, else None.

    `languages` are the supported ones; the answer is one of them, or a language
    replylint does not support with `supported=False`. `scorer` replaces the narrow
    statistical detector (the benchmark compares detectors with it).
    """
    cleaned = _without_noise(text)
    known, english_and_french = _distinct(tuple(languages))
    # The sign-off name is no word of the text: "-LO" is not Spanish "lo".
    unsigned = _SIGN_OFF_NAME.sub("", cleaned) if _has_dash(cleaned) else cleaned
    words = count_function_words(unsigned) if english_and_french else None
    decided = words.language() if words is not None else None
    if decided is not None and cleaned.isascii():
        # The letter tests below cannot stop it (most replies): every letter of an
        # ASCII text is a Latin one, and the function words that decided have some;
        # `known` holds English and French, so two languages.
        return _certain(decided)
    letters, latin = _letter_counts(cleaned)
    if letters == 0:
        return None
    if latin * 2 < letters:  # mostly another script: Cyrillic, Arabic, CJK, ...
        return _wide(cleaned, known, min_confidence=0.0)
    if len(known) == 1:
        return _certain(known[0])
    if decided is not None:
        return _certain(decided)
    if words is not None and (words.other or letters >= WIDE_MIN_LETTERS):
        found = _wide(cleaned, known, min_confidence=WIDE_CLEAR)
        # On a text of a few words the wide detector's guesses are loose: an
        # unsupported language counts only when some of its own words are there.
        if (
            found is not None
            and not found.supported
            and (letters >= WIDE_MIN_LETTERS or found.language in words.others)
        ):
            return found
    if words is not None and (decided := words.language(single=True)) is not None:
        return _certain(decided)
    if sum(map(str.isalpha, unsigned)) < MIN_LETTERS:
        return None
    scores = (scorer or statistical.confidences)(unsigned, known)
    if scores and scores[0][1] >= CLEAR:
        return Detection(scores[0][0], scores[0][1])
    return None


def _without_noise(text: str) -> str:
    """`text` with every `_NOISE` match made a space."""
    if "http" in text or "www." in text:
        return _NOISE.sub(" ", text)
    return _NOISE_WITHOUT_LINKS.sub(" ", text)


def _has_dash(text: str) -> bool:
    """Can `_SIGN_OFF_NAME` match? (It needs a dash; most replies have none.)"""
    return "-" in text or "–" in text or "—" in text


# Detections and choices are immutable: the few there are (per language and source)
# are made once, not once per reply. Keyed by detected or configured languages, and
# bounded all the same: a long-lived process may be handed many configurations.
_FEW = 64


@lru_cache(maxsize=_FEW)
def _certain(language: str) -> Detection:
    """The detection of a text decided by its function words (or the only language)."""
    return Detection(language, 1.0)


@lru_cache(maxsize=_FEW)
def _distinct(languages: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
    """`languages` without repeats, and whether English and French are among them."""
    known = tuple(dict.fromkeys(languages))
    return known, {"en", "fr"} <= set(known)


@lru_cache(maxsize=_FEW)
def _choice(language: str, source: Source) -> LanguageChoice:
    """A supported language chosen from `source`."""
    return LanguageChoice(language, source)


def _letter_counts(text: str) -> tuple[int, int]:
    """How many letters `text` has, and how many of them are Latin. ASCII letters
    are counted in C by deleting them from the text's bytes (in UTF-8 no other
    character has such a byte); only the few other characters are tested one by one."""
    raw = text.encode("utf-8", "surrogatepass")
    ascii_letters = len(raw) - len(raw.translate(None, _ASCII_LETTERS))
    if text.isascii():
        return ascii_letters, ascii_letters
    others = "".join(_NON_ASCII.findall(text))
    letters = ascii_letters + sum(map(str.isalpha, others))
    return letters, ascii_letters + len(_LATIN_NON_ASCII.findall(others))


def _wide(text: str, known: Sequence[str], min_confidence: float) -> Detection | None:
    scores = statistical.wide_confidences(text, known)
    if not scores or scores[0][1] == 0.0 or scores[0][1] < min_confidence:
        return None
    code, confidence = scores[0]
    return Detection(code, confidence, supported=code in known)


def choose_language(
    text: str,
    *,
    explicit: str | None,
    incoming: str | None,
    default: str,
    languages: Sequence[str],
    extra: Mapping[str, LanguageData] | None = None,
    scorer: Scorer | None = None,
) -> LanguageChoice:
    """The language to lint `text` in, in the order of the module docstring.

    `extra` is the plugin language data (for the greeting and sign-off words of
    plugin languages); `scorer` as for `detect_language`.
    """
    if explicit:
        return LanguageChoice(explicit, "explicit")  # any record's value: not kept
    found = detect_language(text, languages, scorer=scorer)
    if found is not None and found.supported:
        return _choice(found.language, "text")
    context = _from_context(text, incoming, default, languages, extra, scorer)
    if found is not None:
        return LanguageChoice(found.language, "text", supported=False, fallback=context.language)
    return context


def _from_context(
    text: str,
    incoming: str | None,
    default: str,
    languages: Sequence[str],
    extra: Mapping[str, LanguageData] | None,
    scorer: Scorer | None,
) -> LanguageChoice:
    if incoming:
        found = detect_language(incoming, languages, scorer=scorer)
        if found is not None and found.supported:
            return LanguageChoice(found.language, "incoming")
    cue = cue_language(text, [language_data(code, extra) for code in dict.fromkeys(languages)])
    if cue is not None:
        return LanguageChoice(cue, "cues")
    return LanguageChoice(default, "default")
