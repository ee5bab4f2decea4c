"""Which files are replies, so the server never lints a README or a CI file.

A file is a reply when it is not excluded by the config file's `exclude` and
- it matches a glob of the `files` editor setting (default `*.reply`, `*.reply.md`;
  relative to the workspace folder), or
- it matches a glob of `files` in the workspace's `replylint.toml` (relative to
  that file: template folders, libraries), or
- it is a reply document (`.reply`, `.txt`, `.md`) whose YAML front matter holds
  replylint keys (`channel`, `incoming`, `agent`, `replylint-ignore`, ...).
Globs are gitignore-style (pathspec): `*.reply` matches at any depth, `templates/`
every file below that folder. Untitled documents have no path: a `reply`-language
document, one with replylint front matter, or a record collection is a reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from replylint.config import Config
from replylint.engine import IGNORE_KEY
from replylint.inputs.globs import matching_glob

DEFAULT_FILES = ("*.reply", "*.reply.md")
SETTING = "files"
# Front matter keys that only a reply would carry (not `language`, `id` or
# `title`, which other Markdown front matter uses too).
REPLY_KEYS = frozenset(
    {"channel", "incoming", "agent", "brand", "customer", "saved_reply", "faq", IGNORE_KEY}
)
# The shape documents.parse_document accepts.
_FRONT_MATTER = re.compile(
    r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)(?:^|\n)---[ \t]*(?:\r?\n|\Z)", re.DOTALL
)
_FRONT_MATTER_LIMIT = 20_000  # characters: front matter is short; do not scan a whole book


@dataclass(frozen=True)
class Decision:
    is_reply: bool
    reason: str  # for the status bar tooltip and the log


def has_reply_front_matter(text: str) -> bool:
    match = _FRONT_MATTER.match(text[:_FRONT_MATTER_LIMIT])
    if match is None:
        return False
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and any(key in REPLY_KEYS for key in data)


def setting_globs(settings: dict[str, object]) -> tuple[tuple[str, ...], str | None]:
    """The `files` setting as globs, and a warning when it is not a list of strings."""
    value = settings.get(SETTING)
    if value is None:
        return DEFAULT_FILES, None
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip()), None
    return (
        DEFAULT_FILES,
        f"replylint: ignored setting files: expected a list of globs, got {value!r}",
    )


@dataclass(frozen=True)
class ReplyFiles:
    """The file selection in force for one document."""

    globs: tuple[str, ...] = DEFAULT_FILES  # the editor setting
    root: Path | None = None  # the workspace folder the setting's globs are relative to
    config_globs: tuple[str, ...] = ()
    config_exclude: tuple[str, ...] = ()
    config_path: Path | None = None

    @classmethod
    def of(
        cls, globs: tuple[str, ...], root: Path | None, config: Config, config_path: Path | None
    ) -> ReplyFiles:
        """The selection from the editor setting and the config file layer of `config`."""
        files: tuple[str, ...] = ()
        exclude: tuple[str, ...] = ()
        for layer in config.layers:
            if config_path is not None and layer.source == str(config_path):
                files, exclude = layer.files, layer.exclude
        return cls(globs, root, files, exclude, config_path)

    def decide(self, path: Path | None, language_id: str, kind: str | None, text: str) -> Decision:
        if kind is None:
            return Decision(False, "not a format replylint reads")
        if path is None:
            if language_id == "reply":
                return Decision(True, "an untitled Reply document")
            if kind != "reply":
                return Decision(True, "an untitled collection of reply records")
            if has_reply_front_matter(text):
                return Decision(True, "it has replylint front matter")
            return Decision(False, "an untitled document without replylint front matter")
        config_root = self.config_path.parent if self.config_path is not None else None
        config_name = self.config_path.name if self.config_path is not None else "replylint.toml"
        if (glob := matching_glob(self.config_exclude, path, config_root)) is not None:
            return Decision(False, f"excluded by `{glob}` in {config_name} `exclude`")
        if (glob := matching_glob(self.globs, path, self.root)) is not None:
            return Decision(True, f"it matches `{glob}` of the replylint.files setting")
        if (glob := matching_glob(self.config_globs, path, config_root)) is not None:
            return Decision(True, f"it matches `{glob}` of `files` in {config_name}")
        if kind == "reply" and has_reply_front_matter(text):
            return Decision(True, "it has replylint front matter")
        return Decision(
            False,
            "it matches no glob of the replylint.files setting or of `files` in "
            f"{config_name}, and has no replylint front matter",
        )
