"""Turning an error response (or a transport failure) into the matching exception."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sentinelhub_byoc._logging import redact_text, redact_url
from sentinelhub_byoc.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from sentinelhub_byoc.retries import parse_retry_after

if TYPE_CHECKING:
    from collections.abc import Iterable

    import httpx

#: Set on a response whose body could not be decoded (corrupt gzip, say): what went wrong.
UNREADABLE_BODY_EXTENSION = "sentinelhub_byoc.unreadable_body"

# Checked in order; the first present wins. Sentinel Hub runs behind AWS and GCP load balancers.
REQUEST_ID_HEADERS = (
    "x-request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-amzn-trace-id",
    "x-cloud-trace-context",
    "request-id",
    "x-correlation-id",
)

_MAX_TEXT = 300
_MAX_EXCERPT = 120

_STATUS_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def error_class_for_status(status: int) -> type[APIError]:
    """Return the :class:`APIError` subclass for an HTTP status (``APIError`` itself if none fits).

    >>> error_class_for_status(404).__name__
    'NotFoundError'
    """
    if status >= 500:
        return ServerError
    return _STATUS_CLASSES.get(status, APIError)


def error_from_response(
    response: httpx.Response,
    *,
    token_endpoint: bool = False,
    secrets: Iterable[str | None] = (),
    now: datetime | None = None,
) -> APIError:
    """Return the exception describing an error ``response`` (the body must already be read).

    Understands the service's wrapped body ``{"error": {"status", "reason", "message", "code",
    "errors"}}``, its flat body ``{"status", "reason", "message", "code"}``, OAuth2 error bodies
    ``{"error": "...", "error_description": "..."}`` and anything else (a short excerpt of the
    body's text, or the HTTP reason phrase when it is empty). With ``token_endpoint=True`` the
    result is always an :class:`AuthenticationError`. The bearer token the request carried and
    any of ``secrets`` are redacted from every field.

    Example::

        response.read()
        if response.is_error:
            raise error_from_response(response)
    """
    status = response.status_code
    request = _request_of(response)
    hidden = _secrets(request, secrets)
    unreadable = response.extensions.get(UNREADABLE_BODY_EXTENSION)
    fields = {"message": f"the body could not be read ({unreadable})"} if unreadable else {}
    if not unreadable:
        # Redacted before it is parsed and cut short, so no part of a secret survives either.
        fields = _fields_from_body(redact_text(_body_text(response), hidden))
    message = fields.get("message") or response.reason_phrase or ""
    if 300 <= status < 400 and "location" in response.headers:
        message = (
            f"the service redirected to {redact_url(response.headers['location'])}, which is not "
            f"followed so that credentials stay with the configured URL ({message}); "
            "check the deployment's base URL and path prefix"
        )
    code = fields.get("code")
    reason = fields.get("reason") or response.reason_phrase or None
    if token_endpoint:
        cls: type[APIError] = AuthenticationError
        where = redact_url(request.url) if request is not None else "the token endpoint"
        message = (
            f"could not get an access token from {where}: {message}. "
            "Check the client id and secret, and that the token URL belongs to your deployment"
        )
    else:
        cls = error_class_for_status(status)
    common: dict[str, Any] = {
        "status": status,
        "code": redact_text(code, hidden) if isinstance(code, str) else None,
        "reason": redact_text(reason, hidden) if isinstance(reason, str) else None,
        "errors": _redact_value(fields.get("errors"), hidden),
        "request_id": request_id_from_headers(response.headers),
        "request": request,
        "response": response,
    }
    message = redact_text(message, hidden)
    if cls is RateLimitError:
        retry_after = parse_retry_after(response.headers.get("retry-after"), now=now)
        return RateLimitError(message, retry_after=retry_after, **common)
    return cls(message, **common)


def invalid_answer(response: httpx.Response, reason: str) -> APIResponseValidationError:
    """The error for a success answer that cannot be read, *reason* saying what was wrong."""
    request = _request_of(response)
    hidden = _secrets(request, ())
    excerpt = _short(redact_text(_body_text(response), hidden), _MAX_EXCERPT)
    message = redact_text(f"the answer could not be read: {reason}", hidden)
    if excerpt:
        message += f"; the body starts {excerpt!r}"
    return APIResponseValidationError(
        message,
        body_excerpt=excerpt or None,
        status=response.status_code,
        reason=response.reason_phrase or None,
        request_id=request_id_from_headers(response.headers),
        request=request,
        response=response,
    )


def _secrets(request: httpx.Request | None, secrets: Iterable[str | None]) -> list[str]:
    """The values to hide: *secrets* and the bearer token *request* was sent with."""
    hidden = [secret for secret in secrets if secret]
    if request is not None:
        authorization = request.headers.get("authorization", "")
        credential = authorization.partition(" ")[2].strip() or authorization.strip()
        # Real tokens are long; hiding a one-letter test token would garble every message.
        if len(credential) >= _MIN_SECRET_LENGTH:
            hidden.append(credential)
    return hidden


_MIN_SECRET_LENGTH = 8


def _redact_value(value: Any, hidden: list[str]) -> Any:
    if not hidden or value is None:
        return value
    if isinstance(value, str):
        return redact_text(value, hidden)
    if isinstance(value, dict):
        return {redact_text(str(k), hidden): _redact_value(v, hidden) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(item, hidden) for item in value]
    return value


def error_from_transport_error(
    error: Exception, *, request: httpx.Request | None = None
) -> APIConnectionError:
    """Return the :class:`APIConnectionError` (or :class:`APITimeoutError`) for an httpx failure.

    Raise it ``from error`` so the original stays visible as the cause.
    """
    import httpx

    if request is None and isinstance(error, httpx.RequestError):
        try:
            request = error.request
        except RuntimeError:
            request = None
    target = f"{request.method} {redact_url(request.url)}" if request is not None else "a request"
    kind = type(error).__name__
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(
            f"{target} timed out ({kind}). Retry later or raise the client's timeout",
            request=request,
        )
    return APIConnectionError(
        f"{target} failed without a response ({kind}: {_short(str(error))}). "
        "Check the network connection and the deployment's base URL",
        request=request,
    )


def request_id_from_headers(headers: httpx.Headers | dict[str, str]) -> str | None:
    """Return the first request id header present (see ``REQUEST_ID_HEADERS``), else ``None``."""
    lowered = {name.lower(): value for name, value in headers.items()}
    for name in REQUEST_ID_HEADERS:
        value = lowered.get(name)
        if value:
            return value
    return None


def _request_of(response: httpx.Response) -> httpx.Request | None:
    try:
        return response.request
    except RuntimeError:  # a Response built by hand has no request
        return None


def _body_text(response: httpx.Response) -> str:
    try:
        content = response.content
    except Exception:  # a streamed body that was never read
        return ""
    try:
        return content.decode(response.encoding or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return content.decode("utf-8", errors="replace")


def _fields_from_body(text: str) -> dict[str, Any]:
    """Extract message/code/reason/errors from any of the body shapes the service uses."""
    if not text.strip():
        return {}
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: JSON nested too deeply to read
        return {"message": _short(text)}
    if not isinstance(body, dict):
        return {"message": _short(text)}
    inner = body.get("error")
    if isinstance(inner, dict):
        body = inner
    elif isinstance(inner, str):
        # OAuth2 (RFC 6749 section 5.2): {"error": "invalid_client", "error_description": "..."}
        description = body.get("error_description")
        return {"code": inner, "message": description if isinstance(description, str) else inner}
    fields: dict[str, Any] = {}
    for key in ("message", "code", "reason"):
        value = body.get(key)
        if isinstance(value, str) and value:
            fields[key] = value
        elif value is not None and key == "code":
            fields[key] = str(value)
    if body.get("errors") is not None:
        fields["errors"] = body["errors"]
    if "message" not in fields:
        fields["message"] = _short(text)
    return fields


def _short(text: str, limit: int = _MAX_TEXT) -> str:
    # Control characters from a binary body would garble a terminal or a log line.
    flat = " ".join("".join(c if c.isprintable() else " " for c in text[: limit * 4]).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
