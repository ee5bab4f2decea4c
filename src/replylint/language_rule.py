"""`language`: the engine's own rule, reporting replies in a language replylint does
not support (docs/language.md).

It is not one of the seven built-in rules and has no check of its own: the engine
detects the language (`text/detect.py`) and emits the finding. It is a `Rule` so that
`replylint rules` lists it, `replylint explain language` documents it, and the
configuration can ignore it or change its severity like any other rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from replylint.model import Finding, Severity
from replylint.rule import Rule, RuleContext, RuleDocs
from replylint.text import statistical

if TYPE_CHECKING:
    from replylint.text.analysis import Analysis

NAME = "language"

# French names of the languages detection can name besides the supported ones.
_FRENCH_NAMES = {
    "de": "allemand",
    "es": "espagnol",
    "it": "italien",
    "pt": "portugais",
    "nl": "néerlandais",
    "ru": "russe",
    "uk": "ukrainien",
    "bg": "bulgare",
    "el": "grec",
    "ar": "arabe",
    "fa": "persan",
    "he": "hébreu",
    "hi": "hindi",
    "zh": "chinois",
    "ja": "japonais",
    "ko": "coréen",
    "th": "thaï",
}


def _no_check(analysis: Analysis, ctx: RuleContext) -> Iterable[Finding]:
    """The engine emits this rule's findings; there is nothing to check per rule."""
    return ()


LANGUAGE_RULE = Rule(
    name=NAME,
    check=_no_check,
    summary="Say when a reply is in a language replylint does not support.",
    default_severity=Severity.INFO,
    docs=RuleDocs(
        what=(
            "Reports a reply whose text is clearly in a language replylint has no rule "
            "data for (German, Spanish, Italian, Portuguese, Dutch, or another script). "
            "Such a reply is still linted, by the rules that need no word lists "
            "(placeholders, card numbers, links, length), and this finding says so."
        ),
        why=(
            "A pre-send check that approves what it could not read is worse than none: "
            "without it, a German reply would pass with no findings, as if checked."
        ),
        example="```\nHallo Sam, das Paket ist heute unterwegs. Viele Grüße, Marie\n```",
        use_instead=(
            "Write the reply in a supported language, or set `language` on the record "
            "when you know better than the detector (an explicit language always wins)."
        ),
        options=(
            'None. Turn it off with `ignore = ["language"]` or change its severity '
            'with `[rules.language] severity = "warning"`.'
        ),
    ),
    messages={
        "en": {
            "unsupported": (
                "{language} is not supported: only the language-independent checks ran."
            ),
        },
        "fr": {
            "unsupported": (
                "Langue non prise en charge ({language}) : seules les vérifications "
                "indépendantes de la langue ont été faites."
            ),
        },
    },
    url=None,  # no external page: its docs are served with the others
)


def unsupported_language_finding(
    language: str, message_language: str, severity: Severity, text: str
) -> Finding:
    """The finding for a reply written in `language`, worded in `message_language`."""
    name = (
        _FRENCH_NAMES.get(language, language)
        if message_language == "fr"
        else statistical.language_name(language)
    )
    ctx = RuleContext(LANGUAGE_RULE, severity, {}, message_language)
    return ctx.finding(0, len(text.rstrip()), ctx.message("unsupported", language=name))
