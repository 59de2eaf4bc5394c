"""The one send path: an operation in, its decoded result (or a typed error) out.

:class:`Sender` and :class:`AsyncSender` turn an :class:`~sentinelhub_byoc._operations.Operation`
into an ``httpx.Request`` (the deployment's API URL and path prefix, the call's options as
explicit request extensions), send it through the client's pool with the client's auth (never
following redirects, so credentials stay with the configured URL), read the body, and hand the
response to the operation's decoder. Retries and rate limits happen below, in the transport;
nothing travels up or down except arguments and return values.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar

import attrs
import httpx

from sentinelhub_byoc import __version__
from sentinelhub_byoc._operations import Operation
from sentinelhub_byoc._transport.error_mapping import (
    UNREADABLE_BODY_EXTENSION,
    error_from_response,
    error_from_transport_error,
    invalid_answer,
)
from sentinelhub_byoc._transport.extensions import (
    BUFFER_RESPONSE_EXTENSION,
    RETRY_POLICY_EXTENSION,
    RETRY_SAFE_EXTENSION,
)
from sentinelhub_byoc._transport.retrying import AsyncRetryTransport, RetryTransport
from sentinelhub_byoc.ratelimit import RateLimiter
from sentinelhub_byoc.retries import RetryPolicy

T = TypeVar("T")

USER_AGENT = f"sentinelhub-byoc/{__version__}"
_HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json"}


@attrs.frozen
class CallOptions:
    """Per-call settings that replace the client's: a timeout and a retry policy."""

    timeout: httpx.Timeout | None = None
    retry: RetryPolicy | None = None


NO_OPTIONS = CallOptions()


def sync_pool(
    *,
    timeout: httpx.Timeout,
    retry: RetryPolicy,
    rate_limiter: RateLimiter | None,
    transport: httpx.BaseTransport | None,
) -> httpx.Client:
    """The client's own connection pool: retries and rate limiting in its transport."""
    return httpx.Client(
        timeout=timeout,
        headers=_HEADERS,
        transport=RetryTransport(transport, policy=retry, rate_limiter=rate_limiter),
    )


def async_pool(
    *,
    timeout: httpx.Timeout,
    retry: RetryPolicy,
    rate_limiter: RateLimiter | None,
    transport: httpx.AsyncBaseTransport | None,
) -> httpx.AsyncClient:
    """The async twin of :func:`sync_pool`."""
    return httpx.AsyncClient(
        timeout=timeout,
        headers=_HEADERS,
        transport=AsyncRetryTransport(transport, policy=retry, rate_limiter=rate_limiter),
    )


def _request(
    http: httpx.Client | httpx.AsyncClient,
    api_url: str,
    operation: Operation[Any],
    options: CallOptions,
    *,
    streamed: bool,
) -> httpx.Request:
    call = operation.call
    extensions: dict[str, Any] = {
        RETRY_SAFE_EXTENSION: operation.retry_safe,
        # Answers that are not streamed are read inside the retry loop, so a connection dropped in
        # the middle of a body is retried like one dropped before it.
        BUFFER_RESPONSE_EXTENSION: not streamed,
    }
    if options.retry is not None:
        extensions[RETRY_POLICY_EXTENSION] = options.retry
    return http.build_request(
        call.method,
        api_url + call.path,
        params=call.params,
        json=call.json,
        headers=call.headers,
        timeout=options.timeout if options.timeout is not None else httpx.USE_CLIENT_DEFAULT,
        extensions=extensions,
    )


def _answer(operation: Operation[T], response: httpx.Response) -> T:
    status = response.status_code
    # Any 2xx is an answer to read: a 201 where 200 was documented carries the same body.
    if status in operation.success or 200 <= status < 300:
        return operation.decode(response)
    raise error_from_response(response)


def _mark_unreadable(response: httpx.Response, error: httpx.DecodingError) -> None:
    response.extensions[UNREADABLE_BODY_EXTENSION] = str(error) or type(error).__name__


def _streamed_error(response: httpx.Response, error: httpx.HTTPError) -> Exception:
    if isinstance(error, httpx.DecodingError):
        return invalid_answer(response, f"the body could not be decoded ({error})")
    return error_from_transport_error(error, request=response.request)


