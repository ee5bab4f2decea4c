"""What counts as a word (docs/rules/brevity.md): not punctuation, space, link,
@mention or emoji.

Every test reads only a token's form and its lexeme's flags, so a token and its
`Lexeme` (`vocab[orth]`) give the same answer: the flags of a doc's tokens are
worked out once per word form (`word_flags`), not once per token.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from replylint.text.derived import derived
from replylint.text.token_arrays import form_values, token_orths

if TYPE_CHECKING:
    from spacy.lexeme import Lexeme
    from spacy.tokens import Doc, Token
    from spacy.vocab import Vocab


def is_emoji(text: str) -> bool:
    if text.isascii():
        return False
    return bool(text) and all(
        unicodedata.category(ch) in ("So", "Sk", "Mn", "Cf") or ch in "\u200d\ufe0f" for ch in text
    )


def is_word(token: Token | Lexeme) -> bool:
    """A word for counting: not punctuation, space, URL, @mention or emoji (docs/rules/)."""
    text = token.text
    if text.isalpha():
        return True  # the common case; letters only cannot be any of the exclusions
    if token.is_punct or token.is_space or token.like_url or token.like_email:
        return False
    if text[0] in "@＠#" and len(text) > 1:
        return False
    if is_emoji(text):
        return False
    return any(ch.isalnum() for ch in text)


def is_content_word(token: Token | Lexeme) -> bool:
    """A word that says what a text is about: no stop word, number or short word
    (what `content_lemmas` keeps)."""
    return is_word(token) and not token.is_stop and not token.like_num and len(token.text) > 2


# Per vocabulary, word form (ORTH) -> its answer; bounded for a long-lived server.
_MAX_FORMS = 200_000
T = TypeVar("T")


def word_flags(tokens: Sequence[Token]) -> list[bool]:
    """`is_word` of each token, worked out once per word form."""
    return _form_flags(tokens, is_word)


def doc_word_flags(doc: Doc) -> list[bool]:
    """`is_word` of every token of `doc`, read from its word forms (no Token objects)."""
    return doc_values(doc, is_word)


def doc_values(
    doc: Doc, value_of: Callable[[Lexeme], T], start: int = 0, end: int | None = None
) -> list[T]:
    """`value_of(lexeme)` of the tokens `doc[start:end]`, worked out once per word
    form: from the annotator's form table when it left one, else by ORTH hash."""
    values = form_values(doc, value_of, start, end)
    if values is None:
        orths = token_orths(doc)
        if start or end is not None:
            orths = orths[start:end]
        values = orth_values(doc.vocab, orths, value_of)
    return values


def content_word_flags(tokens: Sequence[Token]) -> list[bool]:
    """`is_content_word` of each token, worked out once per word form."""
    return _form_flags(tokens, is_content_word)


def _form_flags(tokens: Sequence[Token], test: Callable[[Lexeme], bool]) -> list[bool]:
    if not tokens:
        return []
    return _orth_flags(tokens[0].vocab, [token.orth for token in tokens], test)


def _orth_flags(vocab: Vocab, orths: list[int], test: Callable[[Lexeme], bool]) -> list[bool]:
    return orth_values(vocab, orths, test)


def orth_values(vocab: Vocab, orths: list[int], value_of: Callable[[Lexeme], T]) -> list[T]:
    """`value_of(vocab[orth])` for each of `orths`, worked out once per word form: a
    lexeme's flags are the same for every token of that form. Kept per vocabulary
    (a language's own) and per function, and bounded for a long-lived server."""
    known: dict[int, T] = derived(vocab, ("form flags", value_of), dict)
    values = list(map(known.get, orths))  # in C
    if None in values:  # new forms (None equals no bool or int)
        if len(known) >= _MAX_FORMS:
            known.clear()
        for i, value in enumerate(values):
            if value is None:  # (the forms read before a clear keep their answer)
                orth = orths[i]
                found = known.get(orth)
                if found is None:
                    found = known[orth] = value_of(vocab[orth])
                values[i] = found
    return values  # type: ignore[return-value]
