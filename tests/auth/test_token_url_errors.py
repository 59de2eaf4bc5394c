"""A token call that fails without an answer is named as such: the token URL, not the API's.

The auth flow sends the token request on the way to an API request; when the token endpoint is
unreachable or silent, the error says so and carries the token request (redacted), so that a
person checks the token URL rather than the collections URL that was never tried.
"""

from __future__ import annotations

import socket

import pytest
from sentinelhub_byoc import APIConnectionError, APITimeoutError, Deployment

from tests.scripted_server import TOKEN_PATH, Reply, Request, ScriptedServer

SECRET = "scripted-secret-that-must-not-show"


def _closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _collections(request: Request) -> Reply:
    return Reply.json(200, {"data": [], "links": {}})


def test_an_unreachable_token_endpoint_is_named() -> None:
    token_url = f"http://127.0.0.1:{_closed_port()}{TOKEN_PATH}"
    with ScriptedServer(_collections) as server:
        deployment = Deployment.custom(server.base_url, token_url=token_url)
        client = server.client(deployment=deployment, client_secret=SECRET)
        with client, pytest.raises(APIConnectionError) as raised:
            list(client.collections.list())
        assert server.api_requests == []  # the API was never reached
    error = raised.value
    text = str(error)
    assert text.startswith(f"could not get an access token: POST {token_url} failed without a response")
    assert "token URL" in text
    assert "/collections" not in text
    assert error.request is not None
    assert str(error.request.url) == token_url
    assert SECRET not in text
    assert SECRET.encode() not in error.request.content
    assert SECRET not in repr(error)


def test_a_silent_token_endpoint_times_out_naming_it() -> None:
    def script(request: Request) -> Reply:
        if request.path == TOKEN_PATH:
            # Headers at once, then a body that comes too late for the client's timeout.
            return Reply(200, {"Content-Type": "application/json", "Content-Length": "2"}, [b"{}"], delay=2.0)
        return _collections(request)

    with ScriptedServer(script, script_token=True) as server:
        client = server.client(timeout=0.3, client_secret=SECRET)
        with client, pytest.raises(APITimeoutError) as raised:
            list(client.collections.list())
        assert server.api_requests == []
    text = str(raised.value)
    assert text.startswith(f"could not get an access token: POST {server.base_url}{TOKEN_PATH} timed out")
    assert "/collections" not in text
    assert SECRET not in text


def test_an_unreachable_api_is_still_named_by_its_own_url() -> None:
    with ScriptedServer(_collections) as server:
        api = Deployment.custom(f"http://127.0.0.1:{_closed_port()}", token_url=server.base_url + TOKEN_PATH)
        with server.client(deployment=api) as client, pytest.raises(APIConnectionError) as raised:
            list(client.collections.list())
    text = str(raised.value)
    assert text.startswith("GET http://127.0.0.1:")
    assert "/api/v1/byoc/collections failed without a response" in text
    assert "access token" not in text
    assert "base URL" in text


@pytest.mark.anyio
async def test_async_an_unreachable_token_endpoint_is_named() -> None:
    token_url = f"http://127.0.0.1:{_closed_port()}{TOKEN_PATH}"
    with ScriptedServer(_collections) as server:
        deployment = Deployment.custom(server.base_url, token_url=token_url)
        async with server.async_client(deployment=deployment, client_secret=SECRET) as client:
            with pytest.raises(APIConnectionError) as raised:
                _ = [item async for item in client.collections.list()]
    assert str(raised.value).startswith(f"could not get an access token: POST {token_url}")
    assert SECRET not in str(raised.value)


def test_retries_of_the_token_call_end_naming_the_token_url() -> None:
    # With the default retries a refused token call is tried again (it never left the client),
    # and the error after the last attempt names it all the same.
    from sentinelhub_byoc import RetryPolicy

    token_url = f"http://127.0.0.1:{_closed_port()}{TOKEN_PATH}"
    with ScriptedServer(_collections) as server:
        deployment = Deployment.custom(server.base_url, token_url=token_url)
        policy = RetryPolicy(max_attempts=2, base_delay=0.0, jitter="none")
        client = server.client(deployment=deployment, retry=policy)
        with client, pytest.raises(APIConnectionError) as raised:
            list(client.collections.list())
    assert str(raised.value).startswith(f"could not get an access token: POST {token_url}")
