"""`--format sarif`: SARIF 2.1.0, as GitHub code scanning ingests it.

- `tool.driver` lists every rule with its docs (`replylint explain`) as `help`,
  its page as `helpUri` (the rule's own `url`, else the configured `docs_url`
  template; none by default, and then no `informationUri` either) and its
  default severity as `defaultConfiguration.level`
  (error -> error, warning -> warning, info -> note), plus two library-level
  pseudo-rules, `library:near-duplicate` and `library:missing-faq`.
- A finding in a document points at its exact region; columns are counted in UTF-16
  code units, SARIF's default `columnKind`, so emoji and accents line up in GitHub.
- A finding in a collection record points at the line where the record starts
  (JSONL line, CSV row, YAML / JSON list item; line 1 when unknown); the record id
  and the position inside the reply text are in `properties`, and the message ends
  with `[record ID]`.
- A finding in a document carries its quick fixes as `fixes` (each edit a
  `deletedRegion` of the file, UTF-16 columns, and its `insertedContent`); a
  collection record's fixes are left out, since the reply text sits escaped inside
  the file (JSON, CSV, YAML) and its edits do not map to a plain region of it.
- `partialFingerprints["replylintFinding/v1"]` is the baseline fingerprint (path,
  record id, rule, flagged text), so an alert survives unrelated edits.
- Input errors are `toolExecutionNotifications` of the invocation, which is then
  not `executionSuccessful`.
- Paths are relative to the working directory, with `uriBaseId: "%SRCROOT%"`: run
  `replylint check` from the repository root.

Results are written one by one (see `formats/__init__.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from replylint.check.baseline import normalize_path
from replylint.formats import ReportContext, indented_json
from replylint.inputs.files import STDIN
from replylint.version import __version__

if TYPE_CHECKING:
    from replylint.check.checker import Linted, Summary
    from replylint.inputs.files import InputError
    from replylint.inputs.library import LibraryEntry, LibraryReport
    from replylint.rule import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "replylintFinding/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
NEAR_DUPLICATE = "library:near-duplicate"
MISSING_FAQ = "library:missing-faq"
_LIBRARY_RULES: dict[str, tuple[str, str, str]] = {
    NEAR_DUPLICATE: (
        "Two saved replies say nearly the same thing.",
        "Two saved replies whose word 3-grams overlap by at least 80% (Jaccard). A team "
        "that keeps two templates for one answer updates one and forgets the other: "
        "merge them into one saved reply.",
        "note",
    ),
    MISSING_FAQ: (
        "A saved reply declares no `faq`.",
        "Saved replies are for frequently asked questions. Declare the questions a saved "
        "reply answers in its `faq` field so that agents (and the saved-reply-fit rule) "
        "can tell when it fits an incoming message.",
        "note",
    ),
}


def artifact_location(path: str) -> dict[str, Any]:
    if path == STDIN:
        return {"uri": "stdin"}
    relative = normalize_path(path)
    if relative.startswith("/"):
        return {"uri": Path(relative).as_uri()}
    return {"uri": quote(relative, safe="/"), "uriBaseId": "%SRCROOT%"}


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.replace(":", "-").split("-"))


def rule_descriptor(name: str, rule: Rule, docs_url: str | None = None) -> dict[str, Any]:
    summary = rule.summary or name
    docs = rule.docs.markdown(name, rule.summary)
    descriptor: dict[str, Any] = {
        "id": name,
        "name": _pascal(name),
        "shortDescription": {"text": summary},
        "fullDescription": {"text": " ".join(rule.docs.what.split()) or summary},
        "help": {"text": docs, "markdown": docs},
        "defaultConfiguration": {"level": LEVELS[str(rule.default_severity)]},
        "properties": {"tags": ["replylint"]},
    }
    help_uri = rule.url or (docs_url.format(rule=quote(name)) if docs_url else None)
    if help_uri:
        descriptor["helpUri"] = help_uri
    return descriptor


def _library_descriptor(name: str) -> dict[str, Any]:
    short, full, level = _LIBRARY_RULES[name]
    return {
        "id": name,
        "name": _pascal(name),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": full, "markdown": f"# {name}\n\n{full}\n"},
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["replylint", "library"]},
    }


class Renderer:
    def __init__(self, out: TextIO, context: ReportContext | None = None) -> None:
        self.out = out
        rules: Mapping[str, Rule] = context.rules if context is not None else {}
        docs_url = context.docs_url if context is not None else None
        descriptors = [rule_descriptor(name, rules[name], docs_url) for name in sorted(rules)]
        descriptors += [_library_descriptor(name) for name in _LIBRARY_RULES]
        self.rule_index = {d["id"]: i for i, d in enumerate(descriptors)}
        self.count = 0
        driver = {
            "name": "replylint",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": descriptors,
        }
        if docs_url:
            # The tool's page: where the rule pages are (the template up to `{rule}`).
            driver["informationUri"] = docs_url.split("{rule}")[0]
        root = Path.cwd().as_uri().rstrip("/") + "/"
        out.write(
            "{\n"
            f'  "$schema": "{SCHEMA}",\n'
            '  "version": "2.1.0",\n'
            '  "runs": [\n'
            "    {\n"
            f'      "tool": {indented_json({"driver": driver}, 3)},\n'
            f'      "originalUriBaseIds": {indented_json({"%SRCROOT%": {"uri": root}}, 3)},\n'
            '      "columnKind": "utf16CodeUnits",\n'
            '      "results": ['
        )

    def _write(self, result: dict[str, Any]) -> None:
        self.out.write(",\n        " if self.count else "\n        ")
        self.out.write(indented_json(result, 4))
        self.count += 1

    def _rule_ref(self, rule: str) -> dict[str, Any]:
        index = self.rule_index.get(rule)
        return {"ruleId": rule} if index is None else {"ruleId": rule, "ruleIndex": index}

    def result(self, result: Linted) -> None:
        artifact = artifact_location(result.path)
        for finding, detail in zip(result.findings, result.details, strict=True):
            start, end = finding["start"], finding["end"]
            properties: dict[str, Any] = {"severity": finding["severity"]}
            message = finding["message"]
            if result.is_document:
                region = {
                    "startLine": start["line"],
                    "startColumn": detail.start_utf16,
                    "endLine": end["line"],
                    "endColumn": detail.end_utf16,
                }
            else:
                region = {"startLine": result.line or 1}
                properties["recordId"] = result.id
                properties["replyRegion"] = {"start": start, "end": end}
                if result.id is not None:
                    message = f"{message} [record {result.id}]"
            entry: dict[str, Any] = {
                **self._rule_ref(finding["rule"]),
                "level": LEVELS.get(finding["severity"], "warning"),
                "message": {"text": message},
                "locations": [
                    {"physicalLocation": {"artifactLocation": artifact, "region": region}}
                ],
                "partialFingerprints": {FINGERPRINT_KEY: detail.fingerprint},
                "properties": properties,
            }
            if finding.get("url"):
                entry["properties"]["url"] = finding["url"]
            if result.is_document and finding["fixes"]:
                entry["fixes"] = _fixes(artifact, finding["fixes"], detail.fix_regions)
            self._write(entry)

    def _library_result(
        self, rule: str, entry: LibraryEntry, message: str, related: LibraryEntry | None
    ) -> None:
        from replylint.check.baseline import fingerprint

        location = _entry_location(entry)
        result: dict[str, Any] = {
            **self._rule_ref(rule),
            "level": "note",
            "message": {"text": message},
            "locations": [location],
            "partialFingerprints": {
                FINGERPRINT_KEY: fingerprint(
                    entry.path, entry.id, rule, "" if related is None else related.path
                )
            },
            "properties": {"recordId": entry.id} if not entry.is_document else {},
        }
        if related is not None:
            result["relatedLocations"] = [{"id": 1, **_entry_location(related)}]
        self._write(result)

    def finish(
        self, errors: Sequence[InputError], summary: Summary, library: LibraryReport | None
    ) -> None:
        from replylint.formats.text import location

        if library is not None:
            for pair in library.near_duplicates:
                self._library_result(
                    NEAR_DUPLICATE,
                    pair.b,
                    f"This saved reply is a near-duplicate of {location(pair.a)} "
                    f"(similarity {pair.similarity:.2f}): keep one saved reply per answer.",
                    pair.a,
                )
            for entry in library.missing_faq:
                self._library_result(
                    MISSING_FAQ,
                    entry,
                    "This saved reply declares no `faq`: list the questions it answers.",
                    None,
                )
        notifications = []
        for error in errors:
            notification: dict[str, Any] = {
                "level": "error",
                "message": {"text": error.to_dict()["message"]},
                "descriptor": {"id": "input-error"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": artifact_location(error.path),
                            "region": {"startLine": error.line or 1},
                        }
                    }
                ],
            }
            if error.id is not None:
                notification["properties"] = {"recordId": error.id}
            notifications.append(notification)
        invocation = {
            "executionSuccessful": not errors,
            "toolExecutionNotifications": notifications,
        }
        properties: dict[str, Any] = {"summary": summary.to_dict()}
        if library is not None:
            properties["library"] = library.to_dict()
        self.out.write("\n      ],\n" if self.count else "],\n")
        self.out.write(f'      "invocations": {indented_json([invocation], 3)},\n')
        self.out.write(f'      "properties": {indented_json(properties, 3)}\n')
        self.out.write("    }\n  ]\n}\n")


def _fixes(
    artifact: dict[str, Any],
    fixes: Sequence[Mapping[str, Any]],
    regions: Sequence[Sequence[tuple[int, int, int, int]]],
) -> list[dict[str, Any]]:
    """A finding's quick fixes as SARIF `fixes`: each replaces regions of the file."""
    return [
        {
            "description": {"text": fix["title"]},
            "artifactChanges": [
                {
                    "artifactLocation": artifact,
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": start_line,
                                "startColumn": start_column,
                                "endLine": end_line,
                                "endColumn": end_column,
                            },
                            "insertedContent": {"text": edit["text"]},
                        }
                        for edit, (start_line, start_column, end_line, end_column) in zip(
                            fix["edits"], edit_regions, strict=True
                        )
                    ],
                }
            ],
        }
        for fix, edit_regions in zip(fixes, regions, strict=True)
    ]


def _entry_location(entry: LibraryEntry) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": artifact_location(entry.path),
            "region": {"startLine": entry.line or 1},
        }
    }


def render(
    results: Sequence[Linted],
    errors: Sequence[InputError],
    summary: Summary,
    library: LibraryReport | None = None,
    rules: Mapping[str, Rule] | None = None,
) -> str:
    """The whole log as a string (for tests and the API)."""
    import io

    buffer = io.StringIO()
    renderer = Renderer(buffer, ReportContext(rules=rules or {}))
    for result in results:
        renderer.result(result)
    renderer.finish(errors, summary, library)
    return buffer.getvalue()
