"""Per-token lexeme flags for `directness`, read from word forms.

Every flag here is a flag of the token's lexeme, so a token and `vocab[orth]`
answer alike: the flags are worked out once per word form and vocabulary, and a
doc's tokens are read from its ORTH hashes, with no spaCy Token object per token.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from replylint.text.derived import derived
from replylint.text.token_arrays import token_orths

if TYPE_CHECKING:
    from spacy.lexeme import Lexeme
    from spacy.tokens import Doc

STOP = 1
TITLE = 2
UPPER = 4
LIKE_NUM = 8
LIKE_URL = 16
LIKE_EMAIL = 32

# Per vocabulary, word form (ORTH) -> its flags; bounded for a long-lived server.
_MAX_FORMS = 200_000


def _flags_of(lexeme: Lexeme) -> int:
    return (
        (STOP if lexeme.is_stop else 0)
        | (TITLE if lexeme.is_title else 0)
        | (UPPER if lexeme.is_upper else 0)
        | (LIKE_NUM if lexeme.like_num else 0)
        | (LIKE_URL if lexeme.like_url else 0)
        | (LIKE_EMAIL if lexeme.like_email else 0)
    )


def token_flags(doc: Doc) -> list[int]:
    """The flags (`STOP | TITLE | ...`) of every token of `doc`, by token index."""
    vocab = doc.vocab
    # Lexeme flags are a language's own: the answers are kept per vocabulary.
    known: dict[int, int] = derived(vocab, "directness token flags", dict)
    orths = token_orths(doc)
    flags = list(map(known.get, orths))  # in C
    if None in flags:  # new forms (None equals no int)
        if len(known) >= _MAX_FORMS:
            known.clear()
        for i, flag in enumerate(flags):
            if flag is None:
                orth = orths[i]
                found = known.get(orth)
                if found is None:
                    found = known[orth] = _flags_of(vocab[orth])
                flags[i] = found
    return flags  # type: ignore[return-value]
