"""Compiled phrase and token patterns, kept on disk between runs.

Before its first reply a run turns every phrase of the rule data into token hashes
(tokenizing and lemmatizing each phrase: ~50 ms for English) and every token
pattern into matcher specs. Both depend only on the rule data, the code that
tokenizes them and the versions of spaCy and spacy-lookups-data, so they are kept
in `<cache folder>/patterns/` (`nlp.cache_dir`, beside the lemma tables), one file
per table, named by a digest of all of that. A later run reads one small file per
table instead.

This is derived data of the rule set, not the result cache: `check --no-cache`
(which re-lints every reply) still uses it, as it uses the lemma tables;
`REPLYLINT_CACHE_DIR=""` turns both off. Safe under concurrent runs: an entry is
written to a temporary file and renamed into place; an entry that is unreadable,
truncated or fails its checksum is a miss, built afresh and written again. No
failure of the cache is ever fatal: it only makes a run slower. Bounded: past
`MAX_ENTRIES` files the oldest are deleted when a new one is written.

Entries are `marshal` data (tuples, lists, dicts, strings, integers): read in C,
and loading one runs no code.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from replylint.text.cache_folder import cache_dir
from replylint.version import __version__

T = TypeVar("T")

# Bump when an entry's layout changes.
FORMAT = 1
FOLDER = "patterns"
MAX_ENTRIES = 128  # rule tables and long regexes: ~30 per language set
_MAGIC = b"replylint-patterns\n"
_DIGEST_SIZE = 16
_ABANDONED_NS = 3600 * 10**9  # a temporary file this old was left by a killed run

# The modules whose code shapes what is stored: an edited checkout gets new entries.
_SHAPING_MODULES = (
    "nlp.py",
    "lemma_lookup.py",
    "phrases.py",
    "token_patterns.py",
    "variant_phrases.py",
    "pattern_cache.py",
    "regex_store.py",
)


def _blake2b(data: bytes = b"") -> Any:
    # blake2b from hashlib's own module: `import hashlib` loads OpenSSL (~10 ms).
    from _blake2 import blake2b

    return blake2b(data, digest_size=_DIGEST_SIZE)


@cache
def _code_signature() -> bytes:
    """replylint's version, the shaping modules' text, spaCy's and
    spacy-lookups-data's versions: what a stored entry was made by."""
    from importlib.metadata import PackageNotFoundError, version

    digest = _blake2b(f"format {FORMAT}\nreplylint {__version__}\n".encode())
    here = Path(__file__).resolve().parent
    for name in _SHAPING_MODULES:
        try:
            digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
        except OSError:
            digest.update(name.encode() + b"\0missing\0")
    for package in ("spacy", "spacy-lookups-data"):
        try:
            digest.update(f"{package} {version(package)}\n".encode())
        except PackageNotFoundError:
            digest.update(f"{package} none\n".encode())
    return bytes(digest.digest())


def entry_digest(kind: str, parts: Iterable[str]) -> str:
    """The name of the entry of `kind` made from `parts` (every input, as text)."""
    digest = _blake2b(_code_signature())
    digest.update(kind.encode() + b"\0")
    for part in parts:
        # Length-prefixed, so no two different part lists hash alike.
        encoded = part.encode("utf-8", "surrogatepass")
        digest.update(f"{len(encoded)}:".encode() + encoded)
    return str(digest.hexdigest())


def stored(kind: str, parts: Iterable[str], build: Callable[[], T]) -> T:
    """The entry of `kind` for `parts`, from the cache folder when it holds a sound
    one, else `build()` (written to the folder for the next run). `build` must
    return marshal-able data and depend on nothing but `parts` and the code."""
    folder = cache_dir()
    if folder is None:
        return build()
    name = entry_digest(kind, parts)
    path = folder / FOLDER / f"{name}.bin"
    found = _read(path, name)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = build()
    _write(path, name, value)
    return value


def _read(path: Path, name: str) -> Any | None:
    """The stored value, or None when the file is missing, foreign or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header = len(_MAGIC) + len(name) + 1
    if not data.startswith(_MAGIC) or data[len(_MAGIC) : header] != name.encode() + b"\n":
        return None
    checksum, payload = data[header : header + _DIGEST_SIZE], data[header + _DIGEST_SIZE :]
    if _blake2b(payload).digest() != checksum:
        return None  # truncated or damaged
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


def _write(path: Path, name: str, value: Any) -> None:
    """Write the entry atomically (a temporary file renamed into place); quietly
    give up on any failure (read-only or full disk, a value marshal refuses)."""
    try:
        payload = marshal.dumps(value)
    except ValueError:
        return
    data = _MAGIC + name.encode() + b"\n" + _blake2b(payload).digest() + payload
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".bin")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
        temporary = None
        _trim(path.parent)
    except OSError:
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _trim(folder: Path) -> None:
    """Delete the oldest entries past `MAX_ENTRIES` (rule data that changed leaves
    its old entries behind), and temporary files a killed run left (an hour old)."""
    entries = []
    abandoned_before = time.time_ns() - _ABANDONED_NS
    with os.scandir(folder) as listing:
        for item in listing:
            with contextlib.suppress(OSError):
                if item.name.startswith(".tmp-"):
                    if item.stat().st_mtime_ns < abandoned_before:
                        os.unlink(item.path)
                elif item.name.endswith(".bin"):
                    entries.append((item.stat().st_mtime_ns, item.path))
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort()
    for _, old in entries[: len(entries) - MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            os.unlink(old)
