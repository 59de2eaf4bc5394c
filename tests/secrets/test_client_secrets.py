"""The client secret never shows: not in DEBUG logs, reprs, error messages or tracebacks."""

from __future__ import annotations

import logging
import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sentinelhub_byoc import (
    APIConnectionError,
    AuthenticationError,
    BYOCClient,
    BYOCError,
    Deployment,
    NotFoundError,
    RetryPolicy,
    ServerError,
)
from sentinelhub_byoc.config import resolve_config
from sentinelhub_byoc.testing import Emulator, ManualClock

from tests.client_kinds import call, client_of_kind, collect

pytestmark = pytest.mark.anyio

CLIENT_ID = "secretive-client"
SECRET = f"s3cr3t-{uuid.uuid4().hex}"
LOGGERS = (None, "sentinelhub_byoc", "httpx", "httpcore", "sentinelhub_byoc.testing")


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    with Emulator(clock=ManualClock(), data_dir=tmp_path, clients={CLIENT_ID: SECRET}) as emulator:
        yield emulator


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def everything_said(error: BaseException) -> str:
    """An error as a user can meet it: message, repr and full traceback with its causes."""
    return "\n".join([str(error), repr(error), *traceback.format_exception(error)])


def assert_secret_absent(text: str) -> None:
    assert SECRET not in text
    assert SECRET[7:] not in text  # nor its random part alone


def logged(caplog: pytest.LogCaptureFixture) -> str:
    # The formatted messages and the raw arguments, in case a handler formats them differently.
    return "\n".join(f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)


@pytest.mark.parametrize("kind", ["sync-loopback", "async-loopback", "sync-inprocess", "async-inprocess"])
async def test_a_busy_session_logs_nothing_secret(
    kind: str, emulator: Emulator, debug_logs: pytest.LogCaptureFixture
) -> None:
    options = {
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "retry": RetryPolicy(base_delay=0, max_retry_after=0.01),
    }
    async with client_of_kind(kind, emulator, **options) as client:
        # The token request itself meets faults and is retried.
        emulator.script_faults(["503", "drop"], include_token_route=True)
        collection = await call(client.collections.create(name="c", s3_bucket="a-bucket"))
        emulator.revoke_tokens()  # a 401, a new token and a replay
        await call(client.tiles.create(collection, "scene", sensing_time="2024-05-01T00:00:00Z"))
        emulator.script_faults(["lost", "429"])
        await collect(client.tiles.list(collection))
        with pytest.raises(NotFoundError) as missing:
            await call(client.collections.get(uuid.uuid4()))
        token = client._settings.auth._tokens.token.value  # type: ignore[union-attr]
        texts = [repr(client), repr(client._settings), repr(client._settings.auth), str(client.deployment)]
    assert emulator.token_requests == 2
    assert debug_logs.records, "DEBUG logging was captured"
    assert any("retrying" in r.getMessage() for r in debug_logs.records)
    all_text = "\n".join([logged(debug_logs), *texts, everything_said(missing.value)])
    assert_secret_absent(all_text)
    assert token not in all_text


def test_reprs_of_client_auth_and_config_hide_the_secret(emulator: Emulator) -> None:
    config = resolve_config(CLIENT_ID, SECRET, env={})
    with BYOCClient(CLIENT_ID, SECRET, deployment="eu") as client:
        texts = [
            repr(client),
            repr(client._settings),
            repr(client._settings.auth),
            repr(config),
            str(config.credentials),
            repr(config.credentials),
        ]
    for text in texts:
        assert_secret_absent(text)
    assert CLIENT_ID in repr(config.credentials)


@pytest.mark.parametrize("kind", ["sync-loopback", "async-inprocess"])
async def test_a_wrong_secret_is_an_authentication_error_without_it(
    kind: str, emulator: Emulator, debug_logs: pytest.LogCaptureFixture
) -> None:
    wrong = SECRET[::-1]
    async with client_of_kind(kind, emulator, client_id=CLIENT_ID, client_secret=wrong) as client:
        with pytest.raises(AuthenticationError) as caught:
            await collect(client.collections.list())
    error = caught.value
    assert error.code == "invalid_client"
    assert error.status == 401
    assert "client id and secret" in str(error)
    said = everything_said(error) + logged(debug_logs)
    assert_secret_absent(said)
    assert wrong not in said


def echoing_token_endpoint(status: int) -> httpx.MockTransport:
    """A broken identity service that repeats the whole form, secret included, in its error."""

    def answer(request: httpx.Request) -> httpx.Response:
        form = request.content.decode()
        if "token" in request.url.path:
            return httpx.Response(
                status, json={"error": "invalid_client", "error_description": f"bad {form}"}
            )
        return httpx.Response(500, text=f"upstream failed for {request.headers}")

    return httpx.MockTransport(answer)


@pytest.mark.parametrize("status", [400, 401, 500])
def test_a_secret_echoed_by_the_token_endpoint_is_redacted(
    status: int, debug_logs: pytest.LogCaptureFixture
) -> None:
    local = Deployment.custom("http://127.0.0.1:9", name="echo")
    transport = echoing_token_endpoint(status)
    with (
        BYOCClient(
            CLIENT_ID, SECRET, deployment=local, transport=transport, retry=RetryPolicy.disabled()
        ) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        list(client.collections.list())
    assert "bad " in caught.value.message  # the service's text is kept, with the secret cut out
    assert_secret_absent(everything_said(caught.value) + logged(debug_logs))


async def test_server_and_connection_errors_carry_no_secret(
    emulator: Emulator, debug_logs: pytest.LogCaptureFixture
) -> None:
    options = {
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "retry": RetryPolicy(max_attempts=2, base_delay=0),
    }
    said: list[str] = []
    async with client_of_kind("sync-loopback", emulator, **options) as client:
        emulator.script_faults(["503", "503"])
        with pytest.raises(ServerError) as server_error:
            await collect(client.collections.list())
        said.append(everything_said(server_error.value))
    async with client_of_kind("async-loopback", emulator, **options) as client:
        # The token request itself fails for good: the error chain goes through the auth flow.
        emulator.script_faults(["drop", "drop"], include_token_route=True)
        with pytest.raises(APIConnectionError) as dropped:
            await collect(client.collections.list())
        said.append(everything_said(dropped.value))
    assert isinstance(dropped.value.__cause__, httpx.TransportError)
    assert all(isinstance(e, BYOCError) for e in (server_error.value, dropped.value))
    assert_secret_absent("\n".join(said) + logged(debug_logs))
