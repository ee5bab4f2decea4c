"""JSON Schema for a rule option, from its default value: what the engine accepts
(the default's type; a table also accepts one value of its entries' type). Shared by
the editor settings schema and the HTTP service's OpenAPI document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def value_schema(default: Any) -> dict[str, Any]:
    """The schema of the values an option with this default accepts."""
    if isinstance(default, bool):
        return {"type": "boolean"}
    if isinstance(default, int):
        return {"type": "integer"}
    if isinstance(default, float):
        return {"type": "number"}
    if isinstance(default, str):
        return {"type": "string"}
    if isinstance(default, (list, tuple)):
        first = default[0] if default else ""
        return {"type": "array", "items": value_schema(first)}
    if isinstance(default, Mapping):
        entry = value_schema(next(iter(default.values()), ""))
        table = {
            "type": "object",
            "properties": {key: value_schema(value) for key, value in default.items()},
            "additionalProperties": entry,
        }
        return {"anyOf": [entry, table]}
    raise TypeError(f"no JSON schema for an option of type {type(default).__name__}")
