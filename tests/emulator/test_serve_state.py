"""``byoc emulator serve --state DIR``: what was acknowledged survives a killed process."""

from __future__ import annotations

import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from _serve_process import start
from sentinelhub_byoc.cli import main
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator, ManualClock
from sentinelhub_byoc.testing._store import StoreError

CREATIONS = 500
KILL_AFTER = 150


def _all_tiles(api: httpx.Client, collection: str) -> list[dict[str, Any]]:
    tiles: list[dict[str, Any]] = []
    url: str | None = f"/api/v1/byoc/collections/{collection}/tiles?count=100"
    while url:
        page = api.get(url)
        assert page.status_code == 200, page.text
        tiles += page.json()["data"]
        url = page.json().get("links", {}).get("next")
    return tiles


def test_sigkill_in_the_middle_of_tile_creations_loses_nothing_acknowledged(tmp_path: Path) -> None:
    state = tmp_path / "state"
    server = start("--state", str(state))
    try:
        with server.api(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as api:
            created = api.post("/api/v1/byoc/collections", json={"name": "kept", "s3Bucket": "kept-bucket"})
            assert created.status_code == 201, created.text
            collection = created.json()["data"]["id"]
            acknowledged: dict[str, str] = {}
            lock = threading.Lock()
            killed = threading.Event()

            def create(index: int) -> None:
                path = f"scenes/{index:04d}"
                try:
                    response = api.post(f"/api/v1/byoc/collections/{collection}/tiles", json={"path": path})
                except httpx.TransportError:
                    return
                if response.status_code == 201:
                    with lock:
                        acknowledged[path] = response.json()["data"]["id"]
                        if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                            killed.set()
                            server.process.send_signal(signal.SIGKILL)

            with ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(create, range(CREATIONS)))
        assert killed.is_set()
        assert KILL_AFTER <= len(acknowledged) < CREATIONS
        server.process.wait(timeout=10)
        assert server.process.returncode == -signal.SIGKILL
    finally:
        server.stop()

    restarted = start("--state", str(state))
    try:
        assert "kept across restarts" in restarted.banner
        with restarted.api(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as api:
            tiles = _all_tiles(api, collection)
            by_path = {tile["path"]: tile["id"] for tile in tiles}
            assert len(by_path) == len(tiles), "a path is there twice"
            assert len({tile["id"] for tile in tiles}) == len(tiles), "an id is there twice"
            for path, tile_id in acknowledged.items():
                assert by_path.get(path) == tile_id, f"acknowledged tile {path} was lost"
            # At most the requests in flight at the kill were done without an answer.
            assert len(tiles) - len(acknowledged) <= 8
            # Creating them all again finds every kept one as a conflict, not a new tile.
            for index in range(CREATIONS):
                path = f"scenes/{index:04d}"
                again = api.post(f"/api/v1/byoc/collections/{collection}/tiles", json={"path": path})
                assert again.status_code == (409 if path in by_path else 201), again.text
            assert len(_all_tiles(api, collection)) == CREATIONS
    finally:
        restarted.stop()


def test_state_keeps_collections_tiles_and_accounts_in_process(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with Emulator(state_dir=state, clock=ManualClock()) as first:
        other = first.add_client("other-client", "other-secret")
        collection = first.create_collection(
            "kept", "kept-bucket", bands={"B1": {"bitDepth": 16, "sampleFormat": "UINT"}}, planet=True
        )
        doomed = first.create_collection("doomed", "kept-bucket")
        kept_tile, gone_tile = first.add_tiles(collection, ["a", "b"])
        with httpx.Client(transport=first.transport(), base_url="http://emulator.test") as http:
            token = http.post(
                "/auth/realms/main/protocol/openid-connect/token",
                data={"grant_type": "client_credentials"},
                auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
            ).json()["access_token"]
            http.headers["Authorization"] = f"Bearer {token}"
            base = f"/api/v1/byoc/collections/{collection}"
            assert http.delete(f"{base}/tiles/{gone_tile}").status_code == 204
            assert http.delete(f"/api/v1/byoc/collections/{doomed}").status_code == 204
            renamed = {"name": "renamed", "s3Bucket": "kept-bucket", "noData": 7}
            assert http.put(base, json=renamed).status_code == 204
            before = http.get(base).json()["data"]
            tile_before = http.get(f"{base}/tiles/{kept_tile}").json()["data"]
    with Emulator(state_dir=state, clock=ManualClock()) as second:
        assert second.account_id("other-client") == other
        with httpx.Client(transport=second.transport(), base_url="http://emulator.test") as http:
            token = http.post(
                "/auth/realms/main/protocol/openid-connect/token",
                data={"grant_type": "client_credentials"},
                auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
            ).json()["access_token"]
            http.headers["Authorization"] = f"Bearer {token}"
            base = f"/api/v1/byoc/collections/{collection}"
            assert http.get(base).json()["data"] == before
            assert http.get(f"/api/v1/byoc/collections/{doomed}").status_code == 404
            tiles = http.get(f"{base}/tiles").json()["data"]
            assert [tile["id"] for tile in tiles] == [kept_tile]
            assert tiles[0]["created"] == tile_before["created"]
            # Numbering goes on after the kept records: a new tile lists after the old one.
            http.post(f"{base}/tiles", json={"path": "c"})
            assert [tile["path"] for tile in http.get(f"{base}/tiles").json()["data"]] == ["a", "c"]


def test_two_emulators_cannot_share_a_state_folder(tmp_path: Path) -> None:
    with Emulator(state_dir=tmp_path), pytest.raises(StoreError, match="another emulator is using"):
        Emulator(state_dir=tmp_path)
    with Emulator(state_dir=tmp_path):
        pass


def test_an_unusable_state_folder_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    assert main(["emulator", "serve", "--port", "0", "--state", str(not_a_folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("byoc: --state: cannot use")
    assert err.count("\n") == 1
