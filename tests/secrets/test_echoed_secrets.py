"""A server that echoes a credential back, in any encoding, never gets it shown.

The client secret travels URL-encoded in the token request's form, the access token in the
``Authorization`` header. A broken or hostile server may repeat either in its answer: raw,
form-encoded, JSON-escaped, HTML-escaped, base64 (``Basic`` of ``id:secret``), in the body, a
header or the reason phrase. Whatever it does, nothing a user meets shows them: ``str``,
``repr``, tracebacks, every field of the error, ``error.request`` and ``error.response`` (redacted
copies that read like httpx objects), a pickled error, and the DEBUG log.
"""

from __future__ import annotations

import json
import logging
import pickle
import traceback
from typing import Any
from urllib.parse import parse_qs, quote_plus

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sentinelhub_byoc import APIConnectionError, APIError, AuthenticationError, BYOCError, ServerError
from sentinelhub_byoc._logging import redact_bytes, redact_text
from sentinelhub_byoc._transport.error_mapping import error_from_response, error_from_transport_error

from tests.scripted_server import Reply, Request, ScriptedServer
from tests.secret_echoes import (
    CLIENT_ID,
    ENCODINGS,
    MARK,
    SCRIPTS,
    SECRET,
    TOKEN,
    assert_hidden,
    b64,
    echo_everything,
    everything_said,
    fingerprints,
    received_secret,
)

# -- the redaction function ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ENCODINGS))
def test_every_encoding_of_the_secret_is_replaced(name: str) -> None:
    encoded = ENCODINGS[name](SECRET)
    assert encoded in fingerprints(SECRET)  # the check below can fail
    for text in (encoded, f"before {encoded} after", f"a={encoded}&b=1", f'{{"x": {json.dumps(encoded)}}}'):
        redacted = redact_text(text, [SECRET])
        assert "***" in redacted
        assert_hidden(redacted)
    assert redact_text(f"before {encoded} after", [SECRET]).startswith("before ")


def test_mixed_encodings_are_replaced() -> None:
    # Some characters escaped one way, some another, as a hand-written encoder might.
    mixed = 's3cr3t%2B\\/=&amp;%25\\u00e9\\"\\\\+' + MARK + "&#x20AC;%F0%9F%98%80"
    assert redact_text(f"got {mixed}.", [SECRET]) == "got ***."


def test_text_without_the_secret_is_left_alone() -> None:
    texts = [
        "plain words, 100% sure & done",
        json.dumps({"error": "invalid_client", "error_description": "bad client credentials"}),
        b64("grant_type=client_credentials&client_id=" + CLIENT_ID),
        "\\u00e9 &amp; %2B",
    ]
    for text in texts:
        assert redact_text(text, [SECRET, TOKEN, None, ""]) == text


def test_bytes_keep_what_is_not_a_secret() -> None:
    body = (
        b"\x00\xff binary "
        + SECRET.encode()
        + b" \xe9 "
        + SECRET.encode("utf-8").replace("é".encode(), b"\xe9")
    )
    redacted = redact_bytes(body, [SECRET])
    assert redacted == b"\x00\xff binary *** \xe9 ***"


