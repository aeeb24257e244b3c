"""Reads asked twice within one request, answered once.

A page may ask the same question through two of its parts: the course list and its filters both need the viewer's
station paths, and the audit log's course and enrolment namers both need the viewer's courses, each a statement of
its own. The web middleware opens a memo for each request that reads (GET, HEAD: `request_memo`), and `once` answers
a key's second asking from it. A request that writes keeps none (it may read what it wrote), and outside a request
(the command line, services called by tests) every asking is computed."""

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("talent_request_memo", default=None)


@contextmanager
def request_memo() -> Iterator[None]:
    """A memo for the reads of one request (the block)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


async def once(key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
    """`compute()`'s value, computed once per request for `key` (a tuple naming the question and its arguments),
    computed every time outside a memo. The value is shared: callers must not change it.

    The memo holds the computation itself, so a second asking while the first is still reading (two panels of a page
    gathered at once: talent.core.concurrency) waits for that reading instead of sending its own statement; which
    panel asks first does not change the page's statements."""
    memo = _memo.get()
    if memo is None:
        return await compute()
    if key not in memo:
        memo[key] = asyncio.ensure_future(compute())
    return await memo[key]
