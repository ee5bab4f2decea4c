"""Per-language word lists the core analysis needs (salutations, closings, ...).

Built-in languages ship as `languages/<code>.toml`; a plugin adds a language by
returning `LanguageData` from the `replylint_languages` hook.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from replylint.tomlcompat import tomllib

BUILTIN_LANGUAGES = ("en", "fr")


@dataclass(frozen=True)
class LanguageData:
    code: str
    salutations: frozenset[str]
    closings: frozenset[str]
    reader_words: frozenset[str]
    team_words: frozenset[str]
    question_words: frozenset[str]
    # Capitalised words that open a sentence, never a name ("Thanks", "Merci", "Yes").
    not_names: frozenset[str] = frozenset()
    # Articles and other function words a team's name may hold ("The Acme Team",
    # "le service client"): they never make a sign-off a team's on their own.
    articles: frozenset[str] = frozenset()

    @classmethod
    def from_mapping(cls, code: str, data: dict[str, list[str]]) -> LanguageData:
        def words(key: str) -> frozenset[str]:
            return frozenset(w.lower() for w in data.get(key, []))

        return cls(
            code=code,
            salutations=words("salutations"),
            closings=words("closings"),
            reader_words=words("reader_words"),
            team_words=words("team_words"),
            question_words=words("question_words"),
            not_names=words("not_names"),
            articles=words("articles"),
        )


@cache
def builtin_language(code: str) -> LanguageData:
    source = resources.files("replylint.text") / "languages" / f"{code}.toml"
    return LanguageData.from_mapping(code, tomllib.loads(source.read_text("utf-8")))


def language_data(code: str, extra: Mapping[str, LanguageData] | None = None) -> LanguageData:
    """Data for `code`: built-in, else from `extra` (the plugin languages the engine
    loaded); unknown languages get empty lists (rules then do less)."""
    if code in BUILTIN_LANGUAGES:
        return builtin_language(code)
    found = (extra or {}).get(code)
    return found if found is not None else LanguageData.from_mapping(code, {})
