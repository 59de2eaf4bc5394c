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

import functools
import importlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from typing import Any, Generic, Required, TypedDict, TypeVar, Unpack

import anyio
import anyio.from_thread
import anyio.to_thread

from sentinelhub_byoc.errors import ValidationError

__all__ = [
    "RunOptions",
    "async_run_many",
    "check_concurrency",
    "check_executor",
    "is_dask_client",
    "run_many",
    "run_on_executor",
    "runs_in_process",
]

T = TypeVar("T")
R = TypeVar("R")


def check_concurrency(concurrency: int) -> int:
    """*concurrency*, refused with a :class:`ValidationError` unless it is a whole number >= 1."""
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValidationError(f"concurrency must be a whole number of 1 or more, got {concurrency!r}")
    return concurrency


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


class RunOptions(TypedDict, Generic[T, R], total=False):
    """The keyword arguments of :func:`run_many` (and of :func:`async_run_many`, which passes them on)."""

    concurrency: Required[int]
    executor: Any
    on_result: Callable[[T, R | Exception], None] | None


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
        return run_on_executor(executor, function, items, window=len(items), on_result=on_result)
    with ThreadPoolExecutor(max_workers=min(concurrency, len(items)), thread_name_prefix="byoc-bulk") as pool:
        return run_on_executor(pool, function, items, window=concurrency, on_result=on_result)


def run_on_executor(
    executor: Executor,
    function: Callable[[T], R],
    items: Iterable[T],
    *,
    window: int,
    on_result: Callable[[T, R | Exception], None] | None = None,
    stop_on_failure: bool = False,
) -> list[R | Exception]:
    """*function* over *items* on *executor*, at most *window* calls submitted and not yet done.

    The one way the workflows run blocking work in parallel. *items* is taken one at a time, only
    as a call completes, so a long iterable is consumed as fast as the work goes. Results are
    handled in this thread as they complete (*on_result* is called here) and come back in the
    order of *items*, an exception in place of a failed call. With *stop_on_failure*, the first
    exception from a call (or from iterating *items*) stops further submissions and is raised as
    it is; calls already running finish (threads cannot be interrupted). The calls not yet
    started are cancelled whenever this returns or raises, on Ctrl-C too.
    """
    pending = enumerate(items)
    running: dict[Future[R], tuple[int, T]] = {}
    results: dict[int, R | Exception] = {}
    taking = True
    try:
        while True:
            while taking and len(running) < window:
                try:
                    index, item = next(pending)
                except StopIteration:
                    taking = False
                    break
                running[executor.submit(function, item)] = (index, item)
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index, item = running.pop(future)
                raised = future.exception()
                # Only a raised exception stops the rest: a call may return one as its result.
                if stop_on_failure and isinstance(raised, Exception):
                    raise raised
                outcome = results[index] = _outcome(future.result, future.exception)
                if on_result is not None:
                    on_result(item, outcome)
    finally:
        for future in running:
            future.cancel()
    return [results[index] for index in range(len(results))]


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
    function: Callable[[T], R], items: Sequence[T], **options: Unpack[RunOptions[T, R]]
) -> list[R | Exception]:
    """:func:`run_many` in a worker thread, keeping the event loop free.

    *on_result* is called on the event loop, as the asyncio workflows promise their
    ``on_progress``.
    """
    report = options.get("on_result")
    if report is not None:

        def on_the_loop(item: T, result: R | Exception) -> None:
            anyio.from_thread.run_sync(report, item, result)

        options["on_result"] = on_the_loop
    return await anyio.to_thread.run_sync(functools.partial(run_many, function, items, **options))
