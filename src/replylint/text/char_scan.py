"""Does a text hold one of a set of characters, found the cheapest way.

Most replies are ASCII, and Python knows which without reading them: in such a text
only the set's ASCII members can stand, and a substring test per member costs less
than `re` reading every character against a Unicode class. Other texts use the class.
"""

from __future__ import annotations

import re


def contains_any(text: str, ascii_members: str, pattern: re.Pattern[str]) -> bool:
    """Does `text` hold a character of `pattern` (a character class), whose ASCII
    members are `ascii_members`?"""
    if text.isascii():
        for char in ascii_members:  # noqa: SIM110 (`any` of a generator costs more)
            if char in text:
                return True
        return False
    return pattern.search(text) is not None
