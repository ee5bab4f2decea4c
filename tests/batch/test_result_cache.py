"""The result cache of `replylint check` (check/cache.py), in-process.

What each test counts is how many replies were linted afresh (`Checker._lint_fresh`
calls), so "served from the cache" is observed, not timed.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from replylint.check import cache as cache_module
from replylint.check.checker import Checker
from replylint.cli import main

REPLIES = {
    "late.txt": "Hi Jo, kindly wait for the courier, per our policy.\n\nBest,\nMia\n",
    "fine.md": "---\nchannel: public\n---\nHi Jo, the parcel left today.\n\nBest,\nMia\n",
    "batch.jsonl": '{"id": "r1", "text": "Kindly send it back."}\n'
    '{"id": "r2", "text": "Thanks, all sorted."}\n',
}
TEAM_CONFIG = """\
[[phrases]]
name = "acme-words"
message = "Avoid '{phrase}'."
phrases = ["kindly", "per our policy"]
severity = "error"
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "replies"
    root.mkdir()
    (root / "replylint.toml").write_text(TEAM_CONFIG, encoding="utf-8")
    for name, text in REPLIES.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def _recorded_calls(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, record: Callable[..., Any]
) -> list[Any]:
    """`owner.name` wrapped so that each call first appends `record(*its arguments)` to
    the list returned, then runs as before."""
    seen: list[Any] = []
    real = getattr(owner, name)

    def recording(*args: Any, **kwargs: Any) -> Any:
        seen.append(record(*args, **kwargs))
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, recording)
    return seen


