"""Tile operations under both prefixes."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sentinelhub_byoc.testing import Emulator, ManualClock

from tests.emulator._emulator_helpers import error_code, new_collection, new_tile

COVER = {
    "type": "Polygon",
    "coordinates": [[[14.0, 46.0], [14.5, 46.0], [14.5, 46.5], [14.0, 46.0]]],
}


@pytest.fixture
def cid(api: httpx.Client) -> str:
    return str(new_collection(api)["id"])


def test_create_get_update_delete(api: httpx.Client, cid: str, prefix: str) -> None:
    tile = new_tile(
        api, cid, prefix, path="folder/prefix_(BAND)", sensingTime="2024-05-01T10:30:00.123456+02:00"
    )
    assert tile["status"] == "WAITING"
    # UTC, sub-milliseconds dropped, written with six fraction digits like every timestamp.
    assert tile["sensingTime"] == "2024-05-01T08:30:00.123000Z"
    url = f"{prefix}/collections/{cid}/tiles/{tile['id']}"
    assert api.get(url).json()["data"] == tile

    update = api.put(
        url, json={"coverGeometry": COVER, "sensingTime": "2023-01-01T00:00:00Z", "status": "INGESTED"}
    )
    assert update.status_code == 204
    data = api.get(url).json()["data"]
    assert data["coverGeometry"] == COVER
    assert data["sensingTime"] == "2023-01-01T00:00:00.000000Z"
    assert data["status"] == "WAITING"  # read-only

    assert api.put(url, json={}).status_code == 204
    cleared = api.get(url).json()["data"]
    assert "coverGeometry" not in cleared
    assert cleared["sensingTime"] is None

    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert api.delete(url).status_code == 404


def test_duplicate_path_is_a_conflict(api: httpx.Client, cid: str, prefix: str) -> None:
    new_tile(api, cid, prefix, path="same")
    response = api.post(f"{prefix}/collections/{cid}/tiles", json={"path": "same"})
    assert response.status_code == 409
    assert error_code(response) == "COMMON_UNIQUE_KEY_VIOLATION"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({}, "'path' is required"),
        ({"path": "/abs"}, "'path' '/abs' is invalid"),
        ({"path": "a//b"}, "is invalid"),
        ({"path": "a/"}, "is invalid"),
        ({"path": "a", "sensingTime": "yesterday"}, "not ISO 8601"),
        ({"path": "a", "coverGeometry": {"type": "Point", "coordinates": [1, 2]}}, "Polygon or MultiPolygon"),
        (
            {"path": "a", "coverGeometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}},
            "at least 4",
        ),
        (
            {
                "path": "a",
                "coverGeometry": {
                    "type": "Polygon",
                    "coordinates": [[[i * 0.01, 0] for i in range(101)] + [[0, 0]]],
                },
            },
            "at most 100",
        ),
    ],
)
def test_create_validation(api: httpx.Client, cid: str, body: dict[str, object], fragment: str) -> None:
    response = api.post(f"/byoc/v1/collections/{cid}/tiles", json=body)
    assert response.status_code == 400
    assert error_code(response) == "COMMON_BAD_PAYLOAD"
    assert fragment in response.json()["error"]["message"]


def test_cover_geometry_in_another_crs_is_stored_in_crs84(api: httpx.Client, cid: str) -> None:
    utm = {
        "type": "Polygon",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}},
        "coordinates": [[[500000, 5000000], [510000, 5000000], [510000, 5010000], [500000, 5000000]]],
    }
    tile = new_tile(api, cid, path="utm", coverGeometry=utm)
    lon, lat = tile["coverGeometry"]["coordinates"][0][0]
    assert "crs" not in tile["coverGeometry"]
    assert lon == pytest.approx(15.0, abs=1e-6)
    assert lat == pytest.approx(45.1535, abs=1e-3)


def test_unknown_collection_and_tile(api: httpx.Client, cid: str) -> None:
    assert api.post(f"/byoc/v1/collections/{uuid.uuid4()}/tiles", json={"path": "a"}).status_code == 404
    assert api.get(f"/byoc/v1/collections/{cid}/tiles/{uuid.uuid4()}").status_code == 404
    assert api.get(f"/byoc/v1/collections/{cid}/tiles/xyz").status_code == 400


def test_list_filters_and_sort(
    api: httpx.Client, cid: str, prefix: str, emu: Emulator, clock: ManualClock
) -> None:
    ids = []
    for path in ["t0", "t1", "t2"]:
        ids.append(new_tile(api, cid, prefix, path=path)["id"])
        clock.advance(0.001)
    url = f"{prefix}/collections/{cid}/tiles"
    assert [t["id"] for t in api.get(url).json()["data"]] == ids
    desc = api.get(url, params={"sort": "created:desc"}).json()["data"]
    assert [t["id"] for t in desc] == ids[::-1]
    assert [t["id"] for t in api.get(url, params={"path": "t1"}).json()["data"]] == [ids[1]]
    assert api.get(url, params={"path": "nope"}).json()["data"] == []
    assert api.get(url, params={"sort": "name"}).status_code == 400

    # Without files in the bucket, ingestion fails.
    emu.wait_idle()
    assert [t["status"] for t in api.get(url).json()["data"]] == ["FAILED"] * 3
    new_tile(api, cid, prefix, path="t3")
    for status in ("FAILED", '"FAILED"'):
        assert len(api.get(url, params={"status": status}).json()["data"]) == 3
    assert len(api.get(url, params={"status": "WAITING"}).json()["data"]) == 1
    assert api.get(url, params={"status": "DONE"}).status_code == 400


def test_list_desc_pages(api: httpx.Client, cid: str, emu: Emulator) -> None:
    ids = emu.add_tiles(cid, [f"p{i}" for i in range(7)])
    url = f"/byoc/v1/collections/{cid}/tiles"
    seen: list[str] = []
    page = api.get(url, params={"count": 3, "sort": "created:desc"}).json()
    while True:
        seen += [t["id"] for t in page["data"]]
        if "next" not in page["links"]:
            break
        page = api.get(page["links"]["next"]).json()
    assert seen == ids[::-1]


def test_reingest_restarts_the_lifecycle(api: httpx.Client, cid: str, emu: Emulator, prefix: str) -> None:
    tile = new_tile(api, cid, prefix, path="t")
    emu.wait_idle()
    url = f"{prefix}/collections/{cid}/tiles/{tile['id']}"
    failed = api.get(url).json()["data"]
    assert failed["status"] == "FAILED"
    assert failed["additionalData"]["failedIngestionCause"]
    assert api.post(f"{url}/reingest").status_code == 204
    again = api.get(url).json()["data"]
    assert again["status"] == "WAITING"
    assert "additionalData" not in again
    assert api.post(f"{prefix}/collections/{cid}/tiles/{uuid.uuid4()}/reingest").status_code == 404
