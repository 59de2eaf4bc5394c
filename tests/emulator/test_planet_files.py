"""The three file operations of Planet-delivered collections."""

from __future__ import annotations

import httpx
import pytest
from sentinelhub_byoc.testing import Emulator

from tests.emulator._emulator_helpers import new_collection, new_tile

CONTENT = bytes(range(256)) * 4


@pytest.fixture
def planet_tile(api: httpx.Client, emu: Emulator) -> str:
    cid = new_collection(api)["id"]
    emu.mark_planet(cid)
    folder = emu.bucket_dir("test-bucket") / "order1"
    (folder / "sub").mkdir(parents=True)
    (folder / "scene.tif").write_bytes(CONTENT)
    (folder / "scene_metadata.json").write_text("{}")
    (folder / "sub" / "udm2.tif").write_bytes(b"x")
    tile = new_tile(api, cid, path="order1")
    return f"/api/v1/byoc/collections/{cid}/tiles/{tile['id']}/files"


def test_list_files(api: httpx.Client, planet_tile: str) -> None:
    response = api.get(planet_tile)
    assert response.status_code == 200
    assert response.json() == ["scene.tif", "scene_metadata.json", "sub/udm2.tif"]


def test_get_whole_and_ranged(api: httpx.Client, planet_tile: str) -> None:
    whole = api.get(f"{planet_tile}/scene.tif")
    assert whole.status_code == 200
    assert whole.content == CONTENT
    part = api.get(f"{planet_tile}/scene.tif", headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.content == CONTENT[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(CONTENT)}"
    tail = api.get(f"{planet_tile}/scene.tif", headers={"Range": "bytes=1000-"})
    assert tail.content == CONTENT[1000:]
    suffix = api.get(f"{planet_tile}/scene.tif", headers={"Range": "bytes=-4"})
    assert suffix.content == CONTENT[-4:]
    nested = api.get(f"{planet_tile}/sub/udm2.tif")
    assert nested.content == b"x"


def test_unsatisfiable_range(api: httpx.Client, planet_tile: str) -> None:
    response = api.get(f"{planet_tile}/scene.tif", headers={"Range": "bytes=5000-6000"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(CONTENT)}"


def test_head_gives_the_length(api: httpx.Client, planet_tile: str) -> None:
    response = api.head(f"{planet_tile}/scene.tif")
    assert response.status_code == 200
    assert response.headers["Content-Length"] == str(len(CONTENT))


def test_missing_file_and_escape(api: httpx.Client, planet_tile: str) -> None:
    assert api.get(f"{planet_tile}/nope.tif").status_code == 404
    assert api.head(f"{planet_tile}/nope.tif").status_code == 404
    assert api.get(f"{planet_tile}/sub/../../secret").status_code == 404


def test_non_planet_collection_has_no_files(api: httpx.Client, emu: Emulator) -> None:
    cid = new_collection(api)["id"]
    tile = new_tile(api, cid, path="order1")
    response = api.get(f"/byoc/v1/collections/{cid}/tiles/{tile['id']}/files")
    assert response.status_code == 404
    assert "Planet" in response.json()["error"]["message"]
