"""Bounded concurrency for the blocking workflows: the generated twin of ``_tasks`` calls this.

``codegen/unasync.py`` maps ``_tasks`` to this module. :func:`run_bounded` keeps the contract of
:func:`sentinelhub_byoc.workflows._tasks.run_bounded` on threads, through the executors' one
runner (:func:`~sentinelhub_byoc.workflows._executors.run_on_executor`), with one difference
threads impose: a failure cannot interrupt calls already running, so it stops new items from
being taken and is raised once the running calls return.

>>> run_bounded(range(5), lambda n: 2 * n, concurrency=2)
[0, 2, 4, 6, 8]
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, TypeVar, overload

from sentinelhub_byoc.workflows._executors import check_concurrency, run_on_executor

__all__ = ["in_thread", "run_bounded", "sleep"]

T = TypeVar("T")
R = TypeVar("R")


@overload
def run_bounded(
    items: Iterable[T], work: Callable[[T], R], *, concurrency: int, return_exceptions: Literal[False] = False
) -> list[R]: ...


@overload
def run_bounded(
    items: Iterable[T], work: Callable[[T], R], *, concurrency: int, return_exceptions: Literal[True]
) -> list[R | Exception]: ...


def run_bounded(
    items: Iterable[T], work: Callable[[T], R], *, concurrency: int, return_exceptions: bool = False
) -> list[R] | list[R | Exception]:
    """``[work(item) for item in items]`` in up to *concurrency* threads at once.

    An item is taken from *items* only when a call finishes, so a long iterable is consumed only
    as fast as the work goes. Results come in the order of *items*. The first exception from
    *work* (or from iterating *items*) stops new items from being taken and is raised as it is
    once the running calls return; with ``return_exceptions=True`` an exception from *work* is
    put in that item's place instead and the other items go on.
    """
    check_concurrency(concurrency)
    if concurrency == 1:
        # One at a time needs no thread: the calls run here, in order.
        return _one_by_one(items, work, return_exceptions=return_exceptions)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="byoc-workflow") as pool:
        return run_on_executor(pool, work, items, window=concurrency, stop_on_failure=not return_exceptions)


def _one_by_one(
    items: Iterable[T], work: Callable[[T], R], *, return_exceptions: bool
) -> list[R | Exception]:
    results: list[R | Exception] = []
    for item in items:
        try:
            results.append(work(item))
        except Exception as error:
            if not return_exceptions:
                raise
            results.append(error)
    return results


def sleep(seconds: float) -> None:
    """Wait *seconds*."""
    time.sleep(seconds)


def in_thread(function: Callable[..., R], *args: Any) -> R:
    """Call *function*: blocking code needs no worker thread here."""
    return function(*args)
