import copy
import math
from typing import Any

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.geometry import Geometry, GeometryError, validate

from tests.geometry._geometry_strategies import (
    CRS_AREAS,
    SUPPORTED_CRSS,
    geometries,
    polygon_coords,
    star_ring,
)

_SETTINGS = settings(max_examples=60, deadline=None)


def _document(geometry: Geometry) -> dict[str, Any]:
    return geometry.to_geojson()


def _rings(document: dict[str, Any]) -> list[list[list[Any]]]:
    if document["type"] == "Polygon":
        return list(document["coordinates"])
    return [ring for polygon in document["coordinates"] for ring in polygon]


@_SETTINGS
@given(geometries())
def test_valid_geometries_pass(geometry: Geometry) -> None:
    assert validate(geometry, thorough=True) == geometry
    assert validate(geometry.to_geojson(), thorough=True) == geometry


# --- each strategy below breaks a valid geometry in one way --------------------------


@st.composite
def broken_documents(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A GeoJSON document of a valid geometry broken in one way, and the expected message."""
    document = copy.deepcopy(_document(draw(geometries())))
    rings = _rings(document)
    ring = draw(st.sampled_from(rings))
    how = draw(st.sampled_from(["unclosed", "short", "nan", "inf", "3d", "text"]))
    index = draw(st.integers(0, len(ring) - 1))
    if how == "unclosed":
        ring.pop()
        return document, "not closed|positions; a ring needs"
    if how == "short":
        del ring[2:-1]
        return document, "has 3 positions; a ring needs at least 4"
    if how in {"nan", "inf"}:
        ring[index][draw(st.integers(0, 1))] = math.nan if how == "nan" else -math.inf
        return document, "not a finite number"
    if how == "3d":
        ring[index].append(draw(st.floats(-100, 100)))
        return document, "3 coordinates.*2-D"
    ring[index][0] = "12.5"
    return document, "not a number"


@_SETTINGS
@given(broken_documents())
def test_structurally_broken_geometries_are_refused_with_their_place(
    case: tuple[dict[str, Any], str],
) -> None:
    document, message = case
    with pytest.raises(ValidationError, match=message) as caught:
        validate(document)
    assert "ring" in str(caught.value)


@_SETTINGS
@given(st.data(), st.sampled_from(SUPPORTED_CRSS))
def test_hole_crossing_the_shell_is_refused(data: st.DataObject, crs: int) -> None:
    rings = data.draw(polygon_coords(crs))
    vertex = rings[0][data.draw(st.integers(0, len(rings[0]) - 2))]
    # A small square hole centred on a shell vertex lies partly outside the shell.
    size = 1e-3 * CRS_AREAS[crs][2][0]
    x, y = vertex
    hole = [
        [x - size, y - size],
        [x - size, y + size],
        [x + size, y + size],
        [x + size, y - size],
        [x - size, y - size],
    ]
    with pytest.raises(GeometryError, match=r"not valid.*make_valid"):
        validate(Geometry("Polygon", [rings[0], hole], crs=crs), thorough=True)


@_SETTINGS
@given(st.sampled_from(SUPPORTED_CRSS), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.01, 1.0))
def test_bow_tie_is_refused_naming_the_ring(crs: int, u: float, v: float, scale: float) -> None:
    (x0, x1), (y0, y1), (_, r1) = CRS_AREAS[crs]
    x, y, s = x0 + u * (x1 - x0), y0 + v * (y1 - y0), scale * r1
    bow_tie = [[x, y], [x + s, y + s], [x + s, y], [x, y + s], [x, y]]
    with pytest.raises(GeometryError, match=r"Self-intersection.*\(ring 0 \(exterior\) crosses itself\)"):
        validate(Geometry("Polygon", [bow_tie], crs=crs), thorough=True)


@_SETTINGS
@given(geometries(crs=32633), st.sampled_from([2056, 27700, 4258, 32661, 25833, 2154, 6933]))
def test_unsupported_crs_is_refused_listing_the_supported_ones(geometry: Geometry, crs: int) -> None:
    document = geometry.to_geojson()
    document["crs"]["properties"]["name"] = f"EPSG:{crs}"
    with pytest.raises(
        GeometryError, match=f"EPSG:{crs} is not a CRS the service supports.*EPSG:32601-32660"
    ):
        validate(document)


def test_6933_is_supported_on_cdse_only() -> None:
    geometry = Geometry("Polygon", [[[0, 0], [1000, 0], [1000, 1000], [0, 0]]], crs=6933)
    assert validate(geometry, cdse=True) == geometry
    with pytest.raises(GeometryError):
        validate(geometry)


@_SETTINGS
@given(st.data(), st.sampled_from(SUPPORTED_CRSS))
def test_cover_with_more_than_100_points_is_refused_offering_simplify(data: st.DataObject, crs: int) -> None:
    (x0, _), (y0, _), (r0, _) = CRS_AREAS[crs]
    ring = data.draw(star_ring((x0, y0), r0, min_n=100, max_n=300))
    geometry = Geometry("Polygon", [ring], crs=crs)
    assert validate(geometry) == geometry  # fine as a plain geometry
    with pytest.raises(
        GeometryError, match=r"positions; the service takes at most 100.*simplify_to\(max_points=100\)"
    ):
        validate(geometry, cover=True)


def test_exactly_100_points_is_a_fine_cover() -> None:
    ring = [[math.cos(2 * math.pi * i / 99), math.sin(2 * math.pi * i / 99)] for i in range(99)]
    geometry = Geometry("Polygon", [[*ring, ring[0]]])
    assert geometry.num_points == 100
    assert validate(geometry, cover=True, thorough=True) == geometry


@pytest.mark.parametrize(
    "ring",
    [
        [[170, 10], [-170, 10], [-170, 20], [170, 20], [170, 10]],  # drawn across 180 naively
        [[-179, -10], [179, -10], [179, 10], [-179, 10], [-179, -10]],
    ],
)
def test_ring_spanning_more_than_180_degrees_is_an_antimeridian_crossing(ring: list[list[float]]) -> None:
    with pytest.raises(GeometryError, match=r"antimeridian.*MultiPolygon"):
        validate({"type": "Polygon", "coordinates": [ring]}, thorough=False)


def test_antimeridian_check_applies_to_projected_geometries_in_wgs84() -> None:
    # UTM zone 60N (central meridian 177E): 800 km east of it lies beyond 180 degrees.
    utm = Geometry(
        "Polygon", [[[500000, 7000000], [1300000, 7000000], [1300000, 7100000], [500000, 7000000]]], crs=32660
    )
    lon = utm.to_wgs84().polygons[0][0][1][0]
    assert lon < 0  # pyproj wraps it to the western hemisphere
    with pytest.raises(GeometryError, match="antimeridian"):
        validate(utm, thorough=True)


def test_split_at_the_antimeridian_is_accepted() -> None:
    west = [[[170, 10], [180, 10], [180, 20], [170, 20], [170, 10]]]
    east = [[[-180, 10], [-170, 10], [-170, 20], [-180, 20], [-180, 10]]]
    geometry = validate({"type": "MultiPolygon", "coordinates": [west, east]}, thorough=True)
    assert geometry.type == "MultiPolygon"


def test_polygon_touching_a_pole_in_wgs84_is_refused() -> None:
    ring = [[0, 80], [90, 80], [90, 90], [0, 90], [0, 80]]
    with pytest.raises(GeometryError, match="North Pole"):
        validate({"type": "Polygon", "coordinates": [ring]}, thorough=True)


def test_polygon_enclosing_a_pole_in_a_projected_crs_is_refused() -> None:
    # EPSG:3035 is defined around Europe, but the North Pole has coordinates in it too.
    pole = shapely.Point(
        *Geometry("Polygon", [[[0, 89], [1, 89], [1, 89.5], [0, 89]]]).to_crs(3035).polygons[0][0][0]
    )
    around = shapely.box(pole.x - 2e5, pole.y + 2e5, pole.x + 8e5, pole.y + 1.2e6)
    around_pole = shapely.box(*shapely.union_all([around, pole.buffer(1e6)]).bounds)
    with pytest.raises(GeometryError, match="North Pole"):
        validate(around_pole, crs=3035, thorough=True)


@pytest.mark.parametrize(("lon", "lat"), [(200.0, 10.0), (10.0, 95.0), (500000.0, 5000000.0)])
def test_coordinates_outside_wgs84_range_are_refused_with_a_hint(lon: float, lat: float) -> None:
    ring = [[lon, lat], [lon - 1, lat], [lon - 1, lat - 1], [lon, lat]]
    with pytest.raises(GeometryError, match=r"ring 0 \(exterior\), position 0.*pass their CRS"):
        validate({"type": "Polygon", "coordinates": [ring]})
