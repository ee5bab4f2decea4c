"""The result cache of `replylint check`: a reply linted before is not linted again.

An entry is one linted reply (`Linted`), stored as JSON in its own file named by a
hash of everything its findings depend on:

- the reply as read: text, record fields and front matter, where it came from (path,
  line, the file text and offsets of a document), since findings carry positions
  and fingerprints, and the path as fingerprints hold it (relative to the working
  directory);
- the effective configuration for its file (every layer, the command line's included);
- the rule set: the rule data files, each installed plugin's name and version, and
  replylint's version plus its own source files' sizes and times (so an edited
  checkout never serves results of the code it had before).

Entries are written to a temporary file and renamed, so concurrent runs (or
`--jobs` workers) never see half an entry. An unreadable or corrupt entry counts as
a miss and is rewritten. The folder is kept under `max_bytes`: after a run that
wrote entries, the least recently used ones go first (a hit touches its file, at
most once an hour).
Every failure of the cache itself is silent: it can only make a run slower.

A document file (one reply a file) has a second entry, keyed by its path and `stat`
(modification and change times in nanoseconds, size, inode, device) instead of its
text, under the same configuration and rule set: a rerun over unchanged documents
neither reads nor parses them. A file modified less than `SETTLED_NS` before it was
read gets no such entry, so a file rewritten within one tick of the file system's
clock (same times, same size) is never served the findings of its earlier text.

Beside the entries, `validated/` holds one marker per configuration whose engine was
built without error against this rule set, naming the languages that engine
supports. A rerun reads records' `language` fields against those, so a run that
only hits the cache builds no engine and imports neither the rules nor spaCy.

A warm rerun spends its time here once per reply, so keys and entries are made with
`orjson` (the standard `json` serves the rare text `orjson` refuses: lone
surrogates) and paths are plain strings.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from replylint.catalog import rule_set_digest, user_cache_dir
from replylint.check.baseline import normalize_path
from replylint.check.checker import FindingDetail, Linted
from replylint.config import Config
from replylint.inputs.files import InputError, Item, Reading
from replylint.inputs.library import LibraryEntry

if TYPE_CHECKING:
    from replylint.engine import Engine

# Bumped when the entry format changes, so old entries are never misread.
FORMAT = 5  # 5: source lines cut around the span; 4: masked source lines in details
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
_EVICT_TO = 0.8  # of max_bytes, so eviction does not run after every later write
# A document modified this recently is not indexed by its stat (see the module docs).
SETTLED_NS = 2_000_000_000
# Least recently used to the hour is close enough for eviction.
_TOUCH_EVERY_NS = 3600 * 10**9


def default_cache_dir() -> Path:
    """The user's cache folder for replylint (`platformdirs`), results under it."""
    return user_cache_dir() / "results"


