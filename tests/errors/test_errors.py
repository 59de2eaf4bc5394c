"""The exception tree and how error responses become exceptions."""

from __future__ import annotations

import json

import httpx
import pytest
from sentinelhub_byoc._transport.error_mapping import (
    error_class_for_status,
    error_from_response,
    error_from_transport_error,
)
from sentinelhub_byoc.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BYOCError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ValidationError,
)

URL = "https://services.sentinel-hub.com/api/v1/byoc/collections/abc"


def respond(
    status: int,
    body: object = None,
    *,
    text: str | None = None,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    url: str = URL,
) -> httpx.Response:
    content = text if text is not None else ("" if body is None else json.dumps(body))
    return httpx.Response(
        status,
        content=content.encode(),
        headers=headers,
        request=httpx.Request(method, url),
    )


def test_every_error_is_a_byoc_error() -> None:
    for cls in (
        ValidationError,
        APIConnectionError,
        APITimeoutError,
        APIError,
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        RateLimitError,
        ServerError,
    ):
        assert issubclass(cls, BYOCError)
    assert issubclass(ValidationError, ValueError)
    assert issubclass(APITimeoutError, APIConnectionError)
    assert not issubclass(APIConnectionError, APIError)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (599, ServerError),
        (405, APIError),
        (422, APIError),
    ],
)
def test_status_picks_the_exception_class(status: int, expected: type[APIError]) -> None:
    assert error_class_for_status(status) is expected
    assert type(error_from_response(respond(status))) is expected


@pytest.mark.parametrize(
    ("body", "text", "code", "message", "reason", "errors"),
    [
        pytest.param(
            {
                "error": {
                    "status": 404,
                    "reason": "Not Found",
                    "message": "Collection not found",
                    "code": "COMMON_NOT_FOUND",
                }
            },
            None,
            "COMMON_NOT_FOUND",
            "Collection not found",
            "Not Found",
            None,
            id="wrapped",
        ),
        pytest.param(
            {
                "error": {
                    "status": 400,
                    "reason": "Bad Request",
                    "message": "Invalid request",
                    "code": "COMMON_BAD_PAYLOAD",
                    "errors": [{"parameter": "name", "invalidValue": None}],
                }
            },
            None,
            "COMMON_BAD_PAYLOAD",
            "Invalid request",
            "Bad Request",
            [{"parameter": "name", "invalidValue": None}],
            id="wrapped-with-errors",
        ),
        pytest.param(
            {
                "status": 429,
                "reason": "Too Many Requests",
                "message": "You have exceeded your rate limit",
                "code": "RATE_LIMIT_EXCEEDED",
            },
            None,
            "RATE_LIMIT_EXCEEDED",
            "You have exceeded your rate limit",
            "Too Many Requests",
            None,
            id="flat",
        ),
        pytest.param(
            {"error": "invalid_client", "error_description": "Invalid client credentials"},
            None,
            "invalid_client",
            "Invalid client credentials",
            None,
            None,
            id="oauth2",
        ),
        pytest.param(
            {"error": "unauthorized_client"},
            None,
            "unauthorized_client",
            "unauthorized_client",
            None,
            None,
            id="oauth2-without-description",
        ),
        pytest.param(
            None,
            "<html><body>502 Bad Gateway</body></html>",
            None,
            "<html><body>502 Bad Gateway</body></html>",
            None,
            None,
            id="html",
        ),
        pytest.param(None, "", None, None, None, None, id="empty-uses-reason-phrase"),
        pytest.param(None, "[1, 2]", None, "[1, 2]", None, None, id="json-but-not-an-object"),
        pytest.param(
            {"code": 12, "detail": "x"},
            None,
            "12",
            '{"code": 12, "detail": "x"}',
            None,
            None,
            id="flat-without-message",
        ),
    ],
)
def test_body_shapes(
    body: object,
    text: str | None,
    code: str | None,
    message: str | None,
    reason: str | None,
    errors: object,
) -> None:
    status = 400
    error = error_from_response(respond(status, body, text=text))
    assert error.status == status
    assert error.code == code
    assert error.message == (message if message is not None else "Bad Request")
    assert error.reason == (reason if reason is not None else "Bad Request")
    assert error.errors == errors


