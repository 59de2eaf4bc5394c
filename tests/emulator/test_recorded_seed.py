"""Seeds of recorded answers: served back member for member, then moved on only by real changes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from sentinelhub_byoc.testing import Emulator, ManualClock

from tests.emulator import _recorded as recorded
from tests.emulator._emulator_helpers import get_token

rasterio = pytest.importorskip("rasterio")

COLLECTIONS = "/api/v1/byoc/collections"
MAPS = f"{COLLECTIONS}/{recorded.COLLECTION_ID}"


def _write_8bit_cog(path: Path) -> None:
    """A 512-pixel UTM 33N COG of bytes made by GDAL's COG driver (one overview of 20 m)."""
    from rasterio.transform import from_origin

    path.parent.mkdir(parents=True, exist_ok=True)
    data = (np.arange(512 * 512) % 250 + 1).astype("uint8").reshape(1, 512, 512)
    profile = {
        "driver": "COG",
        "width": 512,
        "height": 512,
        "count": 1,
        "dtype": "uint8",
        "crs": "EPSG:32633",
        "transform": from_origin(450_000.0, 5_150_000.0, 10.0, 10.0),
        "BLOCKSIZE": 256,
        "COMPRESS": "DEFLATE",
    }
    with rasterio.open(path, "w", **profile) as dataset:
        dataset.write(data)


@pytest.fixture
def bucket(tmp_path: Path) -> Path:
    folder = tmp_path / "bucket"
    folder.mkdir()
    return folder


@pytest.fixture
def emulator(tmp_path: Path, bucket: Path) -> Iterator[Emulator]:
    seed = recorded.seed()
    seed["buckets"] = {recorded.BUCKET: str(bucket)}
    with Emulator(clock=ManualClock(), data_dir=tmp_path / "other", seed=seed) as emulator:
        yield emulator


