"""The [responsiveness] section of the configuration, and --lint through the same
engine path as `check` (the user's configuration, --jobs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from replylint.config import ConfigError, ConfigLayer
from replylint.responsiveness.command import main

from .conftest import write_jsonl


def conversation(number: int, reply: str) -> list[dict]:
    """A customer message at 10:00 answered at 10:02 (120 s) by Acme."""
    base = {"conversation": f"c{number}", "brand": "Acme"}
    return [
        {**base, "id": f"{number}q", "time": "2024-05-06T10:00:00+00:00", "role": "customer",
         "text": "Where is my order?"},
        {**base, "id": f"{number}a", "time": "2024-05-06T10:02:00+00:00", "role": "agent",
         "text": reply},
    ]  # fmt: skip


def report(tmp_path: Path, records: list[dict], config: str, *args: str) -> dict:
    export = write_jsonl(tmp_path / "log.jsonl", records)
    (tmp_path / "replylint.toml").write_text(config, encoding="utf-8")
    out = tmp_path / "report.json"
    code = main([str(export), "--config", str(tmp_path / "replylint.toml"), *args, "-o", str(out)])
    assert code == 0
    return json.loads(out.read_text("utf-8"))


FAST = """
[responsiveness]
policy = "fast"

[responsiveness.policies.fast]
title = "Everything within a minute"
target_share = 1.0
target_time_s = 60
"""


def test_the_configured_default_policy_is_used(tmp_path: Path) -> None:
    figures = report(tmp_path, conversation(1, "It ships today. ^KD"), FAST)
    assert figures["policy"]["name"] == "fast"
    assert figures["within_target"]["count"] == 0  # 120 s > 60 s
    assert figures["meets_policy"] is False


def test_policy_on_the_command_line_wins_over_the_configured_one(tmp_path: Path) -> None:
    figures = report(tmp_path, conversation(1, "It ships today. ^KD"), FAST, "--policy", "seed")
    assert figures["policy"]["name"] == "seed"
    assert figures["within_target"]["count"] == 1  # 120 s <= 300 s


@pytest.mark.parametrize(
    ("section", "key", "problem"),
    [
        ({"polcy": "seed"}, "responsiveness.polcy", "unknown setting"),
        ({"policy": 3}, "responsiveness.policy", "expected a string"),
        ({"policies": {"fast": 1}}, "responsiveness.policies.fast", "expected a table"),
    ],
)
def test_a_bad_section_names_the_file_and_key(section: dict, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ConfigLayer.from_mapping({"responsiveness": section}, "team/replylint.toml")
    assert str(caught.value).startswith(f"team/replylint.toml: {key}: {problem}")


def test_a_bad_policy_in_the_configuration_names_the_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "replylint.toml"
    config.write_text(
        "[responsiveness.policies.fast]\ntarget_share = 2\ntarget_time_s = 60\n", encoding="utf-8"
    )
    export = write_jsonl(tmp_path / "log.jsonl", conversation(1, "Done. ^KD"))
    assert main([str(export), "--config", str(config)]) == 2
    assert f"{config}: responsiveness.policies.fast.target_share: must be in (0, 1]" in (
        capsys.readouterr().err
    )


UNSIGNED = "Your order left the warehouse this morning and arrives on Thursday."
NO_SIGNATURE_RULE = "[rules.signature-present]\nenabled = false\n"


def test_lint_follows_the_users_configuration(tmp_path: Path) -> None:
    records = conversation(1, UNSIGNED)
    default = report(tmp_path, records, "", "--lint")
    assert default["by_brand"][0]["findings"].get("signature-present") == 1.0
    configured = report(tmp_path, records, NO_SIGNATURE_RULE, "--lint")
    assert "signature-present" not in configured["by_brand"][0]["findings"]


def test_lint_in_two_processes_gives_what_one_gives(tmp_path: Path) -> None:
    # 240 replies (more than check lints in one process when --jobs is given): every
    # third one unsigned, so signature-present fires on 80 of them.
    records = [
        record
        for number in range(240)
        for record in conversation(number, UNSIGNED if number % 3 == 0 else f"{UNSIGNED} ^KD")
    ]
    one = report(tmp_path, records, "", "--lint", "--jobs", "1")
    two = report(tmp_path, records, "", "--lint", "--jobs", "2")
    assert one["linted_replies"] == two["linted_replies"] == 240
    assert one["by_brand"][0]["findings"]["signature-present"] == pytest.approx(80 / 240)
    assert two["by_brand"] == one["by_brand"]
    assert two["by_agent"] == one["by_agent"]
