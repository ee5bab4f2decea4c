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

Entries are rows of one SQLite database in the folder (`DATABASE`), written in
batches (`FLUSH_EVERY` entries, and at the end of each unit of work) in one
transaction each: a cold run over 10,000 records costs a few dozen commits instead
of creating 10,000 files (a file per entry cost ~90-400 µs of system time each on
ext4, as much as linting the reply). SQLite's write-ahead log lets concurrent runs
(and `--jobs` workers, each with its own connection) read while one writes, and
never shows half an entry. An unreadable or corrupt entry counts as a miss and is
rewritten. The entries are kept under `max_bytes`: after a run that wrote entries,
the least recently used ones go first (a hit marks its entry used, at most once an
hour). Every failure of the cache itself is silent: it can only make a run slower.

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
import sqlite3
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
FORMAT = 6  # 6: rows of one database; 5: source lines cut around the span
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
_EVICT_TO = 0.8  # of max_bytes, so eviction does not run after every later write
# A document modified this recently is not indexed by its stat (see the module docs).
SETTLED_NS = 2_000_000_000
# Least recently used to the hour is close enough for eviction.
_TOUCH_EVERY_NS = 3600 * 10**9
DATABASE = "entries.sqlite3"
# Entries held in memory before they are written in one transaction.
FLUSH_EVERY = 256
# How long a write waits for another run's transaction before it gives up (silently).
_BUSY_TIMEOUT_S = 5.0


def default_cache_dir() -> Path:
    """The user's cache folder for replylint (`platformdirs`), results under it."""
    return user_cache_dir() / "results"


