"""A client-side limit on requests per minute, shared by every thread and task using it.

A token bucket on a monotonic clock: up to ``burst`` requests go at once, then one more every
``60 / requests_per_minute`` seconds. Each caller reserves its slot under a short
``threading.Lock`` and then sleeps outside it, so sync and async callers can share one limiter
without blocking an event loop for longer than the bookkeeping.

>>> limiter = RateLimiter(requests_per_minute=600, burst=1)
>>> limiter.acquire()  # returns at once: the bucket starts full
>>> client = httpx.Client(transport=RateLimitedTransport(httpx.HTTPTransport(), limiter))  # doctest: +SKIP
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Protocol, runtime_checkable

import httpx

from sentinelhub_byoc.errors import ValidationError

__all__ = ["AsyncRateLimitedTransport", "RateLimitedTransport", "RateLimiter", "RequestLimiter"]

#: The most of a caller's lateness charged to the budget (see :class:`WaitingLimiter`): a process
#: that was suspended for an hour does not hold the others for an hour.
MAX_LATENESS = 1.0
# Lateness below this is the sleep's own precision, not worth a bookkeeping round.
_LATE = 0.002
#: The longest a service's "wait until" is honoured (see :meth:`RateLimiter.pause`): an answer
#: asking for more (a monthly quota, a clock far off, a hostile header) is no reason to stop longer.
MAX_PAUSE = 60.0


async def anyio_sleep(seconds: float) -> None:
    """Wait without blocking the event loop, whichever one runs (asyncio or trio)."""
    import anyio

    await anyio.sleep(seconds)


@runtime_checkable
class RequestLimiter(Protocol):
    """What the send loop needs of a rate limiter.

    :class:`RateLimiter` and :class:`~sentinelhub_byoc.shared_ratelimit.SharedRateLimiter` are both one.
    """

    @property
    def requests_per_minute(self) -> float:
        """The sustained rate."""
        ...

    @property
    def burst(self) -> int:
        """How many requests may go at once."""
        ...

    def reserve(self) -> float:
        """Take one slot; return how many seconds the caller must wait before using it."""
        ...

    def acquire(self) -> None:
        """Block the calling thread until a request may be sent."""
        ...

    async def acquire_async(self) -> None:
        """Wait (without blocking the event loop) until a request may be sent."""
        ...

    def pause(self, seconds: float) -> None:
        """Send no request for *seconds* from now (at most :data:`MAX_PAUSE`)."""
        ...


def check_rate(requests_per_minute: float, burst: int | None) -> tuple[float, float]:
    """The bucket's refill rate per second and capacity, or :class:`ValidationError`."""
    if (
        isinstance(requests_per_minute, bool)
        or not isinstance(requests_per_minute, int | float)
        or not (requests_per_minute > 0 and math.isfinite(requests_per_minute))
    ):
        raise ValidationError(f"requests_per_minute must be a positive number, got {requests_per_minute!r}")
    capacity = burst if burst is not None else max(1, math.floor(requests_per_minute))
    if type(capacity) is not int or capacity < 1:
        raise ValidationError(f"burst must be at least 1, got {burst!r}")
    return requests_per_minute / 60.0, float(capacity)


def refill(tokens: float, elapsed: float, rate: float, capacity: float) -> float:
    """The bucket's tokens after *elapsed* seconds (a clock going backwards adds nothing)."""
    return min(capacity, tokens + max(0.0, elapsed) * rate)


def take(tokens: float, rate: float) -> tuple[float, float]:
    """The tokens after taking one slot, and how long its taker waits.

    Going negative is the reservation: later callers queue behind this one.
    """
    tokens -= 1.0
    return tokens, 0.0 if tokens >= 0 else -tokens / rate


def paused(tokens: float, seconds: float, rate: float) -> float:
    """The tokens after a pause of *seconds*: the next slot taken waits at least that long."""
    seconds = min(max(0.0, seconds), MAX_PAUSE) if math.isfinite(seconds) else 0.0
    return min(tokens, 1.0 - seconds * rate)


