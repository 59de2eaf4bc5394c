"""The emulator over real HTTP/1.1 on loopback."""

from __future__ import annotations

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
