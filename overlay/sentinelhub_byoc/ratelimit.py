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

import httpx

from sentinelhub_byoc.errors import ValidationError

__all__ = ["AsyncRateLimitedTransport", "RateLimitedTransport", "RateLimiter"]


async def _anyio_sleep(seconds: float) -> None:
    import anyio

    await anyio.sleep(seconds)


class RateLimiter:
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
        async_sleep: Callable[[float], Awaitable[None]] = _anyio_sleep,
    ) -> None:
        if (
            isinstance(requests_per_minute, bool)
            or not isinstance(requests_per_minute, int | float)
            or not (requests_per_minute > 0 and math.isfinite(requests_per_minute))
        ):
            raise ValidationError(
                f"requests_per_minute must be a positive number, got {requests_per_minute!r}"
            )
        capacity = burst if burst is not None else max(1, math.floor(requests_per_minute))
        if type(capacity) is not int or capacity < 1:
            raise ValidationError(f"burst must be at least 1, got {burst!r}")
        self._rate = requests_per_minute / 60.0  # tokens per second
        self._capacity = float(capacity)
        self._clock = clock
        self._sleep = sleep
        self._async_sleep = async_sleep
        self._lock = threading.Lock()
        self._tokens = self._capacity
        self._updated = clock()

    def __repr__(self) -> str:
        return f"RateLimiter(requests_per_minute={self._rate * 60:g}, burst={int(self._capacity)})"

    @property
    def requests_per_minute(self) -> float:
        """The sustained rate."""
        return self._rate * 60.0

    @property
    def burst(self) -> int:
        """How many requests may go at once."""
        return int(self._capacity)

    def reserve(self) -> float:
        """Take one slot and return how many seconds the caller must wait before using it.

        ``acquire`` and ``acquire_async`` are this plus the wait; call it directly only to
        schedule the wait yourself.
        """
        with self._lock:
            now = self._clock()
            elapsed = max(0.0, now - self._updated)
            self._tokens = min(self._capacity, self._tokens + elapsed * self._rate)
            self._updated = now
            # Going negative is the reservation: later callers queue behind this one.
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self._rate

    def _refund(self) -> None:
        with self._lock:
            self._tokens = min(self._capacity, self._tokens + 1.0)

    def acquire(self) -> None:
        """Block the calling thread until a request may be sent."""
        wait = self.reserve()
        if wait > 0:
            try:
                self._sleep(wait)
            except BaseException:
                self._refund()
                raise

    async def acquire_async(self) -> None:
        """Wait (without blocking the event loop) until a request may be sent."""
        wait = self.reserve()
        if wait > 0:
            try:
                await self._async_sleep(wait)
            except BaseException:  # cancelled: give the slot back to the others
                self._refund()
                raise


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

    def __init__(self, transport: httpx.BaseTransport, limiter: RateLimiter) -> None:
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

    def __init__(self, transport: httpx.AsyncBaseTransport, limiter: RateLimiter) -> None:
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
