import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Literal

import geopandas
import pytest
import shapely
from sentinelhub_byoc.geometry import (
    Geometry,
    TileLike,
    feature_for_tile,
    tile_collection_geo_interface,
    to_feature_collection,
)


class Status(Enum):
    INGESTED = "INGESTED"
    FAILED = "FAILED"


@dataclass(frozen=True)
class TileDouble:
    id: str
    path: str
    status: Status
    sensing_time: datetime | None
    created: datetime | None
    tile_geometry: Geometry | None
    cover_geometry: Geometry | None


def _square(x: float, y: float, size: float, crs: int, *, clockwise: bool = False) -> Geometry:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return Geometry("Polygon", [ring[::-1] if clockwise else ring], crs=crs)


def _tiles(count: int, seed: int = 7) -> Iterator[TileDouble]:
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for i in range(count):
        crs = rng.choice([32633, 32717, 3035, 3857, 4326])
        if crs == 4326:
            x, y, size = rng.uniform(-170, 160), rng.uniform(-60, 60), rng.uniform(0.01, 2)
        elif crs == 3035:
            x, y, size = rng.uniform(3e6, 6e6), rng.uniform(2e6, 5e6), rng.uniform(1e3, 1e5)
        elif crs == 3857:
            x, y, size = rng.uniform(-1e7, 1e7), rng.uniform(-5e6, 5e6), rng.uniform(1e3, 1e5)
        else:
            x, y, size = rng.uniform(4e5, 5e5), rng.uniform(1e6, 8e6), rng.uniform(1e3, 1e5)
        tile = _square(x, y, size, crs)
        cover = (
            None if i % 10 == 0 else _square(x + size / 4, y + size / 4, size / 2, crs, clockwise=i % 2 == 0)
        )
        yield TileDouble(
            id=f"tile-{i:04d}",
            path=f"folder/{i}/(BAND).tif",
            status=Status.INGESTED if i % 3 else Status.FAILED,
            sensing_time=None if i % 7 == 0 else start + timedelta(hours=i),
            created=start + timedelta(days=i),
            tile_geometry=tile,
            cover_geometry=cover,
        )


def test_tile_double_satisfies_the_protocol() -> None:
    tile: TileLike = next(_tiles(1))
    assert feature_for_tile(tile)["id"] == "tile-0000"


@pytest.mark.parametrize("which", ["cover", "tile"])
def test_a_thousand_tiles_load_in_geopandas_with_correct_geometries(
    which: Literal["cover", "tile"],
) -> None:
    collection = to_feature_collection(_tiles(1000), geometry=which)  # a generator, read once
    text = json.dumps(collection)
    assert '"crs"' not in text  # RFC 7946: WGS84, no crs member
    frame = geopandas.GeoDataFrame.from_features(json.loads(text), crs="EPSG:4326")
    assert len(frame) == 1000
    for index, tile in enumerate(_tiles(1000)):
        row = frame.iloc[index]
        assert row["id"] == tile.id
        assert row["path"] == tile.path
        assert row["status"] == tile.status.value
        loaded = frame.geometry.iloc[index]
        expected = tile.cover_geometry if which == "cover" else tile.tile_geometry
        if expected is None:
            assert loaded is None
            continue
        wgs84 = expected.to_wgs84().shape
        assert loaded.bounds == pytest.approx(wgs84.bounds, abs=1e-12)
        assert loaded.area == pytest.approx(wgs84.area, rel=1e-12)
        # RFC 7946: exterior rings counterclockwise.
        assert loaded.exterior.is_ccw


def test_feature_properties_are_iso_strings_or_null() -> None:
    tiles = list(_tiles(8))
    feature = feature_for_tile(tiles[7])
    assert feature["properties"] == {
        "id": "tile-0007",
        "path": "folder/7/(BAND).tif",
        "status": "INGESTED",
        "sensingTime": None,
        "created": "2024-01-08T00:00:00+00:00",
    }
    assert feature_for_tile(tiles[1])["properties"]["sensingTime"] == "2024-01-01T01:00:00+00:00"
    assert feature_for_tile(tiles[0])["geometry"] is None  # no cover geometry


def test_geo_interface_of_tiles_is_read_by_shapely_and_geopandas() -> None:
    tiles = list(_tiles(5))
    interface = tile_collection_geo_interface(tiles, geometry="tile")
    assert interface["type"] == "FeatureCollection"
    first = shapely.geometry.shape(interface["features"][0]["geometry"])
    assert first.equals(tiles[0].tile_geometry.to_wgs84().shape)  # type: ignore[union-attr]


def test_holes_are_wound_clockwise() -> None:
    ring = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    hole = [[2, 2], [4, 2], [4, 4], [2, 4], [2, 2]]  # counterclockwise on input
    tile = TileDouble("t", "p", Status.FAILED, None, None, None, Geometry("Polygon", [ring, hole]))
    coordinates = feature_for_tile(tile)["geometry"]["coordinates"]
    assert shapely.LinearRing(coordinates[0]).is_ccw
    assert not shapely.LinearRing(coordinates[1]).is_ccw