class WaitingLimiter:
    """``acquire`` and ``acquire_async`` over a subclass's ``reserve``, ``_refund`` and ``_charge``.

    A caller that wakes up later than its slot (a busy machine, a suspended process) charges
    the lateness to the budget, up to :data:`MAX_LATENESS`: the slots reserved after that start
    later by as much, so that the requests sent stay within the rate as the server counts them,
    by when they arrive, not only as they were scheduled.
    """

    _rate: float  # tokens per second
    _capacity: float
    _clock: Callable[[], float]
    _sleep: Callable[[float], None]
    _async_sleep: Callable[[float], Awaitable[None]]

    @property
    def requests_per_minute(self) -> float:
        """The sustained rate."""
        return self._rate * 60.0

    @property
    def burst(self) -> int:
        """How many requests may go at once."""
        return int(self._capacity)

    def reserve(self) -> float:
        """Take one slot and return how many seconds the caller must wait before using it."""
        raise NotImplementedError

    def _refund(self) -> None:
        raise NotImplementedError

    def _charge(self, seconds: float) -> None:
        raise NotImplementedError

    def _charge_lateness(self, due: float) -> None:
        late = self._clock() - due
        if late > _LATE:
            self._charge(min(late, MAX_LATENESS))

    def acquire(self) -> None:
        """Block the calling thread until a request may be sent."""
        wait = self.reserve()
        if wait > 0:
            due = self._clock() + wait
            try:
                self._sleep(wait)
            except BaseException:
                self._refund()
                raise
            self._charge_lateness(due)

    async def acquire_async(self) -> None:
        """Wait (without blocking the event loop) until a request may be sent."""
        wait = self.reserve()
        if wait > 0:
            due = self._clock() + wait
            try:
                await self._async_sleep(wait)
            except BaseException:  # cancelled: give the slot back to the others
                self._refund()
                raise
            self._charge_lateness(due)


class RateLimiter(WaitingLimiter):
    """Allow at most ``requests_per_minute`` requests per minute, with bursts up to ``burst``.

    Args:
        requests_per_minute: the sustained rate; must be positive.
        burst: how many requests may go at once after a quiet spell. Defaults to a minute's
            worth, like the service's own per-minute buckets; use ``1`` for evenly spaced
            requests.
        clock: a monotonic clock in seconds (replaceable in tests).
        sleep: how ``acquire`` waits; ``async_sleep``: how ``acquire_async`` waits.

    Example::

        limiter = RateLimiter(requests_per_minute=300)
        limiter.acquire()            # in a thread
        await limiter.acquire_async()  # in a task
    """

    def __init__(
        self,
        requests_per_minute: float,
        *,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = anyio_sleep,
    ) -> None:
        self._rate, self._capacity = check_rate(requests_per_minute, burst)  # tokens per second
        self._clock = clock
        self._sleep = sleep
        self._async_sleep = async_sleep
        self._lock = threading.Lock()
        self._tokens = self._capacity
        self._updated = clock()

    def __repr__(self) -> str:
        return f"RateLimiter(requests_per_minute={self._rate * 60:g}, burst={int(self._capacity)})"

    def reserve(self) -> float:
        """Take one slot and return how many seconds the caller must wait before using it.

        ``acquire`` and ``acquire_async`` are this plus the wait; call it directly only to
        schedule the wait yourself.
        """
        with self._lock:
            self._refill()
            self._tokens, wait = take(self._tokens, self._rate)
            return wait

    def pause(self, seconds: float) -> None:
        """Send no request for *seconds* from now (at most a minute), then go on at the rate.

        The send loop calls it when the service says its budget is spent until a time.
        """
        with self._lock:
            self._refill()
            self._tokens = paused(self._tokens, seconds, self._rate)

    def _refill(self) -> None:
        """Bring the level up to now; the caller holds the lock."""
        now = self._clock()
        self._tokens = refill(self._tokens, now - self._updated, self._rate, self._capacity)
        self._updated = now

    def _refund(self) -> None:
        with self._lock:
            self._tokens = min(self._capacity, self._tokens + 1.0)

    def _charge(self, seconds: float) -> None:
        with self._lock:
            self._refill()
            self._tokens -= seconds * self._rate


def _fetches_a_token(request: httpx.Request) -> bool:
    """Whether *request* asks an OAuth2 endpoint for a token: a ``POST`` of a form with a grant type."""
    if request.method != "POST":
        return False
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        return False
    try:
        body = request.content
    except httpx.RequestNotRead:
        return False
    return body.startswith(b"grant_type=") or b"&grant_type=" in body


class RateLimitedTransport(httpx.BaseTransport):
    """Wrap a transport so every request first waits for ``limiter``.

    Requests that fetch access tokens are not counted: the token endpoint has its own limits.
    """

    def __init__(self, transport: httpx.BaseTransport, limiter: RequestLimiter) -> None:
        self._transport = transport
        self._limiter = limiter

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Wait for a slot, then send ``request`` through the wrapped transport."""
        if not _fetches_a_token(request):
            self._limiter.acquire()
        return self._transport.handle_request(request)

    def close(self) -> None:
        """Close the wrapped transport."""
        self._transport.close()


class AsyncRateLimitedTransport(httpx.AsyncBaseTransport):
    """Async twin of :class:`RateLimitedTransport`."""

    def __init__(self, transport: httpx.AsyncBaseTransport, limiter: RequestLimiter) -> None:
        self._transport = transport
        self._limiter = limiter

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Wait for a slot, then send ``request`` through the wrapped transport."""
        if not _fetches_a_token(request):
            await self._limiter.acquire_async()
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._transport.aclose()