class Sender:
    """Sends operations through an ``httpx.Client`` and decodes their answers.

    Args:
        http: the connection pool (the client's own, or one the caller supplied, used as it is).
        api_url: the deployment's base URL followed by its path prefix.
        auth: the authentication to send with, or ``None`` for the pool's own.
    """

    def __init__(self, http: httpx.Client, api_url: str, auth: httpx.Auth | None) -> None:
        self.http = http
        self._api_url = api_url.rstrip("/")
        # Without an auth of ours, the pool's own (a caller-supplied client's) applies.
        self._auth: dict[str, Any] = {"auth": auth} if auth is not None else {}

    def send(self, operation: Operation[T], options: CallOptions = NO_OPTIONS) -> T:
        """Send *operation* and return its decoded result; raise a ``BYOCError`` otherwise."""
        request = _request(self.http, self._api_url, operation, options, streamed=False)
        try:
            response = self.http.send(request, follow_redirects=False, stream=True, **self._auth)
            try:
                response.read()
            except httpx.DecodingError as error:
                _mark_unreadable(response, error)
            finally:
                response.close()
        except httpx.HTTPError as error:
            raise error_from_transport_error(error, request=request) from error
        return _answer(operation, response)

    @contextmanager
    def stream(
        self, operation: Operation[Any], options: CallOptions = NO_OPTIONS
    ) -> Iterator[httpx.Response]:
        """Send *operation* and yield the response with its body unread, for the caller to stream.

        An error status raises before anything is yielded; a failure while the caller reads the
        body becomes a ``BYOCError`` too.
        """
        request = _request(self.http, self._api_url, operation, options, streamed=True)
        try:
            response = self.http.send(request, follow_redirects=False, stream=True, **self._auth)
        except httpx.HTTPError as error:
            raise error_from_transport_error(error, request=request) from error
        try:
            status = response.status_code
            if status not in operation.success and not 200 <= status < 300:
                try:
                    response.read()
                except httpx.DecodingError as error:
                    _mark_unreadable(response, error)
                raise error_from_response(response)
            yield response
        except httpx.HTTPError as error:
            raise _streamed_error(response, error) from error
        finally:
            response.close()


class AsyncSender:
    """The async twin of :class:`Sender`, over an ``httpx.AsyncClient``."""

    def __init__(self, http: httpx.AsyncClient, api_url: str, auth: httpx.Auth | None) -> None:
        self.http = http
        self._api_url = api_url.rstrip("/")
        # Without an auth of ours, the pool's own (a caller-supplied client's) applies.
        self._auth: dict[str, Any] = {"auth": auth} if auth is not None else {}

    async def send(self, operation: Operation[T], options: CallOptions = NO_OPTIONS) -> T:
        """Send *operation* and return its decoded result; raise a ``BYOCError`` otherwise."""
        request = _request(self.http, self._api_url, operation, options, streamed=False)
        try:
            response = await self.http.send(request, follow_redirects=False, stream=True, **self._auth)
            try:
                await response.aread()
            except httpx.DecodingError as error:
                _mark_unreadable(response, error)
            finally:
                await response.aclose()
        except httpx.HTTPError as error:
            raise error_from_transport_error(error, request=request) from error
        return _answer(operation, response)

    @asynccontextmanager
    async def stream(
        self, operation: Operation[Any], options: CallOptions = NO_OPTIONS
    ) -> AsyncIterator[httpx.Response]:
        """Send *operation* and yield the response with its body unread (see :meth:`Sender.stream`)."""
        request = _request(self.http, self._api_url, operation, options, streamed=True)
        try:
            response = await self.http.send(request, follow_redirects=False, stream=True, **self._auth)
        except httpx.HTTPError as error:
            raise error_from_transport_error(error, request=request) from error
        try:
            status = response.status_code
            if status not in operation.success and not 200 <= status < 300:
                try:
                    await response.aread()
                except httpx.DecodingError as error:
                    _mark_unreadable(response, error)
                raise error_from_response(response)
            yield response
        except httpx.HTTPError as error:
            raise _streamed_error(response, error) from error
        finally:
            await response.aclose()
