"""Auth and retries together against the package's BYOC emulator, in-process and on loopback."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import httpx
import pytest
from sentinelhub_byoc.auth import ClientCredentialsAuth
from sentinelhub_byoc.deployments import Deployment
from sentinelhub_byoc.errors import AuthenticationError
from sentinelhub_byoc.retries import RetryPolicy
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator, serve

from tests.send_loop import AsyncLoop, Loop

LOCAL = Deployment.custom("http://127.0.0.1:8080")


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def auth() -> ClientCredentialsAuth:
    return ClientCredentialsAuth(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, token_url=LOCAL.token_url)


@pytest.fixture
def client(emulator: Emulator, auth: ClientCredentialsAuth) -> Iterator[Loop]:
    with Loop(emulator.transport(), [], policy=RetryPolicy(), auth=auth) as client:
        yield client


def test_one_token_serves_many_requests(client: Loop, emulator: Emulator) -> None:
    for _ in range(5):
        assert client.get(LOCAL.collections_url).status_code == 200
    assert emulator.token_requests == 1


def test_revoked_token_is_replaced_once(client: Loop, emulator: Emulator) -> None:
    client.get(LOCAL.collections_url)
    emulator.revoke_tokens()
    emulator.clear_requests()
    assert client.get(LOCAL.collections_url).status_code == 200
    assert emulator.token_requests == 2
    assert [(r.path, r.status) for r in emulator.requests] == [
        ("/api/v1/byoc/collections", 401),
        ("/auth/realms/main/protocol/openid-connect/token", 200),
        ("/api/v1/byoc/collections", 200),
    ]


def test_wrong_secret_is_an_authentication_error(emulator: Emulator) -> None:
    auth = ClientCredentialsAuth(DEMO_CLIENT_ID, "not-the-secret", token_url=LOCAL.token_url)
    with (
        httpx.Client(transport=emulator.transport(), auth=auth) as client,
        pytest.raises(AuthenticationError) as caught,
    ):
        client.get(LOCAL.collections_url)
    assert caught.value.code == "invalid_client"
    assert "not-the-secret" not in str(caught.value)
    assert all(r.path.endswith("/token") for r in emulator.requests)


def test_throttled_token_requests_are_retried(client: Loop, emulator: Emulator) -> None:
    emulator.script_faults(["429", "503"], include_token_route=True)
    assert client.get(LOCAL.collections_url).status_code == 200
    assert emulator.scripted_faults_remaining == 0
    assert emulator.token_requests == 1


def test_single_flight_across_threads(client: Loop, emulator: Emulator) -> None:
    emulator.script_faults(["delay:0.05"], include_token_route=True)  # a slow token endpoint
    barrier = threading.Barrier(12)
    statuses: list[int] = []

    def work() -> None:
        barrier.wait()
        statuses.append(client.get(LOCAL.collections_url).status_code)

    threads = [threading.Thread(target=work) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 12
    assert emulator.token_requests == 1


@pytest.mark.anyio
async def test_single_flight_across_tasks(emulator: Emulator, auth: ClientCredentialsAuth) -> None:
    emulator.script_faults(["delay:0.05"], include_token_route=True)
    async with AsyncLoop(emulator.transport(), [], policy=RetryPolicy(), auth=auth) as client:
        responses = await asyncio.gather(*(client.get(LOCAL.collections_url) for _ in range(12)))
        assert [r.status_code for r in responses] == [200] * 12
        emulator.revoke_tokens()
        responses = await asyncio.gather(*(client.get(LOCAL.collections_url) for _ in range(6)))
        assert [r.status_code for r in responses] == [200] * 6
    assert emulator.token_requests == 2


def test_over_loopback_http(emulator: Emulator) -> None:
    with serve(emulator, port=0) as server:
        deployment = Deployment.custom(server.base_url, token_url=server.token_url)
        auth = ClientCredentialsAuth(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, token_url=deployment.token_url)
        with Loop(httpx.HTTPTransport(), [], policy=RetryPolicy(), auth=auth) as client:
            emulator.script_faults(["drop", "503", "429"])
            assert client.get(deployment.collections_url).status_code == 200
    assert emulator.scripted_faults_remaining == 0
    assert emulator.token_requests == 1
