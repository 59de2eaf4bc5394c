"""One connection pool per client, reused across calls, and closed by the context managers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sentinelhub_byoc import AsyncBYOCClient, BYOCClient
from sentinelhub_byoc.testing import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    Emulator,
    ManualClock,
    async_client_for,
    client_for,
    serve,
)


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    with Emulator(clock=ManualClock(), data_dir=tmp_path) as emulator:
        emulator.create_collection("existing", "a-bucket")
        yield emulator


def open_connections(transport: httpx.HTTPTransport | httpx.AsyncHTTPTransport) -> int:
    return len(transport._pool.connections)


def test_sync_client_reuses_one_connection_and_closes_it(emulator: Emulator) -> None:
    sockets = httpx.HTTPTransport()
    with serve(emulator) as server:
        with client_for(server, transport=sockets) as client:
            http = client._sender.http
            collection = client.collections.create(name="c", s3_bucket="a-bucket")
            for index in range(10):
                client.tiles.create(collection, f"tile-{index}")
                list(client.tiles.list(collection, limit=1))
            assert client._sender.http is http
            assert open_connections(sockets) == 1  # the token request and 21 calls on one connection
            # A dropped connection is replaced; the pool still holds one.
            emulator.script_faults(["drop"])
            assert len(list(client.collections.list())) == 2
            assert open_connections(sockets) == 1
        assert http.is_closed
        assert open_connections(sockets) == 0


@pytest.mark.anyio
async def test_async_client_reuses_one_connection_and_closes_it(emulator: Emulator) -> None:
    sockets = httpx.AsyncHTTPTransport()
    with serve(emulator) as server:
        async with async_client_for(server, transport=sockets) as client:
            http = client._sender.http
            collection = await client.collections.create(name="c", s3_bucket="a-bucket")
            for index in range(10):
                await client.tiles.create(collection, f"tile-{index}")
            assert client._sender.http is http
            assert open_connections(sockets) == 1
        assert http.is_closed
        assert open_connections(sockets) == 0


def test_close_without_context_manager(emulator: Emulator) -> None:
    client = client_for(emulator)
    list(client.collections.list())
    client.close()
    assert client._sender.http.is_closed
    with pytest.raises(RuntimeError):
        list(client.collections.list())


@pytest.mark.anyio
async def test_aclose_without_context_manager(emulator: Emulator) -> None:
    client = async_client_for(emulator)
    assert [c.name async for c in client.collections.list()] == ["existing"]
    await client.aclose()
    assert client._sender.http.is_closed


def test_own_http_client_is_used_and_its_hooks_see_the_final_url(emulator: Emulator) -> None:
    seen: list[str] = []

    def note(request: httpx.Request) -> None:
        seen.append(f"{request.method} {request.url.path}")

    http = httpx.Client(transport=emulator.transport(), event_hooks={"request": [note]})
    with client_for(
        emulator, http_client=http, client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET
    ) as client:
        assert isinstance(client, BYOCClient)
        assert client._sender.http is http
        assert [c.name for c in client.collections.list()] == ["existing"]
    assert http.is_closed
    # The caller's hook sees the request as it is sent, on the deployment's path prefix.
    assert seen[-1] == "GET /api/v1/byoc/collections"


@pytest.mark.anyio
async def test_own_async_http_client_is_used(emulator: Emulator) -> None:
    seen: list[str] = []

    async def note(request: httpx.Request) -> None:
        seen.append(request.url.path)

    http = httpx.AsyncClient(transport=emulator.transport(), event_hooks={"request": [note]})
    client = async_client_for(
        emulator, http_client=http, client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET
    )
    async with client:
        assert isinstance(client, AsyncBYOCClient)
        assert client._sender.http is http
        assert [c.name async for c in client.collections.list()] == ["existing"]
    assert http.is_closed
    assert seen[-1] == "/api/v1/byoc/collections"
