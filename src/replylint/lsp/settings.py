"""Server options (initializationOptions) and editor settings (`replylint` section).

Editor settings become one `ConfigLayer` above the workspace config file, as
docs/configuration.md orders the layers: built-in < config file < per-channel sections <
editor settings < CLI. A setting that does not validate is dropped on its own
(with a warning), so one typo does not throw away the rest.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from replylint.config import ConfigError, ConfigLayer
from replylint.engine import Engine

SETTINGS_SECTION = "replylint"
SETTINGS_SOURCE = "editor settings"
DEFAULT_DEBOUNCE_MS = 150
DEFAULT_MAX_DOCUMENT_SIZE = 200_000  # characters; larger documents are skipped

# Keys of the `replylint` section that configure the server, not the rules.
SERVER_KEYS = ("debounceMs", "maxDocumentSize")
# Keys the VS Code extension keeps for itself (how to start the server, tracing).
CLIENT_ONLY_KEYS = ("server", "trace")
# Keys that choose which files are replies (`reply_files`), not how replies are linted.
FILE_KEYS = ("files",)


@dataclass(frozen=True)
class ServerOptions:
    debounce_ms: int = DEFAULT_DEBOUNCE_MS
    max_document_size: int = DEFAULT_MAX_DOCUMENT_SIZE

    def updated(self, data: Any) -> tuple[ServerOptions, list[str]]:
        """These options with `debounceMs` / `maxDocumentSize` from `data` if valid."""
        if not isinstance(data, Mapping):
            return self, []
        warnings: list[str] = []
        values = {"debounce_ms": self.debounce_ms, "max_document_size": self.max_document_size}
        for key, attr, low in (
            ("debounceMs", "debounce_ms", 0),
            ("maxDocumentSize", "max_document_size", 1),
        ):
            value = data.get(key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
                warnings.append(f"{key}: expected a number >= {low}, got {value!r}")
                continue
            values[attr] = int(value)
        return ServerOptions(**values), warnings


def clean_settings(raw: Any) -> dict[str, Any]:
    """The rule-related part of a `replylint` settings object.

    Client-only and server keys are removed; empty strings and nulls mean "not
    set" (an editor shows every setting, set or not).
    """
    if not isinstance(raw, Mapping):
        return {}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in CLIENT_ONLY_KEYS or key in SERVER_KEYS:
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, str):
            value = value.strip()
        if key == "rules" and isinstance(value, Mapping) and not value:
            continue
        out[key] = copy.deepcopy(value)
    return out


def settings_from_notification(settings: Any) -> Any:
    """The `replylint` part of a didChangeConfiguration payload (push model)."""
    if isinstance(settings, Mapping) and isinstance(settings.get(SETTINGS_SECTION), Mapping):
        return settings[SETTINGS_SECTION]
    return settings


def apply_settings(base: Engine, raw: Mapping[str, Any]) -> tuple[Engine, list[str]]:
    """`base` with the editor settings layer on top, and what had to be dropped."""
    data: dict[str, Any] = {
        key: copy.deepcopy(value) for key, value in raw.items() if key not in FILE_KEYS
    }
    warnings: list[str] = []
    if not data:
        return base, warnings
    for _ in range(100):
        try:
            layer = ConfigLayer.from_mapping(data, SETTINGS_SOURCE)
            return base.with_layer(layer), warnings
        except ConfigError as exc:
            warnings.append(f"ignored {exc}")
            if not _drop(data, exc.key):
                warnings.append(f"ignored all {SETTINGS_SOURCE}")
                return base, warnings
    return base, warnings


_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _drop(data: dict[str, Any], key: str) -> bool:
    """Remove the setting `key` names ("rules.brevity.max_words", "phrases[0].name",
    or a bare rule name listed in select/ignore). False if it cannot be found."""
    if not key:
        return False
    parts: list[str | int] = [
        m.group(1) if m.group(1) is not None else int(m.group(2)) for m in _PART.finditer(key)
    ]
    # An error inside a [[phrases]] entry drops that entry.
    if len(parts) >= 2 and parts[0] == "phrases" and isinstance(parts[1], int):
        parts = parts[:2]
    node: Any = data
    for part in parts[:-1]:
        in_mapping = isinstance(node, Mapping) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_mapping or in_list:
            node = node[part]
        else:
            node = None
            break
    last = parts[-1]
    if isinstance(node, dict) and last in node:
        del node[last]
        return True
    if isinstance(node, list) and isinstance(last, int) and last < len(node):
        del node[last]
        return True
    for listed in ("select", "ignore"):
        names = data.get(listed)
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",") if n.strip()]
        if isinstance(names, list) and key in names:
            data[listed] = [n for n in names if n != key]
            return True
    return False
