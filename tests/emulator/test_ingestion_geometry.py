"""Tile geometry, WGS84 bounds, geometry CRS parsing and reprojection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pyproj import Transformer
from sentinelhub_byoc.testing.cogs import write_cog
from sentinelhub_byoc.testing.ingestion import (
    SUPPORTED_EPSG,
    LocalStorage,
    geometry_epsg,
    ingest_tile,
    reproject_geometry,
)

from tests.samples import square_ring

# 200 km x 100 km in UTM 33N, astride the central meridian (15°E) at about 45°N.
UTM_BOUNDS = (400000.0, 5000000.0, 600000.0, 5100000.0)


def _named(name: str) -> dict[str, Any]:
    return {"type": "name", "properties": {"name": name}}


def _edges(bounds: tuple[float, float, float, float], count: int) -> list[tuple[float, float]]:
    min_x, min_y, max_x, max_y = bounds
    steps = np.linspace(0.0, 1.0, count)
    points = []
    for t in steps:
        x = min_x + t * (max_x - min_x)
        y = min_y + t * (max_y - min_y)
        points += [(x, min_y), (x, max_y), (min_x, y), (max_x, y)]
    return points


def test_utm_tile_geometry_and_wgs84_bounds(tmp_path: Path) -> None:
    write_cog(
        tmp_path / "t1" / "B04.tif",
        np.ones((1000, 2000), np.uint8),
        epsg=32633,
        bounds=UTM_BOUNDS,
        tile_size=512,
    )
    outcome = ingest_tile(LocalStorage(tmp_path), "t1", None)
    assert outcome.ok, outcome.failure_cause
    assert outcome.crs_epsg == 32633
    assert outcome.tile_geometry == {
        "type": "Polygon",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}},
        "coordinates": [
            [
                [400000.0, 5000000.0],
                [600000.0, 5000000.0],
                [600000.0, 5100000.0],
                [400000.0, 5100000.0],
                [400000.0, 5000000.0],
            ]
        ],
    }

    to_wgs84 = Transformer.from_crs(32633, 4326, always_xy=True)
    edges = np.array(_edges(UTM_BOUNDS, 2001))
    lons, lats = to_wgs84.transform(edges[:, 0], edges[:, 1])
    expected = (min(lons), min(lats), max(lons), max(lats))
    assert outcome.wgs84_bounds == pytest.approx(expected, abs=1e-6)

    # The corners alone miss the northward bulge of the top edge at the central meridian.
    corner_lats = [to_wgs84.transform(x, y)[1] for x in (4e5, 6e5) for y in (5.0e6, 5.1e6)]
    assert outcome.wgs84_bounds is not None
    assert outcome.wgs84_bounds[3] > max(corner_lats) + 0.005
    west, south, east, north = outcome.wgs84_bounds
    assert 13.7 < west < 13.8
    assert 16.2 < east < 16.3
    assert 45.1 < south < 45.2
    assert 46.0 < north < 46.1


def test_geographic_tile_bounds_are_the_box(tmp_path: Path) -> None:
    write_cog(
        tmp_path / "t1" / "B04.tif",
        np.ones((300, 300), np.uint8),
        epsg=4326,
        bounds=(14.0, 45.0, 15.5, 46.5),
    )
    outcome = ingest_tile(LocalStorage(tmp_path), "t1", None)
    assert outcome.wgs84_bounds == pytest.approx((14.0, 45.0, 15.5, 46.5))
    assert outcome.tile_geometry is not None
    assert outcome.tile_geometry["crs"] == _named("urn:ogc:def:crs:EPSG::4326")


@pytest.mark.parametrize(
    ("crs", "epsg"),
    [
        (None, 4326),
        (_named("urn:ogc:def:crs:EPSG::32633"), 32633),
        (_named("urn:ogc:def:crs:EPSG:9.8.15:3035"), 3035),
        (_named("EPSG:3857"), 3857),
        (_named("epsg:32701"), 32701),
        (_named("http://www.opengis.net/def/crs/EPSG/0/32760"), 32760),
        (_named("urn:ogc:def:crs:OGC:1.3:CRS84"), 4326),
        (_named("urn:ogc:def:crs:OGC::CRS84"), 4326),
        (_named("http://www.opengis.net/def/crs/OGC/1.3/CRS84"), 4326),
        (_named("EPSG:2056"), 2056),
    ],
)
def test_geometry_epsg(crs: dict[str, Any] | None, epsg: int) -> None:
    geometry: dict[str, Any] = {"type": "Polygon", "coordinates": []}
    if crs is not None:
        geometry["crs"] = crs
    assert geometry_epsg(geometry) == epsg


@pytest.mark.parametrize(
    "crs",
    [
        "EPSG:32633",
        {"type": "link", "properties": {"href": "x"}},
        {"type": "name", "properties": {}},
        _named("WGS84"),
        _named("EPSG:abc"),
        _named("urn:ogc:def:crs:EPSG::"),
    ],
)
def test_geometry_epsg_refuses_unreadable_crs(crs: Any) -> None:
    with pytest.raises(ValueError, match=r"crs member|CRS"):
        geometry_epsg({"type": "Polygon", "coordinates": [], "crs": crs})


def test_supported_epsg() -> None:
    assert {4326, 3857, 3035, 32601, 32660, 32701, 32760} <= SUPPORTED_EPSG
    assert not {32600, 32661, 32700, 32761, 6933, 4258} & SUPPORTED_EPSG
    assert len(SUPPORTED_EPSG) == 3 + 60 + 60


LONLAT_RING = square_ring(14.0, 45.0, 1.0)
HOLE = [[14.2, 45.2], [14.2, 45.4], [14.4, 45.4], [14.4, 45.2], [14.2, 45.2]]


def test_reprojection_to_utm_matches_pyproj_and_round_trips() -> None:
    rings = [LONLAT_RING, HOLE]
    polygon = {"type": "Polygon", "coordinates": rings}
    utm = reproject_geometry(polygon, 32633)
    assert utm["type"] == "Polygon"
    assert utm["crs"] == _named("urn:ogc:def:crs:EPSG::32633")
    to_utm = Transformer.from_crs(4326, 32633, always_xy=True)
    for ring, projected in zip(rings, utm["coordinates"], strict=True):
        for (lon, lat), (x, y) in zip(ring, projected, strict=True):
            assert (x, y) == pytest.approx(to_utm.transform(lon, lat))
    back = reproject_geometry(utm, 4326)
    assert back["crs"] == _named("urn:ogc:def:crs:EPSG::4326")
    for ring, original in zip(back["coordinates"], rings, strict=True):
        assert np.allclose(ring, original, atol=1e-9)


def test_multipolygon_round_trip_through_laea() -> None:
    shifted = [[p[0] + 2, p[1]] for p in LONLAT_RING]
    multi = {
        "type": "MultiPolygon",
        "crs": _named("urn:ogc:def:crs:OGC:1.3:CRS84"),
        "coordinates": [[LONLAT_RING], [shifted]],
    }
    laea = reproject_geometry(multi, 3035)
    assert laea["type"] == "MultiPolygon"
    assert len(laea["coordinates"]) == 2
    # LAEA Europe has its false origin far south-west: coordinates in the millions of metres.
    assert all(x > 4e6 and y > 2e6 for x, y in laea["coordinates"][1][0])
    back = reproject_geometry(laea, 4326)
    assert np.allclose(back["coordinates"][1][0], shifted, atol=1e-9)


def test_epsg_4326_input_is_read_longitude_first() -> None:
    polygon = {"type": "Polygon", "crs": _named("urn:ogc:def:crs:EPSG::4326"), "coordinates": [LONLAT_RING]}
    utm = reproject_geometry(polygon, 32633)
    # 15°E is zone 33's central meridian: easting 500 km there.
    assert utm["coordinates"][0][1][0] == pytest.approx(500000.0)


def test_extra_dimensions_are_dropped() -> None:
    polygon = {"type": "Polygon", "coordinates": [[[*p, 100.0] for p in LONLAT_RING]]}
    result = reproject_geometry(polygon, 3857)
    assert all(len(p) == 2 for p in result["coordinates"][0])


@pytest.mark.parametrize(
    ("geometry", "to_epsg", "message"),
    [
        ({"type": "Point", "coordinates": [14, 45]}, 32633, "Polygon or MultiPolygon"),
        ({"type": "Polygon", "coordinates": [LONLAT_RING]}, 2056, "EPSG:2056 is not a supported"),
        (
            {"type": "Polygon", "crs": _named("EPSG:4258"), "coordinates": [LONLAT_RING]},
            4326,
            "EPSG:4258 is not a supported",
        ),
        ({"type": "Polygon", "coordinates": []}, 3857, "non-empty list of linear rings"),
        ({"type": "Polygon", "coordinates": [LONLAT_RING[:3]]}, 3857, "at least 4 positions"),
        (
            {"type": "Polygon", "coordinates": [[*LONLAT_RING[:2], ["a", 1], *LONLAT_RING[3:]]]},
            3857,
            "ring 0, position 2 is not a position",
        ),
        ({"type": "MultiPolygon", "coordinates": "x"}, 3857, "list of polygons"),
        ({"type": "MultiPolygon", "coordinates": [[LONLAT_RING], []]}, 3857, "polygon 1"),
    ],
)
def test_reprojection_refuses_bad_input(geometry: dict[str, Any], to_epsg: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        reproject_geometry(geometry, to_epsg)
