"""Pausing Python's cyclic garbage collector while a read or a parse makes millions of small objects.

Each allocation burst of lists and tuples starts the collector again and again, and every full pass walks
every object already alive (a whole snapshot of cells): a fifth of a parse's time. None of these objects
can form a cycle, and reference counting still frees them at once; only cycles made meanwhile wait until
the pause ends. Pauses may overlap (two sessions reading at once): the collector runs again when the last
one ends, and never if someone else had switched it off.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
