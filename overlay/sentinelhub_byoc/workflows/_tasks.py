"""Bounded concurrency for the async workflows, on anyio; :mod:`._threads` is its blocking twin.

``codegen/unasync.py`` maps this module's name to ``_threads``, so the workflows in ``_async``
call ``_tasks.run_bounded`` and their generated blocking versions call ``_threads.run_bounded``,
which keeps the same contract with threads. Everything here runs on asyncio or trio (through
anyio).

>>> import anyio
>>> async def double(n: int) -> int:
...     return 2 * n
>>> anyio.run(lambda: run_bounded(range(5), double, concurrency=2))
[0, 2, 4, 6, 8]
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Literal, TypeVar, overload

import anyio
import anyio.abc
import anyio.to_thread

from sentinelhub_byoc.workflows._executors import check_concurrency

__all__ = ["in_thread", "run_bounded", "sleep"]

T = TypeVar("T")
R = TypeVar("R")


@overload
async def run_bounded(
    items: Iterable[T],
    work: Callable[[T], Awaitable[R]],
    *,
    concurrency: int,
    return_exceptions: Literal[False] = False,
) -> list[R]: ...


@overload
async def run_bounded(
    items: Iterable[T],
    work: Callable[[T], Awaitable[R]],
    *,
    concurrency: int,
    return_exceptions: Literal[True],
) -> list[R | Exception]: ...


async def run_bounded(
    items: Iterable[T],
    work: Callable[[T], Awaitable[R]],
    *,
    concurrency: int,
    return_exceptions: bool = False,
) -> list[R] | list[R | Exception]:
    """``[await work(item) for item in items]``, with at most *concurrency* calls running at once.

    *concurrency* workers each take the next item from *items* when they finish one, so a long
    (or endless) iterable is consumed only as fast as the work goes. Results come in the order of
    *items*. The first exception from *work* (or from iterating *items*) cancels the calls still
    running and is raised as it is; with ``return_exceptions=True`` an exception from *work* is
    put in that item's place instead and the other items go on.
    """
    check_concurrency(concurrency)
    pending = enumerate(items)
    results: dict[int, R | Exception] = {}
    failures: list[Exception] = []

    async def worker(group: anyio.abc.TaskGroup) -> None:
        while True:
            try:
                index, item = next(pending)
            except StopIteration:
                return
            except Exception as error:
                failures.append(error)
                group.cancel_scope.cancel()
                return
            try:
                results[index] = await work(item)
            except Exception as error:
                if not return_exceptions:
                    failures.append(error)
                    group.cancel_scope.cancel()
                    return
                results[index] = error

    # Failures are taken out of the task group by hand: anyio would wrap them in an
    # ExceptionGroup, and callers should catch the error their work raised.
    async with anyio.create_task_group() as group:
        for _ in range(concurrency):
            group.start_soon(worker, group)
    if failures:
        raise failures[0]
    return [results[index] for index in range(len(results))]


async def sleep(seconds: float) -> None:
    """Wait *seconds* without blocking the event loop."""
    await anyio.sleep(seconds)


async def in_thread(function: Callable[..., R], *args: Any) -> R:
    """Run a blocking *function* (boto3, disk) in a worker thread, keeping the loop free."""
    return await anyio.to_thread.run_sync(function, *args)
