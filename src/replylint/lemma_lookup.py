"""spacy-lookups-data's lemma tables (form -> lemma), held compactly.

A dict of the French table holds ~430,000 string objects: ~35 MB in every process,
and after a fork each lookup writes reference counts into pages the processes would
otherwise share. `LemmaLookup` keeps the same table as one string of sorted
"form<TAB>lemma" lines and an array of line starts (~5 MB), searched by bisection.
The lemmatizer only looks a word form up the first time it meets it (see
`nlp._Annotator`), so the few microseconds of a bisection do not matter.

The packaged JSON takes ~0.5 s to parse for French, so the sorted block is kept in
the user cache folder (`nlp.cache_dir`), named after the package version.
"""

from __future__ import annotations

import os
import re
from array import array
from collections.abc import Iterable
from pathlib import Path

_LINE_END = re.compile("\n")
# Bump when the cache file's format changes.
_CACHE_FORMAT = "sorted-v2"


class LemmaLookup:
    """form -> lemma, from a block of "form\\tlemma" lines sorted by form."""

    def __init__(self, block: str) -> None:
        self._block = block
        self._starts = array("L", [0] if block else [])
        self._starts.extend(m.end() for m in _LINE_END.finditer(block))

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]]) -> LemmaLookup:
        """A lookup of `pairs`; pairs with a tab or a line break in them are left out."""
        lines = sorted(
            f"{form}\t{lemma}"
            for form, lemma in pairs
            if form and not _breaks_format(form) and not _breaks_format(lemma)
        )
        return cls("\n".join(lines))

    @property
    def block(self) -> str:
        return self._block

    def __len__(self) -> int:
        return len(self._starts)

    def get(self, form: str) -> str | None:
        block, starts = self._block, self._starts
        low, high = 0, len(starts)
        while low < high:
            middle = (low + high) // 2
            start = starts[middle]
            tab = block.find("\t", start)
            key = block[start:tab]
            if key < form:
                low = middle + 1
            elif key > form:
                high = middle
            else:
                end = block.find("\n", tab)
                return block[tab + 1 : end if end != -1 else len(block)]
        return None


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
