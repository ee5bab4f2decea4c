"""The hooks a replylint plugin can implement.

A plugin is a module or object with functions marked `@replylint.hookimpl`,
registered under the `replylint` entry-point group (the built-in rules are
registered exactly that way).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from replylint.rule import Rule
    from replylint.text.language_data import LanguageData

PROJECT_NAME = "replylint"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def replylint_rules() -> list[Rule]:
    """Return the rules this plugin provides.

    Each rule has a stable kebab-case `name`; a name already taken by an earlier
    plugin is reported and the later rule skipped.

    :return: a list of `replylint.Rule` objects.
    """
    raise NotImplementedError


@hookspec
def replylint_languages() -> list[LanguageData]:
    """Return core word lists for languages replylint does not ship.

    Adding a language makes language detection consider it (when lingua knows it;
    see docs/language.md) and lets the analysis find salutations and sign-offs in it.

    :return: a list of `replylint.LanguageData` objects.
    """
    raise NotImplementedError
