"""What both senders share, without I/O: per-call options, an operation's request, reading its answer."""

from __future__ import annotations

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
from sentinelhub_byoc.retries import RetryPolicy

T = TypeVar("T")

USER_AGENT = f"sentinelhub-byoc/{__version__}"
#: What a request accepts when its operation documents no media type for any answer (a ``HEAD``).
#: Every other request carries its own ``Accept``, generated from the media types ``openapi.yaml``
#: documents for its answers, and a request's own headers win over these.
DEFAULT_ACCEPT = "*/*"
#: Sent with every request of the client's own connection pool.
HEADERS = {"User-Agent": USER_AGENT, "Accept": DEFAULT_ACCEPT}


@attrs.frozen
class CallOptions:
    """Per-call settings that replace the client's: a timeout and a retry policy."""

    timeout: httpx.Timeout | None = None
    retry: RetryPolicy | None = None


NO_OPTIONS = CallOptions()


def build_request(
    http: httpx.Client | httpx.AsyncClient,
    api_url: str,
    operation: Operation[Any],
    options: CallOptions,
    *,
    streamed: bool,
) -> httpx.Request:
    """The request for *operation*, with the call's options as explicit request extensions."""
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


def is_success(operation: Operation[Any], status: int) -> bool:
    """Whether *status* answers *operation* with a body to read rather than an error."""
    # Any 2xx is an answer to read: a 201 where 200 was documented carries the same body.
    return status in operation.success or 200 <= status < 300


def answer(operation: Operation[T], response: httpx.Response) -> T:
    """The decoded result of a read *response*, or the ``BYOCError`` its status means."""
    if is_success(operation, response.status_code):
        return operation.decode(response)
    raise error_from_response(response)


def mark_unreadable(response: httpx.Response, error: httpx.DecodingError) -> None:
    """Note on *response* that its body could not be decoded, for the error it becomes."""
    response.extensions[UNREADABLE_BODY_EXTENSION] = str(error) or type(error).__name__


def streamed_error(response: httpx.Response, error: httpx.HTTPError) -> Exception:
    """The ``BYOCError`` for a failure while the caller read a streamed *response*."""
    if isinstance(error, httpx.DecodingError):
        return invalid_answer(response, f"the body could not be decoded ({error})")
    return error_from_transport_error(error, request=response.request)
