"""A contact the customer already made, named in a reply: "the email you used to reach
out to us", "l'adresse utilisée pour nous contacter". Such a contact verb tells the
customer to go nowhere (directness) and offers no channel (sensitive-in-private)."""

from __future__ import annotations

from collections.abc import Sequence

# The two words before a contact verb that make it one already made, by language.
_USED_FOR = frozenset({("used", "to"), ("utilisé", "pour"), ("utilisée", "pour")})


def already_made(before: Sequence[str]) -> bool:
    """Is a contact verb whose two lower-case words before it are `before` one the
    customer already made ("you used to reach out")?"""
    return tuple(before) in _USED_FOR
