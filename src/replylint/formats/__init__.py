"""Output formats for `check`: each module renders results and errors to text."""

from __future__ import annotations

FORMATS = ("text", "json", "sarif", "github")
