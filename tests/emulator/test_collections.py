"""Collection operations under both prefixes."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping

import httpx
import pytest

from tests.emulator._emulator_helpers import error_code, new_collection, new_tile

BANDS = {
    "B1": {"bitDepth": 16, "sampleFormat": "UINT"},
    "B2": {"bitDepth": 16, "sampleFormat": "UINT", "noData": 0},
}
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def test_create_and_get(api: httpx.Client, prefix: str) -> None:
    created = new_collection(api, prefix, additionalData={"bands": BANDS})
    uuid.UUID(created["id"])
    assert created["isConfigured"] is True
    assert ISO_Z.match(created["created"])
    assert created["additionalData"]["bands"]["B1"] == {
        "bitDepth": 16,
        "sampleFormat": "UINT",
        "bandIndex": 1,
    }
    fetched = api.get(f"{prefix}/collections/{created['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["data"] == created


def test_read_only_fields_are_ignored(api: httpx.Client) -> None:
    created = new_collection(
        api,
        id="00000000-0000-0000-0000-000000000000",
        accountId="x",
        created="1999-01-01T00:00:00Z",
        isConfigured=True,
        requiresMetadataUpdate=True,
        additionalData={"extent": {"type": "Polygon"}, "hasSensingTimes": "YES"},
    )
    assert created["id"] != "00000000-0000-0000-0000-000000000000"
    assert created["isConfigured"] is False
    assert "extent" not in created["additionalData"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"s3Bucket": "test-bucket"}, "'name' is required"),
        ({"name": "x"}, "'s3Bucket' is required"),
        ({"name": "x", "s3Bucket": "Bad_Bucket"}, "not a valid S3 bucket name"),
        ({"name": "x", "s3Bucket": "b-1", "noData": "zero"}, "'noData' must be a number"),
        (
            {"name": "x", "s3Bucket": "b-1", "additionalData": {"bands": {"1x": BANDS["B1"]}}},
            "valid JavaScript identifier",
        ),
        (
            {
                "name": "x",
                "s3Bucket": "b-1",
                "additionalData": {"bands": {"B": {"bitDepth": 12, "sampleFormat": "UINT"}}},
            },
            "bitDepth' must be 8, 16 or 32",
        ),
        (
            {
                "name": "x",
                "s3Bucket": "b-1",
                "additionalData": {"bands": {"B": {"bitDepth": 8, "sampleFormat": "BYTE"}}},
            },
            "sampleFormat' must be UINT, INT or FLOAT",
        ),
        (
            {"name": "x", "s3Bucket": "b-1", "noData": 0, "additionalData": {"bands": BANDS}},
            "either per band or per collection",
        ),
        (
            {
                "name": "x",
                "s3Bucket": "b-1",
                "additionalData": {"bands": {f"B{i}": BANDS["B1"] for i in range(101)}},
            },
            "at most 100 bands",
        ),
    ],
)
def test_create_validation(api: httpx.Client, body: dict[str, object], fragment: str) -> None:
    response = api.post("/byoc/v1/collections", json=body)
    assert response.status_code == 400
    assert error_code(response) == "COMMON_BAD_PAYLOAD"
    error = response.json()["error"]
    assert error["status"] == 400
    assert error["reason"] == "Bad Request"
    assert fragment in error["message"]


def test_malformed_json_and_wrong_media_type(api: httpx.Client) -> None:
    response = api.post("/byoc/v1/collections", content=b"{", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]["message"]
    response = api.post("/byoc/v1/collections", content=b"x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


def test_missing_and_malformed_ids(api: httpx.Client, prefix: str) -> None:
    missing = api.get(f"{prefix}/collections/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert error_code(missing) == "COMMON_NOT_FOUND"
    malformed = api.get(f"{prefix}/collections/not-a-uuid")
    assert malformed.status_code == 400
    assert "collection id" in malformed.json()["error"]["message"]


def test_unknown_route_and_method(api: httpx.Client) -> None:
    assert api.get("/byoc/v1/nothing").status_code == 404
    response = api.patch(f"/byoc/v1/collections/{uuid.uuid4()}")
    assert response.status_code == 405
    assert error_code(response) == "COMMON_METHOD_NOT_ALLOWED"


def test_query_paginates_and_searches(api: httpx.Client, prefix: str) -> None:
    names = ["alpha one", "beta two", "alpha three", "gamma"]
    ids = [new_collection(api, prefix, name=name)["id"] for name in names]
    first = api.get(f"{prefix}/collections", params={"count": 3}).json()
    assert [c["id"] for c in first["data"]] == ids[:3]
    assert first["links"]["next"].startswith("http://emulator.test" + prefix)
    second = api.get(first["links"]["next"]).json()
    assert [c["id"] for c in second["data"]] == ids[3:]
    assert "next" not in second["links"]
    assert second["links"]["currentToken"] == first["links"]["nextToken"]

    def search(query: str) -> list[str]:
        return [c["name"] for c in api.get(f"{prefix}/collections", params={"search": query}).json()["data"]]

    assert search("alpha") == ["alpha one", "alpha three"]
    assert search("alpha&three") == ["alpha three"]
    assert search("gamma|beta") == ["beta two", "gamma"]
    assert search("ALPHA & one | gamma") == ["alpha one", "gamma"]
    assert search(ids[1]) == ["beta two"]
    assert search("zeta") == []


@pytest.mark.parametrize("bad", ["0", "101", "x"])
def test_query_count_bounds(api: httpx.Client, bad: str) -> None:
    response = api.get("/byoc/v1/collections", params={"count": bad})
    assert response.status_code == 400
    assert "1 to 100" in response.json()["error"]["message"]


def test_bad_viewtoken(api: httpx.Client) -> None:
    response = api.get("/byoc/v1/collections", params={"viewtoken": "garbage!"})
    assert response.status_code == 400
    assert "viewtoken" in response.json()["error"]["message"]


def test_update_without_tiles_replaces_everything(api: httpx.Client, prefix: str) -> None:
    created = new_collection(api, prefix, noData=5, additionalData={"bands": {"B1": BANDS["B1"]}})
    url = f"{prefix}/collections/{created['id']}"
    response = api.put(
        url,
        json={"name": "renamed", "s3Bucket": "other-bucket", "additionalData": {"bands": {"X": BANDS["B1"]}}},
    )
    assert response.status_code == 204
    data = api.get(url).json()["data"]
    assert data["name"] == "renamed"
    assert data["s3Bucket"] == "other-bucket"
    assert "noData" not in data  # omitted noData deletes the old value
    assert list(data["additionalData"]["bands"]) == ["X"]


def test_update_without_additional_data_keeps_bands(api: httpx.Client) -> None:
    created = new_collection(api, additionalData={"bands": BANDS})
    url = f"/byoc/v1/collections/{created['id']}"
    assert api.put(url, json={"name": "n", "s3Bucket": "test-bucket"}).status_code == 204
    assert api.get(url).json()["data"]["additionalData"]["bands"] == created["additionalData"]["bands"]


def test_band_rules_once_the_collection_has_tiles(api: httpx.Client) -> None:
    created = new_collection(api, additionalData={"bands": BANDS})
    url = f"/byoc/v1/collections/{created['id']}"
    new_tile(api, created["id"], path="t1")

    def put(bands: Mapping[str, object], bucket: str = "test-bucket") -> httpx.Response:
        return api.put(url, json={"name": "n", "s3Bucket": bucket, "additionalData": {"bands": bands}})

    added = put({**BANDS, "B3": BANDS["B1"]})
    assert added.status_code == 400
    assert "cannot be added" in added.json()["error"]["message"]
    changed = put({"B1": {"bitDepth": 8, "sampleFormat": "UINT"}, "B2": BANDS["B2"]})
    assert changed.status_code == 400
    assert "cannot change" in changed.json()["error"]["message"]
    emptied = put({})
    assert emptied.status_code == 400
    assert "empty collection" in emptied.json()["error"]["message"]
    moved = put(BANDS, bucket="other-bucket")
    assert moved.status_code == 400
    assert "s3Bucket" in moved.json()["error"]["message"]

    renamed = put({"red": BANDS["B1"], "B2": {**BANDS["B2"], "noData": 7}})
    assert renamed.status_code == 204
    bands = api.get(url).json()["data"]["additionalData"]["bands"]
    assert bands["red"]["source"] == "B1"  # the renamed band still reads B1's files
    assert bands["B2"]["noData"] == 7
    removed = put({"B2": {**BANDS["B2"], "noData": 7}})
    assert removed.status_code == 204
    assert list(api.get(url).json()["data"]["additionalData"]["bands"]) == ["B2"]


def test_delete_collection(api: httpx.Client, prefix: str) -> None:
    created = new_collection(api, prefix)
    new_tile(api, created["id"], prefix, path="a")
    url = f"{prefix}/collections/{created['id']}"
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert api.delete(url).status_code == 404


def test_copy_tiles_errors(api: httpx.Client) -> None:
    source = new_collection(api, additionalData={"bands": BANDS})
    other = new_collection(api, additionalData={"bands": {"B1": BANDS["B1"]}})
    url = f"/byoc/v1/collections/{source['id']}/copyTiles"
    assert api.post(url).status_code == 400
    assert api.post(url, params={"toCollection": "nope"}).status_code == 400
    assert api.post(url, params={"toCollection": str(uuid.uuid4())}).status_code == 404
    mismatch = api.post(url, params={"toCollection": other["id"]})
    assert mismatch.status_code == 400
    assert "same band names" in mismatch.json()["error"]["message"]
