"""The client-side token bucket, on a fake clock."""

from __future__ import annotations

import threading

import anyio
import httpx
import pytest
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.ratelimit import AsyncRateLimitedTransport, RateLimitedTransport, RateLimiter

from tests.fake_clock import FakeClock


def limiter(rpm: float, burst: int | None, time: FakeClock) -> RateLimiter:
    return RateLimiter(rpm, burst=burst, clock=time, sleep=time.sleep, async_sleep=time.async_sleep)


@pytest.mark.parametrize(
    ("rpm", "burst", "waits"),
    [
        (60, 1, [0, 1, 2, 3, 4]),
        (60, 2, [0, 0, 1, 2, 3]),
        (120, 3, [0, 0, 0, 0.5, 1.0]),
        (30, None, [0, 0, 0, 0, 0]),  # default burst: a minute's worth
        (1, None, [0, 60, 120, 180, 240]),
    ],
)
def test_reservations_queue_behind_each_other(rpm: float, burst: int | None, waits: list[float]) -> None:
    time = FakeClock()
    bucket = limiter(rpm, burst, time)
    assert [bucket.reserve() for _ in waits] == pytest.approx(waits)


def test_sustained_rate_is_respected() -> None:
    time = FakeClock()
    bucket = limiter(120, 5, time)
    for _ in range(125):
        bucket.acquire()
    # 5 at once, then the remaining 120 at two per second.
    assert time.now == pytest.approx(60.0)


def test_quiet_time_refills_up_to_the_burst_only() -> None:
    time = FakeClock()
    bucket = limiter(60, 3, time)
    for _ in range(3):
        bucket.acquire()
    time.now += 3600
    assert [bucket.reserve() for _ in range(4)] == pytest.approx([0, 0, 0, 1])


def test_threads_share_one_bucket() -> None:
    time = FakeClock()  # frozen: every reservation happens "at once"
    bucket = limiter(60, 4, time)
    waits: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(40)

    def work() -> None:
        barrier.wait()
        wait = bucket.reserve()
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=work) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits) == pytest.approx([0.0] * 4 + [float(n) for n in range(1, 37)])


@pytest.mark.anyio
async def test_tasks_share_one_bucket() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await anyio.sleep(0)  # let the other tasks reserve while this one "waits"

    bucket = RateLimiter(60, burst=1, clock=lambda: 0.0, async_sleep=sleep)
    async with anyio.create_task_group() as group:
        for _ in range(4):
            group.start_soon(bucket.acquire_async)
    assert sorted(waits) == pytest.approx([1.0, 2.0, 3.0])


@pytest.mark.anyio
async def test_a_cancelled_wait_gives_its_slot_back() -> None:
    bucket = RateLimiter(60, burst=1)
    bucket.reserve()  # the bucket is now empty: the next caller waits about a second
    with anyio.move_on_after(0.05):
        await bucket.acquire_async()
    # Without the refund the next wait would be about two seconds.
    assert bucket.reserve() == pytest.approx(1.0, abs=0.1)


@pytest.mark.parametrize(
    ("rpm", "burst", "message"),
    [
        (0, None, "requests_per_minute must be a positive number"),
        (-5, None, "requests_per_minute must be a positive number"),
        (float("inf"), None, "requests_per_minute must be a positive number"),
        (60, 0, "burst must be at least 1"),
    ],
)
def test_invalid_limits(rpm: float, burst: int | None, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RateLimiter(rpm, burst=burst)


def test_repr_and_properties() -> None:
    bucket = RateLimiter(300)
    assert repr(bucket) == "RateLimiter(requests_per_minute=300, burst=300)"
    assert bucket.requests_per_minute == 300
    assert bucket.burst == 300


def test_as_a_transport_wrapper() -> None:
    time = FakeClock()
    bucket = limiter(60, 1, time)
    inner = httpx.MockTransport(lambda request: httpx.Response(200))
    with httpx.Client(transport=RateLimitedTransport(inner, bucket)) as client:
        for _ in range(3):
            client.get("https://api.example/")
        # An OAuth2 token request is not counted: the token endpoint has its own limits.
        client.post("https://auth.example/token", data={"grant_type": "client_credentials"})
    assert time.sleeps == pytest.approx([1.0, 1.0])
    with httpx.Client(transport=RateLimitedTransport(inner, bucket)) as client:
        client.post("https://api.example/", data={"name": "x"})  # any other form is
    assert time.sleeps == pytest.approx([1.0, 1.0, 1.0])


@pytest.mark.anyio
async def test_as_an_async_transport_wrapper() -> None:
    time = FakeClock()
    bucket = limiter(60, 1, time)

    async def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200)

    transport = AsyncRateLimitedTransport(httpx.MockTransport(answer), bucket)
    async with httpx.AsyncClient(transport=transport) as client:
        for _ in range(3):
            await client.get("https://api.example/")
    assert time.sleeps == pytest.approx([1.0, 1.0])
