"""Language detection: langdetect, seeded and restricted to languages with rule data."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

# Handles, links and sign-off initials carry no language and skew short texts.
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|[\^*/][A-Z]{1,4}\b|\d+")
_MIN_LETTERS = 12
_MIN_WORDS = 3


@cache
def _factory(languages: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """A langdetect factory that knows only `languages`.

    Loading two profiles instead of 55 is faster to start and to run, and means
    the answer is always one we have rule data for.
    """
    from langdetect.detector_factory import DetectorFactory

    profiles = resources.files("langdetect") / "profiles"
    factory = DetectorFactory()
    factory.load_json_profile([(profiles / code).read_text("utf-8") for code in languages])
    factory.set_seed(0)
    return factory


def _clean(text: str) -> str:
    return _NOISE.sub(" ", text)


def detect_language(text: str, languages: Sequence[str]) -> tuple[str, float] | None:
    """The most likely of `languages` with its probability, or None if too short."""
    cleaned = _clean(text)
    letters = sum(ch.isalpha() for ch in cleaned)
    if letters < _MIN_LETTERS or len(cleaned.split()) < _MIN_WORDS:
        return None
    known = tuple(sorted(set(languages)))
    if len(known) == 1:
        return known[0], 1.0
    from langdetect.lang_detect_exception import LangDetectException

    factory = _factory(known)
    try:
        # Each detector has its own generator, seeded from the factory: thread-safe
        # and repeatable.
        detector = factory.create()
        detector.append(cleaned)
        best = detector.get_probabilities()[0]
    except LangDetectException:
        return None
    return best.lang, best.prob


def choose_language(
    text: str,
    *,
    explicit: str | None,
    incoming: str | None,
    default: str,
    languages: Sequence[str],
) -> str:
    """Explicit wins; else the text's language; else the incoming message's; else default."""
    if explicit:
        return explicit
    for candidate in (text, incoming):
        if candidate:
            found = detect_language(candidate, languages)
            if found is not None:
                return found[0]
    return default
