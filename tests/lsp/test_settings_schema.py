"""The VS Code settings schema is generated from the rule data and stays in step."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from replylint.lsp.settings_schema import generate, main, option_descriptions, value_schema

PACKAGE_JSON = Path(__file__).resolve().parents[2] / "editors" / "vscode" / "package.json"


def _properties() -> dict:
    return json.loads(PACKAGE_JSON.read_text("utf-8"))["contributes"]["configuration"]["properties"]


def test_package_json_is_in_step_with_the_rule_data() -> None:
    manifest = json.loads(PACKAGE_JSON.read_text("utf-8"))
    assert generate(manifest) == manifest, (
        "editors/vscode/package.json is out of step: run "
        "python -m replylint.lsp.settings_schema --write editors/vscode/package.json"
    )
    assert main(["--check", str(PACKAGE_JSON)]) == 0


def test_check_fails_on_a_stale_manifest(tmp_path: Path) -> None:
    manifest = json.loads(PACKAGE_JSON.read_text("utf-8"))
    del manifest["contributes"]["configuration"]["properties"]["replylint.rules"]["properties"][
        "brevity"
    ]
    stale = tmp_path / "package.json"
    stale.write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    assert main(["--check", str(stale)]) == 1
    assert main(["--write", str(stale)]) == 0
    assert main(["--check", str(stale)]) == 0


@pytest.mark.parametrize(
    ("settings", "valid"),
    [
        ({"brevity": {"max_words": 40}}, True),  # one number for every channel
        ({"brevity": {"max_words": {"chat": 40}}}, True),
        ({"brevity": {"max_words": "forty"}}, False),
        ({"brevity": {"max_wrds": 40}}, False),  # a misspelt option
        ({"saved-reply-fit": {"coverage_threshold": 0.7}}, True),
        ({"directness": {"checks": {"preamble": False}, "severity": "error"}}, True),
        ({"directness": {"checks": {"deflection": {"severity": "info"}}}}, True),
        ({"directness": {"checks": ["preamble"]}}, False),  # the old option's list
        ({"directness": {"checks": {"preambel": False}}}, False),  # a misspelt check
        ({"directness": {"severity": "fatal"}}, False),
        ({"sensitive-in-private": {"phone_regions": {"en": ["US"]}}}, True),
        ({"acme-plugin-rule": {"enabled": False}}, True),
    ],
)
def test_rules_setting_schema_accepts_what_the_engine_accepts(settings: dict, valid: bool) -> None:
    schema = _properties()["replylint.rules"]
    if valid:
        jsonschema.validate(settings, schema)
    else:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(settings, schema)


def test_language_is_an_enum_of_the_shipped_languages() -> None:
    assert _properties()["replylint.language"]["enum"] == ["", "en", "fr"]


def test_option_descriptions_come_from_the_docs_list() -> None:
    docs = "- `a`: first line\n  continued.\n- `b` (default 2): second."
    assert option_descriptions(docs) == {"a": "first line continued.", "b": "second."}


def test_a_table_option_also_takes_one_value() -> None:
    assert value_schema({"en": 1}) == {
        "anyOf": [
            {"type": "integer"},
            {
                "type": "object",
                "properties": {"en": {"type": "integer"}},
                "additionalProperties": {"type": "integer"},
            },
        ]
    }
