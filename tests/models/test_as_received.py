"""``as_received()``: the JSON object a model was read from, exactly as the service sent it."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import attrs
import httpx
from sentinelhub_byoc import BYOCClient, Deployment
from sentinelhub_byoc.models import Collection, Tile, TileAdditionalData

COLLECTION_ID = "0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"
TILE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
DEPLOYMENT = Deployment.custom("https://byoc.test", token_url="https://byoc.test/token")

TILE: dict[str, Any] = {
    "id": TILE_ID,
    "path": "2020/06/22/(BAND).tif",
    "status": "INGESTED",
    "sensingTime": "2020-06-22T10:00:31Z",
    "created": "2020-06-22T12:33:36.081000Z",
    "ingestionStart": "2020-06-22T12:33:40+00:00",
    "tileGeometry": {
        "type": "Polygon",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}},
        "coordinates": [[[399960, 5000040], [409800.0, 5000040], [409800.0, 5009880], [399960, 5000040]]],
    },
    "additionalData": {"minMetersPerPixel": 10, "maxMetersPerPixel": 160.0, "newNested": [1, {"a": None}]},
    "aMemberNoModelKnows": {"deep": [True, 1.5e-7]},
}


def _client(body: dict[str, Any]) -> BYOCClient:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=json.dumps(body).encode())

    return BYOCClient(access_token="t", deployment=DEPLOYMENT, transport=httpx.MockTransport(answer))


def test_a_tile_read_from_an_answer_comes_back_as_sent() -> None:
    with _client({"data": TILE}) as client:
        tile = client.tiles.get(COLLECTION_ID, TILE_ID)
    # Reading every field first must not change what comes back.
    assert tile.created == datetime(2020, 6, 22, 12, 33, 36, 81000, tzinfo=UTC)
    assert tile.tile_geometry is not None
    received = tile.as_received()
    assert received == TILE
    assert list(received) == list(TILE)  # in the order sent
    assert received["created"] == "2020-06-22T12:33:36.081000Z"
    # to_dict() writes its own forms: that is what as_received() is for.
    assert tile.to_dict()["created"] != TILE["created"]


def test_nested_models_and_listed_items_come_back_as_sent() -> None:
    with _client({"data": [TILE, {"id": TILE_ID, "path": "p", "extra": 1}], "links": {}}) as client:
        first, second = client.tiles.list(COLLECTION_ID)
    assert first.as_received() == TILE
    assert second.as_received() == {"id": TILE_ID, "path": "p", "extra": 1}
    assert first.additional_data is not None
    assert first.additional_data.as_received() == TILE["additionalData"]


def test_a_collection_comes_back_as_sent() -> None:
    sent = {"id": COLLECTION_ID, "name": "c", "s3Bucket": "b", "noData": 0, "created": "2024-01-01T00:00:00Z"}
    with _client({"data": sent}) as client:
        assert client.collections.get(COLLECTION_ID).as_received() == sent


def test_the_result_is_a_copy() -> None:
    tile = Tile.from_dict(copy.deepcopy(TILE))
    received = tile.as_received()
    assert received is not None
    received["path"] = "changed"
    received["tileGeometry"]["coordinates"][0].clear()
    received["aMemberNoModelKnows"]["deep"].append("more")
    assert tile.as_received() == TILE
    assert tile.path == TILE["path"]


def test_a_model_made_in_code_was_received_from_nothing() -> None:
    assert Tile(path="a/(BAND).tif").as_received() is None
    assert TileAdditionalData(warnings="w").as_received() is None
    assert Collection(name="c", s3_bucket="b").as_received() is None
    read = Tile.from_dict(TILE)
    assert attrs.evolve(read, path="b/(BAND).tif").as_received() is None


def test_any_depth_is_copied() -> None:
    deep: Any = "bottom"
    for _ in range(5_000):
        deep = {"down": [deep]}
    tile = Tile.from_dict({"path": "p", "deep": deep})
    received = tile.as_received()
    assert received is not None
    node = received["deep"]
    for _ in range(5_000):
        node = node["down"][0]
    assert node == "bottom"
