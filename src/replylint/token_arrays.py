"""Per-doc lists of token attributes, built once with one `Doc.to_array` call.

`doc[i].lower_` builds a new Token object on every call; rules that look at
neighbouring tokens many times per reply read these lists instead. They are
kept in `doc.user_data`, so they live exactly as long as the doc.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

_LOWERS_KEY = "replylint.token_lowers"


def token_lowers(doc: Doc) -> list[str]:
    """The lower-case form of every token."""
    lowers = doc.user_data.get(_LOWERS_KEY)
    if lowers is None:
        from spacy.attrs import LOWER

        strings = doc.vocab.strings
        lowers = [strings[h] for h in doc.to_array(LOWER).tolist()]
        doc.user_data[_LOWERS_KEY] = lowers
    return lowers  # type: ignore[no-any-return]
