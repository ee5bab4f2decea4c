"""Start-up work with Python's cyclic garbage collector paused.

Importing spaCy and building pipelines, rules and phrase tables allocate hundreds of
thousands of long-lived objects and next to no garbage cycles, yet every few hundred
allocations the collector walks the young objects, and every so often the whole
growing heap. `paused_collector()` turns the collector off for such a block and back
on after it. Blocks may nest and run in several threads at once: the collector is
back on when the last one ends, and stays off if something else had turned it off.

A process that ends after one run (`replylint check`) also calls
`freeze_what_start_up_builds()`: then what the blocks built is frozen when the last
one ends (`gc.freeze`), so neither the next collection (the young generation counted
every allocation of the block) nor the one at exit walks it. Together: a fifth of the
CPU time of a one-file `check`. A long-lived process (the language server, the
service) does not freeze: an object frozen while alive in a cycle would never be
collected after it dies.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_open_blocks = 0
_restore = False  # whether the collector was on when the first open block began
_freeze = False


def freeze_what_start_up_builds() -> None:
    """From now on, freeze what paused blocks built when the last open one ends."""
    global _freeze
    _freeze = True


@contextmanager
def paused_collector() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off (see the module docs)."""
    global _open_blocks, _restore
    with _lock:
        if _open_blocks == 0:
            _restore = gc.isenabled()
            gc.disable()
        _open_blocks += 1
    try:
        yield
    finally:
        with _lock:
            _open_blocks -= 1
            if _open_blocks == 0 and _restore:
                if _freeze:
                    gc.freeze()
                gc.enable()
