"""Ingestion lifecycle on a manual clock, with real COGs in a local bucket."""

from __future__ import annotations

import httpx
import numpy as np
import pytest
from sentinelhub_byoc.testing import Emulator, IngestionDelays, ManualClock
from sentinelhub_byoc.testing.cogs import write_cog

from tests.emulator._emulator_helpers import new_collection, new_tile

UTM_BOUNDS = (500000.0, 5000000.0, 502560.0, 5002560.0)


def _write(emu: Emulator, key: str, dtype: str = "uint16", nodata: float | None = None) -> None:
    array = np.arange(256 * 256, dtype=dtype).reshape(256, 256)
    write_cog(emu.bucket_dir("test-bucket") / key, array, epsg=32633, bounds=UTM_BOUNDS, nodata=nodata)


def test_steps_follow_the_configured_delays(api: httpx.Client, emu: Emulator, clock: ManualClock) -> None:
    cid = new_collection(api)["id"]
    tile = new_tile(api, cid, path="t")
    url = f"/byoc/v1/collections/{cid}/tiles/{tile['id']}"
    delays = IngestionDelays()
    seen = [api.get(url).json()["data"]["status"]]
    for step in (delays.waiting, delays.queued, delays.ingesting):
        clock.advance(step)
        seen.append(api.get(url).json()["data"]["status"])
    assert seen == ["WAITING", "QUEUED", "INGESTING", "FAILED"]


def test_delays_are_configurable(tmp_path: object) -> None:
    clock = ManualClock()
    with Emulator(clock=clock, delays=IngestionDelays(waiting=10, queued=0, ingesting=5)) as emu:
        cid = emu.create_collection("c", "test-bucket")
        emu.add_tiles(cid, ["t"])
        clock.advance(9.9)
        assert [t["status"] for t in _tiles(emu, cid)] == ["WAITING"]
        clock.advance(0.1)
        assert [t["status"] for t in _tiles(emu, cid)] == ["INGESTING"]
        clock.advance(5)
        assert [t["status"] for t in _tiles(emu, cid)] == ["FAILED"]


def test_wait_idle_on_the_system_clock(tmp_path: object) -> None:
    with Emulator(delays=IngestionDelays(0.01, 0.01, 0.01)) as emu:
        cid = emu.create_collection("c", "test-bucket")
        emu.add_tiles(cid, ["a", "b"])
        emu.wait_idle(timeout=5)
        statuses = {t["status"] for t in _tiles(emu, cid)}
        assert statuses == {"FAILED"}


def _tiles(emu: Emulator, cid: str) -> list[dict[str, object]]:
    with httpx.Client(transport=emu.transport(), base_url="http://e") as client:
        token = client.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("demo-client-id", "demo-client-secret"),
        ).json()["access_token"]
        response = client.get(
            f"/byoc/v1/collections/{cid}/tiles", headers={"Authorization": f"Bearer {token}"}
        )
        data: list[dict[str, object]] = response.json()["data"]
        return data


