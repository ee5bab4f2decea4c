"""The statistical language detector: lingua-language-detector, loaded on first use.

lingua is built for short text (it scores character 1- to 5-grams) and ships its
models inside the wheel, so nothing is fetched at run time. Two detectors are kept,
each built once per set of languages and reused (lingua's detectors are thread-safe):

- the *narrow* one knows only the languages replylint has rule data for, so its
  answer is always one the rules can use. Its models (English and French: ~0.5 s
  to load, ~40 MB) are loaded when the first reply needs them, never at import, so
  `replylint --version` and replies the function words decide never pay for them.
- the *wide* one also knows a few languages replylint does not support (the
  witnesses), so that a German reply is called German instead of the nearest of
  English and French. It runs in lingua's low accuracy mode (trigrams only: ~0.1 s
  to load, a third of the time a reply) and only on texts long enough to tell.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

# Languages a support team writing English or French meets most; any other
# language is told apart from these by its script (see `WIDE_SCRIPTS`).
LATIN_WITNESSES = ("de", "es", "it", "pt", "nl")
# Languages of other scripts: lingua decides these by script first and loads their
# models only for a text written in that script.
SCRIPT_WITNESSES = ("ru", "uk", "bg", "el", "ar", "fa", "he", "hi", "zh", "ja", "ko", "th")
WITNESSES = LATIN_WITNESSES + SCRIPT_WITNESSES

_lock = threading.Lock()


@cache
def _lingua_language(code: str):  # type: ignore[no-untyped-def]
    """lingua's `Language` for an ISO 639-1 code, or None if lingua does not know it."""
    from lingua import IsoCode639_1, Language

    try:
        return Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
    except ValueError:
        return None


def knows(code: str) -> bool:
    """Whether the detector can answer `code`."""
    return _lingua_language(code) is not None


def language_name(code: str) -> str:
    """The English name of a language lingua knows ("de" -> "German"), else the code."""
    language = _lingua_language(code)
    return language.name.capitalize() if language is not None else code


@cache
def _detector(codes: tuple[str, ...], low_accuracy: bool) -> LanguageDetector:
    from lingua import LanguageDetectorBuilder

    languages = [lang for lang in map(_lingua_language, codes) if lang is not None]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


def _cached_detector(codes: tuple[str, ...], low_accuracy: bool) -> LanguageDetector:
    with _lock:  # one build per key even when several threads start at once
        return _detector(codes, low_accuracy)


def confidences(text: str, languages: Iterable[str]) -> list[tuple[str, float]]:
    """(code, confidence) for the `languages` lingua knows, most likely first; the
    confidences add up to 1, or are all 0 when the text has nothing to score."""
    codes = tuple(sorted({code for code in languages if knows(code)}))
    if len(codes) < 2:
        return [(code, 1.0) for code in codes]
    detector = _cached_detector(codes, low_accuracy=False)
    return _as_codes(detector.compute_language_confidence_values(text))


def wide_confidences(text: str, languages: Iterable[str]) -> list[tuple[str, float]]:
    """Like `confidences`, over `languages` and the witnesses, in low accuracy mode."""
    codes = tuple(sorted({code for code in (*languages, *WITNESSES) if knows(code)}))
    detector = _cached_detector(codes, low_accuracy=True)
    return _as_codes(detector.compute_language_confidence_values(text))


def _as_codes(values: Iterable[object]) -> list[tuple[str, float]]:
    return [
        (value.language.iso_code_639_1.name.lower(), value.value)  # type: ignore[attr-defined]
        for value in values
    ]
