"""The one send loop: an operation in, its outcome (decoded result or typed error) out.

:class:`AsyncSender` turns an :class:`~sentinelhub_byoc._transport.calls.Operation` into an
``httpx.Request`` (the deployment's API URL and path prefix, the call's timeout) and sends it
through the client's pool, never following redirects, so credentials stay with the configured
URL. The loop is here, where the request is sent: the authentication's flow (each request it
yields: the call itself, or a token request of its own), and for each of those the attempts,
the rate limiter, the waits and the bound on bodies held in memory. What happened comes back as
a value, an :class:`~sentinelhub_byoc._transport.calls.Outcome`.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import attrs
import httpx

from sentinelhub_byoc._pagination import PageTokenTracker
from sentinelhub_byoc._transport.calls import (
    HEADERS,
    NO_OPTIONS,
    CallOptions,
    Operation,
    Outcome,
    RequestOptions,
    Where,
    answer,
    build_request,
    is_success,
)
from sentinelhub_byoc._transport.error_mapping import (
    error_from_response,
    error_from_transport_error,
    invalid_answer,
)
from sentinelhub_byoc._transport.send_loop import (
    AsyncSleep,
    Attempts,
    UnreadableBody,
    anyio_sleep,
    bound_held_body,
)
from sentinelhub_byoc.errors import APIError
from sentinelhub_byoc.models import Page
from sentinelhub_byoc.ratelimit import RequestLimiter
from sentinelhub_byoc.retries import RetryPolicy

T = TypeVar("T")

#: The policy of a pool supplied by the caller: its retries are its transport's, not ours.
_ONE_ATTEMPT = RetryPolicy.disabled()


def async_pool(*, timeout: httpx.Timeout, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    """The client's own connection pool."""
    return httpx.AsyncClient(timeout=timeout, headers=HEADERS, transport=transport)


@attrs.define
class _Loop:
    """What the loop needs besides the pool: its default policy, rate limiter, waits, jitter."""

    retry: RetryPolicy | None
    rate_limiter: RequestLimiter | None
    sleep: AsyncSleep
    rng: random.Random

    def policy(self, override: RetryPolicy | None) -> RetryPolicy:
        """A request's policy: one attempt in a caller's pool, else *override* or the default."""
        return _ONE_ATTEMPT if self.retry is None else override or self.retry