@pytest.fixture
def fresh_lints(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the replies linted afresh, in order."""
    return _recorded_calls(
        monkeypatch, Checker, "_lint_fresh", lambda self, item: Path(item.path).name
    )


def check(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    main(["check", "--fail-on", "never", "--jobs", "1", *args])
    return capsys.readouterr().out


def entries(cache_dir: Path) -> dict[str, bytes]:
    """The stored entries, by key (read straight from the database file)."""
    with sqlite3.connect(cache_dir / cache_module.DATABASE) as database:
        return dict(database.execute("SELECT key, entry FROM entries ORDER BY key"))


def damage(cache_dir: Path, key: str, entry: bytes) -> None:
    """Store `entry` under `key` in place of what the cache wrote there."""
    database = sqlite3.connect(cache_dir / cache_module.DATABASE)
    with database:
        database.execute("UPDATE entries SET entry = ? WHERE key = ?", (entry, key))
    database.close()


@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "github"])
def test_cached_report_is_byte_identical_to_a_fresh_one(
    fmt: str, tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fresh_lints: list[str]
) -> None:
    cache_dir = tmp_path / "cache"
    fresh = check(capsys, "--format", fmt, "--no-cache", str(tree))
    first = check(capsys, "--format", fmt, "--cache-dir", str(cache_dir), str(tree))
    fresh_lints.clear()
    second = check(capsys, "--format", fmt, "--cache-dir", str(cache_dir), str(tree))
    assert fresh_lints == []  # four replies (two files, two records), all from the cache
    assert second == first == fresh
    assert "kindly" in fresh.lower()  # the reports do hold findings


def test_no_cache_writes_nothing(tree: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    cache_dir = tmp_path / "cache"
    check(capsys, "--no-cache", "--cache-dir", str(cache_dir), str(tree))
    assert not cache_dir.exists()


def test_only_changed_replies_and_changed_configs_are_linted_again(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fresh_lints: list[str]
) -> None:
    cache_dir = str(tmp_path / "cache")
    check(capsys, "--cache-dir", cache_dir, str(tree))
    assert sorted(fresh_lints) == ["batch.jsonl", "batch.jsonl", "fine.md", "late.txt"]

    fresh_lints.clear()
    (tree / "late.txt").write_text("Hi Jo, the courier comes Monday.\n", encoding="utf-8")
    check(capsys, "--cache-dir", cache_dir, str(tree))
    assert fresh_lints == ["late.txt"]

    fresh_lints.clear()
    check(capsys, "--cache-dir", cache_dir, "--channel", "public", str(tree / "late.txt"))
    assert fresh_lints == ["late.txt"]  # the command line changed the reply's context

    fresh_lints.clear()
    (tree / "replylint.toml").write_text('ignore = ["brevity"]\n' + TEAM_CONFIG, "utf-8")
    check(capsys, "--cache-dir", cache_dir, str(tree))
    assert sorted(fresh_lints) == ["batch.jsonl", "batch.jsonl", "fine.md", "late.txt"]


def test_a_corrupt_entry_is_ignored_and_rewritten(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fresh_lints: list[str]
) -> None:
    cache_dir = tmp_path / "cache"
    expected = check(capsys, "--format", "json", "--cache-dir", str(cache_dir), str(tree))
    keys = list(entries(cache_dir))
    assert len(keys) == 4
    damage(cache_dir, keys[0], b'{"path": "trunc')
    damage(cache_dir, keys[1], b"\x00\xff not json")
    damage(cache_dir, keys[2], b'{"format": "from another version"}')
    fresh_lints.clear()
    again = check(capsys, "--format", "json", "--cache-dir", str(cache_dir), str(tree))
    assert again == expected
    assert len(fresh_lints) == 3
    for entry in entries(cache_dir).values():
        assert json.loads(entry)["findings"] is not None  # rewritten whole


def test_an_unwritable_cache_folder_only_costs_speed(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    expected = check(capsys, "--format", "json", "--no-cache", str(tree))
    assert check(capsys, "--format", "json", "--cache-dir", str(blocker), str(tree)) == expected


def test_entries_are_written_whole_with_no_temporary_file_left(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache_dir = tmp_path / "cache"
    check(capsys, "--cache-dir", str(cache_dir), str(tree))
    left = sorted(p.name for p in cache_dir.iterdir())
    assert left == [cache_module.DATABASE, "validated"]  # no temporary file nor write log
    stored = entries(cache_dir)
    assert len(stored) == 4
    for entry in stored.values():
        json.loads(entry)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_the_entry_database_is_private_to_its_owner(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache_dir = tmp_path / "cache"
    check(capsys, "--cache-dir", str(cache_dir), str(tree))
    assert (cache_dir / cache_module.DATABASE).stat().st_mode & 0o777 == 0o600  # reply texts


def test_entries_of_a_long_run_are_written_in_batches_and_all_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Seven records, written three at a time, then the last one when the unit ends.
    monkeypatch.setattr(cache_module, "FLUSH_EVERY", 3)
    records = tmp_path / "many.jsonl"
    lines = [json.dumps({"id": f"r{n}", "text": f"Your parcel {n} left today."}) for n in range(7)]
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cache_dir = tmp_path / "cache"
    check(capsys, "--cache-dir", str(cache_dir), str(records))
    assert len(entries(cache_dir)) == 7


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_an_entry_is_private_to_its_owner_and_its_shard_folder_is_made(tmp_path: Path) -> None:
    entry = tmp_path / "cache" / "ab" / "cdef"  # neither folder exists yet
    assert cache_module._write_atomically(str(entry), b'{"reply": "Hi Jo"}')
    assert entry.read_bytes() == b'{"reply": "Hi Jo"}'
    assert entry.stat().st_mode & 0o777 == 0o600  # entries hold reply texts
    assert [p.name for p in entry.parent.iterdir()] == ["cdef"]


def test_a_write_the_disk_refuses_is_reported_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where a shard folder would be", encoding="utf-8")
    assert not cache_module._write_atomically(str(blocker / "ab" / "cdef"), b"{}")


def test_eviction_removes_the_least_recently_used_entries_first(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    database = cache_module._open_database(root)
    with database:
        for age, key in enumerate(["new", "middle", "old"]):
            used = (1_700_000_000 - age * 1000) * 10**9
            database.execute("INSERT INTO entries VALUES (?, ?, ?)", (key, b"x" * 100, used))
    database.close()
    # 300 bytes held, 250 allowed: down to 80% of 250 (200 bytes) means one goes.
    assert cache_module.evict(root, 250) == 1
    assert sorted(entries(root)) == ["middle", "new"]
    assert cache_module.evict(root, 250) == 0  # under the bound: nothing more goes


def test_an_entry_reads_back_equal_with_every_field_set() -> None:
    from dataclasses import fields

    from replylint.check.checker import FindingDetail, Linted
    from replylint.inputs.library import LibraryEntry

    finding = {"rule": "acme-words", "start": {"line": 1}, "fixes": [{"edits": []}]}
    linted = Linted(
        path="a.jsonl",
        id="r1",
        language="fr",
        channel="email",
        findings=(finding,),
        details=(FindingDetail("f1", "kindly", 3, 9, (((1, 3, 1, 9),),)),),
        is_document=True,
        line=7,
        rule_errors=("rule 'x' failed",),
        library=LibraryEntry("a.jsonl", "r1", "refund", True, False, (4, 9), True, 7),
        assumed={"language": "detected"},
        ignored=("ticket_url",),
    )
    defaults = Linted("p", None, "en", "private", ())
    # Every field differs from its default, so a field the format forgot would show.
    assert all(getattr(linted, f.name) != getattr(defaults, f.name) for f in fields(Linted))
    stored = json.loads(json.dumps(cache_module._to_json(linted)))
    assert cache_module._from_json(stored) == linted


@pytest.fixture
def engines_built(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The configs an `Engine` was built for, in order."""
    from replylint.engine import Engine

    return _recorded_calls(
        monkeypatch, Engine, "__init__", lambda self, config=None, *args, **kwargs: config
    )


def test_a_warm_rerun_builds_no_engine_yet_checks_record_languages(
    tree: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fresh_lints: list[str],
    engines_built: list[object],
) -> None:
    # A record naming a language no engine supports is an input error; the supported
    # languages come from the engine, or on a warm rerun from the cache's record of it.
    (tree / "german.jsonl").write_text('{"id": "g1", "text": "Hallo", "language": "de"}\n', "utf-8")
    cache_dir = str(tmp_path / "cache")
    cold = check(capsys, "--format", "json", "--cache-dir", cache_dir, str(tree))
    assert len(engines_built) == 1
    assert "must be one of en, fr" in cold
    engines_built.clear()
    fresh_lints.clear()
    warm = check(capsys, "--format", "json", "--cache-dir", cache_dir, str(tree))
    assert (engines_built, fresh_lints) == ([], [])
    assert warm == cold


def test_a_damaged_validation_marker_only_costs_an_engine(
    tree: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fresh_lints: list[str],
    engines_built: list[object],
) -> None:
    cache_dir = tmp_path / "cache"
    cold = check(capsys, "--format", "json", "--cache-dir", str(cache_dir), str(tree))
    (marker,) = (cache_dir / "validated").iterdir()
    for damage in (b"", b"[1, 2]", b'{"en": 1}', b"\xff"):
        marker.write_bytes(damage)
        engines_built.clear()
        fresh_lints.clear()
        again = check(capsys, "--format", "json", "--cache-dir", str(cache_dir), str(tree))
        assert again == cold
        assert (len(engines_built), fresh_lints) == (1, [])  # built, yet nothing re-linted
        assert json.loads(marker.read_bytes()) == ["en", "fr"]  # and the marker rewritten


# --- the stat index of document files -------------------------------------------------

LONG_AGO_NS = 1_600_000_000 * 10**9  # September 2020: long settled


def settle(path: Path, mtime_ns: int = LONG_AGO_NS) -> None:
    """Give `path` an old modification time, as a file not touched for years has."""
    os.utime(path, ns=(mtime_ns, mtime_ns))


@pytest.fixture
def documents_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files `check` opened to read replies from, in order."""
    from replylint.check import checker as checker_module

    return _recorded_calls(
        monkeypatch, checker_module, "read_items", lambda path, *args, **kwargs: Path(path).name
    )


def test_a_settled_unchanged_document_is_not_even_read_again(
    tree: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    documents_read: list[str],
) -> None:
    settle(tree / "late.txt")
    settle(tree / "fine.md")
    cache_dir = str(tmp_path / "cache")
    fresh = check(capsys, "--format", "json", "--no-cache", str(tree))
    first = check(capsys, "--format", "json", "--cache-dir", cache_dir, str(tree))
    documents_read.clear()
    second = check(capsys, "--format", "json", "--cache-dir", cache_dir, str(tree))
    assert documents_read == ["batch.jsonl"]  # a collection is read to find its records
    assert second == first == fresh


def test_a_document_rewritten_with_its_old_size_and_time_is_linted_again(
    tree: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fresh_lints: list[str],
) -> None:
    late = tree / "late.txt"
    settle(late)
    cache_dir = str(tmp_path / "cache")
    check(capsys, "--cache-dir", cache_dir, str(late))
    # Same length, same modification time: only the change time (and the text) differ.
    late.write_text("Hi Jo, please wait for the courier, see our policy.\n\nBest,\nMia\n", "utf-8")
    assert late.stat().st_size == len(REPLIES["late.txt"])
    settle(late)
    fresh_lints.clear()
    out = check(capsys, "--format", "json", "--cache-dir", cache_dir, str(late))
    assert fresh_lints == ["late.txt"]
    assert "per our policy" not in out and "kindly" not in out.lower()


def test_a_document_modified_just_now_gets_no_stat_entry(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], documents_read: list[str]
) -> None:
    late = tree / "late.txt"  # written by the fixture a moment ago
    cache_dir = tmp_path / "cache"
    check(capsys, "--cache-dir", str(cache_dir), str(late))
    assert len(entries(cache_dir)) == 1  # the reply's content entry only
    documents_read.clear()
    check(capsys, "--cache-dir", str(cache_dir), str(late))
    assert documents_read == ["late.txt"]  # read again, its findings still from the cache


def test_the_command_line_is_part_of_a_documents_stat_entry(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fresh_lints: list[str]
) -> None:
    late = tree / "late.txt"
    settle(late)
    cache_dir = str(tmp_path / "cache")
    check(capsys, "--cache-dir", cache_dir, str(late))
    fresh_lints.clear()
    out = check(
        capsys, "--format", "json", "--cache-dir", cache_dir, "--channel", "email", str(late)
    )
    assert fresh_lints == ["late.txt"]
    assert json.loads(out)["results"][0]["channel"] == "email"


def test_a_corrupt_stat_entry_is_ignored_and_rewritten(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], documents_read: list[str]
) -> None:
    late = tree / "late.txt"
    settle(late)
    cache_dir = tmp_path / "cache"
    expected = check(capsys, "--format", "json", "--cache-dir", str(cache_dir), str(late))
    stored = entries(cache_dir)
    assert len(stored) == 2  # the reply's content entry and the file's stat entry
    for key in stored:
        damage(cache_dir, key, b'[{"path": "trunc')
    documents_read.clear()
    again = check(capsys, "--format", "json", "--cache-dir", str(cache_dir), str(late))
    assert documents_read == ["late.txt"]
    assert again == expected
    documents_read.clear()
    third = check(capsys, "--format", "json", "--cache-dir", str(cache_dir), str(late))
    assert documents_read == []  # the stat entry was rewritten whole
    assert third == expected


@pytest.mark.parametrize("settled", [False, True], ids=["content entry", "stat entry"])
def test_a_finding_fingerprint_follows_the_working_directory(
    settled: bool,
    tree: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Fingerprints hold the path relative to the working directory: the same absolute
    # path seen from two folders has two, and a cached result must not mix them up.
    late = tree / "late.txt"
    if settled:
        settle(late)
    cache_dir = str(tmp_path / "cache")

    def fingerprints() -> list[str]:
        out = check(capsys, "--format", "sarif", "--cache-dir", cache_dir, str(late))
        results = json.loads(out)["runs"][0]["results"]
        return [r["partialFingerprints"]["replylintFinding/v1"] for r in results]

    monkeypatch.chdir(tree)
    from_tree = fingerprints()
    monkeypatch.chdir(tmp_path)
    from_parent = fingerprints()
    assert from_tree and from_parent
    assert set(from_tree).isdisjoint(from_parent)
    monkeypatch.chdir(tree)
    assert fingerprints() == from_tree


def test_a_warm_rerun_over_unchanged_documents_starts_no_worker(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from replylint.check import parallel

    (tree / "batch.jsonl").unlink()  # documents only: each has a stat entry
    for name in ("late.txt", "fine.md"):
        settle(tree / name)
    cache_dir = str(tmp_path / "cache")
    started: list[int] = []
    real_pool = parallel._Pool

    def counting_pool(checker, units, jobs):  # type: ignore[no-untyped-def]
        started.append(jobs)
        return real_pool(checker, units, jobs)

    monkeypatch.setattr(parallel, "_Pool", counting_pool)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_REPLIES", 1)
    run = ["check", "--fail-on", "never", "--format", "json", "--cache-dir", cache_dir]
    main([*run, "--jobs", "2", str(tree)])
    first = capsys.readouterr().out
    assert started == [2]  # a cold run lints in two processes
    main([*run, "--jobs", "2", str(tree)])
    assert capsys.readouterr().out == first
    assert started == [2]  # the warm rerun read its results here

    (tree / "late.txt").write_text("Hi Jo, the courier comes Monday.\n", encoding="utf-8")
    main([*run, "--jobs", "2", str(tree)])
    capsys.readouterr()
    assert started == [2, 2]  # a changed document: workers again
