"""Per-doc lists of token attributes, built once with one `Doc.to_array` call.

`doc[i].lower_` builds a new Token object on every call; rules that look at
neighbouring tokens many times per reply read these lists instead. They are
kept in `doc.user_data`, so they live exactly as long as the doc.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from spacy.lexeme import Lexeme
    from spacy.tokens import Doc

T = TypeVar("T")

_LOWERS_KEY = "replylint.token_lowers"


# LOWER hash -> its string, shared by all docs: a dict lookup costs less than a
# StringStore lookup (which decodes the string each time).
_LOWER_OF_HASH: dict[int, str] = {}


_MAX_REMEMBERED = 500_000


def _remember(doc: Doc, lower_hash: int) -> str:
    if len(_LOWER_OF_HASH) >= _MAX_REMEMBERED:  # a long-lived server: stay bounded
        _LOWER_OF_HASH.clear()
    lower = _LOWER_OF_HASH[lower_hash] = doc.vocab.strings[lower_hash]
    return lower  # type: ignore[no-any-return]


def token_lowers(doc: Doc) -> list[str]:
    """The lower-case form of every token."""
    lowers = doc.user_data.get(_LOWERS_KEY)
    if lowers is None:
        from spacy.attrs import LOWER

        known = _LOWER_OF_HASH
        hashes = doc.to_array(LOWER).tolist()
        lowers = [known.get(h) or _remember(doc, h) for h in hashes]
        doc.user_data[_LOWERS_KEY] = lowers
    return lowers  # type: ignore[no-any-return]


def remember_lowers(doc: Doc, lowers: list[str]) -> None:
    """Keep `lowers` as the doc's lower-case forms (`token_lowers`): the annotator
    looks up every token's form anyway and hands them over, which spares the
    `to_array` call and the per-token lookups here."""
    doc.user_data[_LOWERS_KEY] = lowers


_ORTHS_KEY = "replylint.token_orths"


def token_orths(doc: Doc) -> list[int]:
    """The ORTH hash (word form) of every token (few docs need them: made on demand,
    from the annotator's form numbers when it left them)."""
    user_data = doc.user_data
    orths = user_data.get(_ORTHS_KEY)
    if orths is None:
        numbers = user_data.get(_FORM_NUMBERS_KEY)
        if numbers is not None:
            forms: PerFormValues = user_data[_FORM_TABLE_KEY]
            orths = list(map(forms.orths.__getitem__, numbers))  # in C
        else:
            from spacy.attrs import ORTH

            orths = doc.to_array(ORTH).tolist()
        user_data[_ORTHS_KEY] = orths
    return orths  # type: ignore[no-any-return]


_BOUNDS_KEY = "replylint.token_bounds"
_OFFSETS_KEY = "replylint.token_offsets"


def token_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """Where every token starts and ends (character offsets), read in one call:
    a match's offsets from these cost no Token objects."""
    bounds = doc.user_data.get(_BOUNDS_KEY)
    if bounds is None:
        # Offsets the annotator read with the word forms (`remember_offsets`), else
        # read now: columns IDX and LENGTH.
        array = doc.user_data.get(_OFFSETS_KEY)
        if array is None:
            from spacy.attrs import IDX, LENGTH

            array = doc.to_array([IDX, LENGTH])
        starts = array[:, 0]
        bounds = doc.user_data[_BOUNDS_KEY] = (starts.tolist(), (starts + array[:, 1]).tolist())
    return bounds  # type: ignore[no-any-return]


def remember_offsets(doc: Doc, idx_and_length: Any) -> None:
    """Keep the doc's IDX and LENGTH columns (a numpy array, one row per token) for
    `token_bounds`: the annotator reads them in the same `to_array` call as the
    word forms, which costs no more than the forms alone."""
    doc.user_data[_OFFSETS_KEY] = idx_and_length


class PerFormValues(Protocol):
    """Values worked out once per word form, by form number (the annotator's table)."""

    orths: list[int]  # form number -> ORTH hash

    def values(self, value_of: Callable[[Lexeme], T]) -> list[T]: ...


_FORM_NUMBERS_KEY = "replylint.form_numbers"
_FORM_TABLE_KEY = "replylint.form_table"


def remember_form_numbers(doc: Doc, numbers: list[int], forms: PerFormValues) -> None:
    """Keep the form number of every token of `doc` and the table they index: a
    per-form value of every token is then one `map` in C (`form_values`)."""
    user_data = doc.user_data  # (two entries, not a tuple: no new object to collect)
    user_data[_FORM_NUMBERS_KEY] = numbers
    user_data[_FORM_TABLE_KEY] = forms


def form_values(
    doc: Doc, value_of: Callable[[Lexeme], T], start: int = 0, end: int | None = None
) -> list[T] | None:
    """`value_of(lexeme)` of the tokens `doc[start:end]` read from the per-form table
    the annotator left (`remember_form_numbers`), or None when there is none (a
    statistical pipeline's doc)."""
    user_data = doc.user_data
    numbers = user_data.get(_FORM_NUMBERS_KEY)
    if numbers is None:
        return None
    forms: PerFormValues = user_data[_FORM_TABLE_KEY]
    if start or end is not None:
        numbers = numbers[start:end]
    return list(map(forms.values(value_of).__getitem__, numbers))
