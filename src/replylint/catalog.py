"""What `replylint rules` and `explain` show, read without importing any rule.

Listing the rules for real means loading every plugin: importing each rule's module
(and what it imports) and reading its data. The listing depends only on the rule
set, so it is kept in the user's cache folder under the rule set's digest: the rule
data files, each plugin entry point with its distribution's name and version, and
replylint's version and own source files (an edited checkout counts as a new rule
set). A later run reads one JSON file. When the digest differs, the file is missing
or unreadable, or a plugin failed to load (its error must be shown, and may be fixed
by installing something the digest does not see), the plugins are loaded and the
listing is written again, atomically.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from importlib.metadata import entry_points
from pathlib import Path

from replylint.version import __version__

PROJECT_NAME = "replylint"  # as in hookspecs, without importing pluggy
# Bumped when the listing's format changes.
FORMAT = 1
CATALOG_FILE = "rules-catalog.json"


@dataclass(frozen=True)
class RuleInfo:
    name: str
    severity: str
    languages: tuple[str, ...]  # empty: every language
    summary: str
    markdown: str  # `explain`'s text


@dataclass(frozen=True)
class Catalog:
    rules: tuple[RuleInfo, ...]
    errors: tuple[str, ...] = ()  # plugins that could not be loaded

    def get(self, name: str) -> RuleInfo | None:
        return next((rule for rule in self.rules if rule.name == name), None)


def user_cache_dir() -> Path:
    """`REPLYLINT_CACHE_DIR` when set (the lemma tables use it too), else the
    platform's user cache folder."""
    configured = os.environ.get("REPLYLINT_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir(PROJECT_NAME))


def rule_set_digest() -> str:
    """A digest of everything the rules are made of (see the module docs)."""
    from replylint.rule import rules_dir

    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"replylint {__version__}\n".encode())
    for path in sorted(rules_dir().glob("*.toml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for line in sorted(_plugin_versions()):
        digest.update(line.encode() + b"\n")
    for line in _source_stamps(Path(__file__).resolve().parent):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def _plugin_versions() -> Iterable[str]:
    """Each plugin entry point with its distribution's version, from metadata alone."""
    for ep in entry_points(group=PROJECT_NAME):
        dist = ep.dist
        yield f"{ep.name}={ep.value} {dist.name if dist else '?'} {dist.version if dist else '?'}"


def _source_stamps(package: Path) -> Iterable[str]:
    for folder, dirs, files in os.walk(package):
        dirs.sort()
        for name in sorted(files):
            if name.endswith((".py", ".toml")):
                stat = os.stat(os.path.join(folder, name))
                yield f"{folder}/{name} {stat.st_size} {stat.st_mtime_ns}"


def catalog(cache_dir: Path | None = None) -> Catalog:
    """Every installed rule (built-in and plugins'), from the cache when it is current."""
    path = (cache_dir or user_cache_dir()) / CATALOG_FILE
    digest = rule_set_digest()
    stored = _read(path, digest)
    if stored is not None:
        return stored
    loaded = _load()
    if not loaded.errors:
        _write(path, digest, loaded)
    return loaded


def _load() -> Catalog:
    from replylint.engine import Engine

    engine = Engine()
    rules = tuple(
        RuleInfo(
            name,
            str(rule.default_severity),
            tuple(sorted(rule.languages or ())),
            rule.summary,
            rule.docs.markdown(rule.name, rule.summary),
        )
        for name, rule in engine.rules.items()
    )
    return Catalog(rules, tuple(str(error) for error in engine.plugin_errors))


def _read(path: Path, digest: str) -> Catalog | None:
    try:
        data = json.loads(path.read_bytes())
        if data["format"] != FORMAT or data["digest"] != digest:
            return None
        return Catalog(
            tuple(
                RuleInfo(
                    rule["name"],
                    rule["severity"],
                    tuple(rule["languages"]),
                    rule["summary"],
                    rule["markdown"],
                )
                for rule in data["rules"]
            )
        )
    except Exception:  # missing, corrupt or older: load the plugins instead
        return None


def _write(path: Path, digest: str, loaded: Catalog) -> None:
    data = {"format": FORMAT, "digest": digest, "rules": [asdict(r) for r in loaded.rules]}
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
