"""Edits behind the editor commands: disable replylint for a file or a rule, and
set a reply's channel in its front matter.

Each returns a `Planned` edit with a sentence saying what it changes; the server
asks the client to apply it (workspace/applyEdit), so the user sees and can undo
the change, and nothing is written behind their back.

- disable for this file: `exclude` the file in the config file in force (every
  format; a new replylint.toml when there is none), or `replylint-ignore: all` in
  a reply document's front matter;
- disable this rule: `[rules.<rule>] enabled = false` in the config file, or the
  rule in the document's `replylint-ignore`;
- switch channel: `channel:` in a reply document's front matter. A collection's
  records carry their own channel: the client changes the setting instead, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lsprotocol import types

from replylint.engine import IGNORE_ALL
from replylint.lsp.code_actions import (
    ActionRequest,
    config_file_edit,
    document_edit,
    text_edits,
)
from replylint.lsp.config_edits import add_to_list_edit, disable_rule_edit, new_config_text
from replylint.lsp.front_matter import ignore_rule_edit, set_front_matter_edit, yaml_flow_list
from replylint.lsp.linting import REPLY
from replylint.lsp.open_documents import uri_to_path
from replylint.model import CHANNELS, Edit

DISABLE_METHOD = "replylint/disable"
SET_CHANNEL_METHOD = "replylint/setChannel"
FRONT_MATTER = "frontMatter"
CONFIG = "config"
EXCLUDE_KEY = "exclude"


@dataclass(frozen=True)
class Planned:
    description: str  # what the edit changes, or why there is none
    edit: types.WorkspaceEdit | None = None


def _document_change(request: ActionRequest, edit: Edit) -> types.WorkspaceEdit:
    return document_edit(
        request.support, request.uri, request.version, text_edits(request.index, [edit])
    )


def _relative_to_config(request: ActionRequest) -> str | None:
    path = uri_to_path(request.uri)
    config_dir = (
        request.config_path.parent if request.config_path is not None else request.new_config_dir
    )
    if path is None or config_dir is None:
        return None
    try:
        return PurePosixPath(path.resolve().relative_to(config_dir.resolve()).as_posix()).as_posix()
    except ValueError:
        return None


def disable_file(request: ActionRequest, where: str) -> Planned:
    name = Path(request.uri).name
    if where == FRONT_MATTER:
        if request.outcome.kind != REPLY:
            return Planned(
                f"{name} has no front matter (it is a collection): exclude it in the config instead."
            )
        edit = ignore_rule_edit(request.outcome.text, IGNORE_ALL)
        if edit is None:
            return Planned(
                f"{name}: replylint-ignore already says all, or the front matter is not valid YAML."
            )
        return Planned(
            f"Added `replylint-ignore: {yaml_flow_list([IGNORE_ALL])}` to the front matter of {name}.",
            _document_change(request, edit),
        )
    relative = _relative_to_config(request)
    if relative is None:
        return Planned(
            f"{name} is not below the folder of a replylint.toml: nothing to exclude it in."
        )
    found = config_file_edit(
        request,
        lambda text, prefix: add_to_list_edit(text, EXCLUDE_KEY, relative, prefix),
        f"{EXCLUDE_KEY} = {_toml_list(relative)}\n",
    )
    if found is None:
        return Planned(
            f"{relative} is already excluded, or the config file cannot be edited safely."
        )
    config_name, config_edit = found
    return Planned(f"Added {relative!r} to `{EXCLUDE_KEY}` in {config_name}.", config_edit)


def _toml_list(item: str) -> str:
    escaped = item.replace("\\", "\\\\").replace('"', '\\"')
    return f'["{escaped}"]'


def disable_rule(request: ActionRequest, rule: str, where: str) -> Planned:
    name = Path(request.uri).name
    if where == FRONT_MATTER:
        if request.outcome.kind != REPLY:
            return Planned(f"{name} is a collection: use the quick fix on a record, or the config.")
        edit = ignore_rule_edit(request.outcome.text, rule)
        if edit is None:
            return Planned(f"{name} already ignores {rule}, or its front matter is not valid YAML.")
        return Planned(
            f"Added {rule} to `replylint-ignore` in the front matter of {name}.",
            _document_change(request, edit),
        )
    found = config_file_edit(
        request, lambda text, prefix: disable_rule_edit(text, rule, prefix), new_config_text(rule)
    )
    if found is None:
        return Planned(f"{rule} is already off, or the config file cannot be edited safely.")
    config_name, config_edit = found
    return Planned(f"Turned {rule} off (`enabled = false`) in {config_name}.", config_edit)


def set_channel(request: ActionRequest, channel: str | None) -> Planned:
    name = Path(request.uri).name
    if channel is not None and channel not in CHANNELS:
        return Planned(f"unknown channel {channel!r} (one of {', '.join(CHANNELS)})")
    if request.outcome.kind != REPLY:
        return Planned(
            f"{name} is a collection: each record sets its own `channel`; "
            "records without one use the replylint.channel setting."
        )
    edit = set_front_matter_edit(request.outcome.text, "channel", channel)
    if edit is None:
        if channel is None:
            return Planned(f"{name} sets no channel in its front matter: nothing to remove.")
        return Planned(
            f"{name} already says `channel: {channel}`, or its front matter is not valid YAML."
        )
    if channel is None:
        return Planned(
            f"Removed `channel:` from the front matter of {name}: the replylint.channel setting "
            "or the project's config applies.",
            _document_change(request, edit),
        )
    return Planned(
        f"Set `channel: {channel}` in the front matter of {name}.", _document_change(request, edit)
    )
