"""Finding and loading plugins, fault-tolerantly.

A plugin that fails to import, or whose hook raises, is reported and skipped:
one broken package must never stop the other rules.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

import pluggy

import replylint.hookspecs as hookspecs

if TYPE_CHECKING:
    from replylint.rule import Rule
    from replylint.text.language_data import LanguageData


@dataclass(frozen=True)
class PluginError:
    plugin: str
    message: str

    def __str__(self) -> str:
        return f"plugin {self.plugin!r} skipped: {self.message}"


@dataclass(frozen=True)
class LoadedPlugins:
    rules: tuple[Rule, ...]
    languages: dict[str, LanguageData]
    errors: tuple[PluginError, ...]


_lock = threading.Lock()
_loaded: LoadedPlugins | None = None


def plugin_manager(
    extra: list[tuple[str, Any]] | None = None,
) -> tuple[pluggy.PluginManager, list[PluginError]]:
    """A manager with every entry-point plugin registered (plus `extra` ones)."""
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    errors: list[PluginError] = []
    seen: set[str] = set()
    for ep in sorted(entry_points(group=hookspecs.PROJECT_NAME), key=lambda e: e.name):
        if ep.name in seen:
            continue  # the same distribution seen twice on sys.path
        seen.add(ep.name)
        try:
            pm.register(ep.load(), name=ep.name)
        except Exception as exc:  # any import-time failure of third-party code
            errors.append(PluginError(ep.name, f"{type(exc).__name__}: {exc}"))
    for name, plugin in extra or []:
        try:
            pm.register(plugin, name=name)
        except Exception as exc:
            errors.append(PluginError(name, f"{type(exc).__name__}: {exc}"))
    return pm, errors


def collect(pm: pluggy.PluginManager, errors: list[PluginError]) -> LoadedPlugins:
    """Call each plugin's hooks one by one so a failing plugin is isolated."""
    rules: dict[str, Rule] = {}
    for impl in pm.hook.replylint_rules.get_hookimpls():
        try:
            provided: list[Rule] = list(impl.function() or [])  # type: ignore[call-overload]
        except Exception as exc:
            errors.append(PluginError(impl.plugin_name, f"{type(exc).__name__}: {exc}"))
            continue
        for rule in provided:
            if rule.name in rules:
                errors.append(
                    PluginError(impl.plugin_name, f"rule {rule.name!r} is already defined")
                )
                continue
            rules[rule.name] = rule
    languages: dict[str, LanguageData] = {}
    for impl in pm.hook.replylint_languages.get_hookimpls():
        try:
            for data in impl.function() or []:  # type: ignore[attr-defined]
                languages.setdefault(data.code, data)
        except Exception as exc:
            errors.append(PluginError(impl.plugin_name, f"{type(exc).__name__}: {exc}"))
    return LoadedPlugins(
        tuple(sorted(rules.values(), key=lambda r: r.name)), languages, tuple(errors)
    )


def load_plugins() -> LoadedPlugins:
    """Every installed plugin, loaded once per process."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = collect(*plugin_manager())
    return _loaded


def plugin_languages() -> dict[str, LanguageData]:
    return load_plugins().languages