class ResultCache:
    """Linted replies on disk, keyed by content (see the module docs)."""

    def __init__(self, root: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = root
        self._root = str(root)
        self.max_bytes = max_bytes
        self._salt = f"{FORMAT}:{rule_set_digest()}"
        self._config_digests: dict[int, tuple[Config, str]] = {}
        self._reading_digests: dict[int, tuple[Reading, Config, str]] = {}
        # id(config) -> (config, its engine's languages); the config is kept so its id
        # cannot be reused by another.
        self._validated: dict[int, tuple[Config, tuple[str, ...]]] = {}
        self.hits = 0
        self.writes = 0

    def __getstate__(self) -> dict[str, Any]:
        # The memos are keyed by id(): meaningless in another process (Dask, spawn).
        return {
            **self.__dict__,
            "_config_digests": {},
            "_reading_digests": {},
            "_validated": {},
        }

    # --- keys -----------------------------------------------------------------------

    def _config_digest(self, config: Config) -> str:
        # Kept with the config itself, so its id() cannot be reused by another.
        known = self._config_digests.get(id(config))
        if known is None:
            text = repr(config.layers).encode()
            known = self._config_digests[id(config)] = (
                config,
                hashlib.blake2b(text, digest_size=16).hexdigest(),
            )
        return known[1]

    def key(self, config: Config, item: Item) -> str:
        """The entry name for `item` linted under `config`."""
        reply = item.reply
        described = [
            self._salt,
            self._config_digest(config),
            item.path,
            normalize_path(item.path),  # fingerprints hold it: it moves with the cwd
            item.line,
            item.source,
            item.offsets._segments if item.offsets is not None else None,
            [getattr(reply, name) for name in _field_names(type(reply))],
        ]
        return hashlib.blake2b(_dumps(described, sort_keys=True), digest_size=20).hexdigest()

    # --- configurations ----------------------------------------------------------------

    def known_languages(self, config: Config) -> tuple[str, ...] | None:
        """The languages of the engine built for `config` against this rule set by an
        earlier run (any run), or None when none was: then it must be built."""
        known = self._validated.get(id(config))
        if known is not None:
            return known[1]
        try:
            stored = _loads(self._marker(config).read_bytes())
        except Exception:  # no marker, or one from before markers held the languages
            return None
        if type(stored) is not list or not stored or any(type(c) is not str for c in stored):
            return None  # damaged: the engine is built and the marker rewritten
        languages = tuple(stored)
        self._validated[id(config)] = (config, languages)
        return languages

    def mark_validated(self, config: Config, engine: Engine) -> None:
        """`engine` was built for `config` without error: later runs may skip that and
        take its languages from the marker, unless a plugin failed to load (its error
        must be shown every time)."""
        if id(config) in self._validated or engine.plugin_errors:
            return
        languages = tuple(engine.languages)
        self._validated[id(config)] = (config, languages)
        _write_atomically(str(self._marker(config)), _dumps(list(languages)))

    def _marker(self, config: Config) -> Path:
        name = hashlib.blake2b(
            f"{self._salt}:{self._config_digest(config)}".encode(), digest_size=20
        ).hexdigest()
        return self.root / "validated" / name

    def _path(self, key: str) -> str:
        return os.path.join(self._root, key[:2], key[2:])

    # --- entries --------------------------------------------------------------------

    def get(self, key: str) -> Linted | None:
        path = self._path(key)
        try:
            with open(path, "rb") as handle:
                linted = _from_json(_loads(handle.read()))
                _mark_used(handle.fileno(), path)
        except FileNotFoundError:
            return None
        except Exception:  # corrupt, truncated, or from another format: a miss
            return None
        self.hits += 1
        return linted

    def put(self, key: str, linted: Linted) -> None:
        if _write_atomically(self._path(key), _dumps(_to_json(linted))):
            self.writes += 1

    def document_key(
        self, config: Config, reading: Reading, path: str, stat: os.stat_result
    ) -> str:
        """The entry name for the document file at `path` as `stat` describes it, read
        with `reading` and linted under `config`."""
        described = (
            f"{self._reading_digest(config, reading)}\0{path}\0{normalize_path(path)}\0"
            f"{stat.st_mtime_ns}\0{stat.st_ctime_ns}\0{stat.st_size}\0{stat.st_ino}\0"
            f"{stat.st_dev}"
        )
        data = described.encode("utf-8", "surrogateescape")  # a path's undecodable bytes
        return hashlib.blake2b(data, digest_size=20).hexdigest()

    def _reading_digest(self, config: Config, reading: Reading) -> str:
        """What a document's entry depends on besides the file, hashed once per
        configuration and reading (every file of a run shares a few)."""
        known = self._reading_digests.get(id(reading))
        if known is None:
            languages = reading.languages
            described = [
                self._salt,
                self._config_digest(config),
                "document",
                dict(reading.defaults),
                reading.default_channel,
                sorted(languages) if languages is not None else None,
            ]
            digest = hashlib.blake2b(_dumps(described, sort_keys=True), digest_size=16).hexdigest()
            # Keyed by id(): the reading is kept so that its id is not reused.
            known = self._reading_digests[id(reading)] = (reading, config, digest)
        return known[2]

    def has_document(self, config: Config, reading: Reading, path: str) -> bool:
        """Whether the document file at `path`, as it is now, has a stat entry."""
        try:
            stat = os.stat(path)
        except OSError:
            return False
        return os.path.exists(self._path(self.document_key(config, reading, path, stat)))

    def lint_document(
        self,
        config: Config,
        reading: Reading,
        path: str,
        fresh: Callable[[], list[Linted | InputError]],
    ) -> list[Linted | InputError]:
        """The linted replies of the document file `path`, from its stat entry when the
        file is unchanged, else from `fresh` (which reads it; then stored when every
        reply in it linted and the file has settled)."""
        try:
            stat = os.stat(path)  # before `fresh` reads it: a later edit changes the key
        except OSError:
            return fresh()
        key = self.document_key(config, reading, path, stat)
        found = self._get_document(key)
        if found is not None:
            return found
        linted = fresh()
        settled = time.time_ns() - stat.st_mtime_ns >= SETTLED_NS
        if settled and linted and all(type(item) is Linted for item in linted):
            data = _dumps([_to_json(item) for item in linted if type(item) is Linted])
            if _write_atomically(self._path(key), data):
                self.writes += 1
        return linted

    def _get_document(self, key: str) -> list[Linted | InputError] | None:
        path = self._path(key)
        try:
            with open(path, "rb") as handle:
                stored = _loads(handle.read())
                linted: list[Linted | InputError] = [_from_json(data) for data in stored]
                _mark_used(handle.fileno(), path)
        except FileNotFoundError:
            return None
        except Exception:  # corrupt, truncated, or from another format: a miss
            return None
        self.hits += len(linted)
        return linted

    def lint(self, config: Config, item: Item, fresh: Callable[[Item], Linted]) -> Linted:
        """`item`'s linted reply from the cache, else from `fresh` (then stored)."""
        key = self.key(config, item)
        linted = self.get(key)
        if linted is None:
            linted = fresh(item)
            self.put(key, linted)
        return linted

    def close(self) -> None:
        """Evict the least recently used entries if this run made the cache too big."""
        if self.writes:
            with contextlib.suppress(OSError):
                evict(self.root, self.max_bytes)


def _mark_used(fd: int, path: str) -> None:
    """Touch the entry open as `fd` (evicted last), unless a run already did within
    `_TOUCH_EVERY_NS`: a warm rerun then reads entries without writing to the disk."""
    with contextlib.suppress(OSError):
        if time.time_ns() - os.fstat(fd).st_mtime_ns > _TOUCH_EVERY_NS:
            os.utime(path)


# Flags of a new temporary entry file, as `tempfile.mkstemp` opens one: private to the
# user (entries hold reply texts), never through a symlink, not inherited by children.
_NEW_FILE = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_temporary_numbers = itertools.count()


def _write_atomically(path: str, data: bytes) -> bool:
    """Write `data` to `path` through a temporary file and a rename, so that a
    concurrent reader sees all of it or nothing; False when the disk refused (a
    read-only or full disk: the run goes on without storing).

    A cold run writes an entry per reply, so this is kept to the system calls it
    needs: the temporary file is named by process id and a counter (unique among
    the processes writing, `--jobs` workers included) rather than by `mkstemp`'s
    random draws, and the shard folder is made only when the first open finds it
    missing, not tested before every write."""
    folder = os.path.dirname(path)
    tmp = os.path.join(folder, f".{os.getpid()}-{next(_temporary_numbers)}.tmp")
    try:
        try:
            fd = os.open(tmp, _NEW_FILE, 0o600)
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
            fd = os.open(tmp, _NEW_FILE, 0o600)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:  # FileExistsError too: a stale file of a dead process with our id
        return False
    return True


def evict(root: Path, max_bytes: int) -> int:
    """Delete the least recently used entries under `root` until it holds at most
    `_EVICT_TO` of `max_bytes` (when it holds more than `max_bytes`); how many went."""
    entries: list[tuple[float, int, str]] = []
    total = 0
    for shard in os.scandir(root):
        if len(shard.name) != 2 or not shard.is_dir(follow_symlinks=False):
            continue
        for entry in os.scandir(shard.path):
            try:
                stat = entry.stat(follow_symlinks=False)
            except OSError:
                continue  # removed by a concurrent run
            entries.append((stat.st_mtime, stat.st_size, entry.path))
            total += stat.st_size
    if total <= max_bytes:
        return 0
    removed = 0
    for _, size, path in sorted(entries):
        if total <= max_bytes * _EVICT_TO:
            break
        with contextlib.suppress(OSError):
            os.unlink(path)
            removed += 1
        total -= size
    return removed


# --- the entry format -------------------------------------------------------------------


def _dumps(value: Any, *, sort_keys: bool = False) -> bytes:
    """UTF-8 JSON of `value`, as `json.dumps(value, default=repr)` would write it
    (anything else as its repr), lone surrogates kept."""
    try:
        # No `default`: orjson would hand it named tuples, which `json` writes as lists.
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0)
    except TypeError:  # a lone surrogate, a key that is not a string, a named tuple...
        text = json.dumps(value, default=repr, ensure_ascii=False, sort_keys=sort_keys)
        return text.encode("utf-8", "surrogatepass")


