"""Turning an error response (or a transport failure) into the matching exception, secrets redacted.

Every field of the error is redacted: the message and the service's fields, and ``request`` and
``response``, which are copies of the exchange (:func:`redacted_request`,
:func:`redacted_response`). The secrets hidden are those given, and every credential the
request carried (:func:`request_secrets`), in any encoding a server may echo them in.
"""

from __future__ import annotations

import binascii
import contextlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from sentinelhub_byoc import errors
from sentinelhub_byoc._logging import (
    REDACTED,
    form_secrets,
    is_sensitive_header,
    redact_bytes,
    redact_form,
    redact_text,
    redact_url,
)
from sentinelhub_byoc.retries import parse_retry_after

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import httpx

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

_STATUS_CLASSES: dict[int, type[errors.APIError]] = {
    400: errors.BadRequestError,
    401: errors.AuthenticationError,
    403: errors.PermissionDeniedError,
    404: errors.NotFoundError,
    409: errors.ConflictError,
    429: errors.RateLimitError,
}


def error_class_for_status(status: int) -> type[errors.APIError]:
    """Return the :class:`~sentinelhub_byoc.errors.APIError` subclass for an HTTP status.

    ``APIError`` itself when none fits.

    >>> error_class_for_status(404).__name__
    'NotFoundError'
    """
    if status >= 500:
        return errors.ServerError
    return _STATUS_CLASSES.get(status, errors.APIError)


def error_from_response(
    response: httpx.Response,
    *,
    token_endpoint: bool = False,
    secrets: Iterable[str | None] = (),
    now: datetime | None = None,
    unreadable: str | None = None,
) -> errors.APIError:
    """Return the exception describing an error ``response`` (the body must already be read).

    Understands the service's wrapped body ``{"error": {"status", "reason", "message", "code",
    "errors"}}``, its flat body ``{"status", "reason", "message", "code"}``, OAuth2 error bodies
    ``{"error": "...", "error_description": "..."}`` and anything else (a short excerpt of the
    body's text, or the HTTP reason phrase when it is empty). With ``token_endpoint=True`` the
    result is always an :class:`~sentinelhub_byoc.errors.AuthenticationError`. The credentials
    the request carried (see :func:`request_secrets`) and any of ``secrets`` are redacted from
    every field, ``request`` and ``response`` included: those are redacted copies.
    ``unreadable`` says why the body could not be decoded, when it could not: then the message
    says so instead of quoting the body.

    Example::

        response.read()
        if response.is_error:
            raise error_from_response(response)
    """
    status = response.status_code
    request = _request_of(response)
    hidden = _secrets(request, secrets)
    fields = {"message": f"the body could not be read ({unreadable})"} if unreadable else {}
    if not unreadable:
        # Redacted before it is parsed and cut short, so no part of a secret survives either.
        fields = _fields_from_body(redact_text(_body_text(response), hidden))
    exchange = redacted_exchange(response, hidden)
    # From the redacted raw bytes: httpx drops the non-ASCII characters of the phrase it shows.
    reason_phrase = exchange["response"].reason_phrase
    # Only what the service said is redacted: a short secret must not garble the text around it.
    message = redact_text(fields.get("message") or reason_phrase or "", hidden)
    location = response.headers.get("location")
    if 300 <= status < 400 and location is not None:
        message = (
            f"the service redirected to {redact_text(redact_url(location), hidden)}, which is not "
            f"followed so that credentials stay with the configured URL ({message}); "
            "check the deployment's base URL and path prefix"
        )
    code = fields.get("code")
    reason = fields.get("reason") or reason_phrase or None
    if token_endpoint:
        cls: type[errors.APIError] = errors.AuthenticationError
        where = redact_text(redact_url(request.url), hidden) if request is not None else "the token endpoint"
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
        **exchange,
    }
    if cls is errors.RateLimitError:
        retry_after = parse_retry_after(response.headers.get("retry-after"), now=now)
        return errors.RateLimitError(message, retry_after=retry_after, **common)
    return cls(message, **common)


def invalid_answer(response: httpx.Response, reason: str) -> errors.APIResponseValidationError:
    """The error for a success answer that cannot be read, *reason* saying what was wrong."""
    hidden = _secrets(_request_of(response), ())
    excerpt = _short(redact_text(_body_text(response), hidden), _MAX_EXCERPT)
    message = redact_text(f"the answer could not be read: {reason}", hidden)
    if excerpt:
        message += f"; the body starts {excerpt!r}"
    exchange = redacted_exchange(response, hidden)
    return errors.APIResponseValidationError(
        message,
        body_excerpt=excerpt or None,
        status=response.status_code,
        reason=exchange["response"].reason_phrase or None,
        **exchange,
    )


