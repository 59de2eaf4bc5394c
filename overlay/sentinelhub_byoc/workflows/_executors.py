"""Run one function over many items on threads, a ``concurrent.futures`` executor or Dask.

The bulk work of the workflows (converting, checking and uploading files) is blocking and
CPU- or disk-bound: GDAL releases the GIL, so threads use every local core, and when one
machine is not enough a ``distributed.Client`` spreads the same calls over a cluster. Both
take the same function and items here. With an executor other than the default threads, the
function and each item are pickled: they must be module-level functions and plain values (no
boto3 client; a worker makes its own from the environment).

Results come back as they complete, in the calling thread, each handed to ``on_result`` (the
place for progress), and as a list in the order of the items. An exception from one call
takes that item's place in the list: one failure never stops the others. Dask is imported
only when a ``distributed.Client`` is passed.

>>> run_many(lambda n: 2 * n, [1, 2, 3], concurrency=2)
[2, 4, 6]
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor, as_completed
from typing import Any, TypeVar

import anyio
import anyio.from_thread
import anyio.to_thread

from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.workflows._threads import check_concurrency

__all__ = ["async_run_many", "check_executor", "is_dask_client", "runs_in_process", "run_many"]

T = TypeVar("T")
R = TypeVar("R")


def is_dask_client(executor: object) -> bool:
    """Whether *executor* is a ``distributed.Client`` (or a subclass), told without importing Dask."""
    return any(
        kind.__name__ == "Client" and kind.__module__.split(".")[0] == "distributed"
        for kind in type(executor).__mro__
    )


def check_executor(executor: object) -> None:
    """Refuse with a :class:`ValidationError` anything but ``None``, an Executor or a Dask Client."""
    if executor is None or isinstance(executor, Executor) or is_dask_client(executor):
        return
    raise ValidationError(
        "executor must be a concurrent.futures.Executor (a thread or process pool) or a "
        f"distributed.Client, got {type(executor).__name__}"
    )


def runs_in_process(executor: object) -> bool:
    """Whether work given to *executor* runs in this process (``None`` or a thread pool).

    Only then may it share objects that cannot be pickled, such as a boto3 client.
    """
    return executor is None or isinstance(executor, ThreadPoolExecutor)


def run_many(
    function: Callable[[T], R],
    items: Sequence[T],
    *,
    concurrency: int,
    executor: Any = None,
    on_result: Callable[[T, R | Exception], None] | None = None,
) -> list[R | Exception]:
    """``[function(item) for item in items]`` in parallel, an exception in place of a failed call.

    Without *executor*, *concurrency* threads run the calls. With a ``concurrent.futures``
    executor or a ``distributed.Client`` (``submit(..., pure=False)``, so a rerun computes
    again), every item is submitted and the executor's workers bound the parallelism.
    *on_result* is called in this thread as each call completes. Stopping (Ctrl-C) cancels the
    calls not yet started.
    """
    check_concurrency(concurrency)
    check_executor(executor)
    if not items:
        return []
    if is_dask_client(executor):
        return _run_on_dask(executor, function, items, on_result)
    if executor is not None:
        return _run_on_executor(executor, function, items, on_result)
    with ThreadPoolExecutor(max_workers=min(concurrency, len(items)), thread_name_prefix="byoc-bulk") as pool:
        return _run_on_executor(pool, function, items, on_result)


def _run_on_executor(
    executor: Executor,
    function: Callable[[T], R],
    items: Sequence[T],
    on_result: Callable[[T, R | Exception], None] | None,
) -> list[R | Exception]:
    futures: dict[Future[R], int] = {
        executor.submit(function, item): index for index, item in enumerate(items)
    }
    results: dict[int, R | Exception] = {}
    try:
        for future in as_completed(futures):
            index = futures[future]
            results[index] = _outcome(future.result, future.exception)
            if on_result is not None:
                on_result(items[index], results[index])
    finally:
        for future in futures:
            future.cancel()
    return [results[index] for index in range(len(items))]


def _outcome(result: Callable[[], R], exception: Callable[[], BaseException | None]) -> R | Exception:
    failure = exception()
    if failure is None:
        return result()
    if isinstance(failure, Exception):
        return failure
    raise failure


def _dask_failure(outcome: Any) -> Exception:
    failure = outcome[1] if isinstance(outcome, tuple) and len(outcome) == 3 else outcome
    return failure if isinstance(failure, Exception) else RuntimeError(f"the call failed: {failure!r}")


def _run_on_dask(
    client: Any,
    function: Callable[[T], R],
    items: Sequence[T],
    on_result: Callable[[T, R | Exception], None] | None,
) -> list[R | Exception]:
    distributed = importlib.import_module("distributed")
    # One map call submits every item at once: a submit per item waits on the client's loop each time.
    futures = client.map(function, list(items), pure=False)
    index_of = {future.key: index for index, future in enumerate(futures)}
    results: dict[int, R | Exception] = {}
    try:
        # The client's own loop: the client need not be the default one (set_as_default=False).
        # Results are gathered on that loop as they complete, not fetched one call at a time.
        completed = distributed.as_completed(futures, with_results=True, raise_errors=False, loop=client.loop)
        for future, outcome in completed:
            index = index_of[future.key]
            # A call that raised on its worker, or whose worker died (KilledWorker), gives Dask's
            # (type, exception, traceback): this item fails.
            results[index] = _dask_failure(outcome) if future.status == "error" else outcome
            # Results are small, but thousands of them need not stay in the cluster's memory.
            future.release()
            if on_result is not None:
                on_result(items[index], results[index])
    finally:
        pending = [future for future in futures if not future.done()]
        if pending:
            client.cancel(pending)
    return [results[index] for index in range(len(items))]


async def async_run_many(
    function: Callable[[T], R],
    items: Sequence[T],
    *,
    concurrency: int,
    executor: Any = None,
    on_result: Callable[[T, R | Exception], None] | None = None,
) -> list[R | Exception]:
    """:func:`run_many` in a worker thread, keeping the event loop free.

    *on_result* is called on the event loop, as the asyncio workflows promise their
    ``on_progress``.
    """
    relay: Callable[[T, R | Exception], None] | None = None
    if on_result is not None:
        report = on_result

        def relay(item: T, result: R | Exception) -> None:
            anyio.from_thread.run_sync(report, item, result)

    return await anyio.to_thread.run_sync(
        lambda: run_many(function, items, concurrency=concurrency, executor=executor, on_result=relay)
    )
