"""The editor settings' JSON schema, generated from the rule data: one source.

`replylint.rules` accepts, per built-in rule, `enabled`, `severity` and the rule's
options (`[options]` in `rules/<rule>.toml`: names, types and defaults, described by
the rule's `docs.options` list); `replylint.language` is an enum of the languages
replylint ships; `replylint.files` defaults to the server's own default globs.

    python -m replylint.lsp.settings_schema --write editors/vscode/package.json
    python -m replylint.lsp.settings_schema --check editors/vscode/package.json

`--check` exits 1 when the manifest is out of step (a test runs it).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from replylint.hookspecs import PROJECT_NAME
from replylint.lsp.reply_files import DEFAULT_FILES
from replylint.rule import load_rule_data, rules_dir
from replylint.text.language_data import BUILTIN_LANGUAGES

PLUGIN_GROUP = PROJECT_NAME  # the entry-point group of rule plugins
RULES_KEY = "replylint.rules"
LANGUAGE_KEY = "replylint.language"
FILES_KEY = "replylint.files"
LANGUAGE_NAMES = {"en": "English", "fr": "French"}
SEVERITY_SCHEMA: dict[str, Any] = {
    "type": "string",
    "enum": ["error", "warning", "info"],
    "enumDescriptions": ["Must not be sent.", "Should be fixed before sending.", "A hint."],
    "description": "Override the rule's default severity.",
}
ENABLED_SCHEMA: dict[str, Any] = {"type": "boolean", "description": "Turn the rule on or off."}
# "- `max_words`: ..." or "- `coverage_threshold` (default 0.5): ...", continued on
# indented lines.
_OPTION_DOC = re.compile(r"^- `([A-Za-z0-9_]+)`[^:]*:\s*(.*(?:\n  .*)*)", re.MULTILINE)


def option_descriptions(docs: str) -> dict[str, str]:
    return {m.group(1): " ".join(m.group(2).split()) for m in _OPTION_DOC.finditer(docs)}


def value_schema(default: Any) -> dict[str, Any]:
    """What the engine accepts for an option with this default (`Engine._validate_options`:
    the default's type; a table also accepts one value of its entries' type)."""
    if isinstance(default, bool):
        return {"type": "boolean"}
    if isinstance(default, int):
        return {"type": "integer"}
    if isinstance(default, float):
        return {"type": "number"}
    if isinstance(default, str):
        return {"type": "string"}
    if isinstance(default, list):
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


def rule_schema(data: Mapping[str, Any]) -> dict[str, Any]:
    name = data["name"]
    described = option_descriptions(data.get("docs", {}).get("options", ""))
    properties: dict[str, Any] = {"enabled": ENABLED_SCHEMA, "severity": SEVERITY_SCHEMA}
    for option, default in data.get("options", {}).items():
        schema = value_schema(default)
        schema["default"] = default
        if option in described:
            schema["markdownDescription"] = described[option]
        properties[option] = schema
    checks = data.get("checks", {})
    if checks:
        switch = {
            "anyOf": [
                {"type": "boolean", "description": "Turn this check on or off."},
                SEVERITY_SCHEMA,
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {"enabled": ENABLED_SCHEMA, "severity": SEVERITY_SCHEMA},
                },
            ]
        }
        properties["checks"] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                check: {**switch, "markdownDescription": spec.get("summary", "")}
                for check, spec in checks.items()
            },
            "markdownDescription": "The rule's named checks: each switched or given a severity.",
        }
    summary = data.get("summary", "")
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "markdownDescription": f"Settings of the `{name}` rule. {summary}".strip(),
    }


def builtin_rule_data() -> list[Mapping[str, Any]]:
    """The data of the rules replylint itself registers (its own `replylint` entry
    points), not installed plugins' and not other data in `rules/` (policies)."""
    own = metadata.distribution("replylint").entry_points
    names = sorted(ep.name for ep in own if ep.group == PLUGIN_GROUP)
    return [load_rule_data(name) for name in names if (rules_dir() / f"{name}.toml").is_file()]


def rules_setting(current: Mapping[str, Any], rules: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """`replylint.rules`: hand-written text kept, the per-rule schemas generated."""
    setting = dict(current)
    setting["properties"] = {data["name"]: rule_schema(data) for data in rules}
    # Plugin rules: their options are checked by the server.
    setting["additionalProperties"] = {
        "type": "object",
        "properties": {"enabled": ENABLED_SCHEMA, "severity": SEVERITY_SCHEMA},
        "description": "Settings of a plugin rule: enabled, severity and its options.",
    }
    return setting


def language_setting(current: Mapping[str, Any]) -> dict[str, Any]:
    setting = {k: v for k, v in current.items() if k not in ("pattern", "patternErrorMessage")}
    setting["enum"] = ["", *BUILTIN_LANGUAGES]
    setting["enumDescriptions"] = [
        "Detect the language from the text.",
        *(f"{LANGUAGE_NAMES.get(code, code)} ({code})" for code in BUILTIN_LANGUAGES),
    ]
    setting.pop("examples", None)
    return setting


def files_setting(current: Mapping[str, Any]) -> dict[str, Any]:
    setting = dict(current)
    setting["default"] = list(DEFAULT_FILES)
    return setting


def generate(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """`manifest` (package.json) with the generated settings put in place."""
    out = json.loads(json.dumps(manifest))
    properties = out["contributes"]["configuration"]["properties"]
    properties[RULES_KEY] = rules_setting(properties.get(RULES_KEY, {}), builtin_rule_data())
    properties[LANGUAGE_KEY] = language_setting(properties.get(LANGUAGE_KEY, {}))
    properties[FILES_KEY] = files_setting(properties.get(FILES_KEY, {}))
    return out


def render(manifest: Mapping[str, Any]) -> str:
    """package.json's own layout (npm writes it the same way)."""
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m replylint.lsp.settings_schema",
        description="Generate the VS Code settings schema from the rule data.",
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path, metavar="PACKAGE_JSON", help="update the file")
    action.add_argument(
        "--check", type=Path, metavar="PACKAGE_JSON", help="exit 1 if the file is out of date"
    )
    args = parser.parse_args(argv)
    path: Path = args.write or args.check
    try:
        current = path.read_text(encoding="utf-8")
        wanted = render(generate(json.loads(current)))
    except (OSError, ValueError, KeyError) as exc:
        print(f"settings_schema: cannot read {path}: {exc}", file=sys.stderr)
        return 2
    if args.write:
        if wanted != current:
            path.write_text(wanted, encoding="utf-8")
        return 0
    if wanted != current:
        print(
            f"{path} is out of step with the rule data: run "
            f"python -m replylint.lsp.settings_schema --write {path}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
