"""The garbage collector as a served process sets it (talent.app's lifespan, and bench/pages.py as the server does).

A page allocates tens of thousands of objects (Jinja's markup strings, Tortoise's instances, the ASGI messages),
nearly all freed by reference counting when the request ends. Python's default threshold (700 allocations) ran a
young collection about once a request and an older one every ten, walking the whole heap of a started app (about
180,000 objects: modules, models, compiled templates) when it reached the oldest: 0.29 ms of HR's /workers on the
small demo (PostgreSQL, 800 visits: 707 young, 64 middle and 1 full collections). With the app's heap frozen and a
young threshold of 10,000, 0.10 ms (19 young collections, 2 middle, none full). Cycles are still collected, later.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def tuned_collector(young_threshold: int) -> Iterator[None]:
    """While the block runs: what is alive now is frozen (never walked again: it lives as long as the process),
    and a young collection waits for `young_threshold` allocations (0 keeps Python's). Both are undone after, so a
    process that starts the app more than once (the tests) ends as it began."""
    if young_threshold <= 0:
        yield
        return
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(young_threshold, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
