"""`--format json`: the document of docs/json-report.md (version 1), written as it goes.

The layout is exactly `json.dumps(document, ensure_ascii=False, indent=2)`, but the
`results` array is written element by element, so memory does not grow with the
number of replies. Extensions (compatible: new keys only): `summary.baselined`
when `--baseline` is used, and the top-level `library` section (near-duplicate
saved replies, saved replies without `faq`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from replylint.formats import ReportContext, indented_json

if TYPE_CHECKING:
    from replylint.check.checker import Linted, Summary
    from replylint.inputs.files import InputError
    from replylint.inputs.library import LibraryReport

EMPTY_LIBRARY: dict[str, Any] = {"near_duplicates": [], "missing_faq": []}


class Renderer:
    def __init__(self, out: TextIO, context: ReportContext | None = None) -> None:
        self.out = out
        self.count = 0
        out.write('{\n  "version": 1,\n  "results": [')

    def result(self, result: Linted) -> None:
        self.out.write(",\n    " if self.count else "\n    ")
        self.out.write(indented_json(result.to_dict(), 2))
        self.count += 1

    def finish(
        self, errors: Sequence[InputError], summary: Summary, library: LibraryReport | None
    ) -> None:
        out = self.out
        out.write("\n  ],\n" if self.count else "],\n")
        out.write(f'  "errors": {indented_json([e.to_dict() for e in errors], 1)},\n')
        out.write(f'  "summary": {indented_json(summary.to_dict(), 1)},\n')
        section = library.to_dict() if library is not None else EMPTY_LIBRARY
        out.write(f'  "library": {indented_json(section, 1)}\n}}\n')


def render(
    results: Sequence[Linted],
    errors: Sequence[InputError],
    summary: Summary,
    library: LibraryReport | None = None,
) -> str:
    """The whole document as a string (for tests and the API)."""
    import io

    buffer = io.StringIO()
    renderer = Renderer(buffer)
    for result in results:
        renderer.result(result)
    renderer.finish(errors, summary, library)
    return buffer.getvalue()
