"""Bounded concurrency for the blocking workflows: the thread twin of :mod:`._tasks`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["in_thread", "run_bounded", "sleep"]

T = TypeVar("T")
R = TypeVar("R")


def run_bounded(
    items: Iterable[T],
    work: Callable[[T], R],
    *,
    concurrency: int,
    return_exceptions: bool = False,
) -> list[R | BaseException]:
    """Run ``work(item)`` for every item in at most *concurrency* threads; results in item order.

    Threads pull items from the iterable as they finish. The first exception stops the other
    threads from taking new items and is raised once they are done, unless
    *return_exceptions*, in which case each failed item's exception takes its place.
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    iterator = enumerate(items)
    take = threading.Lock()
    stop = threading.Event()
    results: dict[int, R | BaseException] = {}
    errors: list[BaseException] = []

    def worker() -> None:
        while not stop.is_set():
            with take:
                entry = next(iterator, None)
            if entry is None:
                return
            index, item = entry
            try:
                results[index] = work(item)
            except Exception as error:
                if not return_exceptions:
                    errors.append(error)
                    stop.set()
                    return
                results[index] = error

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="byoc-workflow") as pool:
        for future in [pool.submit(worker) for _ in range(concurrency)]:
            future.result()
    if errors:
        raise errors[0]
    return [results[index] for index in range(len(results))]


def sleep(seconds: float) -> None:
    """Wait *seconds*."""
    time.sleep(seconds)


def in_thread(function: Callable[..., R], *args: Any) -> R:
    """Call *function*: blocking code needs no worker thread here."""
    return function(*args)
