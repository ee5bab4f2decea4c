"""Per-token lexeme flags for `directness`, read from word forms.

Every flag here is a flag of the token's lexeme, so a token and `vocab[orth]`
answer alike: the flags are worked out once per word form and vocabulary, and a
doc's tokens are read from its ORTH hashes, with no spaCy Token object per token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from replylint.text.derived import derived
from replylint.text.words import doc_values

if TYPE_CHECKING:
    from spacy.lexeme import Lexeme
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

STOP = 1
TITLE = 2
UPPER = 4
LIKE_NUM = 8
LIKE_URL = 16
LIKE_EMAIL = 32


def _flags_of(lexeme: Lexeme) -> int:
    return (
        (STOP if lexeme.is_stop else 0)
        | (TITLE if lexeme.is_title else 0)
        | (UPPER if lexeme.is_upper else 0)
        | (LIKE_NUM if lexeme.like_num else 0)
        | (LIKE_URL if lexeme.like_url else 0)
        | (LIKE_EMAIL if lexeme.like_email else 0)
    )


def email_needs_at(doc: Doc) -> bool:
    """Does LIKE_EMAIL need an "@" in the token? It does when the vocabulary reads
    it with spaCy's own test (`like_email`, a pattern around an "@")."""
    return derived(doc.vocab, "e-mail needs @", _reads_like_email_by_spacy, doc.vocab)


def _reads_like_email_by_spacy(vocab: Vocab) -> bool:
    from spacy.attrs import LIKE_EMAIL as SPACY_LIKE_EMAIL
    from spacy.lang.lex_attrs import like_email

    getters: dict[int, object] = vocab.lex_attr_getters  # type: ignore[attr-defined]
    return getters.get(SPACY_LIKE_EMAIL) is like_email


def token_flags(doc: Doc, start: int = 0, end: int | None = None) -> list[int]:
    """The flags (`STOP | TITLE | ...`) of the tokens `doc[start:end]`, in order."""
    return doc_values(doc, _flags_of, start, end)