class ResultCache:
    """Linted replies on disk, keyed by content (see the module docs)."""

    def __init__(self, root: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self._salt = f"{FORMAT}:{rule_set_digest()}"
        self._config_digests: dict[int, tuple[Config, str]] = {}
        self._reading_digests: dict[int, tuple[Reading, Config, str]] = {}
        # id(config) -> (config, its engine's languages); the config is kept so its id
        # cannot be reused by another.
        self._validated: dict[int, tuple[Config, tuple[str, ...]]] = {}
        self.hits = 0
        self.writes = 0
        self._reset_connection()

    def _reset_connection(self) -> None:
        # A connection must not cross a fork: a process whose id differs from the one
        # that opened it (a forked `--jobs` worker) opens its own, and never touches
        # (nor closes) the inherited one.
        self._pid = os.getpid()
        self._connection: sqlite3.Connection | None = None
        self._unusable = False  # the database could not be opened: no cache this run
        self._pending: list[tuple[str, bytes, int]] = []  # (key, entry, used) to write
        self._touched: list[tuple[int, str]] = []  # (used, key) of hits to mark used

    def __getstate__(self) -> dict[str, Any]:
        # The memos are keyed by id(): meaningless in another process (Dask, spawn);
        # a connection cannot be sent at all.
        return {
            **self.__dict__,
            "_config_digests": {},
            "_reading_digests": {},
            "_validated": {},
            "_connection": None,
            "_pending": [],
            "_touched": [],
            "_pid": None,
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

    def _database(self) -> sqlite3.Connection | None:
        """This process's connection to the entry database (opened on first use), or
        None when the folder cannot hold one (a file in its place, a read-only disk)."""
        if self._pid != os.getpid():
            self._reset_connection()
        if self._connection is None and not self._unusable:
            try:
                self._connection = _open_database(self.root)
            except (OSError, sqlite3.Error):
                self._unusable = True
        return self._connection

    # --- entries --------------------------------------------------------------------

    def _read(self, key: str) -> Any:
        """The decoded entry stored under `key`, or None (absent, or unreadable)."""
        database = self._database()
        if database is None:
            return None
        try:
            row = database.execute(_SELECT, (key,)).fetchone()
            if row is None:
                return None
            value = _loads(row[0])
        except Exception:  # corrupt, truncated, or from another format: a miss
            return None
        if time.time_ns() - row[1] > _TOUCH_EVERY_NS:
            self._touched.append((time.time_ns(), key))
        return value

    def _write(self, key: str, data: bytes) -> None:
        self._pending.append((key, data, time.time_ns()))
        if len(self._pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write the entries held in memory, and mark the hits used, in one transaction."""
        pending, touched = self._pending, self._touched
        if not pending and not touched:
            return
        self._pending, self._touched = [], []
        database = self._database()
        if database is None:
            return
        try:
            database.execute("BEGIN IMMEDIATE")
            try:
                database.executemany(_INSERT, pending)
                database.executemany(_TOUCH, touched)
                database.execute("COMMIT")
            except BaseException:
                database.execute("ROLLBACK")
                raise
        except sqlite3.Error:  # locked past the timeout, disk full: the run goes on
            return
        self.writes += len(pending)

    def get(self, key: str) -> Linted | None:
        stored = self._read(key)
        if stored is None:
            return None
        try:
            linted = _from_json(stored)
        except Exception:  # from another format: a miss
            return None
        self.hits += 1
        return linted

    def put(self, key: str, linted: Linted) -> None:
        self._write(key, _dumps(_to_json(linted)))

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
        database = self._database()
        if database is None:
            return False
        key = self.document_key(config, reading, path, stat)
        try:
            return database.execute(_SELECT, (key,)).fetchone() is not None
        except sqlite3.Error:
            return False

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
            self._write(key, _dumps([_to_json(item) for item in linted if type(item) is Linted]))
        return linted

    def _get_document(self, key: str) -> list[Linted | InputError] | None:
        stored = self._read(key)
        if stored is None:
            return None
        try:
            linted: list[Linted | InputError] = [_from_json(data) for data in stored]
        except Exception:  # damaged, or from another format: a miss
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
        """Write what is held, then evict the least recently used entries if this run
        made the cache too big."""
        self.flush()
        database = self._connection if self._pid == os.getpid() else None
        if database is None:
            return
        if self.writes:
            with contextlib.suppress(sqlite3.Error):
                _evict_from(database, self.max_bytes)
        with contextlib.suppress(sqlite3.Error):
            database.close()
        self._connection = None


_SELECT = "SELECT entry, used FROM entries WHERE key = ?"
_INSERT = "INSERT OR REPLACE INTO entries (key, entry, used) VALUES (?, ?, ?)"
_TOUCH = "UPDATE entries SET used = ? WHERE key = ?"


def _open_database(root: Path) -> sqlite3.Connection:
    """The entry database under `root` (created private to the user: entries hold
    reply texts), in write-ahead-log mode."""
    os.makedirs(root, exist_ok=True)
    path = os.path.join(root, DATABASE)
    # Made here, not by SQLite, so that it is private from its first byte (SQLite
    # gives its log files the database's permissions).
    os.close(os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600))
    database = sqlite3.connect(
        path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    try:
        database.execute("PRAGMA journal_mode=WAL")
        # In WAL mode a commit then waits for no disk flush; a crash may lose the
        # last entries, never corrupt the database. A cache can afford that.
        database.execute("PRAGMA synchronous=NORMAL")
        database.execute(
            "CREATE TABLE IF NOT EXISTS entries"
            " (key TEXT PRIMARY KEY, entry BLOB NOT NULL, used INTEGER NOT NULL) WITHOUT ROWID"
        )
    except BaseException:
        database.close()
        raise
    return database


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

    Used for the validation markers. The temporary file is named by process id and
    a counter (unique among the processes writing, `--jobs` workers included)
    rather than by `mkstemp`'s random draws, and the folder is made only when the
    first open finds it missing, not tested before every write."""
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
    """Delete the least recently used entries in the database under `root` until they
    hold at most `_EVICT_TO` of `max_bytes` (when they hold more than `max_bytes`);
    how many went."""
    database = _open_database(root)
    try:
        return _evict_from(database, max_bytes)
    finally:
        database.close()


def _evict_from(database: sqlite3.Connection, max_bytes: int) -> int:
    (total,) = database.execute("SELECT total(length(entry)) FROM entries").fetchone()
    if total <= max_bytes:
        return 0
    doomed: list[tuple[str]] = []
    for key, size in database.execute("SELECT key, length(entry) FROM entries ORDER BY used"):
        if total <= max_bytes * _EVICT_TO:
            break
        doomed.append((key,))
        total -= size
    database.execute("BEGIN IMMEDIATE")
    try:
        database.executemany("DELETE FROM entries WHERE key = ?", doomed)
        database.execute("COMMIT")
    except BaseException:
        database.execute("ROLLBACK")
        raise
    return len(doomed)


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
