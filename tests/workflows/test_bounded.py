"""run_bounded: at most N at once, results in order, the first failure stops the rest (tasks and threads)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import anyio
import pytest
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.workflows import _executors, _tasks, _threads

pytestmark = pytest.mark.anyio


class Gauge:
    """How many calls run at once, at most, and how far the items were taken."""

    def __init__(self) -> None:
        self.running = 0
        self.peak = 0
        self.taken = 0
        self.finished = 0
        self.lock = threading.Lock()

    def items(self, count: int) -> Iterator[int]:
        for item in range(count):
            with self.lock:
                self.taken += 1
                # Workers pull items as they go: never more than N ahead of the finished ones.
                assert self.taken - self.finished <= 3
            yield item

    def enter(self) -> None:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)

    def leave(self) -> None:
        with self.lock:
            self.running -= 1
            self.finished += 1


async def test_tasks_run_at_most_n_at_once_and_keep_the_order() -> None:
    gauge = Gauge()

    async def work(item: int) -> int:
        gauge.enter()
        # Later items finish first, so the order of results is not the order of completion.
        await anyio.sleep(0.001 * (20 - item))
        gauge.leave()
        return item * item

    results = await _tasks.run_bounded(gauge.items(20), work, concurrency=3)
    assert results == [item * item for item in range(20)]
    assert gauge.peak == 3


def test_threads_run_at_most_n_at_once_and_keep_the_order() -> None:
    gauge = Gauge()

    def work(item: int) -> int:
        gauge.enter()
        time.sleep(0.001 * (20 - item))
        gauge.leave()
        return item * item

    results = _threads.run_bounded(gauge.items(20), work, concurrency=3)
    assert results == [item * item for item in range(20)]
    assert gauge.peak == 3


async def test_tasks_first_failure_cancels_the_rest_and_is_raised_as_it_is() -> None:
    started: list[int] = []
    cancelled: list[int] = []

    async def work(item: int) -> int:
        started.append(item)
        if item == 2:
            raise KeyError("two")
        try:
            await anyio.sleep(10)
        except anyio.get_cancelled_exc_class():
            cancelled.append(item)
            raise
        return item

    with pytest.raises(KeyError, match="two"):
        await _tasks.run_bounded(range(100), work, concurrency=3)
    assert sorted(started) == [0, 1, 2]
    assert sorted(cancelled) == [0, 1]


def test_threads_first_failure_stops_new_items_and_is_raised_as_it_is() -> None:
    started: list[int] = []

    def work(item: int) -> int:
        started.append(item)
        if item == 2:
            raise KeyError("two")
        time.sleep(0.01)
        return item

    with pytest.raises(KeyError, match="two"):
        _threads.run_bounded(range(100), work, concurrency=3)
    # The other two threads finish their item (threads cannot be interrupted) and take no more
    # once they see the failure; a few may have started just before it.
    assert len(started) < 10


async def test_tasks_can_collect_exceptions_per_item() -> None:
    async def work(item: int) -> int:
        await anyio.sleep(0)
        if item % 3 == 0:
            raise ValueError(item)
        return item

    results = await _tasks.run_bounded(range(7), work, concurrency=2, return_exceptions=True)
    assert [type(r).__name__ if isinstance(r, Exception) else r for r in results] == [
        "ValueError",
        1,
        2,
        "ValueError",
        4,
        5,
        "ValueError",
    ]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_threads_can_collect_exceptions_per_item(concurrency: int) -> None:
    def work(item: int) -> int:
        if item % 3 == 0:
            raise ValueError(item)
        return item

    results = _threads.run_bounded(range(7), work, concurrency=concurrency, return_exceptions=True)
    assert [type(r).__name__ if isinstance(r, Exception) else r for r in results] == [
        "ValueError",
        1,
        2,
        "ValueError",
        4,
        5,
        "ValueError",
    ]


async def test_tasks_edge_cases() -> None:
    async def echo(item: int) -> int:
        return item

    assert await _tasks.run_bounded([], echo, concurrency=5) == []
    assert await _tasks.run_bounded([7], echo, concurrency=5) == [7]

    def broken() -> Iterator[int]:
        yield 1
        raise OSError("listing failed")

    with pytest.raises(OSError, match="listing failed"):
        await _tasks.run_bounded(broken(), echo, concurrency=2)


def test_threads_edge_cases() -> None:
    assert _threads.run_bounded([], lambda item: item, concurrency=5) == []
    assert _threads.run_bounded([7], lambda item: item, concurrency=5) == [7]

    def broken() -> Iterator[int]:
        yield 1
        raise OSError("listing failed")

    with pytest.raises(OSError, match="listing failed"):
        _threads.run_bounded(broken(), lambda item: item, concurrency=2)


@pytest.mark.parametrize("concurrency", [0, -1, 1.5, True, "2"])
async def test_concurrency_must_be_a_whole_number_of_one_or_more(concurrency: object) -> None:
    async def echo(item: int) -> int:
        return item

    with pytest.raises(ValidationError, match="concurrency"):
        await _tasks.run_bounded([1], echo, concurrency=concurrency)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="concurrency"):
        _threads.run_bounded([1], lambda item: item, concurrency=concurrency)  # type: ignore[arg-type]


def test_run_many_hands_each_result_to_this_thread_and_keeps_going_after_a_failure() -> None:
    gauge = Gauge()
    seen: list[tuple[int, object, int]] = []

    def work(item: int) -> int:
        gauge.enter()
        time.sleep(0.001 * (10 - item))
        gauge.leave()
        if item == 4:
            raise ValueError(item)
        return item * 10

    results = _executors.run_many(
        work,
        list(range(10)),
        concurrency=3,
        on_result=lambda item, result: seen.append((item, result, threading.get_ident())),
    )
    assert [type(r).__name__ if isinstance(r, Exception) else r for r in results] == [
        0, 10, 20, 30, "ValueError", 50, 60, 70, 80, 90,
    ]  # fmt: skip
    assert gauge.peak == 3
    assert sorted(item for item, _, _ in seen) == list(range(10))
    assert {thread for _, _, thread in seen} == {threading.get_ident()}


@pytest.mark.parametrize("concurrency", [1, 3])
def test_threads_keep_an_exception_returned_as_a_result(concurrency: int) -> None:
    def work(item: int) -> int | Exception:
        return ValueError(item) if item == 1 else item

    results = _threads.run_bounded(range(4), work, concurrency=concurrency)
    assert [type(r).__name__ if isinstance(r, Exception) else r for r in results] == [0, "ValueError", 2, 3]


def test_docstring_examples_run() -> None:
    import doctest

    for module in (_tasks, _threads, _executors):
        assert doctest.testmod(module).failed == 0
