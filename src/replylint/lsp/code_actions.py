"""Code actions for findings under the cursor.

For every finding in the requested range:
- each of its fixes, as a quick fix;
- "Ignore <rule> in this document": adds the rule to `replylint-ignore` in the
  reply's front matter (creating the front matter if needed);
- "Ignore <rule> in this record" (JSON / JSONL / YAML collections): the same in
  the record under the cursor (`record_ignore.py`);
- "Disable <rule> in the workspace config": `[rules.<rule>] enabled = false` in
  the config file in force (replylint.toml, or [tool.replylint.rules.<rule>] in
  pyproject.toml), or a new replylint.toml in the workspace folder.
All are `quickfix` actions carrying the diagnostics they resolve and a WorkspaceEdit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

from replylint.lsp.config_edits import (
    PYPROJECT_PREFIX,
    REPLYLINT_TOML_PREFIX,
    disable_rule_edit,
    new_config_text,
)
from replylint.lsp.diagnostics import SOURCE, finding_diagnostic, same_place
from replylint.lsp.front_matter import ignore_rule_edit
from replylint.lsp.linting import REPLY, LintOutcome
from replylint.lsp.open_documents import path_to_uri
from replylint.lsp.positions import PositionIndex
from replylint.lsp.record_ignore import ignore_rule_in_record, ignore_rule_in_yaml_record
from replylint.model import Edit, Finding

# A config file's current text, its URI and, when open in the editor, its version.
ReadFile = Callable[[Path], tuple[str, str, int | None] | None]


@dataclass(frozen=True)
class EditSupport:
    """What the client can apply (workspace.workspaceEdit capabilities)."""

    document_changes: bool = False
    create_files: bool = False

    @classmethod
    def from_capabilities(cls, capabilities: types.ClientCapabilities) -> EditSupport:
        edit = capabilities.workspace.workspace_edit if capabilities.workspace else None
        if edit is None:
            return cls()
        operations = edit.resource_operations or []
        return cls(
            document_changes=bool(edit.document_changes),
            create_files=bool(edit.document_changes)
            and types.ResourceOperationKind.Create in operations,
        )


@dataclass(frozen=True)
class ActionRequest:
    uri: str
    version: int | None
    outcome: LintOutcome  # linted at `version`
    index: PositionIndex  # of outcome.text
    config_path: Path | None  # the config file in force for the document
    new_config_dir: Path | None  # where to create replylint.toml when there is none
    encoding: str
    support: EditSupport
    read_file: ReadFile


def text_edits(index: PositionIndex, edits: Sequence[Edit]) -> list[types.TextEdit]:
    return [types.TextEdit(range=index.range(e.start, e.end), new_text=e.text) for e in edits]


def document_edit(
    support: EditSupport, uri: str, version: int | None, edits: list[types.TextEdit]
) -> types.WorkspaceEdit:
    if support.document_changes:
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(
                        uri=uri, version=version
                    ),
                    edits=edits,  # type: ignore[arg-type]
                )
            ]
        )
    return types.WorkspaceEdit(changes={uri: edits})


def code_actions(
    request: ActionRequest,
    start: int,
    end: int,
    context: types.CodeActionContext,
) -> list[types.CodeAction]:
    if context.only and not any(
        types.CodeActionKind.QuickFix.value.startswith(kind)
        or kind.startswith(types.CodeActionKind.QuickFix.value)
        for kind in context.only
    ):
        return []
    index = request.index
    findings = [f for f in request.outcome.findings if f.start <= end and f.end >= start]
    # Diagnostics the client sent whose range lies elsewhere (e.g. a whole-line request).
    for diagnostic in context.diagnostics:
        if diagnostic.source != SOURCE:
            continue
        for finding in request.outcome.findings:
            if finding not in findings and same_place(diagnostic, finding, index):
                findings.append(finding)
    if not findings:
        return []

    def attached(group: list[Finding]) -> list[types.Diagnostic]:
        sent = [
            d
            for d in context.diagnostics
            if d.source == SOURCE and any(same_place(d, f, index) for f in group)
        ]
        return sent or [finding_diagnostic(f, index, request.version) for f in group]

    actions: list[types.CodeAction] = []
    for finding in findings:
        for fix in finding.fixes:
            actions.append(
                types.CodeAction(
                    title=fix.title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=attached([finding]),
                    is_preferred=len(finding.fixes) == 1,
                    edit=document_edit(
                        request.support, request.uri, request.version, text_edits(index, fix.edits)
                    ),
                )
            )
    rules = list(dict.fromkeys(f.rule for f in findings))
    for rule in rules:
        group = [f for f in findings if f.rule == rule]
        ignore = _ignore_here(request, rule, group)
        if ignore is not None:
            title, edit, covered = ignore
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=attached(covered),
                    edit=document_edit(
                        request.support,
                        request.uri,
                        request.version,
                        text_edits(index, [edit]),
                    ),
                )
            )
        disable = _disable_in_config(request, rule)
        if disable is not None:
            title, workspace_edit = disable
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=attached(group),
                    edit=workspace_edit,
                )
            )
    return actions


def _ignore_here(
    request: ActionRequest, rule: str, group: list[Finding]
) -> tuple[str, Edit, list[Finding]] | None:
    """Skip `rule` in this reply document, or in the record of the first finding:
    (title, edit, the findings it resolves)."""
    outcome = request.outcome
    if outcome.kind == REPLY:
        edit = ignore_rule_edit(outcome.text, rule)
        return None if edit is None else (f"Ignore {rule} in this document", edit, group)
    at = group[0].start
    for index, (start, end) in enumerate(outcome.records):
        if start <= at < end:
            ignore = ignore_rule_in_yaml_record if outcome.kind == "yaml" else ignore_rule_in_record
            edit = ignore(outcome.text, outcome.records, index, rule)
            if edit is None:
                return None
            covered = [f for f in group if start <= f.start < end]
            return f"Ignore {rule} in this record", edit, covered
    return None


def _disable_in_config(request: ActionRequest, rule: str) -> tuple[str, types.WorkspaceEdit] | None:
    found = config_file_edit(
        request, lambda text, prefix: disable_rule_edit(text, rule, prefix), new_config_text(rule)
    )
    if found is None:
        return None
    name, workspace_edit = found
    return f"Disable {rule} in the workspace config ({name})", workspace_edit


def config_file_edit(
    request: ActionRequest,
    make_edit: Callable[[str, tuple[str, ...]], Edit | None],
    new_file_text: str,
) -> tuple[str, types.WorkspaceEdit] | None:
    """An edit of the config file in force (`make_edit(text, table prefix)`), or a new
    replylint.toml holding `new_file_text` when there is none: (what it edits, edit)."""
    path = request.config_path
    if path is not None:
        found = request.read_file(path)
        if found is None:
            return None
        text, uri, version = found
        prefix = PYPROJECT_PREFIX if path.name == "pyproject.toml" else REPLYLINT_TOML_PREFIX
        edit = make_edit(text, prefix)
        if edit is None:
            return None
        config_index = PositionIndex(text, request.encoding)
        workspace_edit = document_edit(
            request.support, uri, version, text_edits(config_index, [edit])
        )
        return path.name, workspace_edit
    if request.new_config_dir is None or not request.support.create_files:
        return None
    uri = path_to_uri(request.new_config_dir / "replylint.toml")
    workspace_edit = types.WorkspaceEdit(
        document_changes=[
            types.CreateFile(
                uri=uri, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=True)
            ),
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                edits=[
                    types.TextEdit(
                        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                        new_text=new_file_text,
                    )
                ],
            ),
        ]
    )
    return "new replylint.toml", workspace_edit
