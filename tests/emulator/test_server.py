"""The emulator over real HTTP/1.1 on loopback."""

from __future__ import annotations

import json
import socket

import httpx
import pytest
from sentinelhub_byoc.testing import Emulator, EmulatorServer, serve


def _token(base_url: str, client_id: str, secret: str) -> str:
    response = httpx.post(
        f"{base_url}/auth/realms/main/protocol/openid-connect/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    assert response.status_code == 200
    return str(response.json()["access_token"])


def test_independent_client_with_only_a_base_url_and_credentials(
    byoc_emulator_server: EmulatorServer,
) -> None:
    base = byoc_emulator_server.base_url
    token = _token(base, byoc_emulator_server.client_id, byoc_emulator_server.client_secret)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers) as client:
        created = client.post("/api/v1/byoc/collections", json={"name": "c", "s3Bucket": "my-bucket"})
        assert created.status_code == 201
        cid = created.json()["data"]["id"]
        tile = client.post(f"/byoc/v1/collections/{cid}/tiles", json={"path": "a/(BAND).tif"})
        assert tile.status_code == 201
        again = client.post(f"/byoc/v1/collections/{cid}/tiles", json={"path": "a/(BAND).tif"})
        assert again.status_code == 409
        listed = client.get(f"/api/v1/byoc/collections/{cid}/tiles", params={"count": 1})
        assert listed.json()["links"]["@id"].startswith(base)
        assert (
            client.delete(f"/byoc/v1/collections/{cid}/tiles/{tile.json()['data']['id']}").status_code == 204
        )
        assert client.get("/byoc/v1/collections", headers={"Authorization": "Bearer x"}).status_code == 401


def test_dropped_connections_over_loopback(byoc_emulator_server: EmulatorServer) -> None:
    emulator = byoc_emulator_server.emulator
    base = byoc_emulator_server.base_url
    token = _token(base, "demo-client-id", "demo-client-secret")
    emulator.script_faults(["drop", "lost", "503", None])
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/byoc/v1/collections")
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/byoc/v1/collections", json={"name": "lost", "s3Bucket": "my-bucket"})
        assert client.get("/byoc/v1/collections").status_code == 503
        # The lost POST was processed before its answer was cut off.
        assert [c["name"] for c in client.get("/byoc/v1/collections").json()["data"]] == ["lost"]


def test_head_and_ranges_over_loopback(byoc_emulator_server: EmulatorServer) -> None:
    emulator = byoc_emulator_server.emulator
    cid = emulator.create_collection("p", "planet-bucket", planet=True)
    (tile_id,) = emulator.add_tiles(cid, ["order"])
    (emulator.bucket_dir("planet-bucket") / "order").mkdir()
    (emulator.bucket_dir("planet-bucket") / "order" / "f.bin").write_bytes(b"0123456789")
    base = byoc_emulator_server.base_url
    token = _token(base, "demo-client-id", "demo-client-secret")
    url = f"{base}/byoc/v1/collections/{cid}/tiles/{tile_id}/files/f.bin"
    headers = {"Authorization": f"Bearer {token}"}
    head = httpx.head(url, headers=headers)
    assert head.status_code == 200
    assert head.headers["Content-Length"] == "10"
    part = httpx.get(url, headers={**headers, "Range": "bytes=2-4"})
    assert part.status_code == 206
    assert part.content == b"234"


def test_serve_stops_cleanly_and_releases_the_port() -> None:
    with Emulator() as emulator:
        with serve(emulator, port=0) as server:
            port = server.port
            assert httpx.get(f"{server.base_url}/nowhere").status_code == 404
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", port))
    with EmulatorServer() as own:
        assert own.base_url.startswith("http://127.0.0.1:")
        assert own.api_urls[1].endswith("/byoc/v1")


def _exchange(server: EmulatorServer, request: bytes) -> tuple[bytes, bytes]:
    """Send raw bytes; return the answer's head and whatever follows until the server closes."""
    with socket.create_connection((server.host, server.port), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, rest = received.partition(b"\r\n\r\n")
    return head, rest


@pytest.mark.parametrize(
    ("framing", "status"),
    [
        ("Content-Length: many\r\n\r\n{}", 400),
        ("Content-Length: -2\r\n\r\n{}", 400),
        ("Content-Length: 99999999999999999999\r\n\r\n{}", 413),
        ("Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400),
        ("Transfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n", 400),
    ],
)
def test_a_body_that_cannot_be_read_is_refused_and_the_connection_closed(
    byoc_emulator_server: EmulatorServer, framing: str, status: int
) -> None:
    token = _token(byoc_emulator_server.base_url, "demo-client-id", "demo-client-secret")
    byoc_emulator_server.emulator.clear_requests()
    request = (
        f"POST /api/v1/byoc/collections HTTP/1.1\r\nHost: emulator\r\nAuthorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\n"
        + framing
        # A second request the server must not read as one: the framing of the first was broken.
        + "GET /api/v1/byoc/collections HTTP/1.1\r\nHost: emulator\r\n\r\n"
    )
    head, rest = _exchange(byoc_emulator_server, request.encode())
    assert head.startswith(f"HTTP/1.1 {status} ".encode())
    assert b"\r\nConnection: close" in head
    assert json.loads(rest)["error"]["status"] == status
    assert byoc_emulator_server.emulator.requests == []


def test_a_chunked_body_is_read_whole(byoc_emulator_server: EmulatorServer) -> None:
    token = _token(byoc_emulator_server.base_url, "demo-client-id", "demo-client-secret")
    body = b'{"name": "chunked", "s3Bucket": "my-bucket"}'
    chunks = b"".join(b"%x;ext=1\r\n%s\r\n" % (len(part), part) for part in (body[:7], body[7:]))
    request = (
        b"POST /api/v1/byoc/collections HTTP/1.1\r\nHost: emulator\r\nConnection: close\r\n"
        b"Authorization: Bearer "
        + token.encode()
        + b"\r\nTransfer-Encoding: chunked\r\n\r\n"
        + chunks
        + b"0\r\nX-Trailer: yes\r\n\r\n"
    )
    head, rest = _exchange(byoc_emulator_server, request)
    assert head.startswith(b"HTTP/1.1 201 ")
    assert json.loads(rest)["data"]["name"] == "chunked"
