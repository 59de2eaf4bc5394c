"""Transports that retry (and optionally rate-limit) requests, as thin shells over the policy.

Every decision comes from :mod:`sentinelhub_byoc.retries`; :class:`_Attempts` keeps the
per-request bookkeeping and logging so the sync and async shells differ only in how they send,
wait and close.

Example::

    transport = RetryTransport(httpx.HTTPTransport(), policy=RetryPolicy(max_attempts=3))
    client = httpx.Client(transport=transport, auth=ClientCredentialsAuth(...))
"""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import httpx

from sentinelhub_byoc._logging import logger, redact_url
from sentinelhub_byoc._transport.error_mapping import UNREADABLE_BODY_EXTENSION
from sentinelhub_byoc._transport.extensions import (
    EARLIER_ATTEMPT_MAY_HAVE_ACTED_EXTENSION,
    body_replayable,
    is_token_request,
    wants_buffered_response,
)
from sentinelhub_byoc.retries import (
    RetryPolicy,
    _error_kind,
    backoff_delay,
    parse_retry_after,
    policy_for_request,
    should_retry,
)

if TYPE_CHECKING:
    from sentinelhub_byoc.ratelimit import RateLimiter

__all__ = ["AsyncRetryTransport", "RetryTransport"]


async def _anyio_sleep(seconds: float) -> None:
    import anyio

    await anyio.sleep(seconds)


class _Attempts:
    """Bookkeeping for one request's attempts: decides, logs, and says how long to wait."""

    def __init__(self, request: httpx.Request, default: RetryPolicy, rng: random.Random) -> None:
        self.request = request
        self.policy, self._retry_safe = policy_for_request(request.extensions, default)
        self._rng = rng
        self._replayable = body_replayable(request)
        self._target = f"{request.method} {redact_url(request.url)}"
        self.attempt = 0
        self._started = 0.0
        # Whether an attempt that was retried may have been acted on by the service.
        self.may_have_acted = False

    def start(self) -> None:
        self.attempt += 1
        self._started = time.perf_counter()

    def _elapsed_ms(self) -> float:
        return (time.perf_counter() - self._started) * 1000

    def after_response(self, response: httpx.Response) -> float | None:
        """Log the answer; return the delay before retrying, or ``None`` to hand it back."""
        status = response.status_code
        logger.debug(
            "%s -> %d in %.1f ms (attempt %d/%d)",
            self._target,
            status,
            self._elapsed_ms(),
            self.attempt,
            self.policy.max_attempts,
        )
        if not self._replayable or not should_retry(
            method=self.request.method,
            attempt=self.attempt,
            policy=self.policy,
            status=status,
            retry_safe=self._retry_safe,
        ):
            return None
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        # A 429 is the rate limiter refusing the request before the application saw it.
        self.may_have_acted = self.may_have_acted or status != 429
        return self._schedule(f"status {status}", retry_after)

    def after_error(self, error: httpx.TransportError) -> float | None:
        """Log the failure; return the delay before retrying, or ``None`` to re-raise it."""
        logger.debug(
            "%s failed after %.1f ms with %s (attempt %d/%d)",
            self._target,
            self._elapsed_ms(),
            type(error).__name__,
            self.attempt,
            self.policy.max_attempts,
        )
        if not self._replayable or not should_retry(
            method=self.request.method,
            attempt=self.attempt,
            policy=self.policy,
            error=error,
            retry_safe=self._retry_safe,
        ):
            return None
        self.may_have_acted = self.may_have_acted or _error_kind(error) != "not_sent"
        return self._schedule(type(error).__name__, None)

    def mark(self, response: httpx.Response) -> None:
        """Note on the response handed back whether an earlier attempt may have been acted on."""
        response.extensions[EARLIER_ATTEMPT_MAY_HAVE_ACTED_EXTENSION] = self.may_have_acted

    def _schedule(self, cause: str, retry_after: float | None) -> float:
        delay = backoff_delay(self.attempt, retry_after=retry_after, policy=self.policy, rng=self._rng)
        logger.info(
            "retrying %s after %s in %.2f s (attempt %d/%d next)",
            self._target,
            cause,
            delay,
            self.attempt + 1,
            self.policy.max_attempts,
        )
        return delay