def request_secrets(request: httpx.Request | None) -> list[str]:
    """The credentials ``request`` carries, which an answer to it could echo back.

    The value of its ``Authorization`` and ``Proxy-Authorization`` headers (a bearer token; for
    ``Basic``, the decoded ``id:secret`` and the secret), the password of its URL, and the
    values of credential fields (``client_secret``, ``access_token``...) in its query string
    and in a form body, such as the token request's. Values shorter than 8 characters are left
    out: real credentials are long, and hiding a short test value would garble every message.
    """
    if request is None:
        return []
    found: list[str] = []
    for name in ("authorization", "proxy-authorization"):
        for value in request.headers.get_list(name):
            scheme, _, credential = value.strip().partition(" ")
            credential = credential.strip() or scheme
            found.append(credential)
            if scheme.lower() == "basic":
                found += _basic_secrets(credential)
    found.append(request.url.password or "")
    found += form_secrets(request.url.query.decode("ascii", "replace"))
    if _is_form(request):
        found += form_secrets(_content_of(request).decode("utf-8", "replace"))
    return [value for value in dict.fromkeys(found) if len(value) >= _MIN_SECRET_LENGTH]


def redacted_request(request: httpx.Request, secrets: Iterable[str | None] = ()) -> httpx.Request:
    """A copy of ``request`` that shows no credential, to keep in an error.

    The values of ``Authorization``, ``Cookie`` and similar headers are ``***``; the URL's
    password and credential query parameters, and the credential fields of a form body, are
    ``***``; and ``secrets`` and every credential the request carried (:func:`request_secrets`)
    are replaced in any encoding wherever else they occur. A body that was streamed and never
    held in memory is left out, and so are extensions other than the package's flags.
    """
    import httpx

    hidden = [*request_secrets(request), *(secret for secret in secrets if secret)]
    content = _content_of(request)
    if _is_form(request):
        content = redact_form(content.decode("latin-1")).encode("latin-1")
    headers = [
        (name, REDACTED if is_sensitive_header(name) else redact_text(value, hidden))
        for name, value in request.headers.multi_items()
        if name.lower() not in _BODY_FRAMING_HEADERS
    ]
    url_text = redact_text(redact_url(request.url), hidden)
    try:
        url = httpx.URL(url_text)
    except httpx.InvalidURL:  # what redaction left is no URL: keep where it went, not what it asked
        url = request.url.copy_with(query=None, fragment=None)
    return httpx.Request(
        request.method,
        url,
        headers=headers,
        content=redact_bytes(content, hidden),
        extensions=_plain_extensions(request.extensions),
    )


def redacted_response(
    response: httpx.Response, secrets: Iterable[str | None] = (), *, request: httpx.Request | None = None
) -> httpx.Response:
    """A copy of ``response`` (whose body must have been read) that shows no credential.

    ``Set-Cookie`` and similar header values are ``***``; ``secrets`` and the credentials the
    request carried are replaced in any encoding in the other headers, the reason phrase and the
    body (see :func:`sentinelhub_byoc._logging.redact_text`). The body is the decoded one: the
    headers that described its encoding and length on the wire are those of the copy. Its
    ``request`` is ``request``, else a redacted copy of the response's own.
    """
    import httpx

    original_request = _request_of(response)
    hidden = [*request_secrets(original_request), *(secret for secret in secrets if secret)]
    if request is None and original_request is not None:
        request = redacted_request(original_request, hidden)
    headers = [
        (
            _redact_raw(name, hidden),  # even a header's name may echo what the server received
            REDACTED.encode() if is_sensitive_header(name.decode("latin-1")) else _redact_raw(value, hidden),
        )
        for name, value in response.headers.raw
        if name.decode("latin-1").lower() not in _BODY_FRAMING_HEADERS
    ]
    extensions = _plain_extensions(response.extensions)
    reason_phrase = response.extensions.get("reason_phrase")
    if isinstance(reason_phrase, bytes):
        extensions["reason_phrase"] = _redact_raw(reason_phrase, hidden)
    copy = httpx.Response(
        response.status_code,
        headers=headers,
        content=redact_bytes(_content_of(response), hidden),
        request=request,
        extensions=extensions,
    )
    with contextlib.suppress(RuntimeError):  # a response built by hand was never sent
        copy.elapsed = response.elapsed
    return copy


def redacted_exchange(response: httpx.Response, secrets: Iterable[str | None] = ()) -> dict[str, Any]:
    """The ``request``, ``response`` and ``request_id`` for an error about ``response``: redacted copies.

    ``secrets`` are hidden as well as the credentials the request carried. Pass the result to
    the error's constructor: ``AuthenticationError(message, status=..., **redacted_exchange(r))``.
    """
    original = _request_of(response)
    hidden = _secrets(original, secrets)
    request = redacted_request(original, hidden) if original is not None else None
    copy = redacted_response(response, hidden, request=request)
    return {"request_id": request_id_from_headers(copy.headers), "request": request, "response": copy}


