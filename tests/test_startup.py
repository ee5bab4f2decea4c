"""The cyclic garbage collector paused during start-up work (startup.py)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from replylint import startup


@pytest.fixture(autouse=True)
def collector_restored(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts with the collector on and no freezing, and leaves it so."""
    monkeypatch.setattr(startup, "_freeze", False)
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    gc.unfreeze()
    if not was_enabled:
        gc.disable()


def test_the_collector_is_off_inside_a_block_and_on_after_it() -> None:
    with startup.paused_collector():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_blocks_turn_it_back_on_only_when_the_outer_one_ends() -> None:
    with startup.paused_collector():
        with startup.paused_collector():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off() -> None:
    gc.disable()
    with startup.paused_collector():
        pass
    assert not gc.isenabled()


def test_it_is_back_on_after_a_block_that_raised() -> None:
    with pytest.raises(ValueError), startup.paused_collector():
        raise ValueError("boom")
    assert gc.isenabled()


def test_blocks_in_two_threads_keep_it_off_until_both_end() -> None:
    inside, release = threading.Event(), threading.Event()

    def other_block() -> None:
        with startup.paused_collector():
            inside.set()
            release.wait()

    thread = threading.Thread(target=other_block)
    thread.start()
    inside.wait()
    with startup.paused_collector():
        pass
    assert not gc.isenabled()  # the other thread's block is still open
    release.set()
    thread.join()
    assert gc.isenabled()


def test_nothing_is_frozen_unless_the_process_asked_for_it() -> None:
    gc.unfreeze()
    with startup.paused_collector():
        built = [[] for _ in range(10)]
    assert gc.get_freeze_count() == 0
    assert built


def test_what_a_block_built_is_frozen_once_asked_for() -> None:
    gc.unfreeze()
    startup.freeze_what_start_up_builds()
    with startup.paused_collector():
        built = [[] for _ in range(10)]
        assert gc.get_freeze_count() == 0  # not before the block ends
    assert gc.get_freeze_count() >= len(built)
    assert gc.isenabled()