class RetryTransport(httpx.BaseTransport):
    """Send through ``transport``, retrying according to ``policy``.

    Args:
        transport: the transport doing the I/O (default: a new :class:`httpx.HTTPTransport`).
        policy: the default :class:`RetryPolicy`; a request's
            ``extensions["sentinelhub_byoc.retry"]`` replaces it for that request.
        rate_limiter: if given, every attempt except token requests waits for it first.
        sleep: how to wait between attempts (replaceable for fast tests).
        rng: source of jitter.

    A response that is retried is read and closed so its connection returns to the pool; the
    last response is returned unread (read, if the request asks for a buffered response), and
    the last transport error re-raised, when retries are exhausted or not allowed.
    """

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        rate_limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._transport = transport if transport is not None else httpx.HTTPTransport()
        self.policy = policy if policy is not None else RetryPolicy()
        self._rate_limiter = rate_limiter
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``, retrying as the policy allows."""
        attempts = _Attempts(request, self.policy, self._rng)
        buffer = wants_buffered_response(request)
        while True:
            if self._rate_limiter is not None and not is_token_request(request):
                self._rate_limiter.acquire()
            attempts.start()
            try:
                response = self._transport.handle_request(request)
                if buffer:
                    try:
                        response.read()
                    except httpx.DecodingError as error:
                        response.close()
                        response = _undecodable(response, error)
                    except BaseException:
                        response.close()
                        raise
            except httpx.TransportError as error:
                delay = attempts.after_error(error)
                if delay is None:
                    raise
            else:
                delay = attempts.after_response(response)
                if delay is None:
                    attempts.mark(response)
                    return response
                _discard(response)
            self._sleep(delay)

    def close(self) -> None:
        """Close the wrapped transport."""
        self._transport.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """Async twin of :class:`RetryTransport`; ``sleep`` is awaited (default: ``anyio.sleep``)."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        rate_limiter: RateLimiter | None = None,
        sleep: Callable[[float], Awaitable[None]] = _anyio_sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._transport = transport if transport is not None else httpx.AsyncHTTPTransport()
        self.policy = policy if policy is not None else RetryPolicy()
        self._rate_limiter = rate_limiter
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``, retrying as the policy allows."""
        attempts = _Attempts(request, self.policy, self._rng)
        buffer = wants_buffered_response(request)
        while True:
            if self._rate_limiter is not None and not is_token_request(request):
                await self._rate_limiter.acquire_async()
            attempts.start()
            try:
                response = await self._transport.handle_async_request(request)
                if buffer:
                    try:
                        await response.aread()
                    except httpx.DecodingError as error:
                        await response.aclose()
                        response = _undecodable(response, error)
                    except BaseException:
                        await response.aclose()
                        raise
            except httpx.TransportError as error:
                delay = attempts.after_error(error)
                if delay is None:
                    raise
            else:
                delay = attempts.after_response(response)
                if delay is None:
                    attempts.mark(response)
                    return response
                await _adiscard(response)
            await self._sleep(delay)

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self._transport.aclose()


#: Headers that describe the body this stand-in no longer carries.
_BODY_FRAMING_HEADERS = frozenset({b"content-encoding", b"content-length", b"transfer-encoding"})


def _undecodable(response: httpx.Response, error: httpx.DecodingError) -> httpx.Response:
    """An empty stand-in for a response whose body cannot be decoded, saying why in an extension.

    Retrying would fetch the same corrupt body; the decoders turn this into a typed error that
    keeps the status and headers.
    """
    # Raw bytes: header values a server sent in Latin-1 or UTF-8 need not survive re-encoding.
    headers = [
        (name, value) for name, value in response.headers.raw if name.lower() not in _BODY_FRAMING_HEADERS
    ]
    extensions = {**response.extensions, UNREADABLE_BODY_EXTENSION: str(error) or type(error).__name__}
    return httpx.Response(response.status_code, headers=headers, content=b"", extensions=extensions)


def _discard(response: httpx.Response) -> None:
    # Reading the (small) error body first lets the connection go back to the pool.
    try:
        response.read()
    except httpx.HTTPError:
        pass
    finally:
        response.close()


async def _adiscard(response: httpx.Response) -> None:
    try:
        await response.aread()
    except httpx.HTTPError:
        pass
    finally:
        await response.aclose()