# Headers that describe a body as it was on the wire, not the copy's.
_BODY_FRAMING_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def with_body(response: httpx.Response, content: bytes, **extensions: Any) -> httpx.Response:
    """A stand-in for *response* holding *content*, already decoded, as its body.

    The headers that framed the body on the wire are left out, so that the stand-in is not
    decoded a second time; the other headers, the request and the extensions (with
    *extensions* added) are kept.
    """
    import httpx

    # Raw bytes: header values a server sent in Latin-1 or UTF-8 need not survive re-encoding.
    headers = [
        (name, value)
        for name, value in response.headers.raw
        if name.decode("latin-1").lower() not in _BODY_FRAMING_HEADERS
    ]
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=content,
        request=_request_of(response),
        extensions={**response.extensions, **extensions},
    )


def _secrets(request: httpx.Request | None, secrets: Iterable[str | None]) -> list[str]:
    """The values to hide: *secrets* and the credentials *request* was sent with."""
    return [*(secret for secret in secrets if secret), *request_secrets(request)]


_MIN_SECRET_LENGTH = 8
# Deeper than this, the service's ``errors`` detail is noise; and recursion must stay bounded.
_MAX_ERRORS_DEPTH = 32


def _basic_secrets(credential: str) -> list[str]:
    """``id:secret`` and the secret from a ``Basic`` credential (each also form-decoded, RFC 6749 2.3.1)."""
    try:
        decoded = binascii.a2b_base64(credential.encode("ascii", "replace"), strict_mode=True)
    except (binascii.Error, ValueError):
        return []
    pair = decoded.decode("utf-8", "replace")
    secret = pair.partition(":")[2]
    return [pair, secret, unquote_plus(secret)]


def _plain_extensions(extensions: Mapping[str, Any]) -> dict[str, Any]:
    """The package's flags and the HTTP version: what an error's copy keeps (no sockets, no streams)."""
    return {
        name: value
        for name, value in extensions.items()
        if (name.startswith("sentinelhub_byoc.") and isinstance(value, (bool, int, float, str)))
        or (name == "http_version" and isinstance(value, bytes))
    }


def _is_form(request: httpx.Request) -> bool:
    content_type = str(request.headers.get("content-type", ""))
    return content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded"


def _content_of(message: httpx.Request | httpx.Response) -> bytes:
    try:
        return message.content
    except Exception:  # a streamed body that was never read
        return b""


def _redact_raw(value: bytes, hidden: list[str]) -> bytes:
    """A header value (or reason phrase) as sent, with the secrets replaced."""
    return redact_text(value.decode("latin-1"), hidden).encode("latin-1", "replace")


def _redact_value(value: Any, hidden: list[str], depth: int = 0) -> Any:
    if not hidden or value is None:
        return value
    if depth > _MAX_ERRORS_DEPTH:
        return "..."
    if isinstance(value, str):
        return redact_text(value, hidden)
    if isinstance(value, dict):
        return {redact_text(str(k), hidden): _redact_value(v, hidden, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(item, hidden, depth + 1) for item in value]
    return value


def error_from_transport_error(
    error: Exception, *, request: httpx.Request | None = None
) -> errors.APIConnectionError:
    """Return the :class:`~sentinelhub_byoc.errors.APIConnectionError` for an httpx failure.

    An :class:`~sentinelhub_byoc.errors.APITimeoutError` for a timeout.

    *request* is the request the caller sent. When the failed request is another one, sent on
    its way by the authentication's flow (a token request: ``error``'s own request is not
    *request*), the error names the token URL and carries that request, redacted, not the API
    request it was fetching a token for. Raise it ``from error`` so the original stays visible as
    the cause.
    """
    import httpx

    failed = _own_request(error)
    token_call = request is not None and failed is not None and failed is not request
    if request is None or token_call:
        request = failed if failed is not None else request
    hidden = request_secrets(request)
    target = f"{request.method} {redact_url(request.url)}" if request is not None else "a request"
    target = redact_text(target, hidden)
    if token_call:
        target = f"could not get an access token: {target}"
    copy = redacted_request(request, hidden) if request is not None else None
    kind = type(error).__name__
    where = "the token URL" if token_call else "the deployment's base URL"
    if isinstance(error, httpx.TimeoutException):
        return errors.APITimeoutError(
            f"{target} timed out ({kind}). Retry later or raise the client's timeout; check {where}",
            request=copy,
        )
    return errors.APIConnectionError(
        f"{target} failed without a response ({kind}: {redact_text(_short(str(error)), hidden)}). "
        f"Check the network connection and {where}",
        request=copy,
    )


def _own_request(error: Exception) -> httpx.Request | None:
    """The request an httpx error says failed, if it says."""
    import httpx

    if not isinstance(error, httpx.RequestError):
        return None
    try:
        return error.request
    except RuntimeError:  # raised without a request attached
        return None


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
