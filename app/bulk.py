"""Bulk work in one call: computing a round's results reads and builds some 200,000 objects at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block.

    Building many objects that all live until the block ends makes the collector scan them again and
    again, and every older object of the process with them, to find nothing to free: a third of a
    national round's computation. Reference counting still frees everything as usual; the collector
    resumes (if it ran before) when the block ends, however it ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
