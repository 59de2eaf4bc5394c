import json
from dataclasses import dataclass
from typing import Any

import geopandas
import pyproj
import pytest
import shapely
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.geometry import Geometry, GeometryError, as_geometry

from tests.samples import square_ring

UTM_SQUARE = [square_ring(500000.0, 0.0, 100.0)]
UTM33_MEMBER = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}}
EXPECTED = Geometry("Polygon", UTM_SQUARE, crs=32633)


@dataclass
class GeneratedPolygonDouble:
    """Stands in for the generated API model: only to_dict() is used."""

    coordinates: list[Any]

    def to_dict(self) -> dict[str, Any]:
        return {"type": "Polygon", "coordinates": self.coordinates, "crs": UTM33_MEMBER}


def _polygon_dict(**extra: Any) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": UTM_SQUARE, **extra}


@pytest.mark.parametrize(
    "given",
    [
        pytest.param(_polygon_dict(crs=UTM33_MEMBER), id="geojson-with-crs"),
        pytest.param(
            {"type": "Feature", "properties": {}, "geometry": _polygon_dict(crs=UTM33_MEMBER)}, id="feature"
        ),
        pytest.param(
            {
                "type": "FeatureCollection",
                "crs": UTM33_MEMBER,
                "features": [{"type": "Feature", "geometry": _polygon_dict()}],
            },
            id="one-feature-collection-crs-on-top",
        ),
        pytest.param(json.dumps(_polygon_dict(crs=UTM33_MEMBER)), id="geojson-text"),
        pytest.param(
            "SRID=32633;POLYGON ((500000 0, 500100 0, 500100 100, 500000 100, 500000 0))", id="ewkt"
        ),
        pytest.param(GeneratedPolygonDouble(UTM_SQUARE), id="generated-model"),
        pytest.param(EXPECTED, id="geometry"),
        pytest.param(geopandas.GeoSeries([shapely.Polygon(UTM_SQUARE[0])], crs="EPSG:32633"), id="geoseries"),
    ],
)
def test_every_input_with_its_own_crs_gives_the_same_geometry(given: object) -> None:
    assert as_geometry(given) == EXPECTED
    assert as_geometry(given, crs="EPSG:32633") == EXPECTED


@pytest.mark.parametrize(
    "given",
    [
        pytest.param(shapely.Polygon(UTM_SQUARE[0]), id="shapely"),
        pytest.param(_polygon_dict(), id="geojson"),
        pytest.param("POLYGON ((500000 0, 500100 0, 500100 100, 500000 100, 500000 0))", id="wkt"),
        pytest.param({"type": "Feature", "geometry": _polygon_dict()}, id="feature"),
    ],
)
@pytest.mark.parametrize("crs", [32633, "EPSG:32633", "urn:ogc:def:crs:EPSG::32633", pyproj.CRS(32633)])
def test_explicit_crs_applies_to_inputs_without_one(given: object, crs: object) -> None:
    assert as_geometry(given, crs=crs) == EXPECTED


def test_without_any_crs_geojson_means_crs84() -> None:
    geometry = as_geometry({"type": "Polygon", "coordinates": [[[14, 46], [15, 46], [15, 47], [14, 46]]]})
    assert geometry.crs == 4326
    assert geometry.crs_urn == "urn:ogc:def:crs:OGC:1.3:CRS84"


def test_epsg_4326_member_is_read_as_lon_lat_like_crs84() -> None:
    member = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4326"}}
    coordinates = [[[14.0, 46.0], [15.0, 46.0], [15.0, 47.0], [14.0, 46.0]]]
    geometry = as_geometry({"type": "Polygon", "coordinates": coordinates, "crs": member})
    assert geometry == Geometry("Polygon", coordinates, crs="urn:ogc:def:crs:OGC:1.3:CRS84")


def test_multipolygon_from_shapely_keeps_its_parts() -> None:
    parts = shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 0, 3, 1, ccw=False)])
    geometry = as_geometry(parts)
    assert geometry.type == "MultiPolygon"
    assert shapely.equals(geometry.shape, parts)


@pytest.mark.parametrize(
    ("given", "crs"),
    [
        (_polygon_dict(crs=UTM33_MEMBER), 32634),
        (
            {
                "type": "Feature",
                "crs": UTM33_MEMBER,
                "geometry": _polygon_dict(crs={"type": "name", "properties": {"name": "EPSG:32634"}}),
            },
            None,
        ),
        (EXPECTED, 4326),
        (geopandas.GeoSeries([shapely.Polygon(UTM_SQUARE[0])], crs="EPSG:32633"), 3857),
        ("SRID=32633;POLYGON ((500000 0, 500100 0, 500100 100, 500000 100, 500000 0))", 32634),
    ],
)
def test_conflicting_crs_is_an_error(given: object, crs: object) -> None:
    with pytest.raises(ValidationError, match="contradicts"):
        as_geometry(given, crs=crs)


@pytest.mark.parametrize("count", [0, 2])
def test_feature_collection_needs_exactly_one_feature(count: int) -> None:
    feature = {"type": "Feature", "geometry": _polygon_dict()}
    with pytest.raises(ValidationError, match=f"has {count} features; exactly one"):
        as_geometry({"type": "FeatureCollection", "features": [feature] * count})


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"type": "Point", "coordinates": [0, 0]}, "'Point' is not supported.*buffer"),
        (shapely.LineString([(0, 0), (1, 1)]), "'LineString' is not supported"),
        ({"type": "Feature", "geometry": None}, "no geometry"),
        (
            {"type": "Feature", "geometry": {"type": "Feature", "geometry": _polygon_dict()}},
            "another Feature",
        ),
        ({"type": "FeatureCollection", "features": [_polygon_dict()]}, "not a Feature"),
        ({"type": "FeatureCollection", "features": [{"type": "FeatureCollection"}]}, "not a Feature"),
        ('{"type": "Polygon", "coordinates": ' + "[" * 100_000, "nested deeper than any GeoJSON"),
        ({"type": [[["Polygon"]]], "coordinates": []}, r"geometry type \[\[\['Polygon'\]\]\] is not"),
        ("POLYGON ((0 0, 1 0", "cannot parse the WKT"),
        ("{not json", "not valid JSON"),
        (42, "cannot use int as a geometry"),
        (shapely.Polygon(), "empty"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]], "crs": {"type": "link"}},
            "crs member",
        ),
    ],
)
def test_unusable_inputs_raise_one_error_type(given: object, message: str) -> None:
    with pytest.raises(GeometryError, match=message):
        as_geometry(given)


def test_a_value_nested_past_the_recursion_limit_is_named_briefly() -> None:
    deep: Any = [0.0, 0.0]
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(GeometryError, match=r"position 0 is \[\[\[\[\.\.\.\]\]\]\]") as caught:
        as_geometry({"type": "Polygon", "coordinates": [[deep, deep, deep, deep]]})
    assert len(str(caught.value)) < 200