class AsyncSender:
    """Sends operations through an ``httpx.AsyncClient`` and decodes their answers.

    Args:
        http: the connection pool (the client's own, or one the caller supplied, used as it is).
        api_url: the deployment's base URL followed by its path prefix.
        root_url: the deployment's base URL, for calls to its other services (the location
            list); by default the scheme and host of ``api_url``.
        auth: the authentication to send with, or ``None`` for the pool's own.
        retry: the default :class:`RetryPolicy`; ``None`` for a pool the caller supplied, whose
            retries are its own (each request is then sent once).
        rate_limiter: if given, every attempt except the authentication's own requests waits for it,
            and an answer saying the service's budget is spent pauses it.
        sleep: how to wait between attempts (replaceable for fast tests).
        rng: source of jitter.
        options: the per-call options of every call of this sender (see :meth:`with_options`).
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        api_url: str,
        auth: httpx.Auth | None,
        *,
        retry: RetryPolicy | None = None,
        rate_limiter: RequestLimiter | None = None,
        sleep: AsyncSleep = anyio_sleep,
        rng: random.Random | None = None,
        options: CallOptions = NO_OPTIONS,
        root_url: str | None = None,
    ) -> None:
        self.http = http
        if root_url is None:
            parts = httpx.URL(api_url)
            root_url = str(parts.copy_with(path="/", query=None, fragment=None))
        self._where = Where(api_url.rstrip("/"), root_url.rstrip("/"))
        self._auth = auth
        self._loop = _Loop(retry, rate_limiter, sleep, rng if rng is not None else random.Random())
        self._options = options

    @property
    def rate_limiter(self) -> RequestLimiter | None:
        """The limiter every attempt waits for, if any."""
        return self._loop.rate_limiter

    def with_options(self, options: CallOptions) -> AsyncSender:
        """A sender over the same pool whose calls use *options*."""
        view = AsyncSender.__new__(AsyncSender)
        view.http, view._where, view._auth, view._loop = self.http, self._where, self._auth, self._loop
        view._options = options
        return view

    async def send(self, operation: Operation[T]) -> T:
        """Send *operation* and return its decoded result; raise a ``BYOCError`` otherwise."""
        response, _, unreadable = await self._exchange(operation, buffered=True)
        return answer(operation, response, unreadable)

    async def outcome(self, operation: Operation[T]) -> Outcome[T]:
        """Send *operation* and return its :class:`Outcome`, the API's error included.

        The outcome says whether an earlier attempt may have acted. A failure without an answer
        raises, as :meth:`send` does.
        """
        response, acted, unreadable = await self._exchange(operation, buffered=True)
        try:
            return Outcome(answer(operation, response, unreadable), None, acted)
        except APIError as error:
            return Outcome(None, error, acted)

    async def pages(self, operation: Operation[Page[T]], what: str) -> AsyncIterator[Page[T]]:
        """The pages of a listing from *operation*'s on, fetched as the caller advances."""
        tracker = PageTokenTracker(what)
        while True:
            page = await self.send(operation)
            yield page
            token = tracker.advance(page.links, empty=not page.items)
            # Let the page go before the next one is fetched: over a long listing, pages kept
            # alive across a fetch are promoted by the garbage collector and make it slower.
            del page
            if token is None:
                return
            operation = operation.at_page(token)

    @asynccontextmanager
    async def stream(self, operation: Operation[Any]) -> AsyncIterator[httpx.Response]:
        """Send *operation* and yield the response with its body unread, for the caller to stream.

        An error status raises before anything is yielded; a failure while the caller reads the
        body becomes a ``BYOCError`` too.
        """
        response, _, _ = await self._exchange(operation, buffered=False)
        try:
            if not is_success(operation, response.status_code):
                try:
                    await response.aread()
                except httpx.DecodingError as error:
                    raise error_from_response(
                        response, unreadable=str(error) or type(error).__name__
                    ) from None
                raise error_from_response(response)
            yield response
        except httpx.HTTPError as error:
            if isinstance(error, httpx.DecodingError):
                raise invalid_answer(response, f"the body could not be decoded ({error})") from error
            raise error_from_transport_error(error, request=response.request) from error
        finally:
            await response.aclose()

    async def _exchange(
        self, operation: Operation[Any], *, buffered: bool
    ) -> tuple[httpx.Response, bool, str | None]:
        """The answer to *operation*, whether an earlier attempt may have acted, why its body is empty.

        The last is ``None`` unless the body could not be decoded; the response is then an empty
        stand-in keeping the status and headers.
        """
        options = self._options
        request = build_request(self.http, self._where, operation, options)
        own = RequestOptions(self._loop.policy(options.retry), operation.retry_safe, buffered)
        try:
            response, acted = await self.send_request(request, own)
        except httpx.HTTPError as error:
            raise error_from_transport_error(error, request=request) from error
        except UnreadableBody as unreadable:
            # An empty stand-in and the reason go to the decoders, which say what it means.
            return unreadable.response, unreadable.may_have_acted, unreadable.reason
        return response, acted, None

    async def send_request(
        self, request: httpx.Request, options: RequestOptions
    ) -> tuple[httpx.Response, bool]:
        """Send *request* with the sender's authentication, through the loop as *options* allow.

        Returns the final answer (read whole when *options* say ``buffered``, else unread) and
        whether an earlier attempt may have acted; re-raises the last transport failure.
        """
        if self._auth is None:
            # The pool's own authentication (a caller-supplied client's) applies.
            return await self._attempts(request, options, httpx.USE_CLIENT_DEFAULT)
        return await self._authenticated(request, options, self._auth)

    async def _authenticated(
        self, request: httpx.Request, options: RequestOptions, auth: httpx.Auth
    ) -> tuple[httpx.Response, bool]:
        """Drive *auth*'s flow, sending each request it yields through the loop.

        A request the flow yields that is not *request* is the authentication's own (a token
        request): safe to repeat, read whole, and not counted by the rate limiter.
        """
        if auth.requires_request_body:
            await request.aread()
        flow = auth.async_auth_flow(request)
        try:
            outgoing = await flow.__anext__()
            while True:
                # The authentication's own request: safe to repeat, read whole, not rate-limited.
                sent = (
                    options
                    if outgoing is request
                    else RequestOptions(self._loop.policy(None), True, True, False)
                )
                try:
                    response, acted = await self._attempts(outgoing, sent, None)
                except UnreadableBody as unreadable:
                    if outgoing is request:
                        raise
                    # The authentication's own answer: its flow says what that means.
                    outgoing = await flow.athrow(unreadable)
                    continue
                if auth.requires_response_body:
                    await response.aread()
                try:
                    outgoing = await flow.asend(response)
                except StopAsyncIteration:
                    return response, acted
                await _adiscard(response)
        finally:
            await flow.aclose()

    async def _attempts(
        self, request: httpx.Request, options: RequestOptions, auth: Any
    ) -> tuple[httpx.Response, bool]:
        """Send *request* until its answer is final, as *options* allow; re-raise the last failure."""
        loop = self._loop
        attempts = Attempts(request, options, loop.rng)
        limiter = loop.rate_limiter if options.rate_limited else None
        buffered = options.buffered
        while True:
            if limiter is not None:
                await limiter.acquire_async()
            attempts.start()
            try:
                response = await self.http.send(request, auth=auth, follow_redirects=False, stream=True)
                bound_held_body(response, buffered)
                if buffered:
                    response = await read_whole(response)
            except httpx.TransportError as error:
                delay = attempts.after_error(error)
                if delay is None:
                    raise
            except UnreadableBody as unreadable:
                # A corrupt body of an answer that is retried anyway (a 503, say) is no reason to stop.
                delay = attempts.after_response(unreadable.response)
                if delay is None:
                    unreadable.may_have_acted = attempts.may_have_acted
                    raise
            else:
                if limiter is not None and (spent := attempts.budget_spent(response)) is not None:
                    limiter.pause(spent)
                delay = attempts.after_response(response)
                if delay is None:
                    return response, attempts.may_have_acted
                await _adiscard(response)
            await loop.sleep(delay)


async def read_whole(response: httpx.Response) -> httpx.Response:
    """*response* with its body read; raises :class:`UnreadableBody` if it cannot be decoded."""
    try:
        await response.aread()
    except httpx.DecodingError as error:
        await response.aclose()
        raise UnreadableBody(response, error) from None
    except BaseException:
        await response.aclose()
        raise
    # httpx's body stream refers back to its response: with the body read, a plain stream in its
    # place lets a page's answer go as soon as the page does, not when the cycle collector runs.
    response.stream = httpx.ByteStream(response.content)
    return response


async def _adiscard(response: httpx.Response) -> None:
    """Read and close an answer that is not used, so its connection goes back to the pool."""
    try:
        await response.aread()
    except httpx.HTTPError:
        pass
    finally:
        await response.aclose()
