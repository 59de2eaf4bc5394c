"""What the ``sentinelhub_byoc`` logger says, and that credentials never leak anywhere."""

from __future__ import annotations

import logging
import traceback
from urllib.parse import parse_qs

import httpx
import pytest
from sentinelhub_byoc._logging import redact_headers, redact_text, redact_url
from sentinelhub_byoc.auth import ClientCredentialsAuth, StaticTokenAuth
from sentinelhub_byoc.config import Credentials, resolve_config
from sentinelhub_byoc.errors import AuthenticationError
from sentinelhub_byoc.retries import RetryPolicy

from tests.send_loop import Loop

SECRET = "s3cr3t-7f1d9c0e-unique"
ACCESS_TOKEN = "eyJ-access-4b2a-unique"
TOKEN_URL = "https://auth.example/token"
API = "https://api.example/api/v1/byoc/collections"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://x/token?client_secret=abc&count=5",
            "https://x/token?client_secret=***&count=5",
        ),
        (
            "https://b.s3.amazonaws.com/a.tif?X-Amz-Signature=f00&X-Amz-Security-Token=t0k&x=1",
            "https://b.s3.amazonaws.com/a.tif?X-Amz-Signature=***&X-Amz-Security-Token=***&x=1",
        ),
        ("https://user:pass@x/p", "https://user:***@x/p"),
        ("https://user@x/p", "https://user@x/p"),
        (
            "https://x/api/v1/byoc/collections?viewtoken=abc&count=10",
            "https://x/api/v1/byoc/collections?viewtoken=abc&count=10",
        ),
        ("https://x/p?access_token=a&ACCESS_TOKEN=b", "https://x/p?access_token=***&ACCESS_TOKEN=***"),
        ("not a url", "not a url"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected
    assert redact_url(httpx.URL(url)) == redact_url(str(httpx.URL(url)))


def test_redact_headers_and_text() -> None:
    assert redact_headers(
        [("Authorization", "Bearer x"), ("Cookie", "a=b"), ("Accept", "application/json")]
    ) == {"Authorization": "***", "Cookie": "***", "Accept": "application/json"}
    assert redact_text("echo s3 and s3 again", ["s3", None, ""]) == "echo *** and *** again"


def test_debug_lines_say_method_url_status_duration_and_attempt(
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers = iter([503, 200])
    transport = httpx.MockTransport(lambda request: httpx.Response(next(answers)))
    policy = RetryPolicy(base_delay=0.25, jitter="none", max_attempts=3)
    caplog.set_level(logging.DEBUG, logger="sentinelhub_byoc")
    with Loop(transport, [], policy=policy) as client:
        client.get(API, params={"count": 5, "signature": "sig-value"})
    lines = [record.getMessage() for record in caplog.records]
    url = f"{API}?count=5&signature=***"
    assert lines[0].startswith(f"GET {url} -> 503 in ")
    assert lines[0].endswith(" ms (attempt 1/3)")
    assert lines[1] == f"retrying GET {url} after status 503 in 0.25 s (attempt 2/3 next)"
    assert lines[2].startswith(f"GET {url} -> 200 in ")
    assert lines[2].endswith("(attempt 2/3)")
    assert {record.name for record in caplog.records} == {"sentinelhub_byoc"}
    assert "sig-value" not in caplog.text


def fake_service(request: httpx.Request) -> httpx.Response:
    """A token endpoint that echoes the secret in its error, and an API that always says 401."""
    if request.url == TOKEN_URL:
        form = parse_qs(request.content.decode())
        if form["client_id"] == ["bad-id"]:
            return httpx.Response(
                401,
                json={
                    "error": "invalid_client",
                    "error_description": f"no client bad-id with secret {SECRET}",
                },
            )
        return httpx.Response(200, json={"access_token": ACCESS_TOKEN, "expires_in": 3600})
    return httpx.Response(401, text=f"bad token {ACCESS_TOKEN[:4]}")


def test_credentials_and_tokens_never_leak(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # httpx's and httpcore's loggers too
    seen: list[str] = []

    auth = ClientCredentialsAuth("my-id", SECRET, token_url=TOKEN_URL)
    transport = httpx.MockTransport(fake_service)
    with Loop(transport, [], policy=RetryPolicy(), auth=auth) as client:
        response = client.get(API)  # token, 401, refresh, replay
        assert response.status_code == 401
        seen += [repr(auth), str(auth), repr(response.request), repr(response.request.headers)]

    bad = ClientCredentialsAuth("bad-id", SECRET, token_url=TOKEN_URL)
    with (
        Loop(transport, [], policy=RetryPolicy(), auth=bad) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        client.get(API)
    error = caught.value
    seen += [
        str(error),
        repr(error),
        error.message,
        "".join(traceback.format_exception(error)),
        "".join(traceback.TracebackException.from_exception(error).format()),
    ]

    config = resolve_config("my-id", SECRET, env={})
    seen += [repr(config), str(config), repr(Credentials("x", SECRET))]
    seen += [repr(StaticTokenAuth(ACCESS_TOKEN))]
    seen.append(caplog.text)

    for text in seen:
        assert SECRET not in text
        assert ACCESS_TOKEN not in text
    assert "invalid_client" in str(error)
