"""Personal data as reports show it: masked, all but its last four characters.

Reports end up in CI logs, SARIF uploads and pull-request annotations, which are
often public. A finding whose span is a customer's personal data says so
(`Finding.personal_data`); `check` masks those spans once, in the text it cuts
every excerpt and source line from (`checker.Linted.from_result`), so no report
format can show them in the clear. Masking keeps the length, so columns and
underlines still line up.
"""

from __future__ import annotations

from collections.abc import Iterable

MASK = "*"
KEEP = 4  # characters left readable at the end, enough to tell two numbers apart


def redact(value: str) -> str:
    """`value` with every letter and digit but the last four replaced by `*`
    ("+33 6 12 34 56 78" -> "+** * ** ** 56 78"); punctuation and spaces stay."""
    visible = 0
    out = []
    for char in reversed(value):
        if char.isalnum() and visible >= KEEP:
            out.append(MASK)
        else:
            visible += char.isalnum()
            out.append(char)
    return "".join(reversed(out))


def redact_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with each `(start, end)` span redacted; same length as `text`."""
    spans = sorted(spans)
    if not spans:
        return text
    pieces = []
    done = 0
    for start, end in spans:
        start = max(start, done)
        if end <= start:
            continue
        pieces.append(text[done:start])
        pieces.append(redact(text[start:end]))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)
