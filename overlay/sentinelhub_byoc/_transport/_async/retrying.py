"""A transport that retries requests (and optionally rate-limits them), applying the policy.

Example::

    transport = AsyncRetryTransport(httpx.AsyncHTTPTransport(), policy=RetryPolicy(max_attempts=3))
    client = httpx.AsyncClient(transport=transport, auth=ClientCredentialsAuth(...))
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import httpx

from sentinelhub_byoc._transport.attempts import (
    AsyncSleep,
    Attempts,
    anyio_sleep,
    bound_held_body,
    undecodable,
)
from sentinelhub_byoc._transport.extensions import is_token_request, wants_buffered_response
from sentinelhub_byoc.retries import RetryPolicy

if TYPE_CHECKING:
    from sentinelhub_byoc.ratelimit import RateLimiter

__all__ = ["AsyncRetryTransport"]


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """Send through ``transport``, retrying according to ``policy``.

    Args:
        transport: the transport doing the I/O (default: a new :class:`httpx.AsyncHTTPTransport`).
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
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        policy: RetryPolicy | None = None,
        rate_limiter: RateLimiter | None = None,
        sleep: AsyncSleep = anyio_sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._transport = transport if transport is not None else httpx.AsyncHTTPTransport()
        self.policy = policy if policy is not None else RetryPolicy()
        self._rate_limiter = rate_limiter
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``, retrying as the policy allows."""
        attempts = Attempts(request, self.policy, self._rng)
        buffer = wants_buffered_response(request)
        while True:
            if self._rate_limiter is not None and not is_token_request(request):
                await self._rate_limiter.acquire_async()
            attempts.start()
            try:
                response = await self._transport.handle_async_request(request)
                bound_held_body(request, response, buffer)
                if buffer:
                    try:
                        await response.aread()
                    except httpx.DecodingError as error:
                        await response.aclose()
                        response = undecodable(response, error)
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


async def _adiscard(response: httpx.Response) -> None:
    """Read and close an answer that is not used, so its connection goes back to the pool."""
    try:
        await response.aread()
    except httpx.HTTPError:
        pass
    finally:
        await response.aclose()
