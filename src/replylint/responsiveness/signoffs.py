"""A reply's sign-off read without building a spaCy doc.

The sign-off is found on the raw text (`text/analysis.py` splits mentions, greeting
and sign-off before and apart from tokenizing), so naming the agents of a million
replies does not need spaCy at all. This reads it with the same functions as
`analyze`, in the same order, so the agent is the one the signature-present rule
sees; `tests/responsiveness/test_agents.py` holds the two readings equal.
"""

from __future__ import annotations

from replylint.text import analysis
from replylint.text.analysis import SignOff
from replylint.text.language_data import LanguageData


def find_signoff(text: str, lang: LanguageData) -> SignOff | None:
    """`analyze(Reply(text), language).signoff`, without the spaCy doc."""
    # analysis.py keeps these helpers module-private; they are read here rather than
    # copied so that changes to sign-off detection reach the agent names too.
    mentions_end = analysis._find_mentions_end(text)
    greeting = analysis._find_greeting(text, mentions_end, lang)
    body_start = greeting[1] if greeting else mentions_end
    return analysis._find_signoff(text, body_start, lang)
