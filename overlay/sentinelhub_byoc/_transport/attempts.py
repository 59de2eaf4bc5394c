"""What the retry transports share: one request's attempts, and what to do with answers.

Every decision comes from :mod:`sentinelhub_byoc.retries`; :class:`Attempts` keeps the
per-request bookkeeping and logging, so the transports (``_async/retrying.py`` and the
``_sync`` twin generated from it) only send, wait and close.
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
    pass

#: How the blocking and the asyncio transports wait between attempts.
Sleep = Callable[[float], None]
AsyncSleep = Callable[[float], Awaitable[None]]

time_sleep: Sleep = time.sleep


async def anyio_sleep(seconds: float) -> None:
    """Wait without blocking the event loop, whichever one runs (asyncio or trio)."""
    import anyio

    await anyio.sleep(seconds)


class Attempts:
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

    def _may_retry(self, *, status: int | None = None, error: httpx.TransportError | None = None) -> bool:
        return self._replayable and should_retry(
            method=self.request.method,
            attempt=self.attempt,
            policy=self.policy,
            status=status,
            error=error,
            retry_safe=self._retry_safe,
        )

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
        if not self._may_retry(status=status):
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
        if not self._may_retry(error=error):
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


#: Headers that describe the body this stand-in no longer carries.
_BODY_FRAMING_HEADERS = frozenset({b"content-encoding", b"content-length", b"transfer-encoding"})


def undecodable(response: httpx.Response, error: httpx.DecodingError) -> httpx.Response:
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
