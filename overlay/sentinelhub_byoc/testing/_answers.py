"""What the emulator answers: JSON bodies, error envelopes, timestamps, files, or a dropped connection."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import attrs
import httpx

Json = dict[str, Any]
"""A JSON object, as the service sends and takes it."""

RATE_LIMIT_BODY: dict[str, Any] = {
    "status": 429,
    "reason": "Too Many Requests",
    "message": "You have exceeded your rate limit",
    "code": "RATE_LIMIT_EXCEEDED",
}

UNAUTHORIZED_MESSAGE = (
    "You are not authorized! Please provide a valid access token within the header "
    "[Authorization: Bearer <accessToken>] of your request."
)

_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    415: "Unsupported Media Type",
    416: "Range Not Satisfiable",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ApiError(Exception):
    """An error answer, raised anywhere in request handling and rendered by the dispatcher."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        errors: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def to_response(self) -> httpx.Response:
        """Render as the spec's ``{"error": {...}}`` envelope."""
        return error_response(self.status, self.code, self.message, self.errors, self.headers)


def bad_payload(message: str, errors: Any = None) -> ApiError:
    """Return a 400 ``COMMON_BAD_PAYLOAD`` error."""
    return ApiError(400, "COMMON_BAD_PAYLOAD", message, errors)


def not_found(message: str) -> ApiError:
    """Return a 404 ``COMMON_NOT_FOUND`` error."""
    return ApiError(404, "COMMON_NOT_FOUND", message)


def reason(status: int) -> str:
    """Return the HTTP reason phrase for ``status``."""
    return _REASONS.get(status, "Error")


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    """Return a JSON response with compact encoding, as the service sends."""
    content = json.dumps(body, separators=(",", ":")).encode()
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return httpx.Response(status, headers=all_headers, content=content)


def empty_response(status: int = 204) -> httpx.Response:
    """Return a response without a body."""
    return httpx.Response(status)


def error_response(
    status: int,
    code: str,
    message: str,
    errors: Any = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """Return the spec's error body ``{"error": {status, reason, message, code, errors?}}``."""
    error: dict[str, Any] = {
        "status": status,
        "reason": reason(status),
        "message": message,
        "code": code,
    }
    if errors is not None:
        error["errors"] = errors
    return json_response(status, {"error": error}, headers)


def rate_limited_response(retry_after_ms: int) -> httpx.Response:
    """Return the documented flat 429 body with ``Retry-After`` in milliseconds.

    It says the budget is spent, too (``X-RateLimit-Remaining: 0``), until ``X-RateLimit-Reset``
    seconds from now, rounded up.
    """
    retry_after_ms = max(0, int(retry_after_ms))
    headers = {
        "Retry-After": str(retry_after_ms),
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(-(-retry_after_ms // 1000)),
    }
    return json_response(429, RATE_LIMIT_BODY, headers)


def with_headers(response: httpx.Response, headers: tuple[tuple[str, str], ...]) -> httpx.Response:
    """*response* with *headers* added (a decision's rate-limit headers); those it has stay."""
    for name, value in headers:
        response.headers.setdefault(name, value)
    return response


def server_error_response(status: int) -> httpx.Response:
    """Return a 5xx answer as a gateway or the service would."""
    return error_response(status, "COMMON_EXCEPTION", f"{reason(status)} (injected by the emulator)")


def format_millis(epoch_ms: float) -> str:
    """Format epoch milliseconds as the service writes timestamps: UTC, microseconds, ``Z``.

    The fraction always has six digits (``2026-12-02T10:00:00.123456Z``), so that comparing two
    timestamps as strings orders them in time, as it does with the service's answers.
    """
    seconds, micros = divmod(round(epoch_ms * 1000), 1_000_000)
    moment = _dt.datetime.fromtimestamp(seconds, tz=_dt.UTC)
    return f"{moment.strftime('%Y-%m-%dT%H:%M:%S')}.{micros:06d}Z"


_FILE_CHUNK = 1 << 20


class FileBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Bytes ``[start, end)`` of a stored file, read a chunk at a time as they are sent.

    A file of any size is served in constant memory, to sync and async clients alike.
    """

    def __init__(self, read: Callable[[int, int], bytes], start: int, end: int) -> None:
        self._read = read
        self._start = start
        self._end = end

    def __iter__(self) -> Iterator[bytes]:
        position = self._start
        while position < self._end:
            chunk = self._read(position, min(self._end, position + _FILE_CHUNK))
            if not chunk:
                # The file shrank while it was being sent; the client sees a short body.
                return
            position += len(chunk)
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk


def file_response(
    status: int, headers: dict[str, str], read: Callable[[int, int], bytes], start: int, end: int
) -> httpx.Response:
    """An answer whose body, bytes ``[start, end)`` of a file, is read from *read* while sent."""
    return httpx.Response(
        status,
        headers={**headers, "Content-Length": str(end - start)},
        stream=FileBody(read, start, end),
    )


@attrs.frozen
class Dropped:
    """The emulator's signal to drop the connection instead of answering.

    ``response`` is the answer that was lost when the request had already been processed
    (send part of it, then close); ``None`` means close before sending anything.
    """

    response: httpx.Response | None = None
    """The answer the client loses (part of it is sent, then the connection closes); None closes it
    before anything is sent."""


Reply = httpx.Response | Dropped
"""An answer to send, or a connection to drop."""


class _CutOffStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that stops part-way, as when the server closes the connection mid-response."""

    def __init__(self, partial: bytes, request: httpx.Request) -> None:
        self._partial = partial
        self._request = request

    def _error(self) -> httpx.RemoteProtocolError:
        return httpx.RemoteProtocolError(
            "peer closed connection without sending complete message body", request=self._request
        )

    def __iter__(self) -> Iterator[bytes]:
        if self._partial:
            yield self._partial
        raise self._error()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._partial:
            yield self._partial
        raise self._error()


def to_response(reply: Reply, request: httpx.Request) -> httpx.Response:
    """The ``httpx.Response`` an in-process client sees for *reply*: a dropped one fails as on a socket."""
    if isinstance(reply, httpx.Response):
        return reply
    lost = reply.response
    if lost is None:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    body = lost.read()
    headers = httpx.Headers(lost.headers)
    # The full length is announced, then the body stops short: a truncated transfer.
    headers["Content-Length"] = str(len(body))
    return httpx.Response(
        lost.status_code,
        headers=headers,
        stream=_CutOffStream(body[: len(body) // 2], request),
        request=request,
    )