def _loads(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:  # written by `_dumps`' fallback: lone surrogates
        return json.loads(data.decode("utf-8", "surrogatepass"))


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    """The dataclass's field names, in order (`fields()` walks the class each call)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


def _to_json(linted: Linted) -> dict[str, Any]:
    """Every field of `linted` (new fields come along: see `_from_json`)."""
    data = {name: getattr(linted, name) for name in _field_names(Linted)}
    data["details"] = [list(detail) for detail in linted.details]  # named tuples: arrays
    library = linted.library
    if library is not None:
        data["library"] = [getattr(library, name) for name in _field_names(LibraryEntry)]
    return data


def _from_json(data: dict[str, Any]) -> Linted:
    """The `Linted` that `_to_json` wrote: JSON arrays become tuples again (every
    sequence field of `Linted`, `FindingDetail` and `LibraryEntry` is a tuple)."""
    values = {name: _tuples(data[name]) for name in _field_names(Linted)}
    values["details"] = tuple(FindingDetail(*detail) for detail in values["details"])
    if values["library"] is not None:
        values["library"] = LibraryEntry(*values["library"])
    values["findings"] = tuple(data["findings"])  # Finding JSON: its lists stay lists
    return Linted(**values)


def _tuples(value: Any) -> Any:
    if type(value) is list:
        return tuple([_tuples(item) if type(item) is list else item for item in value])
    return value