@pytest.mark.parametrize(
    "run", ["\\", "\\u", "%25", "%", "&#", "&#0", "\ufffd", "?", "A", "s3cr3t", "abcdefgh\ufffd\ufffd"]
)
def test_a_hostile_body_does_not_make_redaction_explode(run: str) -> None:
    # Long runs of what the patterns look for. A pattern that backtracks over them would take
    # minutes on these 100 kB (it once did, on backslashes); a sound one takes a blink.
    body = run * (100_000 // len(run))
    secrets = [SECRET, 'a\\\\\\"bcdefgh', "abcdefgh" + "é" * 8 + "x", TOKEN]
    assert len(redact_text(body, secrets)) <= len(body)


@settings(max_examples=40, deadline=None)
@given(
    secret=st.text(min_size=8, max_size=40).filter(lambda s: s.strip() == s and len(set(s)) > 4),
    encoding=st.sampled_from(sorted(ENCODINGS)),
)
def test_any_secret_in_any_encoding_is_replaced(secret: str, encoding: str) -> None:
    try:
        encoded = ENCODINGS[encoding](secret)
    except UnicodeError:  # a lone surrogate has no UTF-8 form to echo
        return
    assert encoded not in redact_text(f"<<{encoded}>>", [secret])


# -- a token endpoint that echoes what it received --------------------------------------------------


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="sentinelhub_byoc")
    return caplog


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    # The package's log; httpcore's own DEBUG trace shows raw headers as the server sent them.
    records = [r for r in caplog.records if r.name.startswith("sentinelhub_byoc")]
    assert records, "the package logged the exchange"
    return "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in records)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_an_echoing_token_endpoint_shows_the_secret_nowhere_sync(
    name: str, debug_log: pytest.LogCaptureFixture
) -> None:
    with (
        ScriptedServer(SCRIPTS[name], script_token=True) as server,
        server.client(client_id=CLIENT_ID, client_secret=SECRET) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        list(client.collections.list())
    _check_token_error(caught.value, server)
    assert_hidden(_logged(debug_log))


@pytest.mark.anyio
@pytest.mark.parametrize("name", sorted(SCRIPTS))
async def test_an_echoing_token_endpoint_shows_the_secret_nowhere_async(
    name: str, debug_log: pytest.LogCaptureFixture
) -> None:
    with ScriptedServer(SCRIPTS[name], script_token=True) as server:
        async with server.async_client(client_id=CLIENT_ID, client_secret=SECRET) as client:
            with pytest.raises(AuthenticationError) as caught:
                [c async for c in client.collections.list()]
    _check_token_error(caught.value, server)
    assert_hidden(_logged(debug_log))


def _check_token_error(error: AuthenticationError, server: ScriptedServer) -> None:
    # The server did receive the secret, and did echo it: the test shows redaction, not silence.
    (sent,) = server.requests
    assert received_secret(sent) == SECRET
    assert_hidden(everything_said(error))
    # The copies read like the httpx objects they stand for.
    request, response = error.request, error.response
    assert request is not None
    assert response is not None
    assert request.method == "POST"
    assert str(request.url) == server.base_url + "/oauth/token"
    assert parse_qs(request.content.decode()) == {
        "grant_type": ["client_credentials"],
        "client_id": [CLIENT_ID],
        "client_secret": ["***"],
    }
    assert response.status_code == error.status
    assert response.request is request
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        assert isinstance(body, dict)
        assert body.get("error", "invalid_client") == "invalid_client"
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert (copy.status, copy.code, copy.message, str(copy)) == (
        error.status,
        error.code,
        error.message,
        str(error),
    )
    assert copy.response is not None
    assert copy.response.content == response.content


def test_the_echoed_fields_keep_their_shape() -> None:
    with (
        ScriptedServer(echo_everything(401), script_token=True) as server,
        server.client(client_id=CLIENT_ID, client_secret=SECRET) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        list(client.collections.list())
    error = caught.value
    assert error.code == "invalid_client"
    assert error.message.startswith("could not get an access token from http://127.0.0.1")
    assert "bad form grant_type=client_credentials&client_id=echo-client&client_secret=***" in error.message
    assert error.reason == "Bad ***"
    assert error.request_id == "***"
    assert error.response is not None
    body = error.response.json()
    assert body["received"]["client_secret"] == "***"
    assert body["received"]["as_basic"].endswith("***")
    assert all("***" in value for value in body["encodings"].values())
    assert_hidden(json.dumps(body, ensure_ascii=False))
    assert error.response.headers["set-cookie"] == "***"
    assert error.response.headers["x-echo"].endswith("client_secret=***")
    assert "***" in error.response.headers["www-authenticate"]


# -- the bearer token, echoed by the API --------------------------------------------------------------


def _token_then_echo(request: Request) -> Reply:
    if request.path.startswith("/oauth/token"):
        return Reply.json(200, {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600})
    authorization = request.headers["authorization"]
    data = json.dumps({"message": f"rejected {authorization}", "seen": b64(authorization)}).encode()
    headers = {"Content-Type": "application/json", "Content-Length": str(len(data)), "X-Echo": authorization}
    return Reply(503, headers, data, reason=f"Down {TOKEN}")


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_an_api_that_echoes_the_bearer_token_shows_it_nowhere(
    kind: str, debug_log: pytest.LogCaptureFixture
) -> None:
    with ScriptedServer(_token_then_echo, script_token=True) as server:
        if kind == "sync":
            with (
                server.client(client_id=CLIENT_ID, client_secret=SECRET) as client,
                pytest.raises(ServerError) as caught,
            ):
                list(client.collections.list())
        else:
            async with server.async_client(client_id=CLIENT_ID, client_secret=SECRET) as aclient:
                with pytest.raises(ServerError) as caught:
                    [c async for c in aclient.collections.list()]
        assert server.api_requests[0].headers["authorization"] == f"Bearer {TOKEN}"
    error = caught.value
    said = everything_said(error) + _logged(debug_log)
    assert TOKEN not in said
    assert TOKEN[10:] not in said
    assert b64(f"Bearer {TOKEN}")[12:30] not in said
    assert error.request is not None
    assert error.request.headers["authorization"] == "***"
    assert error.response is not None
    assert error.response.request.headers["authorization"] == "***"
    assert error.message == "rejected Bearer ***"


# -- the error mapping on its own: Basic credentials and transport failures ---------------------------


def test_a_basic_credential_is_hidden_in_every_encoding() -> None:
    request = httpx.Request(
        "POST",
        "https://auth.example/token",
        headers={"Authorization": f"Basic {b64(f'{CLIENT_ID}:{SECRET}')}"},
    )
    echoes = " | ".join(encode(SECRET) for encode in ENCODINGS.values())
    response = httpx.Response(
        401, json={"error": "invalid_client", "error_description": echoes}, request=request
    )
    error = error_from_response(response, token_endpoint=True)
    assert_hidden(everything_said(error))
    assert error.request is not None
    assert error.request.headers["authorization"] == "***"


def test_a_failed_token_request_keeps_no_secret_in_its_request() -> None:
    request = httpx.Request(
        "POST",
        "https://auth.example/token?client_secret=" + quote_plus(SECRET),
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET},
    )
    failure = httpx.ConnectError(f"refused while sending {quote_plus(SECRET)}", request=request)
    error = error_from_transport_error(failure, request=request)
    assert isinstance(error, APIConnectionError)
    assert_hidden(everything_said(error).replace(traceback.format_exception(failure)[-1], ""))
    assert error.request is not None
    assert parse_qs(error.request.content.decode())["client_secret"] == ["***"]
    assert error.request.url.params["client_secret"] == "***"


def test_deeply_nested_error_details_are_a_typed_error() -> None:
    request = httpx.Request("GET", "https://api.example/x", headers={"Authorization": f"Bearer {TOKEN}"})
    nested = "[" * 900 + "]" * 900
    response = httpx.Response(
        400, content=f'{{"message": "no", "errors": {nested}}}'.encode(), request=request
    )
    error = error_from_response(response)
    assert isinstance(error, APIError)
    assert error.message == "no"
    str(error), repr(error), pickle.dumps(error)


def test_errors_survive_pickling_whole() -> None:
    request = httpx.Request("GET", "https://api.example/x")
    response = httpx.Response(
        429, headers={"Retry-After": "3"}, json={"message": "slow down"}, request=request
    )
    error = error_from_response(response)
    copy: Any = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert (copy.retry_after, copy.status, str(copy)) == (error.retry_after, 429, str(error))
    assert isinstance(copy, BYOCError)
