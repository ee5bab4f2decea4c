"""`exclude` in replylint.toml keeps walked files out of `check`; named files stay in."""

from __future__ import annotations

from pathlib import Path

from replylint.check.checker import Checker
from replylint.inputs.files import InputError


def _library(tmp_path: Path) -> Path:
    (tmp_path / "replylint.toml").write_text('exclude = ["drafts/", "*.old.reply"]\n')
    for name in ("live/refund.reply", "drafts/wip.reply", "live/legacy.old.reply", "top.reply"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("Thanks for waiting, your refund left today. Anna\n")
    return tmp_path


def _relative(found: list[str | InputError], root: Path) -> list[str]:
    return [Path(str(p)).resolve().relative_to(root.resolve()).as_posix() for p in found]


def test_a_walked_folder_skips_the_files_exclude_names(tmp_path: Path) -> None:
    root = _library(tmp_path)
    found = Checker().prepare([str(root)])
    assert _relative(found, root) == ["live/refund.reply", "top.reply"]


def test_a_glob_skips_excluded_files_too(tmp_path: Path) -> None:
    root = _library(tmp_path)
    found = Checker().prepare([str(root / "live" / "*.reply")])
    assert _relative(found, root) == ["live/refund.reply"]


def test_a_file_named_on_its_own_is_linted_even_when_excluded(tmp_path: Path) -> None:
    root = _library(tmp_path)
    found = Checker().prepare([str(root / "drafts" / "wip.reply")])
    assert _relative(found, root) == ["drafts/wip.reply"]


def test_without_exclude_every_reply_file_is_walked(tmp_path: Path) -> None:
    root = _library(tmp_path)
    (root / "replylint.toml").write_text("")
    found = Checker().prepare([str(root)])
    assert _relative(found, root) == [
        "drafts/wip.reply",
        "live/legacy.old.reply",
        "live/refund.reply",
        "top.reply",
    ]
