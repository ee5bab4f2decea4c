"""spacy-lookups-data's lemma tables (form -> lemma), held compactly.

A dict of the French table holds ~430,000 string objects: ~35 MB in every process,
and after a fork each lookup writes reference counts into pages the processes would
otherwise share. `LemmaLookup` keeps the same table as one string of
"form<TAB>lemma" lines sorted by form (~5 MB), and the first form of every ~2 KB
of it: a lookup bisects those (in C), then finds the line in its 2 KB with one
substring search. An index of every line start took ~30 ms per French process to
build and ~3.5 MB to hold; this one is built in ~1 ms, and a lookup takes ~2 µs.

The packaged JSON takes ~0.5 s to parse for French, so the sorted block is kept in
the user cache folder (`nlp.cache_dir`), named after the package version.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Iterable
from pathlib import Path

# Bump when the cache file's format changes.
_CACHE_FORMAT = "sorted-v3"  # v3: sorted by form, not by the whole line


class LemmaLookup:
    """form -> lemma, from a block of "form\\tlemma" lines sorted by form."""

    # Characters of the block per indexed segment.
    SEGMENT = 2048

    def __init__(self, block: str) -> None:
        self._block = block
        self._starts: list[int] | None = None  # where each segment starts (a line start)
        self._firsts: list[str] = []  # the form of each segment's first line

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> LemmaLookup:
        """A lookup of `pairs`; pairs with a tab or a line break in them are left out."""
        kept = sorted(
            (form, lemma)
            for form, lemma in pairs
            if form and not _breaks_format(form) and not _breaks_format(lemma)
        )
        return cls("\n".join(f"{form}\t{lemma}" for form, lemma in kept))

    @property
    def block(self) -> str:
        return self._block

    def __len__(self) -> int:
        """The number of forms (counted, not kept: only tests and checks ask)."""
        return self._block.count("\n") + 1 if self._block else 0

    def _index(self) -> list[int]:
        block = self._block
        starts = [0] if block else []
        position = self.SEGMENT
        while position < len(block):
            line_end = block.find("\n", position)
            if line_end == -1:
                break
            starts.append(line_end + 1)
            position = line_end + 1 + self.SEGMENT
        self._firsts = [block[start : block.find("\t", start)] for start in starts]
        self._starts = starts
        return starts

    def get(self, form: str) -> str | None:
        if not form or _breaks_format(form):
            return None  # no line has such a form
        starts = self._starts if self._starts is not None else self._index()
        segment = bisect_right(self._firsts, form) - 1
        if segment < 0:
            return None
        block = self._block
        start = starts[segment]
        end = starts[segment + 1] if segment + 1 < len(starts) else len(block)
        needle = form + "\t"
        if not block.startswith(needle, start):
            found = block.find("\n" + needle, start, end)
            if found == -1:
                return None
            start = found + 1
        line_end = block.find("\n", start)
        return block[start + len(needle) : line_end if line_end != -1 else len(block)]


def _breaks_format(text: str) -> bool:
    return "\t" in text or "\n" in text


def load_lemma_lookup(lang: str, cache_folder: Path | None) -> LemmaLookup:
    """The lemma table of `lang` (empty when spacy-lookups-data has none)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        package_version = version("spacy-lookups-data")
    except PackageNotFoundError:
        return LemmaLookup("")
    cached = None
    if cache_folder is not None:
        cached = cache_folder / f"lemmas-{lang}-{package_version}-{_CACHE_FORMAT}.tsv"
        try:
            block = cached.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            pass
        else:
            if not block or "\t" in block:
                return LemmaLookup(block)
    pairs = _read_lemma_json(lang)
    if pairs is None:
        return LemmaLookup("")
    lookup = LemmaLookup.from_pairs(pairs)
    if cached is not None:
        _write_quietly(cached, lookup.block)
    return lookup


def _read_lemma_json(lang: str) -> list[tuple[str, str]] | None:
    """spacy-lookups-data's `lemma_lookup` for `lang` as (form, lemma) pairs.

    Read from the packaged JSON, so the keys stay strings (a `Lookups` table keys by
    hash: `.items()` gives ints)."""
    import gzip
    import json
    from importlib import resources

    try:
        data_dir = resources.files("spacy_lookups_data") / "data"
    except ModuleNotFoundError:
        return None
    for name in (f"{lang}_lemma_lookup.json.gz", f"{lang}_lemma_lookup.json"):
        source = data_dir / name
        if not source.is_file():
            continue
        raw = source.read_bytes()
        if name.endswith(".gz"):
            raw = gzip.decompress(raw)
        pairs = []
        for form, lemma in json.loads(raw).items():
            # Some tables (French) give a list of lemmas per form: keep the first.
            if isinstance(lemma, list):
                lemma = lemma[0] if lemma else None
            if isinstance(lemma, str):
                pairs.append((form, lemma))
        return pairs
    return None


def _write_quietly(path: Path, content: str) -> None:
    """Write a cache file atomically; a cache that cannot be written is no error."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(content)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
