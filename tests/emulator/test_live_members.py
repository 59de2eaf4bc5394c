"""The members live answers carry beyond the published document, typed and filled by the emulator.

Tiles: ``additionalData.minMetersPerPixel`` (the full-resolution image) and ``maxMetersPerPixel``
(the smallest overview). Collections: ``additionalData.maxMetersPerPixelOverride``, as set.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from sentinelhub_byoc import BYOCClient, Collection, CollectionAdditionalData, Tile
from sentinelhub_byoc.errors import BadRequestError
from sentinelhub_byoc.testing import Emulator, client_for

from tests.workflows._rasters import write_good_cog, write_raster

pytest.importorskip("rasterio")


def test_the_models_read_and_write_them() -> None:
    tile = Tile.from_dict(
        {"path": "p", "additionalData": {"minMetersPerPixel": 10, "maxMetersPerPixel": 160.5, "x": 1}}
    )
    assert tile.additional_data is not None
    assert (tile.additional_data.min_meters_per_pixel, tile.additional_data.max_meters_per_pixel) == (
        10,
        160.5,
    )
    assert tile.additional_data.extra == {"x": 1}
    collection = Collection.from_dict(
        {"name": "c", "s3Bucket": "b", "additionalData": {"maxMetersPerPixelOverride": 2000}}
    )
    assert collection.additional_data is not None
    assert collection.additional_data.max_meters_per_pixel_override == 2000
    # Settable: it is sent back; the tile's are the service's and are not.
    assert collection.to_dict()["additionalData"] == {"maxMetersPerPixelOverride": 2000}


def _ingested(client: BYOCClient, emulator: Emulator, collection: Collection, path: str) -> Tile:
    tile = client.tiles.create(collection, path)
    emulator.wait_idle()
    return client.tiles.get(collection, tile)


def test_an_ingested_tile_says_its_finest_and_coarsest_resolution(tmp_path: Path) -> None:
    with Emulator(data_dir=tmp_path) as emulator, client_for(emulator) as client:
        bucket = emulator.bucket_dir("bucket")
        # GDAL's COG driver: 512 pixels of 10 m, one overview of 256 pixels (20 m).
        write_good_cog(bucket / "with-overview" / "B01.tif")
        # A tiled GeoTIFF of 256 pixels has no overview: both resolutions are its own.
        write_raster(bucket / "single" / "B01.tif", size=256, TILED="YES", COMPRESS="DEFLATE")
        collection = client.collections.create(name="res", s3_bucket="bucket")
        first = _ingested(client, emulator, collection, "with-overview")
        second = _ingested(client, emulator, collection, "single")
    assert first.status == "INGESTED", first.additional_data
    assert first.additional_data is not None
    assert second.additional_data is not None
    assert (first.additional_data.min_meters_per_pixel, first.additional_data.max_meters_per_pixel) == (
        10,
        20,
    )
    assert (second.additional_data.min_meters_per_pixel, second.additional_data.max_meters_per_pixel) == (
        10,
        10,
    )


def test_a_waiting_tile_has_none_yet(tmp_path: Path) -> None:
    with Emulator(data_dir=tmp_path) as emulator, client_for(emulator) as client:
        collection = client.collections.create(name="res", s3_bucket="bucket")
        tile = client.tiles.create(collection, "nothing-here")
        assert tile.additional_data is None or tile.additional_data.min_meters_per_pixel is None


def test_the_collection_keeps_its_override(tmp_path: Path) -> None:
    with Emulator(data_dir=tmp_path) as emulator, client_for(emulator) as client:
        data = CollectionAdditionalData(max_meters_per_pixel_override=2000)
        created = client.collections.create(Collection(name="c", s3_bucket="bucket", additional_data=data))
        assert created.additional_data is not None
        assert created.additional_data.max_meters_per_pixel_override == 2000
        changed = attrs.evolve(created.additional_data, max_meters_per_pixel_override=4000.5)
        updated = client.collections.update(attrs.evolve(created, additional_data=changed))
        assert updated.additional_data is not None
        assert updated.additional_data.max_meters_per_pixel_override == 4000.5
        refused = attrs.evolve(created.additional_data, max_meters_per_pixel_override=-1)
        with pytest.raises(BadRequestError, match="maxMetersPerPixelOverride"):
            client.collections.update(attrs.evolve(created, additional_data=refused))
