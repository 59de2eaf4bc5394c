"""The send loop against the package's BYOC emulator and its fault injection."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sentinelhub_byoc._transport.error_mapping import error_from_response
from sentinelhub_byoc.auth import ClientCredentialsAuth
from sentinelhub_byoc.deployments import Deployment
from sentinelhub_byoc.errors import ConflictError, RateLimitError
from sentinelhub_byoc.ratelimit import RateLimiter
from sentinelhub_byoc.retries import RetryPolicy
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator

from tests.send_loop import AsyncLoop, Loop

LOCAL = Deployment.custom("http://127.0.0.1:8080")
COLLECTION = {"name": "retries", "s3Bucket": "my-bucket"}


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(emulator: Emulator, sleeps: list[float]) -> Iterator[Loop]:
    auth = ClientCredentialsAuth(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, token_url=LOCAL.token_url)
    policy = RetryPolicy(base_delay=0.5, jitter="none")
    with Loop(emulator.transport(), sleeps, policy=policy, auth=auth) as client:
        client.get(LOCAL.collections_url)  # fetch the token up front
        emulator.clear_requests()
        yield client


def faults_seen(emulator: Emulator) -> list[str | None]:
    return [record.fault for record in emulator.requests]


def test_get_survives_throttling_errors_and_drops(
    client: Loop, emulator: Emulator, sleeps: list[float]
) -> None:
    emulator.script_faults(["429", "503", "drop", "502"])
    assert client.get(LOCAL.collections_url).status_code == 200
    assert faults_seen(emulator)[-1] is None
    # 429 carries Retry-After: 1000 ms; the others back off exponentially.
    assert sleeps == [1.0, 1.0, 2.0, 4.0]


def test_gives_up_after_five_attempts(client: Loop, emulator: Emulator) -> None:
    emulator.script_faults(["503"] * 5)
    assert client.get(LOCAL.collections_url).status_code == 503
    assert len(emulator.requests) == 5


def test_a_body_cut_off_part_way_is_retried_when_buffered(client: Loop, emulator: Emulator) -> None:
    emulator.script_faults(["lost"])
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(LOCAL.collections_url).read()  # read by the caller, after the loop returned

    emulator.script_faults(["lost", "lost"])
    response = client.get(LOCAL.collections_url, buffered=True)
    assert response.json()["data"] == []
    assert emulator.scripted_faults_remaining == 0


def test_post_is_retried_after_429_only(client: Loop, emulator: Emulator) -> None:
    emulator.script_faults(["429"])
    assert client.post(LOCAL.collections_url, json=COLLECTION).status_code == 201

    emulator.script_faults(["503"])
    response = client.post(LOCAL.collections_url, json=COLLECTION)
    assert response.status_code == 503

    emulator.script_faults(["drop"])
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(LOCAL.collections_url, json=COLLECTION).read()


def test_retry_safe_tile_creation_reconciles_a_conflict(client: Loop, emulator: Emulator) -> None:
    collection = client.post(LOCAL.collections_url, json=COLLECTION).json()["data"]["id"]
    tiles_url = f"{LOCAL.collections_url}/{collection}/tiles"
    tile = {"path": "t/(BAND).tif"}
    emulator.script_faults(["lost"])  # created, but the answer never arrives
    with pytest.raises(httpx.RemoteProtocolError):
        client.post(tiles_url, json=tile, retry_safe=True).read()
    emulator.script_faults(["503"])
    response = client.post(tiles_url, json=tile, retry_safe=True)
    response.read()
    error = error_from_response(response)
    assert isinstance(error, ConflictError)
    assert error.code == "COMMON_UNIQUE_KEY_VIOLATION"


def test_exhausted_retries_leave_a_rate_limit_error(emulator: Emulator) -> None:
    auth = ClientCredentialsAuth(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, token_url=LOCAL.token_url)
    with Loop(emulator.transport(), [], policy=RetryPolicy(max_attempts=2), auth=auth) as client:
        emulator.script_faults(["429", "429"])
        response = client.get(LOCAL.collections_url)
        response.read()
    error = error_from_response(response)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 1.0
    assert error.code is not None


def test_client_side_limiter_keeps_under_the_service_limit(emulator: Emulator) -> None:
    emulator.set_rate_limit(5)
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    auth = ClientCredentialsAuth(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, token_url=LOCAL.token_url)
    limiter = RateLimiter(5, burst=5, clock=lambda: now[0], sleep=sleep)
    policy = RetryPolicy.disabled()
    with Loop(emulator.transport(), [], policy=policy, rate_limiter=limiter, auth=auth) as client:
        statuses = [client.get(LOCAL.collections_url).status_code for _ in range(5)]
    assert statuses == [200] * 5
    assert now[0] == 0.0  # the burst went straight through
    # The fifth answer said the window is spent (X-RateLimit-Remaining: 0) until its first request
    # leaves it, a minute on: the sixth waits for that, not only the limiter's own fifth of a minute.
    assert limiter.reserve() == pytest.approx(60.0)


@pytest.mark.anyio
async def test_async_loop_against_the_emulator(emulator: Emulator) -> None:
    waits: list[float] = []
    auth = ClientCredentialsAuth(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, token_url=LOCAL.token_url)
    policy = RetryPolicy(base_delay=0.5, jitter="none")
    async with AsyncLoop(emulator.transport(), waits, policy=policy, auth=auth) as client:
        emulator.script_faults(["503", "drop", "429"])
        assert (await client.get(LOCAL.collections_url)).status_code == 200
    assert waits == [0.5, 1.0, 1.0]
