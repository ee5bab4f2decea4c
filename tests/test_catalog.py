"""The rule catalogue's digest: what makes a new rule set, and what does not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from replylint.catalog import _rules_dir, rule_set_digest
from replylint.cli import plain_table
from replylint.rule import rules_dir


def test_rules_dir_is_the_rule_modules_one() -> None:
    assert _rules_dir() == rules_dir()


def test_installing_a_distribution_makes_a_new_rule_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "path", [*sys.path, str(tmp_path)])
    before = rule_set_digest()
    (tmp_path / "acme_rules-1.0.dist-info").mkdir()
    assert rule_set_digest() != before


def test_other_files_in_an_import_folder_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "path", [*sys.path, str(tmp_path)])
    before = rule_set_digest()
    (tmp_path / "report.json").write_text("{}", encoding="utf-8")
    assert rule_set_digest() == before


def test_plain_table_pads_every_column_but_the_last() -> None:
    text = plain_table(("rule", "summary"), [("brevity", "Keep it short."), ("x", "y")])
    assert text == "rule     summary\nbrevity  Keep it short.\nx        y\n"
