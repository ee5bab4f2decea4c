"""A finding keeps only its line's neighbourhood, however long the line."""

from __future__ import annotations

from replylint.check.checker import SOURCE_CONTEXT, source_window


def test_a_short_line_is_kept_whole_with_the_span_bounds() -> None:
    text = "Hello there.\r\nDear valued customer, thanks.\nBye"
    # "valued" starts at 14 + 5 = 19 in the text, 5 in its line
    assert source_window(text, 19, 25) == ("Dear valued customer, thanks.", 5, 11)


def test_a_span_deep_in_a_long_line_is_cut_on_both_sides() -> None:
    line = "x" * 1_000_000
    text = line[:500_000] + "kindly" + line[500_006:]
    excerpt, first, last = source_window(text, 500_000, 500_006)
    assert excerpt == "…" + "x" * SOURCE_CONTEXT + "kindly" + "x" * SOURCE_CONTEXT + "…"
    assert (first, last) == (1 + SOURCE_CONTEXT, 1 + SOURCE_CONTEXT + 6)


def test_a_span_running_past_its_line_is_marked_to_the_line_end() -> None:
    assert source_window("ab cd\nef", 3, 8) == ("ab cd", 3, 5)
