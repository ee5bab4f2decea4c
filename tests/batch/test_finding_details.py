"""`Checker.finding_details`: the details only some reports read are skipped, never
the report itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from replylint.check.checker import Checker, Linted
from replylint.cli import main

REPLIES = (
    '{"id": "a", "text": "Kindly wait, per our policy the parcel ships Monday."}\n'
    '{"id": "b", "text": "Hi Jo, the parcel left today.\\n\\nBest,\\nMia"}\n'
    '{"id": "c", "text": "Please send me your card number here, kindly."}\n'
)


@pytest.fixture
def replies(tmp_path: Path) -> Path:
    path = tmp_path / "replies.jsonl"
    path.write_text(REPLIES, encoding="utf-8")
    return path


def linted(path: Path, *, details: bool) -> list[Linted]:
    checker = Checker()
    checker.finding_details = details
    files = checker.prepare([str(path)])
    return [item for unit in checker.units(files) for item in checker.lint_unit(unit)]  # type: ignore[misc]


def test_the_json_report_is_the_same_without_details(replies: Path) -> None:
    full, bare = linted(replies, details=True), linted(replies, details=False)
    assert sum(len(item.findings) for item in full) > 0  # the fixture has findings
    assert [len(item.details) for item in full] == [len(item.findings) for item in full]
    assert [item.details for item in bare] == [(), (), ()]
    assert [item.to_dict() for item in bare] == [item.to_dict() for item in full]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (("--format", "json", "--no-cache"), False),
        (("--format", "github", "--no-cache"), False),
        (("--format", "sarif", "--no-cache"), True),  # fingerprints, UTF-16 columns
        (("--format", "text", "--no-cache"), True),  # excerpts
        (("--format", "json"), True),  # the result cache stores them
    ],
)
def test_check_skips_details_only_where_nothing_reads_them(
    replies: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    options: tuple[str, ...],
    expected: bool,
) -> None:
    asked: list[bool] = []
    original = Linted.from_result.__func__  # type: ignore[attr-defined]

    def recording(cls, *args, with_details: bool = True, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(with_details)
        return original(cls, *args, with_details=with_details, **kwargs)

    monkeypatch.setattr(Linted, "from_result", classmethod(recording))
    cache = ("--cache-dir", str(tmp_path / "cache")) if "--no-cache" not in options else ()
    main(["check", "--fail-on", "never", "--jobs", "1", *options, *cache, str(replies)])
    capsys.readouterr()
    assert asked == [expected] * 3
