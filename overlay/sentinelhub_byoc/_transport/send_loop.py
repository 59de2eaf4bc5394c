"""What both send loops share, without I/O: one request's attempts and the bodies held in memory.

Every decision comes from :mod:`sentinelhub_byoc.retries`; :class:`Attempts` keeps one request's
bookkeeping (attempt count, logging, Retry-After, whether an earlier attempt may have acted, a
budget the service says is spent), so
the senders (``_async/sending.py`` and the ``_sync`` twin generated from it) only send, wait and
close. :data:`MAX_HELD_BODY` bounds what the client reads into memory.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx

from sentinelhub_byoc._logging import logger, redact_url
from sentinelhub_byoc._ratelimit_headers import budget_spent_for
from sentinelhub_byoc._transport.calls import RequestOptions
from sentinelhub_byoc._transport.error_mapping import with_body
from sentinelhub_byoc.ratelimit import anyio_sleep as anyio_sleep
from sentinelhub_byoc.retries import backoff_delay, failure_kind, parse_retry_after, should_retry

#: How the blocking and the asyncio senders wait between attempts.
Sleep = Callable[[float], None]
AsyncSleep = Callable[[float], Awaitable[None]]

# The asyncio sender waits with anyio_sleep (the limiters' own); its blocking twin with this.
time_sleep: Sleep = time.sleep


def body_replayable(request: httpx.Request) -> bool:
    """Return whether ``request`` can be sent again: its body is in memory, not a one-shot stream."""
    try:
        request.content  # noqa: B018 - the property raises for a body that is not in memory
    except httpx.RequestNotRead:
        return False
    return True


class Attempts:
    """Bookkeeping for one request's attempts: decides, logs, and says how long to wait."""

    def __init__(self, request: httpx.Request, options: RequestOptions, rng: random.Random) -> None:
        self.request = request
        self.policy = options.retry
        self._retry_safe = options.retry_safe
        self._rng = rng
        self._replayable = body_replayable(request)
        self.attempt = 0
        self._started = 0.0
        # Whether an attempt that was retried may have been acted on by the service.
        self.may_have_acted = False

    def start(self) -> None:
        self.attempt += 1
        self._started = time.perf_counter()

    def _target(self) -> str:
        # Only for log lines: redacting the URL is not free, and most answers are not logged.
        return f"{self.request.method} {redact_url(self.request.url)}"

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
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s -> %d in %.1f ms (attempt %d/%d)",
                self._target(),
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

    def budget_spent(self, response: httpx.Response) -> float | None:
        """Seconds to send nothing when the answer's rate-limit headers say the budget is spent.

        The sender hands it to its rate limiter (:meth:`~sentinelhub_byoc.ratelimit.RateLimiter.pause`),
        so that the requests that follow wait for the budget rather than meet a 429.
        """
        pause = budget_spent_for(response.headers, time.time())
        if pause is not None:
            logger.info("the service says the request budget is spent: pausing %.2f s", pause)
        return pause

    def after_error(self, error: httpx.TransportError) -> float | None:
        """Log the failure; return the delay before retrying, or ``None`` to re-raise it."""
        logger.debug(
            "%s failed after %.1f ms with %s (attempt %d/%d)",
            self._target(),
            self._elapsed_ms(),
            type(error).__name__,
            self.attempt,
            self.policy.max_attempts,
        )
        if not self._may_retry(error=error):
            return None
        self.may_have_acted = self.may_have_acted or failure_kind(error) != "not_sent"
        return self._schedule(type(error).__name__, None)

    def _schedule(self, cause: str, retry_after: float | None) -> float:
        delay = backoff_delay(self.attempt, retry_after=retry_after, policy=self.policy, rng=self._rng)
        logger.info(
            "retrying %s after %s in %.2f s (attempt %d/%d next)",
            self._target(),
            cause,
            delay,
            self.attempt + 1,
            self.policy.max_attempts,
        )
        return delay


class UnreadableBody(Exception):
    """An answer whose body cannot be decoded (a corrupt gzip or brotli stream, say).

    Raised by the loop with an empty stand-in for the answer (its status, headers and request
    kept) and the reason; whoever sent the request turns it into its own typed error: the
    sender into an API error, the token flow into an
    :class:`~sentinelhub_byoc.errors.AuthenticationError`. Retrying would fetch the same body.
    """

    def __init__(self, response: httpx.Response, error: httpx.DecodingError) -> None:
        super().__init__(str(error) or type(error).__name__)
        self.response = with_body(response, b"")
        self.reason = self.args[0]
        #: Whether an earlier attempt of the request may have acted; set by the loop when it gives up.
        self.may_have_acted = False


#: The most of a body the client holds in memory: a JSON answer, a token, an error page. A page
#: of 100 tiles with their geometries is well under a megabyte; file downloads stream past this.
MAX_HELD_BODY = 32 * 1024 * 1024


class AnswerTooLarge(httpx.DecodingError):
    """A body the client would hold in memory ran past :data:`MAX_HELD_BODY`.

    A decoding error, so the answer becomes the typed error of an unreadable body, without retries.
    """


class BoundedBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that stops with :class:`AnswerTooLarge` past *limit* bytes as sent.

    A server that sends a body without end, or one far longer than any answer of the API, must
    not fill the client's memory while it is buffered for reading.
    """

    def __init__(self, stream: httpx.SyncByteStream | httpx.AsyncByteStream, limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._held = 0

    def _count(self, chunk: bytes) -> bytes:
        self._held += len(chunk)
        if self._held > self._limit:
            raise AnswerTooLarge(
                f"the answer's body runs past {self._limit} bytes, more than any answer of the API; "
                "it was not read further"
            )
        return chunk

    def __iter__(self) -> Iterator[bytes]:
        assert isinstance(self._stream, httpx.SyncByteStream)
        for chunk in self._stream:
            yield self._count(chunk)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        assert isinstance(self._stream, httpx.AsyncByteStream)
        async for chunk in self._stream:
            yield self._count(chunk)

    def close(self) -> None:
        """Close the wrapped body."""
        if isinstance(self._stream, httpx.SyncByteStream):
            self._stream.close()

    async def aclose(self) -> None:
        """Close the wrapped body."""
        if isinstance(self._stream, httpx.AsyncByteStream):
            await self._stream.aclose()


def bound_held_body(response: httpx.Response, held: bool) -> None:
    """Bound *response*'s body when the client will hold it whole (*held*), or it is an error's."""
    if held or not 200 <= response.status_code < 300:
        response.stream = BoundedBody(response.stream, MAX_HELD_BODY)
