"""The emulator as real clients see the service: padded bodies, timestamps, derived members, CDSE."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from sentinelhub_byoc.geometry import as_geometry
from sentinelhub_byoc.models import CollectionAdditionalData
from sentinelhub_byoc.testing import Emulator, ManualClock, client_for, serve
from sentinelhub_byoc.testing.cogs import write_cog

from tests.cog_cases import CASES
from tests.emulator._emulator_helpers import get_token, new_collection, new_tile

CASES_BY_NAME = {case.name: case for case in CASES}

UTM_BOUNDS = (500000.0, 5000000.0, 502560.0, 5002560.0)  # 256 pixels of 10 m
MICROS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")

# What sentinelhub-py 3.x sends for ByocCollection(name=..., s3_bucket=...) and its bands.
PADDED_COLLECTION = {
    "name": "padded",
    "s3Bucket": "test-bucket",
    "additionalData": {
        "bands": {
            "B1": {"source": None, "bandIndex": None, "bitDepth": 16, "sampleFormat": "UINT", "noData": None}
        },
        "maxMetersPerPixel": None,
        "maxMetersPerPixelOverride": None,
    },
    "id": None,
    "userId": None,
    "created": None,
    "noData": None,
    "otherData": {},
}


def _write(emu: Emulator, key: str, *, epsg: int = 32633, bounds: tuple[float, ...] = UTM_BOUNDS) -> None:
    array = np.arange(256 * 256, dtype="uint16").reshape(256, 256)
    write_cog(emu.bucket_dir("test-bucket") / key, array, epsg=epsg, bounds=bounds)  # type: ignore[arg-type]


def _tile(api: httpx.Client, cid: str, tid: str) -> dict[str, Any]:
    data: dict[str, Any] = api.get(f"/api/v1/byoc/collections/{cid}/tiles/{tid}").json()["data"]
    return data


def _xy(geometry: dict[str, Any]) -> list[list[float]]:
    ring: list[list[float]] = geometry["coordinates"][0]
    return ring


# Write bodies: null is absent, read-only and unknown members are ignored -----------------


def test_a_body_padded_with_nulls_creates_the_collection(api: httpx.Client) -> None:
    created = new_collection(api, **PADDED_COLLECTION)
    assert created["id"] is not None
    assert "noData" not in created
    assert created["additionalData"]["bands"] == {
        "B1": {"bitDepth": 16, "sampleFormat": "UINT", "bandIndex": 1}
    }


def test_nulls_and_read_only_members_in_updates_and_tiles_are_ignored(api: httpx.Client) -> None:
    cid = new_collection(api)["id"]
    update = api.put(
        f"/api/v1/byoc/collections/{cid}",
        json={**PADDED_COLLECTION, "id": cid, "accountId": "someone", "isConfigured": True},
    )
    assert update.status_code == 204, update.text
    assert api.get(f"/api/v1/byoc/collections/{cid}").json()["data"]["name"] == "padded"

    tile = new_tile(
        api,
        cid,
        path="scene",
        status=None,
        id=None,
        tileGeometry=None,
        coverGeometry=None,
        created=None,
        sensingTime=None,
        ingestionStart=None,
        additionalData=None,
        otherData={},
    )
    assert tile["status"] == "WAITING"
    put = api.put(
        f"/api/v1/byoc/collections/{cid}/tiles/{tile['id']}",
        json={"path": "scene", "coverGeometry": None, "sensingTime": None, "ingestionStart": "x"},
    )
    assert put.status_code == 204, put.text


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"noData": "zero"}, "must be a number, got string 'zero': send a number or leave the member out"),
        ({"additionalData": "bands"}, "must be an object, got string 'bands': send an object"),
        (
            {"additionalData": {"bands": {"B1": {"bitDepth": "16", "sampleFormat": "UINT"}}}},
            "'additionalData.bands.B1.bitDepth' must be an integer",
        ),
    ],
)
def test_members_given_with_the_wrong_type_are_refused(
    api: httpx.Client, body: dict[str, Any], fragment: str
) -> None:
    response = api.post("/api/v1/byoc/collections", json={"name": "x", "s3Bucket": "b-1", **body})
    assert response.status_code == 400
    assert fragment in response.json()["error"]["message"]


# Answers: timestamps, ingestionStart, maxMetersPerPixel, failure causes ------------------


def test_timestamps_have_six_fraction_digits_so_strings_sort_in_time(
    api: httpx.Client, clock: ManualClock
) -> None:
    cid = new_collection(api)["id"]
    created = []
    for step in (0.5, 0.000001, 0.2):
        clock.advance(step)
        created.append(new_tile(api, cid, path=f"t{step}")["created"])
    assert all(MICROS.match(text) for text in created), created
    assert created == sorted(created)
    assert [text[-8:] for text in created] == [".500000Z", ".500001Z", ".700001Z"]


def test_ingestion_start_is_set_when_ingestion_starts(
    api: httpx.Client, emu: Emulator, clock: ManualClock
) -> None:
    cid = new_collection(api)["id"]
    tile = new_tile(api, cid, path="scene")
    assert "ingestionStart" not in tile
    emu.wait_idle()
    done = _tile(api, cid, tile["id"])
    assert done["status"] == "FAILED"
    assert MICROS.match(done["ingestionStart"])
    assert tile["created"] < done["ingestionStart"]

    clock.advance(60)
    assert api.post(f"/api/v1/byoc/collections/{cid}/tiles/{tile['id']}/reingest").status_code == 204
    assert "ingestionStart" not in _tile(api, cid, tile["id"])
    emu.wait_idle()
    assert _tile(api, cid, tile["id"])["ingestionStart"] > done["ingestionStart"]


def test_max_meters_per_pixel_comes_with_the_first_ingested_tile(api: httpx.Client, emu: Emulator) -> None:
    cid = new_collection(api)["id"]
    assert (
        "maxMetersPerPixel" not in api.get(f"/api/v1/byoc/collections/{cid}").json()["data"]["additionalData"]
    )
    _write(emu, "utm/B01.tiff")
    new_tile(api, cid, path="utm")
    emu.wait_idle()
    additional = api.get(f"/api/v1/byoc/collections/{cid}").json()["data"]["additionalData"]
    # Five times the coarsest overview's pixel; this tile of 10 m pixels has no overview.
    assert additional["maxMetersPerPixel"] == pytest.approx(5 * 10.0)


def test_max_meters_per_pixel_of_a_geographic_tile_is_measured_at_its_latitude(
    api: httpx.Client, emu: Emulator
) -> None:
    cid = new_collection(api)["id"]
    # Pixels of 0.0004 by 0.0001 degrees around 60 N: 22.3 m wide (half of it at the equator), 11.1 m high.
    _write(emu, "wgs/B01.tiff", epsg=4326, bounds=(10.0, 59.9872, 10.1024, 60.0128))
    new_tile(api, cid, path="wgs")
    emu.wait_idle()
    additional = api.get(f"/api/v1/byoc/collections/{cid}").json()["data"]["additionalData"]
    assert additional["maxMetersPerPixel"] == pytest.approx(5 * 0.0004 * 111_319.49 * 0.5, rel=1e-3)


def test_failure_causes_name_bucket_paths_not_the_emulator_folder(
    api: httpx.Client, emu: Emulator, tmp_path: Path
) -> None:
    missing_bucket = new_collection(api, s3Bucket="never-made")["id"]
    lonely = new_tile(api, missing_bucket, path="scene")
    emu.bucket_dir("test-bucket")
    cid = new_collection(api)["id"]
    absent = new_tile(api, cid, path="scene/(BAND).tif", coverGeometry=None)
    emu.wait_idle()
    causes = [
        _tile(api, missing_bucket, lonely["id"])["additionalData"]["failedIngestionCause"],
        _tile(api, cid, absent["id"])["additionalData"]["failedIngestionCause"],
    ]
    assert "'never-made' does not exist" in causes[0]
    for cause in causes:
        assert str(tmp_path) not in cause, cause
        assert "LocalStorage" not in cause, cause


# The CRS84 round trip -------------------------------------------------------------------


def test_covers_are_stored_in_crs84_and_returned_in_the_tile_crs(api: httpx.Client, emu: Emulator) -> None:
    cid = new_collection(api)["id"]
    _write(emu, "a/B01.tiff")
    _write(emu, "b/B01.tiff")
    _write(emu, "c/B01.tiff")
    utm_ring = [[500100.0, 5000100.0], [502000.0, 5000100.0], [502000.0, 5002000.0], [500100.0, 5000100.0]]
    utm_cover = {
        "type": "Polygon",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}},
        "coordinates": [utm_ring],
    }
    in_utm = new_tile(api, cid, path="a", coverGeometry=utm_cover)
    # Before ingestion the tile's CRS is unknown: the cover is shown as stored, in CRS84.
    assert "crs" not in in_utm["coverGeometry"]
    assert in_utm["coverGeometry"]["coordinates"][0][0][0] == pytest.approx(15.0013, abs=1e-3)
    without = new_tile(api, cid, path="b")
    assert "coverGeometry" not in without
    wgs84_cover = {
        "type": "Polygon",
        "coordinates": [[[15.001, 45.16], [15.02, 45.16], [15.02, 45.17], [15.001, 45.16]]],
    }
    in_wgs84 = new_tile(api, cid, path="c", coverGeometry=wgs84_cover)
    emu.wait_idle()

    back = _tile(api, cid, in_utm["id"])["coverGeometry"]
    assert back["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::32633"
    assert np.allclose(_xy(back), utm_ring, atol=1e-4)
    plain = _tile(api, cid, without["id"])
    assert plain["coverGeometry"] == plain["tileGeometry"]
    converted = _tile(api, cid, in_wgs84["id"])["coverGeometry"]
    assert converted["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::32633"
    assert 500000 < converted["coordinates"][0][0][0] < 502560


# The Copernicus Data Space flavour ------------------------------------------------------


@pytest.fixture
def cdse(tmp_path: Path) -> Iterator[Emulator]:
    with Emulator(clock=ManualClock(), data_dir=tmp_path / "cdse-buckets", flavour="cdse") as emulator:
        yield emulator


@pytest.fixture
def cdse_api(cdse: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(transport=cdse.transport(), base_url="http://emulator.test") as http:
        http.headers["Authorization"] = f"Bearer {get_token(http)}"
        yield http


def test_cdse_collections_keep_their_storage_identifier(cdse_api: httpx.Client) -> None:
    created = new_collection(cdse_api, additionalData={"storageIdentifier": "waw3-2"})
    assert created["additionalData"]["storageIdentifier"] == "waw3-2"
    url = f"/api/v1/byoc/collections/{created['id']}"
    assert cdse_api.put(url, json={"name": "renamed", "s3Bucket": "test-bucket"}).status_code == 204
    assert cdse_api.get(url).json()["data"]["additionalData"]["storageIdentifier"] == "waw3-2"
    body = {"name": "renamed", "s3Bucket": "test-bucket", "additionalData": {"storageIdentifier": "waw4-1"}}
    assert cdse_api.put(url, json=body).status_code == 204
    assert cdse_api.get(url).json()["data"]["additionalData"]["storageIdentifier"] == "waw4-1"

    refused = cdse_api.post(
        "/api/v1/byoc/collections",
        json={"name": "x", "s3Bucket": "b-1", "additionalData": {"storageIdentifier": "eu-central-1"}},
    )
    assert refused.status_code == 400
    assert "waw3-1, waw3-2, waw4-1" in refused.json()["error"]["message"]


def test_only_cdse_knows_storage_identifiers_and_project_buckets(api: httpx.Client) -> None:
    created = new_collection(api, additionalData={"storageIdentifier": "waw3-2"})
    assert "storageIdentifier" not in created["additionalData"]
    response = api.post("/api/v1/byoc/collections", json={"name": "x", "s3Bucket": "a1b2c3d4:my-bucket"})
    assert response.status_code == 400
    assert "not a valid S3 bucket name" in response.json()["error"]["message"]


def test_cdse_project_buckets_are_read_from_the_bucket(cdse: Emulator, cdse_api: httpx.Client) -> None:
    created = new_collection(cdse_api, s3Bucket="a1b2c3d4:my-bucket")
    assert created["s3Bucket"] == "a1b2c3d4:my-bucket"
    array = np.arange(256 * 256, dtype="uint16").reshape(256, 256)
    write_cog(cdse.bucket_dir("my-bucket") / "scene" / "B01.tiff", array, epsg=32633, bounds=UTM_BOUNDS)
    tile = new_tile(cdse_api, created["id"], path="scene")
    cdse.wait_idle()
    assert _tile(cdse_api, created["id"], tile["id"])["status"] == "INGESTED"
    bad = cdse_api.post("/api/v1/byoc/collections", json={"name": "x", "s3Bucket": "a b:my-bucket"})
    assert bad.status_code == 400
    assert "PROJECT_ID:bucket" in bad.json()["error"]["message"]


# EASE-Grid 2.0 global: 256 pixels of 1 km.
EASE_BOUNDS = (1000000.0, 5000000.0, 1256000.0, 5256000.0)
EASE_COVER = {
    "type": "Polygon",
    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::6933"}},
    "coordinates": [
        [[1000100.0, 5000100.0], [1200000.0, 5000100.0], [1200000.0, 5200000.0], [1000100.0, 5000100.0]]
    ],
}


def test_epsg_6933_is_accepted_only_in_the_cdse_flavour(
    cdse: Emulator, cdse_api: httpx.Client, emu: Emulator, api: httpx.Client
) -> None:
    outcomes = {}
    for emulator, http in ((cdse, cdse_api), (emu, api)):
        array = np.arange(256 * 256, dtype="uint16").reshape(256, 256)
        write_cog(
            emulator.bucket_dir("test-bucket") / "ease" / "B01.tiff", array, epsg=6933, bounds=EASE_BOUNDS
        )
        cid = new_collection(http)["id"]
        tile = new_tile(http, cid, path="ease")
        emulator.wait_idle()
        outcomes[emulator.flavour] = _tile(http, cid, tile["id"])
        covered = http.post(
            f"/api/v1/byoc/collections/{cid}/tiles", json={"path": "other", "coverGeometry": EASE_COVER}
        )
        outcomes[emulator.flavour + " cover"] = covered

    assert outcomes["cdse"]["status"] == "INGESTED"
    assert outcomes["cdse"]["tileGeometry"]["crs"]["properties"]["name"] == "urn:ogc:def:crs:EPSG::6933"
    assert outcomes["cdse cover"].status_code == 201
    assert outcomes["sentinel-hub"]["status"] == "FAILED"
    assert "is in EPSG:6933, not one of" in outcomes["sentinel-hub"]["additionalData"]["failedIngestionCause"]
    assert outcomes["sentinel-hub cover"].status_code == 400


def test_an_unknown_flavour_is_refused() -> None:
    with pytest.raises(ValueError, match="'sentinel-hub', 'cdse'"):
        Emulator(flavour="mars")  # type: ignore[arg-type]


# Through this package's client ----------------------------------------------------------


def test_the_client_carries_storage_identifier_through_create_get_and_update() -> None:
    import attrs
    from sentinelhub_byoc.models import Collection

    with serve(flavour="cdse") as server, client_for(server) as client:
        assert server.emulator.flavour == "cdse"
        wanted = Collection(
            name="cdse",
            s3_bucket="a1b2c3d4:my-bucket",
            additional_data=CollectionAdditionalData(storage_identifier="waw3-2"),
        )
        created = client.collections.create(wanted)
        assert created.additional_data is not None
        assert created.additional_data.storage_identifier == "waw3-2"
        fetched = client.collections.get(created.id)
        assert fetched.additional_data is not None
        assert fetched.additional_data.storage_identifier == "waw3-2"
        updated = client.collections.update(attrs.evolve(fetched, name="cdse renamed"))
        assert updated.name == "cdse renamed"
        assert updated.additional_data is not None
        assert updated.additional_data.storage_identifier == "waw3-2"


def test_the_client_reads_ingestion_start(emu: Emulator) -> None:
    with client_for(emu) as client:
        collection = client.collections.create(name="c", s3_bucket="test-bucket")
        tile = client.tiles.create(collection, "scene")
        assert tile.ingestion_start is None
        emu.wait_idle()
        done = client.tiles.get(collection, tile)
        assert done.ingestion_start is not None
        assert done.created is not None
        assert done.created <= done.ingestion_start
        assert "ingestionStart" not in done.extra


#: A square in EPSG:6933 (the equal-area grid CDSE also takes), in metres.
SQUARE_6933 = {
    "type": "Polygon",
    "coordinates": [
        [[1_000_000, 5_000_000], [1_010_000, 5_000_000], [1_010_000, 5_010_000], [1_000_000, 5_000_000]]
    ],
}


def test_a_cdse_client_sends_a_cover_in_epsg_6933() -> None:
    from sentinelhub_byoc.testing import Emulator, client_for

    with Emulator(flavour="cdse") as emulator, client_for(emulator) as client:
        assert client.deployment.cdse
        collection = client.collections.create(name="c", s3_bucket="a1b2c3d4:bucket")
        tile = client.tiles.create(
            collection, "t/(BAND).tif", cover_geometry=as_geometry(SQUARE_6933, crs=6933)
        )
        assert tile.cover_geometry is not None


def test_a_sentinel_hub_client_refuses_a_cover_in_epsg_6933_before_sending() -> None:
    from sentinelhub_byoc import ValidationError
    from sentinelhub_byoc.testing import Emulator, client_for

    with Emulator() as emulator, client_for(emulator) as client:
        collection = client.collections.create(name="c", s3_bucket="bucket")
        before = len(emulator.requests)
        with pytest.raises(ValidationError, match="6933"):
            client.tiles.create(collection, "t/(BAND).tif", cover_geometry=as_geometry(SQUARE_6933, crs=6933))
        assert len(emulator.requests) == before


def test_only_the_cdse_flavour_refuses_palette_files(
    cdse: Emulator, cdse_api: httpx.Client, emu: Emulator, api: httpx.Client
) -> None:
    case = CASES_BY_NAME["palette-on-cdse"]
    statuses = {}
    for emulator, client in ((cdse, cdse_api), (emu, api)):
        case.write(emulator.bucket_dir("test-bucket"))
        created = new_collection(client)
        tile = new_tile(client, created["id"], path=case.tile)
        emulator.wait_idle()
        answer = _tile(client, created["id"], tile["id"])
        statuses[emulator.flavour] = (
            answer["status"],
            answer.get("additionalData", {}).get("failedIngestionCause"),
        )
    assert statuses["cdse"][0] == "FAILED"
    assert case.cause is not None
    assert case.cause in statuses["cdse"][1]
    assert statuses[emu.flavour][0] == "INGESTED"
