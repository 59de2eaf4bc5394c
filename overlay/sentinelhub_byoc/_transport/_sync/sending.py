# Generated from overlay/sentinelhub_byoc/_transport/_async/sending.py by codegen/unasync.py; do not edit.
"""The one send path: an operation in, its decoded result (or a typed error) out.

:class:`Sender` turns an :class:`~sentinelhub_byoc._operations.Operation` into an
``httpx.Request`` (the deployment's API URL and path prefix, the call's options as explicit
request extensions), sends it through the client's pool with the client's auth (never following
redirects, so credentials stay with the configured URL), reads the body, and hands the response to
the operation's decoder. Retries and rate limits happen below, in the transport; nothing travels
up or down except arguments and return values.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx

from sentinelhub_byoc._operations import Operation
from sentinelhub_byoc._transport._sync.retrying import RetryTransport
from sentinelhub_byoc._transport.error_mapping import error_from_response, error_from_transport_error
from sentinelhub_byoc._transport.messages import (
    HEADERS,
    NO_OPTIONS,
    CallOptions,
    answer,
    build_request,
    is_success,
    mark_unreadable,
    streamed_error,
)
from sentinelhub_byoc.ratelimit import RateLimiter
from sentinelhub_byoc.retries import RetryPolicy

T = TypeVar("T")


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
        headers=HEADERS,
        transport=RetryTransport(transport, policy=retry, rate_limiter=rate_limiter),
    )


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
        request = build_request(self.http, self._api_url, operation, options, streamed=False)
        try:
            response = self.http.send(request, follow_redirects=False, stream=True, **self._auth)
            try:
                response.read()
            except httpx.DecodingError as error:
                mark_unreadable(response, error)
            finally:
                response.close()
        except httpx.HTTPError as error:
            raise error_from_transport_error(error, request=request) from error
        return answer(operation, response)

    @contextmanager
    def stream(
        self, operation: Operation[Any], options: CallOptions = NO_OPTIONS
    ) -> Iterator[httpx.Response]:
        """Send *operation* and yield the response with its body unread, for the caller to stream.

        An error status raises before anything is yielded; a failure while the caller reads the
        body becomes a ``BYOCError`` too.
        """
        request = build_request(self.http, self._api_url, operation, options, streamed=True)
        try:
            response = self.http.send(request, follow_redirects=False, stream=True, **self._auth)
        except httpx.HTTPError as error:
            raise error_from_transport_error(error, request=request) from error
        try:
            if not is_success(operation, response.status_code):
                try:
                    response.read()
                except httpx.DecodingError as error:
                    mark_unreadable(response, error)
                raise error_from_response(response)
            yield response
        except httpx.HTTPError as error:
            raise streamed_error(response, error) from error
        finally:
            response.close()
