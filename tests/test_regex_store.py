"""regex_store: long expressions compiled from stored code, equal to re.compile's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from replylint.text import regex_store
from replylint.text.pattern_cache import FOLDER
from replylint.text.regex_store import stored_compiles

# A long alternation with a named group, as spaCy's affix expressions are built.
WORDS = [f"word{n:04d}" for n in range(400)]
LONG = "(?P<head>" + "|".join(WORDS) + r")\b"
SHORT = r"(ab|cd)+"


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REPLYLINT_CACHE_DIR", str(tmp_path))
    return tmp_path / FOLDER


@pytest.fixture
def code_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The expressions whose code was worked out (not read from the store)."""
    built: list[str] = []
    real = regex_store._code_of

    def counting(pattern: str, flags: int) -> tuple[object, ...]:
        built.append(pattern)
        return real(pattern, flags)

    monkeypatch.setattr(regex_store, "_code_of", counting)
    return built


def test_the_second_compile_reads_the_stored_code(
    cache_folder: Path, code_builds: list[str]
) -> None:
    with stored_compiles():
        first = re.compile(LONG, re.IGNORECASE)
    with stored_compiles():
        second = re.compile(LONG, re.IGNORECASE)
    assert code_builds == [LONG]
    assert len(list(cache_folder.glob("*.bin"))) == 1
    expected = re.compile(LONG, re.IGNORECASE)
    assert first == expected
    assert second == expected
    assert second.groupindex == {"head": 1}
    assert second.match("WORD0399 and more").group("head") == "WORD0399"
    assert second.search("no such word") is None


def test_flags_are_part_of_the_key(cache_folder: Path, code_builds: list[str]) -> None:
    with stored_compiles():
        re.compile(LONG)
        case_blind = re.compile(LONG, re.IGNORECASE)
    assert code_builds == [LONG, LONG]
    assert case_blind.match("WORD0001")


def test_short_expressions_are_compiled_as_usual(
    cache_folder: Path, code_builds: list[str]
) -> None:
    with stored_compiles():
        pattern = re.compile(SHORT)
    assert code_builds == []
    assert pattern.fullmatch("abcdab")
    assert not cache_folder.exists()


@pytest.mark.parametrize("damage", ["flip a payload byte", "truncate"])
def test_a_damaged_entry_is_compiled_afresh(cache_folder: Path, damage: str) -> None:
    with stored_compiles():
        re.compile(LONG)
    (path,) = cache_folder.glob("*.bin")
    data = path.read_bytes()
    if damage == "flip a payload byte":
        data = data[:-3] + bytes([data[-3] ^ 0xFF]) + data[-2:]
    else:
        data = data[: len(data) // 2]
    path.write_bytes(data)
    with stored_compiles():
        pattern = re.compile(LONG)
    assert pattern == re.compile(LONG)


def test_code_the_engine_refuses_falls_back_to_re_compile(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A sound entry holding wrong code (as another Python's might): the engine
    # rejects it and the expression is compiled the ordinary way.
    monkeypatch.setattr(regex_store, "stored", lambda kind, parts, build: (0, [999, 1], 0, {}, ()))
    with stored_compiles():
        pattern = re.compile(LONG)
    assert pattern == re.compile(LONG)


def test_an_invalid_long_expression_raises_as_re_compile_does(cache_folder: Path) -> None:
    broken = LONG + "("
    with stored_compiles(), pytest.raises(re.error):
        re.compile(broken)
    assert not cache_folder.exists() or not list(cache_folder.glob("*.bin"))


def test_re_compile_is_restored_after_the_block_even_on_error(cache_folder: Path) -> None:
    real = re.compile
    with pytest.raises(RuntimeError), stored_compiles():
        assert re.compile is not real
        raise RuntimeError("boom")
    assert re.compile is real


def test_no_cache_folder_leaves_re_compile_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPLYLINT_CACHE_DIR", "")
    real = re.compile
    with stored_compiles():
        assert re.compile is real
