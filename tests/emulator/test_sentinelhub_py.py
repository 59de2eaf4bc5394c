"""sentinelhub-py, the incumbent client, used as its documentation shows against the emulator.

Nothing of sentinelhub-py is patched: it gets an ``SHConfig`` pointing at the emulator served
over loopback and sends what it always sends (bodies padded with nulls, read-only members
echoed back, its own paging).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sentinelhub import (
    CRS,
    ByocCollection,
    ByocCollectionAdditionalData,
    ByocCollectionBand,
    ByocTile,
    Geometry,
    SentinelHubBYOC,
    SHConfig,
)
from sentinelhub_byoc.testing import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    Emulator,
    EmulatorServer,
    ManualClock,
    serve,
)
from sentinelhub_byoc.testing.cogs import write_cog
from shapely import geometry as shapely_geometry

BUCKET = "sh-py-bucket"
# 256 x 256 pixels of 10 m in UTM zone 33N.
UTM_BOUNDS = (500000.0, 5000000.0, 502560.0, 5002560.0)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmulatorServer]:
    # A manual clock moves only on wait_idle(), so statuses do not change between two calls.
    emulator = Emulator(clock=ManualClock(), data_dir=tmp_path / "buckets")
    with emulator, serve(emulator) as running:
        yield running


@pytest.fixture
def emulator(server: EmulatorServer) -> Emulator:
    return server.emulator


def _byoc(server: EmulatorServer) -> SentinelHubBYOC:
    config = SHConfig(
        use_defaults=True,
        sh_client_id=DEMO_CLIENT_ID,
        sh_client_secret=DEMO_CLIENT_SECRET,
        sh_base_url=server.base_url,
        sh_token_url=server.token_url,
        max_download_attempts=1,
    )
    return SentinelHubBYOC(config=config)


@pytest.fixture(autouse=True)
def _token_over_http(monkeypatch: pytest.MonkeyPatch) -> None:
    # oauthlib refuses to fetch a token over plain http unless told that this is on purpose; the
    # emulator serves http on loopback.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def byoc(server: EmulatorServer) -> SentinelHubBYOC:
    return _byoc(server)


def _scene(emulator: Emulator, folder: str) -> None:
    array = np.arange(256 * 256, dtype="uint16").reshape(256, 256)
    for band in ("B01", "B02"):
        write_cog(emulator.bucket_dir(BUCKET) / folder / f"{band}.tiff", array, epsg=32633, bounds=UTM_BOUNDS)


def test_collections_are_created_updated_and_deleted(byoc: SentinelHubBYOC) -> None:
    created = byoc.create_collection(ByocCollection(name="sentinelhub-py", s3_bucket=BUCKET))
    collection = ByocCollection.from_dict(created)
    assert collection.collection_id is not None
    assert collection.created is not None

    collection.name = "renamed"
    collection.additional_data = ByocCollectionAdditionalData(
        bands={"B01": ByocCollectionBand(bit_depth=16), "B02": ByocCollectionBand(bit_depth=16)}
    )
    byoc.update_collection(collection)
    fetched = ByocCollection.from_dict(byoc.get_collection(collection.collection_id))
    assert fetched.name == "renamed"
    assert fetched.additional_data is not None
    assert fetched.additional_data.bands is not None
    assert set(fetched.additional_data.bands) == {"B01", "B02"}
    assert fetched.additional_data.bands["B01"].sample_format == "UINT"

    # Sending back what was read, read-only members and all, changes nothing.
    byoc.update_collection(fetched)
    assert byoc.get_collection(fetched.collection_id)["name"] == "renamed"

    byoc.delete_collection(fetched)
    ids = {item["id"] for item in byoc.iter_collections()}
    assert fetched.collection_id not in ids


def test_paging_and_filters_past_one_hundred_items(byoc: SentinelHubBYOC, emulator: Emulator) -> None:
    # Most items are made directly in the emulator: it is the paging that is under test here.
    for index in range(101):
        emulator.create_collection(f"many {index:03d}", BUCKET)
    byoc.create_collection(ByocCollection(name="many 101", s3_bucket=BUCKET))
    byoc.create_collection(ByocCollection(name="the odd one", s3_bucket=BUCKET))
    names = [item["name"] for item in byoc.iter_collections()]
    assert names == [f"many {index:03d}" for index in range(102)] + ["the odd one"]
    assert [item["name"] for item in byoc.iter_collections(search="odd")] == ["the odd one"]

    collection = byoc.create_collection(ByocCollection(name="tiles", s3_bucket=BUCKET))
    emulator.add_tiles(collection["id"], [f"scene-{index:03d}" for index in range(100)])
    for index in (100, 101):
        byoc.create_tile(collection, ByocTile(path=f"scene-{index:03d}"))
    paths = [tile["path"] for tile in byoc.iter_tiles(collection)]
    assert paths == [f"scene-{index:03d}" for index in range(102)]
    newest_first = [tile["path"] for tile in byoc.iter_tiles(collection, sort="created:desc")]
    assert newest_first == paths[::-1]
    assert [tile["path"] for tile in byoc.iter_tiles(collection, path="scene-101")] == ["scene-101"]
    emulator.wait_idle()
    # Any other query parameter of the API passes through sentinelhub-py's **kwargs.
    assert len(list(byoc.iter_tiles(collection, status="FAILED"))) == 102
    assert list(byoc.iter_tiles(collection, status="INGESTED")) == []


def test_tiles_from_creation_to_deletion(byoc: SentinelHubBYOC, emulator: Emulator) -> None:
    _scene(emulator, "2024/05/01")
    _scene(emulator, "2024/05/02")
    collection = byoc.create_collection(ByocCollection(name="tiles", s3_bucket=BUCKET))

    utm_box = shapely_geometry.box(500100, 5000100, 502000, 5002000)
    in_utm = ByocTile.from_dict(
        byoc.create_tile(
            collection,
            ByocTile(
                path="2024/05/01",
                cover_geometry=Geometry(utm_box, crs=CRS.UTM_33N),
                sensing_time=dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC),
            ),
        )
    )
    wgs84_box = shapely_geometry.box(15.002, 45.142, 15.02, 45.16)
    in_wgs84 = ByocTile.from_dict(
        byoc.create_tile(
            collection, ByocTile(path="2024/05/02", cover_geometry=Geometry(wgs84_box, crs=CRS.WGS84))
        )
    )
    assert in_utm.status == "WAITING"
    emulator.wait_idle()

    tile = ByocTile.from_dict(byoc.get_tile(collection, in_utm.tile_id))
    assert tile.status == "INGESTED"
    assert tile.ingestion_start is not None
    assert tile.created is not None
    assert tile.created <= tile.ingestion_start
    assert tile.tile_geometry is not None
    assert tile.tile_geometry.crs == CRS.UTM_33N
    # Stored in CRS84, given back in the tile's CRS.
    assert tile.cover_geometry is not None
    assert tile.cover_geometry.crs == CRS.UTM_33N
    assert tile.cover_geometry.geometry.bounds == pytest.approx(utm_box.bounds, abs=1e-3)
    other = ByocTile.from_dict(byoc.get_tile(collection, in_wgs84.tile_id))
    assert other.cover_geometry is not None
    assert other.cover_geometry.crs == CRS.UTM_33N
    assert other.cover_geometry.transform(CRS.WGS84).geometry.bounds == pytest.approx(
        wgs84_box.bounds, abs=1e-7
    )

    configured = ByocCollection.from_dict(byoc.get_collection(collection))
    assert configured.additional_data is not None
    # Five times the coarsest overview's pixel of its tiles.
    coarsest = max(t["additionalData"]["maxMetersPerPixel"] for t in byoc.iter_tiles(collection))
    assert configured.additional_data.max_meters_per_pixel == pytest.approx(5 * coarsest)
    assert configured.additional_data.bands is not None
    assert set(configured.additional_data.bands) == {
        "B01",
        "B02",
    }

    tile.sensing_time = dt.datetime(2024, 5, 3, 12, 30, tzinfo=dt.UTC)
    byoc.update_tile(collection, tile)
    updated = ByocTile.from_dict(byoc.get_tile(collection, tile))
    assert updated.sensing_time == tile.sensing_time
    assert updated.cover_geometry is not None
    assert updated.cover_geometry.crs == CRS.UTM_33N

    byoc.reingest_tile(collection, tile)
    assert byoc.get_tile(collection, tile)["status"] == "WAITING"
    emulator.wait_idle()
    assert byoc.get_tile(collection, tile)["status"] == "INGESTED"

    target = byoc.create_collection(ByocCollection(name="copies", s3_bucket=BUCKET))
    byoc.copy_tiles(collection, target)
    assert sorted(t["path"] for t in byoc.iter_tiles(target)) == ["2024/05/01", "2024/05/02"]

    byoc.delete_tile(collection, tile)
    assert [t["path"] for t in byoc.iter_tiles(collection)] == ["2024/05/02"]
    for doomed in (collection, target):
        for remaining in list(byoc.iter_tiles(doomed)):
            byoc.delete_tile(doomed, remaining)
        byoc.delete_collection(doomed)
    assert list(byoc.iter_collections()) == []


def test_wrongly_typed_members_are_refused_with_the_service_message(byoc: SentinelHubBYOC) -> None:
    from sentinelhub.exceptions import DownloadFailedException

    with pytest.raises(DownloadFailedException, match="'noData' must be a number"):
        byoc.create_collection({"name": "typo", "s3Bucket": BUCKET, "noData": "zero"})


def test_cdse_collections_with_project_buckets_and_storages(tmp_path: Path) -> None:
    emulator = Emulator(clock=ManualClock(), data_dir=tmp_path / "buckets", flavour="cdse")
    with emulator, serve(emulator) as server:
        byoc = _byoc(server)
        additional = ByocCollectionAdditionalData(other_data={"storageIdentifier": "waw3-2"})
        created = byoc.create_collection(
            ByocCollection(name="cdse", s3_bucket="a1b2c3d4:my-bucket", additional_data=additional)
        )
        assert created["s3Bucket"] == "a1b2c3d4:my-bucket"
        assert created["additionalData"]["storageIdentifier"] == "waw3-2"

        collection = ByocCollection.from_dict(created)
        collection.name = "cdse renamed"
        byoc.update_collection(collection)
        fetched = byoc.get_collection(collection.collection_id)
        assert fetched["name"] == "cdse renamed"
        assert fetched["additionalData"]["storageIdentifier"] == "waw3-2"


def test_its_recorded_fixtures_compare_equal_when_replayed(tmp_path: Path) -> None:
    # sentinelhub-py's own tests compare live answers with fixtures recorded from the service;
    # seeded with records of that shape, the emulator answers what the fixtures say.
    from tests.emulator import _recorded as recorded

    collection, tiles = recorded.collection(), recorded.tiles()
    del collection["accountId"]
    seed = {"collections": [{**collection, "tiles": tiles}]}
    emulator = Emulator(clock=ManualClock(), data_dir=tmp_path / "buckets", seed=seed)
    with emulator, serve(emulator) as running:
        byoc = _byoc(running)
        sh_collection = byoc.get_collection(collection)
        assert "accountId" in sh_collection
        del sh_collection["accountId"]
        assert ByocCollection.from_dict(sh_collection) == ByocCollection.from_dict(collection)
        listed = list(byoc.iter_tiles(collection))
        assert [ByocTile.from_dict(tile) for tile in listed] == [ByocTile.from_dict(tile) for tile in tiles]
        for tile in tiles:
            assert ByocTile.from_dict(byoc.get_tile(collection=collection, tile=tile)) == ByocTile.from_dict(
                tile
            )
        # Its update, delete and reingest calls, against the replayed records.
        assert byoc.update_collection(collection={**collection, "name": "updated collection"}) == ""
        assert byoc.get_collection(collection)["name"] == "updated collection"
        assert byoc.reingest_tile(collection=collection, tile=tiles[0]) == ""
        assert byoc.get_tile(collection=collection, tile=tiles[0])["status"] == "WAITING"
        assert byoc.delete_tile(collection=collection, tile=tiles[1]) == ""
        assert byoc.delete_collection(collection=collection) == ""
        assert list(byoc.iter_collections()) == []
