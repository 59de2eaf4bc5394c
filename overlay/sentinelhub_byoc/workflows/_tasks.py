"""Bounded concurrency for the asyncio workflows; :mod:`._threads` is its blocking twin.

``codegen/unasync.py`` maps this module's name to ``_threads``, so the workflows in ``_async``
call ``_tasks.run_bounded`` and their generated blocking versions call ``_threads.run_bounded``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

__all__ = ["in_thread", "run_bounded", "sleep"]

T = TypeVar("T")
R = TypeVar("R")


async def run_bounded(
    items: Iterable[T],
    work: Callable[[T], Awaitable[R]],
    *,
    concurrency: int,
    return_exceptions: bool = False,
) -> list[R | BaseException]:
    """Run ``work(item)`` for every item, at most *concurrency* at once; results in item order.

    Workers pull items from the iterable as they finish, so a million items never become a
    million pending tasks. The first exception cancels the rest and is raised, unless
    *return_exceptions*, in which case each failed item's exception (``Exception`` only) takes
    its place in the results.
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    iterator = enumerate(items)
    results: dict[int, R | BaseException] = {}

    async def worker() -> None:
        for index, item in iterator:
            try:
                results[index] = await work(item)
            except Exception as error:
                if not return_exceptions:
                    raise
                results[index] = error

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(concurrency):
                group.create_task(worker())
    except BaseExceptionGroup as failed:
        # Callers catch the error work raised, not the group asyncio wraps it in.
        raise failed.exceptions[0] from None
    return [results[index] for index in range(len(results))]


async def sleep(seconds: float) -> None:
    """Wait *seconds* without blocking the event loop."""
    await asyncio.sleep(seconds)


async def in_thread(function: Callable[..., R], *args: Any) -> R:
    """Run a blocking *function* (boto3, disk) in a worker thread, keeping the loop free."""
    return await asyncio.to_thread(function, *args)
