"""``byoc emulator serve`` as a server other programs lean on: load, bursts and clients hanging up."""

from __future__ import annotations

import asyncio
import json
import socket
import struct
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator
from sentinelhub_byoc.testing._server import _HttpServer

from tests.emulator._serve_process import Served, start

ROUNDS = 3
POSTS = 2_000
CONCURRENCY = 16


@pytest.fixture
def served() -> Iterator[Served]:
    server = start()
    try:
        yield server
    finally:
        server.stop()


async def _create_tiles(base_url: str, token: str) -> tuple[int, list[str]]:
    """Create ``POSTS`` tiles in a new collection, ``CONCURRENCY`` at a time; (created, failures)."""
    headers = {"Authorization": f"Bearer {token}"}
    # A new client each round: its pool opens CONCURRENCY connections at once, then keeps them.
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60) as client:
        made = await client.post("/api/v1/byoc/collections", json={"name": "load", "s3Bucket": "load-bucket"})
        assert made.status_code == 201, made.text
        tiles = f"/api/v1/byoc/collections/{made.json()['data']['id']}/tiles"
        gate = asyncio.Semaphore(CONCURRENCY)
        failures: list[str] = []
        created = 0

        async def create(index: int) -> None:
            nonlocal created
            async with gate:
                try:
                    response = await client.post(tiles, json={"path": f"scenes/{index:05d}"})
                except httpx.TransportError as error:
                    failures.append(f"POST {index}: {error!r}")
                    return
                if response.status_code == 201:
                    created += 1
                else:
                    failures.append(f"POST {index}: {response.status_code} {response.text[:200]}")

        await asyncio.gather(*(create(index) for index in range(POSTS)))
        return created, failures


def test_thousands_of_concurrent_posts_lose_no_connection_and_print_nothing(served: Served) -> None:
    token = served.token(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
    for round_number in range(ROUNDS):
        created, failures = asyncio.run(_create_tiles(served.base_url, token))
        assert failures == [], f"round {round_number + 1}: {len(failures)} failed, first: {failures[:3]}"
        assert created == POSTS
    assert served.interrupt() == ""
    assert served.process.returncode == 0


def test_a_burst_of_new_connections_waits_in_the_backlog() -> None:
    # Nobody accepts: every connection the client opens must wait in the listen queue, as it
    # does while the server's threads hold the GIL. An overflowing queue drops or resets them.
    with Emulator() as emulator:
        server = _HttpServer(("127.0.0.1", 0), emulator)
        sockets: list[socket.socket] = []
        try:
            for _ in range(2 * CONCURRENCY + 1):
                connection = socket.socket()
                sockets.append(connection)
                connection.settimeout(2)
                connection.connect(server.server_address[:2])
        finally:
            for connection in sockets:
                connection.close()
            server.server_close()


def _raw(served: Served) -> socket.socket:
    host, _, port = served.base_url.removeprefix("http://").rpartition(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _reset(connection: socket.socket) -> None:
    """Close with a TCP reset instead of a goodbye, as a crashed or killed client does."""
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


def _post_head(token: str, length: int) -> bytes:
    return (
        "POST /api/v1/byoc/collections HTTP/1.1\r\nHost: emulator\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def _seed_with_a_large_file(tmp_path: Path) -> Path:
    order = tmp_path / "deliveries" / "order1"
    order.mkdir(parents=True)
    with (order / "large.bin").open("wb") as file:
        file.truncate(32 * 1024 * 1024)
    seed = tmp_path / "seed.json"
    collection = {"name": "orders", "s3Bucket": "deliveries", "planet": True, "tiles": ["order1"]}
    seed.write_text(json.dumps({"buckets": {"deliveries": "./deliveries"}, "collections": [collection]}))
    return seed


def test_clients_hanging_up_at_any_point_leave_no_trace_and_no_change(tmp_path: Path) -> None:
    served = start("--seed", str(_seed_with_a_large_file(tmp_path)))
    try:
        token = served.token(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
        body = json.dumps({"name": "half-sent", "s3Bucket": "load-bucket"}).encode()
        with served.api(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as api:
            (seeded,) = api.get("/api/v1/byoc/collections").json()["data"]
            (tile,) = api.get(f"/api/v1/byoc/collections/{seeded['id']}/tiles").json()["data"]
        file_path = f"/api/v1/byoc/collections/{seeded['id']}/tiles/{tile['id']}/files/large.bin"
        exchanges: list[tuple[bytes, bool]] = [
            (b"", False),  # connected, then gone
            (b"GET /api/v1/byoc/coll", False),  # in the request line
            (b"GET /api/v1/byoc/collections HTTP/1.1\r\nHost: emul", True),  # in the headers
            (_post_head(token, len(body)) + body[:10], False),  # in the body
            (_post_head(token, len(body)) + body[:10], True),
            (b"POST /api/v1/byoc/collections HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{", True),
        ]
        for sent, reset in exchanges:
            connection = _raw(served)
            connection.sendall(sent)
            _reset(connection) if reset else connection.close()
        for reset in (False, True):
            # In the answer: a large file is being written when the client goes away.
            connection = _raw(served)
            request = f"GET {file_path} HTTP/1.1\r\nHost: emulator\r\nAuthorization: Bearer {token}\r\n\r\n"
            connection.sendall(request.encode())
            assert connection.recv(1024).startswith(b"HTTP/1.1 200")
            _reset(connection) if reset else connection.close()
        with served.api(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as api:
            # Still serving, and no half-sent request was acted on.
            names = [c["name"] for c in api.get("/api/v1/byoc/collections").json()["data"]]
            assert names == ["orders"]
            assert api.head(file_path).headers["Content-Length"] == str(32 * 1024 * 1024)
        errors = served.interrupt()
    finally:
        served.stop()
    assert errors == ""
