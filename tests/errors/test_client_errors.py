"""Error answers reach the user as typed errors; a creation's own retried 409 is resolved, others not."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sentinelhub_byoc import (
    APIConnectionError,
    APIError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    ServerError,
)
from sentinelhub_byoc.testing import Emulator, ManualClock

from tests.client_kinds import KINDS, call, client_of_kind, collect

pytestmark = pytest.mark.anyio


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    with Emulator(clock=ManualClock(), data_dir=tmp_path) as emulator:
        yield emulator


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def tile_posts(emulator: Emulator) -> list[int | None]:
    return [r.status for r in emulator.requests if r.method == "POST" and r.path.endswith("/tiles")]


def assert_carries_the_exchange(error: APIError, method: str, status: int) -> None:
    assert error.status == error.status_code == status
    assert error.request is not None
    assert error.request.method == method
    assert error.response is not None
    assert error.response.status_code == status
    assert error.response.request is error.request or error.response.request.url == error.request.url
    assert str(status) in str(error)
    assert method in str(error)


async def test_missing_collection_and_tile_are_not_found(kind: str, emulator: Emulator) -> None:
    async with client_of_kind(kind, emulator) as client:
        missing = uuid.uuid4()
        with pytest.raises(NotFoundError) as caught:
            await call(client.collections.get(missing))
        error = caught.value
        assert error.code == "COMMON_NOT_FOUND"
        assert str(missing) in error.message
        assert error.reason == "Not Found"
        assert_carries_the_exchange(error, "GET", 404)
        assert str(error.request.url).endswith(f"/api/v1/byoc/collections/{missing}")

        collection = await call(client.collections.create(name="c", s3_bucket="a-bucket"))
        with pytest.raises(NotFoundError):
            await call(client.tiles.get(collection, uuid.uuid4()))
        with pytest.raises(NotFoundError):
            await call(client.tiles.delete(collection, uuid.uuid4()))


async def test_duplicate_path_on_the_first_attempt_is_a_conflict(kind: str, emulator: Emulator) -> None:
    async with client_of_kind(kind, emulator) as client:
        collection = await call(client.collections.create(name="c", s3_bucket="a-bucket"))
        await call(client.tiles.create(collection, "scene/(BAND).tif"))
        with pytest.raises(ConflictError) as caught:
            await call(client.tiles.create(collection, "scene/(BAND).tif"))
        assert caught.value.code == "COMMON_UNIQUE_KEY_VIOLATION"
        assert caught.value.errors == {"path": "scene/(BAND).tif"}
        assert_carries_the_exchange(caught.value, "POST", 409)
        assert len(await collect(client.tiles.list(collection))) == 1


async def test_a_conflict_after_a_throttled_attempt_is_not_resolved(kind: str, emulator: Emulator) -> None:
    # The 429 proves the first attempt never reached the service: the tile existed before.
    async with client_of_kind(kind, emulator) as client:
        collection = await call(client.collections.create(name="c", s3_bucket="a-bucket"))
        await call(client.tiles.create(collection, "scene"))
        emulator.script_faults(["429"])
        with pytest.raises(ConflictError):
            await call(client.tiles.create(collection, "scene"))
        assert tile_posts(emulator) == [201, 429, 409]


async def test_a_retried_creation_meeting_its_own_tile_returns_it(kind: str, emulator: Emulator) -> None:
    async with client_of_kind(kind, emulator) as client:
        collection = await call(client.collections.create(name="c", s3_bucket="a-bucket"))
        emulator.script_faults(["lost"])  # created, but the answer is cut off part-way
        tile = await call(client.tiles.create(collection, "scene/(BAND).tif", sensing_time="2024-05-01"))
        assert tile_posts(emulator) == [None, 409]
        tiles = await collect(client.tiles.list(collection))
        assert [(t.id, t.path) for t in tiles] == [(tile.id, "scene/(BAND).tif")]
        assert tile.sensing_time is not None
        assert tile.sensing_time.year == 2024


async def test_a_dropped_connection_then_success_creates_one_tile(kind: str, emulator: Emulator) -> None:
    async with client_of_kind(kind, emulator) as client:
        collection = await call(client.collections.create(name="c", s3_bucket="a-bucket"))
        emulator.script_faults(["drop", "503"])
        tile = await call(client.tiles.create(collection, "scene"))
        assert tile_posts(emulator) == [None, 503, 201]
        assert [t.id for t in await collect(client.tiles.list(collection))] == [tile.id]


async def test_both_error_body_shapes_become_typed_errors(kind: str, emulator: Emulator) -> None:
    async with client_of_kind(kind, emulator, retry=RetryPolicy.disabled()) as client:
        # The wrapped shape {"error": {status, reason, message, code, errors}}.
        with pytest.raises(BadRequestError) as bad:
            await call(client.collections.create(name="c", s3_bucket="Not_A_Bucket"))
        assert bad.value.code == "COMMON_BAD_PAYLOAD"
        assert "s3Bucket" in bad.value.message
        assert bad.value.errors == {"s3Bucket": "invalid"}
        assert_carries_the_exchange(bad.value, "POST", 400)

        # The flat shape {status, reason, message, code} of the rate limiter.
        emulator.set_faults(None)
        emulator.script_faults(["429"])
        with pytest.raises(RateLimitError) as throttled:
            await collect(client.collections.list())
        assert throttled.value.code == "RATE_LIMIT_EXCEEDED"
        assert throttled.value.message == "You have exceeded your rate limit"
        assert throttled.value.reason == "Too Many Requests"
        assert throttled.value.retry_after == pytest.approx(1.0)
        assert_carries_the_exchange(throttled.value, "GET", 429)

        emulator.script_faults(["503"])
        with pytest.raises(ServerError) as failed:
            await call(client.collections.create(name="c", s3_bucket="a-bucket"))
        assert failed.value.code == "COMMON_EXCEPTION"
        assert_carries_the_exchange(failed.value, "POST", 503)


async def test_retries_exhausted_on_dropped_connections(kind: str, emulator: Emulator) -> None:
    async with client_of_kind(kind, emulator, retry=RetryPolicy(max_attempts=2, base_delay=0)) as client:
        await collect(client.collections.list())
        emulator.script_faults(["drop", "drop"])
        with pytest.raises(APIConnectionError) as caught:
            await collect(client.collections.list())
        assert caught.value.request is not None
        assert caught.value.request.method == "GET"
        assert caught.value.__cause__ is not None
        assert emulator.scripted_faults_remaining == 0
