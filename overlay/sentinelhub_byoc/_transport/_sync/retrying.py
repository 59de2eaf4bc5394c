# Generated from overlay/sentinelhub_byoc/_transport/_async/retrying.py by codegen/unasync.py; do not edit.
"""A transport that retries requests (and optionally rate-limits them), applying the policy.

Example::

    transport = RetryTransport(httpx.HTTPTransport(), policy=RetryPolicy(max_attempts=3))
    client = httpx.Client(transport=transport, auth=ClientCredentialsAuth(...))
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import httpx

from sentinelhub_byoc._transport.attempts import (
    Attempts,
    Sleep,
    bound_held_body,
    time_sleep,
    undecodable,
)
from sentinelhub_byoc._transport.extensions import is_token_request, wants_buffered_response
from sentinelhub_byoc.retries import RetryPolicy

if TYPE_CHECKING:
    from sentinelhub_byoc.ratelimit import RateLimiter

__all__ = ["RetryTransport"]


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
        sleep: Sleep = time_sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._transport = transport if transport is not None else httpx.HTTPTransport()
        self.policy = policy if policy is not None else RetryPolicy()
        self._rate_limiter = rate_limiter
        self._sleep = sleep
        self._rng = rng if rng is not None else random.Random()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``, retrying as the policy allows."""
        attempts = Attempts(request, self.policy, self._rng)
        buffer = wants_buffered_response(request)
        while True:
            if self._rate_limiter is not None and not is_token_request(request):
                self._rate_limiter.acquire()
            attempts.start()
            try:
                response = self._transport.handle_request(request)
                bound_held_body(request, response, buffer)
                if buffer:
                    try:
                        response.read()
                    except httpx.DecodingError as error:
                        response.close()
                        response = undecodable(response, error)
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


def _discard(response: httpx.Response) -> None:
    """Read and close an answer that is not used, so its connection goes back to the pool."""
    try:
        response.read()
    except httpx.HTTPError:
        pass
    finally:
        response.close()