def test_real_cog_is_ingested_and_configures_the_collection(api: httpx.Client, emu: Emulator) -> None:
    cid = new_collection(api)["id"]
    _write(emu, "scene1/B01.tiff", nodata=0)
    _write(emu, "scene1/B02.tiff", nodata=0)
    tile = new_tile(api, cid, path="scene1", sensingTime="2024-05-01T10:00:00Z")
    emu.wait_idle()
    data = api.get(f"/byoc/v1/collections/{cid}/tiles/{tile['id']}").json()["data"]
    assert data["status"] == "INGESTED", data
    geometry = data["tileGeometry"]
    assert geometry["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::32633"
    xs = [p[0] for p in geometry["coordinates"][0]]
    ys = [p[1] for p in geometry["coordinates"][0]]
    assert (min(xs), min(ys), max(xs), max(ys)) == pytest.approx(UTM_BOUNDS)
    assert data["coverGeometry"] == geometry  # default cover: the tile's bounding box

    collection = api.get(f"/byoc/v1/collections/{cid}").json()["data"]
    assert collection["isConfigured"] is True
    bands = collection["additionalData"]["bands"]
    assert set(bands) == {"B01", "B02"}
    assert bands["B01"]["bitDepth"] == 16
    assert bands["B01"]["sampleFormat"] == "UINT"
    extra = collection["additionalData"]
    assert extra["hasSensingTimes"] == "YES"
    assert extra["fromSensingTime"] == extra["toSensingTime"] == "2024-05-01T10:00:00.000000Z"
    lons = [p[0] for p in extra["extent"]["coordinates"][0]]
    assert min(lons) == pytest.approx(15.0, abs=1e-6)

    # A second tile without sensing time makes it PARTIALLY.
    _write(emu, "scene2/B01.tiff")
    _write(emu, "scene2/B02.tiff")
    new_tile(api, cid, path="scene2")
    emu.wait_idle()
    extra = api.get(f"/byoc/v1/collections/{cid}").json()["data"]["additionalData"]
    assert extra["hasSensingTimes"] == "PARTIALLY"


def test_user_cover_is_returned_in_the_tile_crs(api: httpx.Client, emu: Emulator) -> None:
    cid = new_collection(api)["id"]
    _write(emu, "s/B01.tiff")
    cover = {
        "type": "Polygon",
        "coordinates": [[[15.0, 45.16], [15.01, 45.16], [15.01, 45.17], [15.0, 45.16]]],
    }
    tile = new_tile(api, cid, path="s", coverGeometry=cover)
    emu.wait_idle()
    data = api.get(f"/byoc/v1/collections/{cid}/tiles/{tile['id']}").json()["data"]
    returned = data["coverGeometry"]
    assert returned["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::32633"
    assert returned["coordinates"][0][0][0] == pytest.approx(500000.0, abs=1.0)


def test_broken_file_fails_with_a_clear_cause(api: httpx.Client, emu: Emulator) -> None:
    cid = new_collection(api)["id"]
    (emu.bucket_dir("test-bucket") / "bad").mkdir()
    (emu.bucket_dir("test-bucket") / "bad" / "B01.tiff").write_bytes(b"this is not a tiff")
    tile = new_tile(api, cid, path="bad")
    missing = new_tile(api, cid, path="nothing-here")
    emu.wait_idle()
    base = f"/byoc/v1/collections/{cid}/tiles"
    bad = api.get(f"{base}/{tile['id']}").json()["data"]
    assert bad["status"] == "FAILED"
    assert "B01.tiff" in bad["additionalData"]["failedIngestionCause"]
    none = api.get(f"{base}/{missing['id']}").json()["data"]
    assert none["status"] == "FAILED"
    assert none["additionalData"]["failedIngestionCause"]
    collection = api.get(f"/byoc/v1/collections/{cid}").json()["data"]
    assert collection["isConfigured"] is False
    assert collection["additionalData"] == {"hasSensingTimes": "NO"}


def test_reingest_after_fixing_the_file(api: httpx.Client, emu: Emulator) -> None:
    cid = new_collection(api)["id"]
    tile = new_tile(api, cid, path="later")
    emu.wait_idle()
    url = f"/byoc/v1/collections/{cid}/tiles/{tile['id']}"
    assert api.get(url).json()["data"]["status"] == "FAILED"
    _write(emu, "later/B01.tiff")
    api.post(f"{url}/reingest")
    emu.wait_idle()
    assert api.get(url).json()["data"]["status"] == "INGESTED"


def test_copy_tiles_after_real_ingestion(api: httpx.Client, emu: Emulator) -> None:
    source = new_collection(api)["id"]
    target = new_collection(api)["id"]
    _write(emu, "x/B01.tiff")
    new_tile(api, source, path="x")
    _write(emu, "y/B01.tiff")
    new_tile(api, source, path="y")
    new_tile(api, source, path="broken")
    new_tile(api, target, path="y")
    emu.wait_idle()
    assert api.post(f"/byoc/v1/collections/{source}/copyTiles?toCollection={target}").status_code == 204
    tiles = api.get(f"/byoc/v1/collections/{target}/tiles").json()["data"]
    assert [(t["path"], t["status"]) for t in tiles] == [("y", "INGESTED"), ("x", "INGESTED")]
    assert "tileGeometry" in tiles[1]
    target_data = api.get(f"/byoc/v1/collections/{target}").json()["data"]
    assert set(target_data["additionalData"]["bands"]) == {"B01"}
    assert "extent" in target_data["additionalData"]
