"""replylint: lint customer-service replies before they are sent.

`from replylint import hookimpl` is all a plugin needs; `lint()` is the pre-send API.
Heavy modules (spaCy) load on first use, so importing replylint stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from replylint.version import __version__

__all__ = [
    "Edit",
    "Finding",
    "Fix",
    "LanguageData",
    "Reply",
    "Report",
    "Rule",
    "RuleContext",
    "Severity",
    "__version__",
    "hookimpl",
    "lint",
    "lint_record",
]

if TYPE_CHECKING:
    from replylint.api import lint, lint_record
    from replylint.hookspecs import hookimpl
    from replylint.model import Edit, Finding, Fix, Reply, Report, Severity
    from replylint.rule import Rule, RuleContext
    from replylint.text.language_data import LanguageData

# Loaded on first use: `replylint --version` and the other doors import this package
# before anything else, and need none of it (pluggy alone costs ~15 ms).
_LAZY = {
    "hookimpl": "replylint.hookspecs",
    **dict.fromkeys(("Edit", "Finding", "Fix", "Reply", "Report", "Severity"), "replylint.model"),
    "lint": "replylint.api",
    "lint_record": "replylint.api",
    "Rule": "replylint.rule",
    "RuleContext": "replylint.rule",
    "LanguageData": "replylint.text.language_data",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'replylint' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
