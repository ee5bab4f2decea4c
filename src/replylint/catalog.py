"""What `replylint rules` and `explain` show, read without importing any rule.

Listing the rules for real means loading every plugin: importing each rule's module
(and what it imports) and reading its data. The listing depends only on the rule
set, so it is kept in the user's cache folder under the rule set's digest: the rule
data files, the folders packages are imported from (installing, upgrading or
removing a distribution, plugins included, adds or removes its metadata folder
there and so changes the folder's modification time), and replylint's version and
own source files (an edited checkout counts as a new rule set). A later run reads
one JSON file. The digest is made from file-system times alone, without scanning
every distribution's metadata for entry points (~40 ms per run). When the digest differs, the file is missing
or unreadable, or a plugin failed to load (its error must be shown, and may be fixed
by installing something the digest does not see), the plugins are loaded and the
listing is written again, atomically.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from replylint.version import __version__

if TYPE_CHECKING:
    from replylint.rule import Rule

PROJECT_NAME = "replylint"  # as in hookspecs, without importing pluggy
# Bumped when the listing's format changes (2: a rule's severities from its checks).
FORMAT = 2
CATALOG_FILE = "rules-catalog.json"
# What a distribution's metadata is kept in, on a folder of `sys.path`.
_METADATA = (".dist-info", ".egg-info", ".egg-link")


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
    if sys.platform.startswith("linux"):
        # platformdirs' answer on Linux (the XDG spec), without its import (~10 ms).
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
        return Path(base) / PROJECT_NAME
    import platformdirs

    return Path(platformdirs.user_cache_dir(PROJECT_NAME))


def rule_set_digest() -> str:
    """A digest of everything the rules are made of (see the module docs)."""
    # blake2b from hashlib's own module: `import hashlib` loads OpenSSL (~10 ms).
    from _blake2 import blake2b

    digest = blake2b(digest_size=16)
    digest.update(f"replylint {__version__}\n".encode())
    for path in sorted(_rules_dir().glob("*.toml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for line in _import_folder_stamps():
        digest.update(line.encode() + b"\n")
    for line in _source_stamps(Path(__file__).resolve().parent):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def _rules_dir() -> Path:
    """`replylint.rule.rules_dir()` for a package on disk, without importing
    `replylint.rule` (its model and TOML imports cost ~25 ms)."""
    package = Path(__file__).resolve().parent
    packaged = package / "_rules"
    return packaged if packaged.is_dir() else package.parents[1] / "rules"


def _import_folder_stamps() -> Iterable[str]:
    """Each distribution's metadata folder on `sys.path`, with the modification time
    of the folder holding it: installing, upgrading or removing a distribution (a
    plugin) changes these (see the module docs). Folders holding no distribution,
    such as the working directory, add nothing, so writing files there does not
    make a new rule set."""
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as listing:
                names = sorted(item.name for item in listing if item.name.endswith(_METADATA))
            if names:
                yield f"{entry} {os.stat(entry or '.').st_mtime_ns}"
                yield from names
        except OSError:
            continue  # a missing folder or a zip file: no metadata folders of its own


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
            severity_label(rule),
            tuple(sorted(rule.languages or ())),
            rule.summary,
            rule.docs.markdown(rule.name, rule.summary),
        )
        for name, rule in engine.rules.items()
    )
    return Catalog(rules, tuple(str(error) for error in engine.plugin_errors))


def severity_label(rule: Rule) -> str:
    """A rule's default severities, worst first: its named checks' when it has some
    ("error / warning" when they differ), else the rule's own."""
    found = {spec.severity for spec in rule.checks.values()} or {rule.default_severity}
    return " / ".join(str(severity) for severity in sorted(found, reverse=True))


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
    import tempfile  # only when the listing is written (it imports hashlib: ~10 ms)

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
