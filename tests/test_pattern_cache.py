"""pattern_cache: compiled patterns on disk, safe when damaged, shared or stale."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from replylint.text import pattern_cache
from replylint.text.nlp import pipeline, process
from replylint.text.pattern_cache import FOLDER, entry_digest, stored
from replylint.text.phrases import PhraseTable


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REPLYLINT_CACHE_DIR", str(tmp_path))
    return tmp_path / FOLDER


class Builder:
    """A build function that counts its calls."""

    def __init__(self, value: object) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> object:
        self.calls += 1
        return self.value


VALUE = [("greetings", "hi there", (1, 2), None), {"x": [3]}]


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.bin"))


def test_a_second_run_reads_the_entry_instead_of_building(cache_folder: Path) -> None:
    build = Builder(VALUE)
    assert stored("phrases", ["en", "a"], build) == VALUE
    assert stored("phrases", ["en", "a"], build) == VALUE
    assert build.calls == 1
    assert len(entries(cache_folder)) == 1


@pytest.mark.parametrize("damage", ["flip a payload byte", "truncate", "foreign file", "empty"])
def test_a_damaged_entry_is_ignored_and_rewritten(cache_folder: Path, damage: str) -> None:
    build = Builder(VALUE)
    stored("phrases", ["en", "a"], build)
    (path,) = entries(cache_folder)
    data = path.read_bytes()
    if damage == "flip a payload byte":
        data = data[:-3] + bytes([data[-3] ^ 0xFF]) + data[-2:]
    elif damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "foreign file":
        data = b"not an entry at all"
    else:
        data = b""
    path.write_bytes(data)
    assert stored("phrases", ["en", "a"], build) == VALUE  # built again
    assert build.calls == 2
    assert stored("phrases", ["en", "a"], build) == VALUE  # and the rewrite is sound
    assert build.calls == 2


def test_the_entry_name_changes_with_any_input() -> None:
    base = entry_digest("phrases", ["en", "thank you"])
    assert entry_digest("phrases", ["en", "thank you"]) == base
    assert entry_digest("phrases", ["en", "thank you!"]) != base  # rule data edited
    assert entry_digest("phrases", ["fr", "thank you"]) != base  # another language
    assert entry_digest("token patterns", ["en", "thank you"]) != base  # another kind
    # Parts are not simply concatenated: "ab" + "c" is not "a" + "bc".
    assert entry_digest("k", ["ab", "c"]) != entry_digest("k", ["a", "bc"])


def test_edited_rule_data_gets_its_own_entry(cache_folder: Path) -> None:
    text = "Check our refund policy, then thank us."
    # The pipeline first: building it may store its own entries (its long regexes).
    doc = process(pipeline("en"), text)
    pipeline_entries = len(entries(cache_folder))
    before = PhraseTable((("offers", ("refund",)),), "en", lemmas=False)
    after = PhraseTable((("offers", ("refund", "refund policy")),), "en", lemmas=False)
    assert [m.phrase for m in before.find(doc)["offers"]] == ["refund"]
    # The longer phrase wins over "refund" it contains: "refund policy" at 10-23.
    assert [(m.start, m.end, m.phrase) for m in after.find(doc)["offers"]] == [
        (10, 23, "refund policy")
    ]
    assert len(entries(cache_folder)) == pipeline_entries + 2


def test_a_table_from_the_cache_finds_what_a_fresh_one_finds(cache_folder: Path) -> None:
    lists = (("thanks", ("thank you", "Thank you", "Thanks")), ("orders", ("order",)))
    text = "Thanks a lot, thank you! Your orders shipped."
    doc = process(pipeline("en"), text)
    pipeline_entries = len(entries(cache_folder))  # its long regexes, if built here
    fresh = PhraseTable(lists, "en", form_keys=frozenset({"thanks"}))
    assert len(entries(cache_folder)) == pipeline_entries + 1
    from_disk = PhraseTable(lists, "en", form_keys=frozenset({"thanks"}))
    # "Thanks" 0-6; "thank you" 14-23 is the tokens of two phrases, the first in
    # sorted order reported ("Thank you" < "thank you"); "orders" 30-36 by lemma.
    expected = {
        "thanks": [(0, 6, "Thanks"), (14, 23, "Thank you")],
        "orders": [(30, 36, "order")],
    }
    for table in (fresh, from_disk):
        found = table.find(doc)
        assert {k: [(m.start, m.end, m.phrase) for m in v] for k, v in found.items()} == expected


def test_concurrent_writers_and_readers_see_whole_entries(cache_folder: Path) -> None:
    name = entry_digest("phrases", ["en", "shared"])
    path = cache_folder / f"{name}.bin"
    value = [("list", f"phrase {n}", (n, n + 1), None) for n in range(2000)]
    start = threading.Barrier(6)
    seen: list[object] = []
    errors: list[BaseException] = []

    def write() -> None:
        try:
            start.wait()
            for _ in range(20):
                pattern_cache._write(path, name, value)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    def read() -> None:
        try:
            start.wait()
            for _ in range(200):
                seen.append(pattern_cache._read(path, name))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(4)]
    threads += [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # Before the first rename a reader finds nothing; after it, the whole value.
    assert all(found is None or found == value for found in seen)
    assert entries(cache_folder) == [path]
    assert [p.name for p in cache_folder.iterdir() if p.name.startswith(".tmp-")] == []
    assert pattern_cache._read(path, name) == value


def test_an_unusable_cache_folder_only_costs_a_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    monkeypatch.setenv("REPLYLINT_CACHE_DIR", str(not_a_folder))
    build = Builder(VALUE)
    assert stored("phrases", ["en"], build) == VALUE
    assert stored("phrases", ["en"], build) == VALUE
    assert build.calls == 2


def test_an_empty_cache_setting_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLYLINT_CACHE_DIR", "")
    build = Builder(VALUE)
    stored("phrases", ["en"], build)
    stored("phrases", ["en"], build)
    assert build.calls == 2


def test_the_folder_keeps_the_newest_entries(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pattern_cache, "MAX_ENTRIES", 3)
    for n in range(3):
        stored("phrases", [f"rule data {n}"], Builder(n))
    by_age = {}
    for n in range(3):
        path = cache_folder / f"{entry_digest('phrases', [f'rule data {n}'])}.bin"
        os.utime(path, ns=((n + 1) * 10**12, (n + 1) * 10**12))  # 0 oldest, 2 newest
        by_age[n] = path
    stored("phrases", ["rule data 3"], Builder(3))
    remaining = set(entries(cache_folder))
    assert by_age[0] not in remaining
    assert {by_age[1], by_age[2]} <= remaining
    assert len(remaining) == 3


def test_a_temporary_file_left_by_a_killed_run_goes_when_an_hour_old(cache_folder: Path) -> None:
    cache_folder.mkdir(parents=True)
    old, recent = cache_folder / ".tmp-old.bin", cache_folder / ".tmp-recent.bin"
    old.write_bytes(b"half an entry")
    recent.write_bytes(b"being written")
    two_hours_ago = (int(time.time()) - 7200) * 10**9
    os.utime(old, ns=(two_hours_ago, two_hours_ago))
    stored("phrases", ["a new entry"], Builder(1))
    assert not old.exists()
    assert recent.exists()  # perhaps another run's entry, still being written
