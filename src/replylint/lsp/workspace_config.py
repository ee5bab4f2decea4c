"""Which engine lints a document: its config file (found upward) plus editor settings.

The config file is looked up on every lint, but only with `stat()` calls; it is
parsed again only when its modification time or size changes, so a
`replylint.toml` written by a code action (or by hand) applies on the next lint
even when the client sends no didChangeWatchedFiles. A broken config file is
reported once and the built-in defaults are used meanwhile.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from replylint.config import CONFIG_FILES, Config, ConfigError, load_config_file
from replylint.engine import Engine
from replylint.lsp.settings import apply_settings
from replylint.tomlcompat import tomllib

FileKey = tuple[str, int, int]  # path, mtime_ns, size


@dataclass(frozen=True)
class EngineChoice:
    engine: Engine
    config_path: Path | None  # the config file in force (None: built-in defaults)
    problems: tuple[str, ...] = ()  # config / settings errors, to show the user once


class EngineProvider:
    """Engines per (config file version, editor settings), built once each. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._default: Engine | None = None
        self._base: dict[FileKey, tuple[Engine, str | None]] = {}
        self._layered: dict[tuple[int, str], tuple[Engine, tuple[str, ...]]] = {}
        self._has_section: dict[FileKey, bool] = {}

    def invalidate(self) -> None:
        with self._lock:
            self._base.clear()
            self._layered.clear()
            self._has_section.clear()

    def default_engine(self) -> Engine:
        with self._lock:
            if self._default is None:
                self._default = Engine()
            return self._default

    def locate(self, directory: Path) -> tuple[Path, FileKey] | None:
        """The nearest replylint.toml, or pyproject.toml with [tool.replylint], upward."""
        try:
            directory = directory.resolve()
        except OSError:
            return None
        for folder in (directory, *directory.parents):
            for name in CONFIG_FILES:
                path = folder / name
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                if not stat.S_ISREG(info.st_mode):
                    continue
                key = (str(path), info.st_mtime_ns, info.st_size)
                if name == "pyproject.toml" and not self._pyproject_has_section(path, key):
                    continue
                return path, key
        return None

    def _pyproject_has_section(self, path: Path, key: FileKey) -> bool:
        found = self._has_section.get(key)
        if found is None:
            try:
                with path.open("rb") as handle:
                    found = "replylint" in tomllib.load(handle).get("tool", {})
            except (OSError, tomllib.TOMLDecodeError, AttributeError):
                try:
                    found = "[tool.replylint" in path.read_text("utf-8", errors="replace")
                except OSError:
                    found = False
            self._has_section[key] = found
        return found

    def choose(self, directory: Path | None, settings: Mapping[str, Any] | None) -> EngineChoice:
        located = self.locate(directory) if directory is not None else None
        problems: list[str] = []
        if located is None:
            base, path = self.default_engine(), None
        else:
            path, key = located
            with self._lock:
                cached = self._base.get(key)
            if cached is None:
                cached = self._load(path)
                with self._lock:
                    self._base[key] = cached
            base, problem = cached
            if problem:
                problems.append(problem)
        if settings:
            settings_key = (id(base), json.dumps(settings, sort_keys=True, default=str))
            with self._lock:
                layered = self._layered.get(settings_key)
            if layered is None:
                engine, warnings = apply_settings(base, settings)
                layered = (engine, tuple(warnings))
                with self._lock:
                    # `base` stays referenced by _base / _default while this entry lives.
                    self._layered[settings_key] = layered
            engine = layered[0]
            problems.extend(layered[1])
        else:
            engine = base
        return EngineChoice(engine, path, tuple(problems))

    def _load(self, path: Path) -> tuple[Engine, str | None]:
        try:
            layer = load_config_file(path)
            return Engine(Config((layer,), path)), None
        except ConfigError as exc:
            message = f"replylint: config error, using the built-in defaults: {exc}"
        except Exception as exc:  # a plugin or rule blowing up at build time
            message = f"replylint: cannot use {path} ({type(exc).__name__}: {exc}); using the built-in defaults"
        return self.default_engine(), message