def test_long_text_bodies_are_shortened_to_one_line() -> None:
    error = error_from_response(respond(500, text="boom\n" * 1000))
    assert len(error.message) <= 300
    assert "\n" not in str(error)


def test_str_is_one_useful_line() -> None:
    error = error_from_response(
        respond(
            404,
            {"error": {"status": 404, "message": "Collection not found", "code": "COMMON_NOT_FOUND"}},
            headers={"x-amzn-RequestId": "req-123"},
        )
    )
    assert str(error) == (
        f"404 Not Found [COMMON_NOT_FOUND]: Collection not found (GET {URL}) request id req-123"
    )
    assert error.request_id == "req-123"
    assert error.status_code == 404
    assert "NotFoundError(status=404" in repr(error)


def test_request_id_prefers_x_request_id() -> None:
    response = respond(500, headers={"x-amzn-requestid": "amzn", "X-Request-Id": "primary"})
    assert error_from_response(response).request_id == "primary"


def test_rate_limit_error_reads_retry_after_in_milliseconds() -> None:
    error = error_from_response(respond(429, headers={"Retry-After": "3398"}))
    assert isinstance(error, RateLimitError)
    assert error.retry_after == pytest.approx(3.398)
    assert str(error).endswith("retry after 3.398 s")


def test_token_endpoint_failures_are_authentication_errors() -> None:
    response = respond(
        400,
        {"error": "invalid_client", "error_description": "Invalid client secret hunter2"},
        method="POST",
        url="https://services.sentinel-hub.com/auth/realms/main/protocol/openid-connect/token",
    )
    error = error_from_response(response, token_endpoint=True, secrets=["hunter2"])
    assert type(error) is AuthenticationError
    assert error.status == 400
    assert error.code == "invalid_client"
    assert "Invalid client secret ***" in error.message
    assert "hunter2" not in str(error)
    assert "Check the client id and secret" in str(error)


def test_query_secrets_in_request_urls_are_redacted_in_messages() -> None:
    response = respond(403, url="https://bucket.s3.amazonaws.com/a.tif?X-Amz-Signature=deadbeef")
    assert "deadbeef" not in str(error_from_response(response))


def test_reason_phrase_is_not_repeated() -> None:
    assert str(error_from_response(httpx.Response(502))) == "502 Bad Gateway"


def test_response_without_request_still_maps() -> None:
    error = error_from_response(httpx.Response(503, text="down"))
    assert isinstance(error, ServerError)
    assert error.request is None
    assert str(error) == "503 Service Unavailable: down"


def test_unread_streamed_body_falls_back_to_the_reason_phrase() -> None:
    response = httpx.Response(500, stream=httpx.ByteStream(b"never read"), request=httpx.Request("GET", URL))
    assert error_from_response(response).message == "Internal Server Error"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (httpx.ConnectError("refused"), APIConnectionError),
        (httpx.RemoteProtocolError("dropped"), APIConnectionError),
        (httpx.ReadTimeout("slow"), APITimeoutError),
        (httpx.ConnectTimeout("slow"), APITimeoutError),
        (httpx.PoolTimeout("busy"), APITimeoutError),
    ],
)
def test_transport_errors_become_connection_errors(
    error: httpx.TransportError, expected: type[APIConnectionError]
) -> None:
    request = httpx.Request("GET", URL, headers={"Authorization": "Bearer abcdefgh12345678"})
    mapped = error_from_transport_error(error, request=request)
    assert type(mapped) is expected
    # A redacted copy of the request, not the request itself.
    assert mapped.request is not None
    assert (mapped.request.method, mapped.request.url) == (request.method, request.url)
    assert mapped.request.headers["Authorization"] == "***"
    assert f"GET {URL}" in str(mapped)
