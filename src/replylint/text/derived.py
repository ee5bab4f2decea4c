"""Values derived from a long-lived object, computed once per object.

Rules ask on every reply for things derived from tables that live as long as the
process (a rule's data for a language, a settings table, a pipeline): a joined
phrase list, a compiled phrase table, a lower-cased word set. Such tables are
dicts, so they cannot be keys themselves; they are looked up by id, with the
table kept in the entry so its id is never reused while the entry exists.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

# Settings made per request (the HTTP service) bring new tables: stay bounded.
_MAX_ENTRIES = 4096
_entries: dict[tuple[int, Hashable], tuple[object, Any]] = {}


def derived(
    owner: object, key: Hashable, make: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """`make(*args, **kwargs)`, computed once for `owner` and `key` and then reused.
    (Arguments rather than a closure: a hit costs no new function object.)"""
    found = _entries.get((id(owner), key))
    if found is not None and found[0] is owner:
        return found[1]  # type: ignore[no-any-return]
    value = make(*args, **kwargs)
    if len(_entries) >= _MAX_ENTRIES:
        _entries.clear()
    _entries[(id(owner), key)] = (owner, value)
    return value


def derived_in(
    cache: dict[int, tuple[object, T]],
    owner: object,
    make: Callable[P, T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """`derived` for a value read on every reply, kept in the caller's own `cache` by the
    owner's id alone: one dict read, no key tuple. Bounded like `derived`."""
    found = cache.get(id(owner))
    if found is not None and found[0] is owner:
        return found[1]
    value = make(*args, **kwargs)
    if len(cache) >= _MAX_ENTRIES:
        cache.clear()
    cache[id(owner)] = (owner, value)
    return value
