"""spaCy pipelines: blank tokenizer + sentencizer + lookup lemmas, cached per language.

No statistical model is needed, so nothing is downloaded and every rule runs the
same everywhere. A statistical pipeline (e.g. `fr_core_news_sm`) is used only when
the configuration names it and it is installed.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

_lock = threading.Lock()
_pipelines: dict[tuple[str, str | None], Language] = {}


@cache
def _lemma_table(lang: str) -> dict[str, str]:
    from spacy.lookups import load_lookups

    try:
        lookups = load_lookups(lang, ["lemma_lookup"], strict=False)
    except Exception:  # spacy-lookups-data has no table for this language
        return {}
    if "lemma_lookup" not in lookups:
        return {}
    return dict(lookups.get_table("lemma_lookup").items())


def _register_lemmatizer() -> None:
    from spacy.language import Language

    if "replylint_lemmas" in Language.factories:
        return

    @Language.factory("replylint_lemmas")
    def make_lemmatizer(nlp: Language, name: str):  # type: ignore[no-untyped-def]
        table = _lemma_table(nlp.lang)

        def lemmatize(doc: Doc) -> Doc:
            # spaCy's lookup mode is case-sensitive, so "Apologize" at the start of a
            # sentence would keep its form; look up the lower-case form as well.
            for token in doc:
                lower = token.lower_
                token.lemma_ = table.get(lower) or table.get(token.text, lower).lower()
            return doc

        return lemmatize


def _build(lang: str, model: str | None) -> Language:
    import spacy

    if model:
        try:
            nlp = spacy.load(model)
            if "senter" not in nlp.pipe_names and "parser" not in nlp.pipe_names:
                nlp.add_pipe("sentencizer", first=True)
            return nlp
        except OSError:
            pass  # not installed: the default pipeline still works for every rule
    _register_lemmatizer()
    try:
        nlp = spacy.blank(lang)
    except ImportError:
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("replylint_lemmas")
    return nlp


def pipeline(lang: str, model: str | None = None) -> Language:
    """The shared pipeline for `lang` (built on first use, then cached)."""
    key = (lang, model)
    nlp = _pipelines.get(key)
    if nlp is None:
        with _lock:
            nlp = _pipelines.get(key)
            if nlp is None:
                nlp = _pipelines[key] = _build(lang, model)
    return nlp
