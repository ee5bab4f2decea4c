"""Output formats for `check`.

Each module has a `Renderer(out, context)` that is given the linted replies one by
one (`result`), then the input errors, the summary and the library section
(`finish`). Every format writes as it goes, so `check` never holds all results:
text and GitHub lines are written per reply, and JSON and SARIF write their
`results` array element by element, with the parts that need the whole run
(errors, summary, library, rules) after it.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TextIO

import orjson

if TYPE_CHECKING:
    from replylint.check.checker import Linted, Summary
    from replylint.inputs.files import InputError
    from replylint.inputs.library import LibraryReport
    from replylint.rule import Rule

FORMATS = ("text", "json", "sarif", "github")


@dataclass
class ReportContext:
    """What a renderer may need besides the results."""

    colour: bool = False  # text: ANSI colours (a terminal that wants them)
    show_source: bool = False  # text: each finding's source line, span underlined
    rules: Mapping[str, Rule] = field(default_factory=dict)  # SARIF: rule metadata
    docs_url: str | None = None  # SARIF: rule pages, "https://…/{rule}" (config `docs_url`)


class Renderer(Protocol):
    def result(self, result: Linted) -> None: ...

    def finish(
        self, errors: Sequence[InputError], summary: Summary, library: LibraryReport | None
    ) -> None: ...


def renderer(fmt: str, out: TextIO, context: ReportContext | None = None) -> Renderer:
    """The renderer of format `fmt` writing to `out`."""
    module = importlib.import_module(f"replylint.formats.{'json_format' if fmt == 'json' else fmt}")
    return module.Renderer(out, context or ReportContext())  # type: ignore[no-any-return]


def indented_json(value: Any, level: int) -> str:
    """`json.dumps(value, indent=2)` as it appears nested `level` deep in a document
    dumped with `indent=2` (its first line not indented)."""
    try:
        # The same text as the json module's, which has no C encoder for indented output.
        text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    except (TypeError, orjson.JSONEncodeError):  # lone surrogates, huge ints, other keys
        text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + "  " * level)
