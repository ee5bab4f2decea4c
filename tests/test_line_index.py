"""Report columns count UTF-16 units from the line start, in any lookup order."""

from __future__ import annotations

from replylint.model import LineIndex, utf16_length


def test_utf16_length_counts_astral_characters_twice_and_lone_surrogates_once() -> None:
    assert utf16_length("abc") == 3
    assert utf16_length("é😀") == 3  # é one unit, the emoji two
    assert utf16_length("a\ud800b") == 3  # a lone surrogate from a JSON escape: one unit


def test_columns_agree_whatever_order_the_offsets_come_in() -> None:
    # line 1: "😀a😀b" (code points 0-3), "\n" at 4; line 2: "x😀y" from offset 5
    index = LineIndex("😀a😀b\nx😀y")
    # By hand: offset 3 (before "b") is 2+1+2 = 5 units in, column 6.
    expected = {0: 1, 1: 3, 2: 4, 3: 6, 4: 7, 5: 1, 6: 2, 7: 4, 8: 5}
    for order in (sorted(expected), sorted(expected, reverse=True), [3, 1, 8, 2, 6, 0, 7, 4, 5]):
        assert {offset: index.utf16_column(offset) for offset in order} == expected
