"""Geometries through the client and the emulator: CRS handling end to end, refusal before sending."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sentinelhub_byoc import BYOCClient, ValidationError
from sentinelhub_byoc.geometry import Geometry
from sentinelhub_byoc.testing import Emulator, client_for
from sentinelhub_byoc.testing.cogs import write_cog

# The tile: 5.12 km square in UTM zone 33N.
UTM_BOUNDS = (500_000.0, 5_100_000.0, 505_120.0, 5_105_120.0)
# A cover inside it, given in EPSG:4326 (lon, lat).
COVER_4326 = {
    "type": "Polygon",
    "coordinates": [[[15.005, 46.05], [15.05, 46.05], [15.05, 46.08], [15.005, 46.08], [15.005, 46.05]]],
}
# Reprojecting to UTM and back is exact to far better than a micro-degree (about 0.1 m).
ROUND_TRIP_TOLERANCE_DEGREES = 1e-6


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as instance:
        yield instance


@pytest.fixture
def client(emulator: Emulator) -> Iterator[BYOCClient]:
    with client_for(emulator) as instance:
        yield instance


def _write_tile(bucket: Path) -> None:
    data = np.full((256, 256), 7, dtype=np.uint16)
    for band in ("B04", "B08"):
        write_cog(bucket / "scene" / f"{band}.tif", data, epsg=32633, bounds=UTM_BOUNDS)


def test_a_cover_in_4326_comes_back_in_the_tile_crs_and_matches_after_to_wgs84(
    emulator: Emulator, client: BYOCClient
) -> None:
    _write_tile(emulator.bucket_dir("geometry-bucket"))
    collection = client.collections.create(name="geometry", s3_bucket="geometry-bucket")
    created = client.tiles.create(collection, "scene", cover_geometry=COVER_4326)
    emulator.wait_idle()
    tile = client.tiles.get(collection, created)

    assert tile.status == "INGESTED"
    assert tile.tile_geometry is not None
    assert tile.tile_geometry.crs == 32633
    assert tile.tile_geometry.bounds == pytest.approx(UTM_BOUNDS)
    assert tile.cover_geometry is not None
    assert tile.cover_geometry.crs == 32633
    back = tile.cover_geometry.to_wgs84()
    assert back.crs == 4326
    original = Geometry.from_geojson(COVER_4326).polygons[0][0]
    returned = back.polygons[0][0]
    assert len(returned) == len(original)
    for (x0, y0), (x1, y1) in zip(original, returned, strict=True):
        assert math.isclose(x0, x1, abs_tol=ROUND_TRIP_TOLERANCE_DEGREES)
        assert math.isclose(y0, y1, abs_tol=ROUND_TRIP_TOLERANCE_DEGREES)


def _ring(points: int, radius: float = 0.5, centre: tuple[float, float] = (15.0, 46.0)) -> list[list[float]]:
    ring = [
        [
            centre[0] + radius * math.cos(2 * math.pi * i / points),
            centre[1] + radius * math.sin(2 * math.pi * i / points),
        ]
        for i in range(points)
    ]
    return [*ring, ring[0]]


@st.composite
def invalid_covers(draw: st.DrawFn) -> dict[str, Any]:
    """Cover geometries the service would refuse, one kind of defect each."""
    points = draw(st.integers(4, 40))
    ring = _ring(points, radius=draw(st.floats(0.01, 1.0)))
    kind = draw(
        st.sampled_from(
            [
                "unclosed",
                "short",
                "nan",
                "inf",
                "3d",
                "bowtie",
                "crs",
                "too many points",
                "antimeridian",
                "point",
            ]
        )
    )
    if kind == "unclosed":
        ring = ring[:-1]
    elif kind == "short":
        ring = [ring[0], ring[1], ring[0]]
    elif kind in ("nan", "inf"):
        ring[draw(st.integers(1, len(ring) - 2))][draw(st.integers(0, 1))] = (
            math.nan if kind == "nan" else math.inf
        )
    elif kind == "3d":
        ring[0].append(draw(st.floats(-100, 100)))
    elif kind == "bowtie":
        x, y = draw(st.floats(10, 20)), draw(st.floats(40, 50))
        ring = [[x, y], [x + 1, y + 1], [x + 1, y], [x, y + 1], [x, y]]
    elif kind == "crs":
        return {
            "type": "Polygon",
            "coordinates": [ring],
            "crs": {"type": "name", "properties": {"name": "EPSG:2056"}},
        }
    elif kind == "too many points":
        ring = _ring(draw(st.integers(101, 300)))
    elif kind == "antimeridian":
        ring = [[179.5, 10.0], [-179.5, 10.0], [-179.5, 11.0], [179.5, 11.0], [179.5, 10.0]]
    else:
        return {"type": "Point", "coordinates": [15.0, 46.0]}
    return {"type": "Polygon", "coordinates": [ring]}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cover=invalid_covers())
def test_every_invalid_cover_is_refused_before_any_request(
    emulator: Emulator, client: BYOCClient, cover: dict[str, Any]
) -> None:
    emulator.clear_requests()
    collection_id = "0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"
    with pytest.raises(ValidationError):
        client.tiles.create(collection_id, "scene/(BAND).tif", cover_geometry=cover)
    with pytest.raises(ValidationError):
        client.tiles.update(collection_id, "1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b", cover_geometry=cover)
    assert emulator.requests == []