@pytest.fixture
def api(emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(transport=emulator.transport(), base_url="http://emulator.test") as client:
        client.headers["Authorization"] = f"Bearer {get_token(client)}"
        yield client


def _data(api: httpx.Client, path: str) -> Any:
    response = api.get(path)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def _tile(api: httpx.Client, tile_id: str) -> dict[str, Any]:
    return dict(_data(api, f"{MAPS}/tiles/{tile_id}"))


def test_every_collection_and_tile_comes_back_member_for_member(api: httpx.Client) -> None:
    collection = recorded.collection()
    # The record without an accountId gets the account's, and nothing else.
    empty = {**recorded.empty_collection(), "accountId": recorded.ACCOUNT_ID}
    assert _data(api, MAPS) == collection
    assert _data(api, f"{COLLECTIONS}/{recorded.EMPTY_COLLECTION_ID}") == empty
    assert _data(api, COLLECTIONS) == [collection, empty]
    assert _data(api, f"{MAPS}/tiles") == recorded.tiles()
    for tile in recorded.tiles():
        assert _tile(api, tile["id"]) == tile
    # The answers' text too: member order and number spelling as recorded.
    raw = api.get(f"{MAPS}/tiles/{recorded.INGESTED_ID}").content
    assert raw == json.dumps({"data": recorded.tiles()[0]}, separators=(",", ":")).encode()
    assert _data(api, f"{MAPS}/tiles?status=FAILED") == recorded.tiles()[1:2]
    assert _data(api, f"{MAPS}/tiles?path=maps/next_(BAND).tiff") == recorded.tiles()[2:]


def test_a_recorded_tile_stays_in_its_status_until_changed(api: httpx.Client, emulator: Emulator) -> None:
    assert isinstance(emulator.clock, ManualClock)
    emulator.clock.advance(600)
    emulator.wait_idle()
    assert _tile(api, recorded.WAITING_ID)["status"] == "WAITING"


def test_updates_change_only_what_they_set(api: httpx.Client) -> None:
    collection = recorded.collection()
    # sentinelhub-py's way: send back what was read, read-only members, unknown ones and all.
    # Bands recorded without sampleFormat, sent back as read, keep theirs.
    sent = {**collection, "name": "Renamed"}
    assert api.put(MAPS, json=sent).status_code == 204
    assert _data(api, MAPS) == {**collection, "name": "Renamed"}

    ingested = recorded.tiles()[0]
    changed = {**ingested, "sensingTime": "2021-03-01T10:20:30Z"}
    assert api.put(f"{MAPS}/tiles/{recorded.INGESTED_ID}", json=changed).status_code == 204
    # The service's own spelling of the new time; the cover sent back as it was stays as recorded.
    assert _tile(api, recorded.INGESTED_ID) == {**ingested, "sensingTime": "2021-03-01T10:20:30.000000Z"}
    # The tile's sensing time is the collection's to derive from now on.
    additional = _data(api, MAPS)["additionalData"]
    assert additional["hasSensingTimes"] == "YES"
    assert additional["fromSensingTime"] == "2021-03-01T10:20:30.000000Z"
    assert additional["bands"] == collection["additionalData"]["bands"]


def test_a_reingest_reads_the_bucket_and_the_collection_moves_on(
    api: httpx.Client, emulator: Emulator, bucket: Path
) -> None:
    _write_8bit_cog(bucket / "maps" / "region_region.tiff")
    assert api.post(f"{MAPS}/tiles/{recorded.INGESTED_ID}/reingest").status_code == 204
    waiting = _tile(api, recorded.INGESTED_ID)
    assert waiting["status"] == "WAITING"
    assert "ingestionStart" not in waiting
    assert "additionalData" not in waiting
    emulator.wait_idle()
    tile = _tile(api, recorded.INGESTED_ID)
    assert tile["status"] == "INGESTED", tile
    assert (tile["created"], tile["sensingTime"]) == ("2021-03-04T08:15:42.518000Z", None)
    assert tile["additionalData"] == {"minMetersPerPixel": 10.0, "maxMetersPerPixel": 20.0}
    assert tile["tileGeometry"]["coordinates"][0][0] == [450_000.0, 5_144_880.0]
    assert tile["ingestionStart"] > recorded.tiles()[0]["ingestionStart"]
    collection = _data(api, MAPS)
    additional = collection["additionalData"]
    assert additional["maxMetersPerPixel"] == 5 * 20.0
    # The tile keeps its cover, which the service sent; the extent worked out from it again is
    # the recorded one, to the last of its nine decimals.
    assert additional["extent"] == recorded.collection()["additionalData"]["extent"]
    # What no tile change touches stays as recorded.
    assert additional["bands"] == recorded.collection()["additionalData"]["bands"]
    assert collection["userId"] == recorded.collection()["userId"]

    # The tile recorded as failed has no file: it fails again, saying why.
    assert api.post(f"{MAPS}/tiles/{recorded.FAILED_ID}/reingest").status_code == 204
    emulator.wait_idle()
    failed = _tile(api, recorded.FAILED_ID)
    assert failed["status"] == "FAILED"
    assert failed["additionalData"]["failedIngestionCause"] != recorded.tiles()[1]["additionalData"]


def test_deletes_remove_them(api: httpx.Client) -> None:
    assert api.delete(f"{MAPS}/tiles/{recorded.INGESTED_ID}").status_code == 204
    assert api.get(f"{MAPS}/tiles/{recorded.INGESTED_ID}").status_code == 404
    assert _data(api, f"{MAPS}/tiles") == recorded.tiles()[1:]
    additional = _data(api, MAPS)["additionalData"]
    # No ingested tile is left: nothing to derive an extent or a resolution from.
    assert "extent" not in additional
    assert "maxMetersPerPixel" not in additional
    assert additional["hasSensingTimes"] == "NO"
    assert api.delete(MAPS).status_code == 204
    assert api.get(MAPS).status_code == 404
    assert [c["id"] for c in _data(api, COLLECTIONS)] == [recorded.EMPTY_COLLECTION_ID]


def test_new_tiles_are_the_emulators_own(api: httpx.Client, emulator: Emulator, bucket: Path) -> None:
    _write_8bit_cog(bucket / "later" / "region_region.tiff")
    created = api.post(f"{MAPS}/tiles", json={"path": "later/region_(BAND).tiff"})
    assert created.status_code == 201
    emulator.wait_idle()
    assert _tile(api, created.json()["data"]["id"])["status"] == "INGESTED"
    # Recorded tiles stay as they were; the collection's derived members are worked out again.
    assert _data(api, f"{MAPS}/tiles")[:3] == recorded.tiles()
    assert _data(api, MAPS)["additionalData"]["maxMetersPerPixel"] == 5 * 160.0


def test_a_copy_changes_apart_from_the_tile_it_was_copied_from(api: httpx.Client, emulator: Emulator) -> None:
    target = api.post(COLLECTIONS, json={"name": "copies", "s3Bucket": recorded.BUCKET}).json()["data"]
    copied = api.post(f"{MAPS}/copyTiles", params={"toCollection": target["id"]})
    assert copied.status_code == 204
    (copy,) = _data(api, f"{COLLECTIONS}/{target['id']}/tiles")
    original = recorded.tiles()[0]
    # What the files gave the tile comes with it; the copy's own id, time and status are new.
    assert copy["additionalData"] == original["additionalData"]
    assert copy["coverGeometry"] == original["coverGeometry"]
    assert copy["id"] != original["id"]
    assert api.post(f"{COLLECTIONS}/{target['id']}/tiles/{copy['id']}/reingest").status_code == 204
    emulator.wait_idle()
    reingested = _data(api, f"{COLLECTIONS}/{target['id']}/tiles/{copy['id']}")
    # No file in the bucket: the copy fails, and the tile it was copied from stays as recorded.
    assert reingested["status"] == "FAILED"
    assert _tile(api, recorded.INGESTED_ID) == original


def test_a_copys_record_is_its_own() -> None:
    from sentinelhub_byoc.testing._collections import State
    from sentinelhub_byoc.testing._lifecycle import IngestionDelays
    from sentinelhub_byoc.testing._recorded import TILE_RUN, forget
    from sentinelhub_byoc.testing._replay import read_tile

    state = State(ManualClock(), IngestionDelays(), lambda bucket: None)  # type: ignore[arg-type,return-value]
    source, target = (state.add_collection("account", name, recorded.BUCKET) for name in ("source", "target"))
    tile = state.add_recorded_tile(source, read_tile(recorded.tiles()[0], None))
    copy = state.copy_tile(tile, target)
    forget(copy.recorded, TILE_RUN)
    assert tile.recorded is not None
    assert tile.recorded["additionalData"] == recorded.tiles()[0]["additionalData"]


def test_recorded_answers_are_kept_in_the_state_folder(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with Emulator(state_dir=state, seed=recorded.seed()) as first:
        assert [created for _, _, created in first.seeded] == [True, True]
        first.settle()
    with Emulator(state_dir=state, seed=recorded.seed()) as second:
        assert [created for _, _, created in second.seeded] == [False, False]
        second.settle()
        with httpx.Client(transport=second.transport(), base_url="http://emulator.test") as client:
            client.headers["Authorization"] = f"Bearer {get_token(client)}"
            assert _data(client, MAPS) == recorded.collection()
            assert _data(client, f"{MAPS}/tiles") == recorded.tiles()


def _one_line(seed: dict[str, Any]) -> str:
    from sentinelhub_byoc.testing import SeedError

    with pytest.raises(SeedError) as raised:
        Emulator(seed=seed)
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_a_record_that_contradicts_itself_is_one_line_naming_the_entry() -> None:
    outside = recorded.seed()
    tile = outside["collections"][0]["tiles"][0]
    tile["coverGeometry"]["coordinates"][0][0] = [
        [x + 200_000, y] for x, y in tile["coverGeometry"]["coordinates"][0][0]
    ]
    assert "collections[0].tiles[0]: the tile" in _one_line(outside)
    assert "outside its collection's extent" in _one_line(outside)

    twice = recorded.seed()
    twice["collections"][0]["tiles"][1]["path"] = "maps/region_(BAND).tiff"
    assert _one_line(twice).startswith(
        "collections[0].tiles[1].path: 'maps/region_(BAND).tiff' is listed twice"
    )

    same_id = recorded.seed()
    same_id["collections"][1]["tiles"] = [recorded.tiles()[2]]
    assert _one_line(same_id).startswith(
        f"collections[1].tiles[0].id: {recorded.WAITING_ID} is also the id of"
    )

    two_accounts = recorded.seed()
    two_accounts["collections"][1]["accountId"] = "11111111-2222-4333-8444-555555555555"
    assert _one_line(two_accounts).startswith("collections[1].accountId:")

    bad_status = recorded.seed()
    bad_status["collections"][0]["tiles"][0]["status"] = "DONE"
    assert _one_line(bad_status).startswith("collections[0].tiles[0].status: must be one of")

    bad_band = recorded.seed()
    bad_band["collections"][0]["additionalData"]["bands"]["region"]["bitDepth"] = 12
    assert _one_line(bad_band).startswith("collections[0].additionalData.bands:")


def test_values_json_cannot_hold_are_refused() -> None:
    not_a_number = recorded.seed()
    not_a_number["collections"][0]["tiles"][0]["additionalData"]["minMetersPerPixel"] = float("nan")
    assert _one_line(not_a_number).startswith(
        "collections[0].tiles[0].additionalData.minMetersPerPixel: nan is not a JSON number"
    )


def test_a_record_without_additional_data_is_taken() -> None:
    bare = recorded.seed()
    bare["collections"][1]["additionalData"] = None
    with Emulator(seed=bare) as emulator:
        assert emulator.collection_snapshot(recorded.EMPTY_COLLECTION_ID)["additionalData"] is None


def test_a_stale_extent_is_allowed_when_the_record_says_so() -> None:
    stale = recorded.seed()
    stale["collections"][0]["requiresMetadataUpdate"] = True
    stale["collections"][0]["additionalData"]["extent"]["coordinates"][0] = [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
    ]
    with Emulator(seed=stale) as emulator:
        assert emulator.seeded[0][2]


@pytest.mark.byoc_seed(recorded.seed())
def test_the_pytest_marker_seeds_the_fixture(byoc_emulator: Emulator) -> None:
    assert byoc_emulator.collection_snapshot(recorded.COLLECTION_ID) == recorded.collection()


@pytest.mark.byoc_seed("data/recorded-seed.json")
def test_the_marker_takes_a_file_next_to_the_test(byoc_emulator: Emulator) -> None:
    assert byoc_emulator.collection_snapshot(recorded.COLLECTION_ID) == recorded.collection()


@pytest.mark.parametrize("byoc_emulator", [recorded.seed()], indirect=True)
def test_the_fixture_takes_a_seed_as_its_parameter(byoc_emulator_server: Any) -> None:
    from sentinelhub_byoc.testing import client_for

    with client_for(byoc_emulator_server) as client:
        tiles = list(client.tiles.list(recorded.COLLECTION_ID))
    assert [tile.as_received() for tile in tiles] == recorded.tiles()
