"""What the send path takes and gives back, without I/O: calls, operations, options, outcomes.

An :class:`Operation` (built by :mod:`sentinelhub_byoc._operations`) says what to send and how
to read the answer; :class:`CallOptions` are the caller's per-call settings; the sender turns
both into one :class:`RequestOptions` per request and gives back an :class:`Outcome`. Shared
by the asyncio sender and the blocking one generated from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

import attrs
import httpx

from sentinelhub_byoc._transport.error_mapping import error_from_response, invalid_answer
from sentinelhub_byoc._version import __version__
from sentinelhub_byoc.errors import APIError, APIResponseValidationError
from sentinelhub_byoc.retries import RetryPolicy

T = TypeVar("T")


USER_AGENT = f"sentinelhub-byoc/{__version__}"
#: What a request accepts when its operation documents no media type for any answer (a ``HEAD``).
#: Every other request carries its own ``Accept``, generated from the media types ``openapi.yaml``
#: documents for its answers, and a request's own headers win over these.
DEFAULT_ACCEPT = "*/*"
#: Sent with every request of the client's own connection pool.
HEADERS = {"User-Agent": USER_AGENT, "Accept": DEFAULT_ACCEPT}

#: The query parameter that carries a listing's page token.
PAGE_TOKEN = "viewtoken"


@attrs.define(repr=False)
class Call:
    """One API operation with its arguments bound: what to send, as plain data.

    ``path`` is relative to the deployment's API prefix (``/collections/{id}/tiles``), or to its
    root URL when ``from_root`` is set (another service of the deployment, such as
    ``/api/v1/metadata/location/``). Query
    parameters the regenerated client no longer declares (upstream dropped them from the document)
    are still sent, as given, so callers keep working while the change report tells maintainers
    about the removal.
    """

    operation: str
    method: str
    path: str
    params: Mapping[str, Any] | None
    json: Any
    headers: Mapping[str, str] | None
    from_root: bool = False

    def __repr__(self) -> str:
        return f"Call({self.operation!r}, {self.method} {self.path})"


@attrs.define(repr=False)
class Operation(Generic[T]):
    """One API call and how to read its successful answer.

    ``success`` lists the statuses the operation documents for success (any other 2xx is read the
    same way); ``decode`` turns the answer into the result; ``retry_safe`` marks a request that is
    not idempotent but may be repeated after any retryable failure.
    """

    call: Call
    success: frozenset[int]
    decode: Callable[[httpx.Response], T]
    retry_safe: bool = False

    def __repr__(self) -> str:
        return f"Operation({self.call!r}, success={sorted(self.success)})"

    def at_page(self, token: str) -> Operation[T]:
        """The same listing's operation for the page *token* names (arguments are not checked again)."""
        params = {**(self.call.params or {}), PAGE_TOKEN: token}
        return attrs.evolve(self, call=attrs.evolve(self.call, params=params))


@attrs.frozen
class CallOptions:
    """Per-call settings that replace the client's: a timeout and a retry policy."""

    timeout: httpx.Timeout | None = None
    retry: RetryPolicy | None = None


NO_OPTIONS = CallOptions()


@attrs.frozen
class RequestOptions:
    """How the send loop sends one request.

    ``retry`` is the policy; ``retry_safe`` lets a request that is not idempotent be repeated
    after any retryable failure; ``buffered`` reads the whole body inside the loop (so a
    connection dropped in the middle of a body is retried like one dropped before it), else it is
    handed back unread for the caller to stream; ``rate_limited`` waits for the client's rate
    limiter before each attempt (a token request does not: the token endpoint has its own limits).
    """

    retry: RetryPolicy
    retry_safe: bool = False
    buffered: bool = True
    rate_limited: bool = True


@attrs.frozen
class Outcome(Generic[T]):
    """What one call came to: its result or its error, and whether an earlier attempt may have acted.

    ``earlier_attempt_may_have_acted`` is true when the request was retried after an attempt the
    service may have carried out (a retried 5xx, or a connection lost after the request was sent);
    a 429 or a connection never opened proves it was not.
    """

    result: T | None
    error: APIError | None
    earlier_attempt_may_have_acted: bool

    def unwrap(self) -> T:
        """The result, or raise the error."""
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]


@attrs.frozen
class Where:
    """Where a deployment's calls go: its API (base URL and prefix) and its root (base URL alone)."""

    api_url: str
    root_url: str


def build_request(
    http: httpx.Client | httpx.AsyncClient, where: Where, operation: Operation[Any], options: CallOptions
) -> httpx.Request:
    """The request for *operation*, with the call's timeout."""
    call = operation.call
    return http.build_request(
        call.method,
        (where.root_url if call.from_root else where.api_url) + call.path,
        params=call.params,
        json=call.json,
        headers=call.headers,
        timeout=options.timeout if options.timeout is not None else httpx.USE_CLIENT_DEFAULT,
    )


def is_success(operation: Operation[Any], status: int) -> bool:
    """Whether *status* answers *operation* with a body to read rather than an error."""
    # Any 2xx is an answer to read: a 201 where 200 was documented carries the same body.
    return status in operation.success or 200 <= status < 300


def answer(operation: Operation[T], response: httpx.Response, unreadable: str | None = None) -> T:
    """The decoded result of a read *response*, or the ``BYOCError`` its status means.

    *unreadable* says why the body could not be decoded, when it could not (*response* then
    stands in with an empty body): an error status says so in its message, and a success fails
    only if its operation reads the body (a ``204`` to an update does not).
    """
    if not is_success(operation, response.status_code):
        raise error_from_response(response, unreadable=unreadable)
    if unreadable is None:
        return operation.decode(response)
    try:
        return operation.decode(response)
    except APIResponseValidationError:
        raise invalid_answer(response, f"the body could not be decoded ({unreadable})") from None
