"""Creating 500 tiles through injected 503s, 429s and dropped connections: none lost, none doubled.

The emulator drops connections both before processing a request ("drop") and after processing it
("lost": the answer is cut off part-way). A tile creation whose answer was lost is retried and
meets "path exists"; the client resolves that to the tile its first attempt created.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sentinelhub_byoc import RateLimitError, RetryPolicy
from sentinelhub_byoc.testing import Emulator, Faults, ManualClock, async_client_for, client_for, serve

from tests.client_kinds import FAST_RETRY
from tests.send_loop import AsyncLoop, Loop

TILES = 500
FAULTS = Faults(
    seed=20240501,
    error_rate=0.10,
    error_statuses=(503,),
    throttle_rate=0.05,
    retry_after_ms=2,
    drop_rate=0.03,
    lost_response_rate=0.03,
)


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    with Emulator(clock=ManualClock(), data_dir=tmp_path) as emulator:
        yield emulator


def wanted_paths() -> list[str]:
    return [f"2024/{day:03d}/(BAND).tif" for day in range(TILES)]


def check_outcome(emulator: Emulator, listed: list[str], created: list[str]) -> None:
    faults = [r.fault for r in emulator.requests]
    # The faults did happen, of every kind.
    for kind in ("status", "throttle", "drop", "lost"):
        assert faults.count(kind) >= 5, (kind, faults.count(kind))
    # Some creations were processed but their answers lost; the retry met "path exists".
    assert any(r.method == "POST" and r.status == 409 for r in emulator.requests)
    assert sorted(created) == sorted(wanted_paths())
    assert len(listed) == TILES
    assert sorted(listed) == sorted(wanted_paths())


def test_sync_client_over_loopback_creates_every_tile_exactly_once(emulator: Emulator) -> None:
    collection_id = emulator.create_collection("resilience", "a-bucket")
    with serve(emulator) as server, client_for(server, retry=FAST_RETRY) as client:
        list(client.collections.list())  # the token, before the faults start
        emulator.set_faults(FAULTS)
        created = [client.tiles.create(collection_id, path).path for path in wanted_paths()]
        listed = [tile.path for tile in client.tiles.list(collection_id, page_size=100)]
        emulator.set_faults(None)
    check_outcome(emulator, listed, created)


@pytest.mark.anyio
async def test_async_client_in_process_creates_every_tile_exactly_once(emulator: Emulator) -> None:
    collection_id = emulator.create_collection("resilience", "a-bucket")
    async with async_client_for(emulator, retry=FAST_RETRY) as client:
        emulator.set_faults(FAULTS)
        created = [(await client.tiles.create(collection_id, path)).path for path in wanted_paths()]
        listed = [tile.path async for tile in client.tiles.list(collection_id, page_size=100)]
        emulator.set_faults(None)
    check_outcome(emulator, listed, created)


@pytest.mark.anyio
async def test_async_client_over_loopback_survives_the_same_faults(emulator: Emulator) -> None:
    collection_id = emulator.create_collection("resilience", "a-bucket")
    with serve(emulator) as server:
        async with async_client_for(server, retry=FAST_RETRY) as client:
            emulator.set_faults(FAULTS)
            created = [(await client.tiles.create(collection_id, path)).path for path in wanted_paths()]
            listed = [tile.path async for tile in client.tiles.list(collection_id, page_size=100)]
            emulator.set_faults(None)
    check_outcome(emulator, listed, created)


# Retry-After is in milliseconds


def throttled_once(retry_after: str) -> httpx.MockTransport:
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": retry_after}, json={"status": 429}),
            httpx.Response(200, json={"data": [], "links": {}}),
        ]
    )
    return httpx.MockTransport(lambda request: next(answers))


def test_retry_after_3398_is_waited_as_3_398_seconds_by_the_send_loop() -> None:
    waits: list[float] = []
    with Loop(throttled_once("3398"), waits, policy=RetryPolicy()) as loop:
        assert loop.get("https://example.test/collections").status_code == 200
    assert waits == [pytest.approx(3.398)]


@pytest.mark.anyio
async def test_retry_after_3398_is_waited_as_3_398_seconds_by_the_async_send_loop() -> None:
    waits: list[float] = []
    async with AsyncLoop(throttled_once("3398"), waits, policy=RetryPolicy()) as loop:
        assert (await loop.get("https://example.test/collections")).status_code == 200
    assert waits == [pytest.approx(3.398)]


def test_the_client_honours_the_emulators_retry_after(emulator: Emulator) -> None:
    with client_for(emulator) as client:
        waits: list[float] = []
        client._sender._loop.sleep = waits.append
        list(client.collections.list())
        emulator.set_faults(Faults(throttle_rate=1.0, retry_after_ms=3398))
        with pytest.raises(RateLimitError) as caught:
            list(client.collections.list())
    # Five attempts, four waits, each as long as the service asked.
    assert waits == [pytest.approx(3.398)] * 4
    assert caught.value.retry_after == pytest.approx(3.398)
    assert caught.value.status == 429


def test_a_short_retry_after_is_really_waited(emulator: Emulator) -> None:
    with client_for(emulator, retry=RetryPolicy(max_attempts=2)) as client:
        list(client.collections.list())
        emulator.set_faults(Faults(throttle_rate=1.0, retry_after_ms=250))
        started = time.perf_counter()
        with pytest.raises(RateLimitError):
            list(client.collections.list())
        elapsed = time.perf_counter() - started
    assert 0.25 <= elapsed < 2.0
