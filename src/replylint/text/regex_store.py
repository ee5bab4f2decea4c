"""Long regular expressions compiled from code kept on disk, not parsed every run.

Building a pipeline compiles a few long expressions: spaCy's prefix, suffix and
infix alternations (2,800 to 15,500 characters for English) and its `URL_MATCH`.
Python parses and translates each one into the code its regex engine runs on every
compile (~40 ms for English); the engine itself takes that code in well under a
millisecond. `stored_compiles()` keeps the code of each long expression in the
pattern cache (`pattern_cache.py`), keyed by the expression, its flags and the
Python build, and hands it straight to the engine on later runs: the compiled
pattern is equal (`==`) to the one `re.compile` makes, which is checked before an
entry is written. Anything unexpected (another Python, a refused entry, no cache
folder) falls back to `re.compile`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from replylint.text.cache_folder import cache_dir
from replylint.text.pattern_cache import stored

# Shorter expressions compile in well under a millisecond: not worth a file read.
MIN_CHARS = 2_000
# Longer ones (spaCy's 1.4 MB French TOKEN_MATCH) are `nlp._light_french_import`'s.
MAX_CHARS = 100_000


@cache
def _engine() -> tuple[Any, Any, Any] | None:
    """The regex engine and Python's parser and code generator for it, or None."""
    try:
        import _sre
        from re import _compiler, _parser  # type: ignore[attr-defined]  # Python >= 3.11
    except ImportError:
        return None
    return _sre, _compiler, _parser


def _code_of(pattern: str, flags: int) -> tuple[Any, ...]:
    """What `re.compile` hands the engine for `pattern` (as `re._compiler.compile`
    makes it), as plain data; raises when the result is not `re.compile`'s."""
    engine = _engine()
    if engine is None:
        raise LookupError("no regex engine to store code for")
    sre, compiler, parser = engine
    parsed = parser.parse(pattern, flags)
    group_index = dict(parsed.state.groupdict)
    index_group: list[str | None] = [None] * parsed.state.groups
    for name, number in group_index.items():
        index_group[number] = name
    parts = (
        int(flags | parsed.state.flags),
        [int(word) for word in compiler._code(parsed, flags)],  # int subclasses: marshal wants int
        parsed.state.groups - 1,
        group_index,
        tuple(index_group),
    )
    if sre.compile(pattern, *parts) != compiler.compile(pattern, flags):  # not re.compile: swapped
        raise LookupError("stored code would differ from re.compile's")
    return parts


@cache
def _python_build() -> str:
    engine = _engine()
    magic = (engine[0].MAGIC, engine[0].CODESIZE) if engine else None
    return f"{sys.version} {sys.implementation.cache_tag} sre {magic}"


def _compile_stored(pattern: str, flags: int) -> re.Pattern[str] | None:
    """`pattern` compiled from stored code (stored first if need be), else None."""
    engine = _engine()
    if engine is None:
        return None
    try:
        parts = stored(
            "regex code", (_python_build(), str(flags), pattern), lambda: _code_of(pattern, flags)
        )
        return engine[0].compile(pattern, *parts)  # type: ignore[no-any-return]
    except Exception:  # an invalid pattern, a refused entry: re.compile decides
        return None


@contextmanager
def stored_compiles() -> Iterator[None]:
    """While the block runs, long expressions are compiled from stored code.

    Not thread-safe on its own (it swaps `re.compile`): callers hold a lock, as
    `nlp.pipeline` does while it builds a pipeline."""
    if cache_dir() is None or _engine() is None:
        yield
        return
    previous = re.compile

    def compile_from_store(pattern: Any, flags: int = 0) -> Any:
        if (
            isinstance(pattern, str)
            and MIN_CHARS <= len(pattern) <= MAX_CHARS
            and isinstance(flags, int)
            and not flags & re.DEBUG
        ):
            found = _compile_stored(pattern, int(flags))
            if found is not None:
                return found
        return previous(pattern, flags)

    with compile_replaced(compile_from_store):
        yield


@contextmanager
def compile_replaced(replacement: Callable[..., Any]) -> Iterator[None]:
    """`re.compile` is `replacement` while the block runs (spaCy compiles its patterns
    through `re.compile` at import and build time), then what it was."""
    previous = re.compile
    re.compile = replacement  # type: ignore[assignment]
    try:
        yield
    finally:
        re.compile = previous
