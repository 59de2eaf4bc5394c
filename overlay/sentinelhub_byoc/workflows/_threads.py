"""Run a function over many items in threads, at most N at a time: the blocking twin of ``_tasks``.

:func:`run_bounded` keeps the contract of :func:`sentinelhub_byoc.workflows._tasks.run_bounded`
(codegen/unasync.py maps one module to the other), with one difference threads impose: a failure
cannot interrupt calls already running, so it stops workers from taking new items and is raised
once the running calls return.

>>> run_bounded(range(5), lambda n: 2 * n, concurrency=2)
[0, 2, 4, 6, 8]
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, TypeVar, overload

from sentinelhub_byoc.errors import ValidationError

__all__ = ["check_concurrency", "in_thread", "run_bounded", "sleep"]

T = TypeVar("T")
R = TypeVar("R")


def check_concurrency(concurrency: int) -> int:
    """*concurrency*, refused with a :class:`ValidationError` unless it is a whole number >= 1."""
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValidationError(f"concurrency must be a whole number of 1 or more, got {concurrency!r}")
    return concurrency


@overload
def run_bounded(
    items: Iterable[T],
    work: Callable[[T], R],
    *,
    concurrency: int,
    return_exceptions: Literal[False] = False,
) -> list[R]: ...


@overload
def run_bounded(
    items: Iterable[T],
    work: Callable[[T], R],
    *,
    concurrency: int,
    return_exceptions: Literal[True],
) -> list[R | Exception]: ...


def run_bounded(
    items: Iterable[T],
    work: Callable[[T], R],
    *,
    concurrency: int,
    return_exceptions: bool = False,
) -> list[R] | list[R | Exception]:
    """``[work(item) for item in items]`` in up to *concurrency* threads at once.

    Each thread takes the next item from *items* when it finishes one, so a long iterable is
    consumed only as fast as the work goes. Results come in the order of *items*. The first
    exception from *work* (or from iterating *items*) stops the threads from starting new items
    and is raised as it is once the running calls return; with ``return_exceptions=True`` an
    exception from *work* is put in that item's place instead and the other items go on.
    """
    check_concurrency(concurrency)
    pending = enumerate(items)
    # Iterators are not safe to advance from several threads at once.
    taking = threading.Lock()
    stop = threading.Event()
    results: dict[int, R | Exception] = {}
    failures: list[Exception] = []

    def worker() -> None:
        while not stop.is_set():
            with taking:
                try:
                    index, item = next(pending)
                except StopIteration:
                    return
                except Exception as error:
                    failures.append(error)
                    stop.set()
                    return
            try:
                results[index] = work(item)
            except Exception as error:
                if not return_exceptions:
                    failures.append(error)
                    stop.set()
                    return
                results[index] = error

    if concurrency == 1:
        worker()
    else:
        pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="byoc-workflow")
        try:
            for future in [pool.submit(worker) for _ in range(concurrency)]:
                future.result()
        finally:
            # Also on KeyboardInterrupt in the waiting thread: no worker takes another item.
            stop.set()
            pool.shutdown(wait=True)
    if failures:
        raise failures[0]
    return [results[index] for index in range(len(results))]


def sleep(seconds: float) -> None:
    """Wait *seconds*."""
    time.sleep(seconds)


def in_thread(function: Callable[..., R], *args: Any) -> R:
    """Call *function*: blocking code needs no worker thread here."""
    return function(*args)
