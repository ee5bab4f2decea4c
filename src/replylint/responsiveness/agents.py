"""Who answered: the export's agent field, else the name the reply is signed with.

The sign-off is the one the analysis finds for the signature-present rule
(`Analysis.signoff`, read without spaCy by `find_signoff`): initials as brand accounts
sign ("^JK", "*ALA"), a dash and a name ("-Ben"), or a short last line ("Marie,
service client" gives "Marie"). A sign-off that only names the team or the brand
names no agent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from replylint.text.analysis import find_signoff
from replylint.text.detect import choose_language
from replylint.text.language_data import language_data

LANGUAGES = ("en", "fr")
_NAME_SEPARATOR = re.compile(r"\s*(?:[,\n|/]|\s[-–—·]\s|\s(?:from|of|at|de|du|chez|pour)\s)\s*")
_NAME = re.compile(r"[A-ZÀ-Ý][\w'’.-]*(?:\s[A-ZÀ-Ý][\w'’.-]*){0,2}")


def signed_agent(text: str, brand: str | None = None) -> str | None:
    """The agent a reply is signed by, or None when it names no person."""
    language = choose_language(
        text, explicit=None, incoming=None, default="en", languages=LANGUAGES
    ).language
    lang = language_data(language)
    signoff = find_signoff(text, lang)
    if signoff is None or signoff.kind == "closing":
        return None
    if signoff.kind == "initials":
        return re.sub(r"\s+", "", signoff.name)
    if signoff.kind == "dash-name":
        return "-" + signoff.name.strip()
    first = _NAME_SEPARATOR.split(signoff.name.strip(), maxsplit=1)[0].strip(" .!")
    if not _NAME.fullmatch(first):
        return None
    words = {w.lower() for w in first.split()}
    brand_words = {w.lower() for w in re.findall(r"\w+", brand or "")}
    if words & (lang.team_words | brand_words):
        return None  # "The Acme Team", "Acme Support"
    return first


def agents_by_text(replies: Iterable[tuple[str, str | None]]) -> dict[tuple[str, str | None], str]:
    """`signed_agent` for each distinct (text, brand), read once each."""
    found = {}
    for text, brand in set(replies):
        agent = signed_agent(text, brand)
        if agent is not None:
            found[(text, brand)] = agent
    return found
