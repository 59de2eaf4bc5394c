"""One token for many concurrent calls; expired and revoked tokens are replaced transparently."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sentinelhub_byoc import AsyncBYOCClient, BYOCClient
from sentinelhub_byoc.testing import Emulator, ManualClock, async_client_for, client_for, serve

from tests.client_kinds import FAST_RETRY, call, client_of_kind, collect

CONCURRENT_CALLS = 64
TOKEN_LIFETIME = 300.0


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def emulator(clock: ManualClock, tmp_path: Path) -> Iterator[Emulator]:
    with Emulator(clock=clock, data_dir=tmp_path, token_lifetime=TOKEN_LIFETIME) as emulator:
        emulator.create_collection("existing", "a-bucket")
        yield emulator


@pytest.mark.parametrize("loopback", [True, False], ids=["loopback", "inprocess"])
def test_64_threads_on_a_fresh_sync_client_share_one_token(emulator: Emulator, loopback: bool) -> None:
    barrier = threading.Barrier(CONCURRENT_CALLS, timeout=10)

    def list_collections(client: BYOCClient) -> int:
        barrier.wait()
        return len(list(client.collections.list()))

    with (
        serve(emulator) as server,
        client_for(server if loopback else emulator, retry=FAST_RETRY) as client,
        ThreadPoolExecutor(max_workers=CONCURRENT_CALLS) as pool,
    ):
        counts = list(pool.map(list_collections, [client] * CONCURRENT_CALLS))
    assert counts == [1] * CONCURRENT_CALLS
    assert emulator.token_requests == 1
    assert sum(1 for r in emulator.requests if "/byoc" in r.path) == CONCURRENT_CALLS


@pytest.mark.anyio
@pytest.mark.parametrize("loopback", [True, False], ids=["loopback", "inprocess"])
async def test_64_tasks_on_a_fresh_async_client_share_one_token(emulator: Emulator, loopback: bool) -> None:
    async def list_collections(client: AsyncBYOCClient) -> int:
        return len([c async for c in client.collections.list()])

    with serve(emulator) as server:
        async with async_client_for(server if loopback else emulator, retry=FAST_RETRY) as client:
            counts = await asyncio.gather(*(list_collections(client) for _ in range(CONCURRENT_CALLS)))
    assert counts == [1] * CONCURRENT_CALLS
    assert emulator.token_requests == 1


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["sync-loopback", "sync-inprocess", "async-loopback", "async-inprocess"])
async def test_expired_token_is_replaced_transparently(
    emulator: Emulator, clock: ManualClock, kind: str
) -> None:
    async with client_of_kind(kind, emulator) as client:
        assert len(await collect(client.collections.list())) == 1
        assert emulator.token_requests == 1
        # The service's clock passes the token's lifetime while the client still believes in it.
        clock.advance(TOKEN_LIFETIME + 1)
        assert len(await collect(client.collections.list())) == 1
        assert emulator.token_requests == 2
        statuses = [r.status for r in emulator.requests if "/byoc" in r.path]
        assert statuses == [200, 401, 200]
        # The new token is kept: the next call needs none.
        await call(client.collections.create(name="next", s3_bucket="a-bucket"))
        assert emulator.token_requests == 2


@pytest.mark.anyio
@pytest.mark.parametrize("kind", ["sync-loopback", "sync-inprocess", "async-loopback", "async-inprocess"])
async def test_revoked_token_is_replaced_transparently(emulator: Emulator, kind: str) -> None:
    async with client_of_kind(kind, emulator) as client:
        await collect(client.collections.list())
        assert emulator.revoke_tokens() == 1
        created = await call(client.collections.create(name="after revocation", s3_bucket="a-bucket"))
        assert created.name == "after revocation"
        assert emulator.token_requests == 2
        assert len(await collect(client.collections.list())) == 2
        assert emulator.token_requests == 2


def test_a_token_is_renewed_before_it_expires_on_the_clients_clock(tmp_path: Path) -> None:
    # A real, short lifetime: the client renews early instead of waiting for a 401.
    with Emulator(data_dir=tmp_path, token_lifetime=1.0) as emulator, client_for(emulator) as client:
        list(client.collections.list())
        auth = client._settings.auth
        assert auth is not None
        assert auth.has_valid_token
        threading.Event().wait(0.6)  # past half the lifetime: the refresh margin
        list(client.collections.list())
        assert emulator.token_requests == 2
        assert [r.status for r in emulator.requests if "/byoc" in r.path] == [200, 200]
