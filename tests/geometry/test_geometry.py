import json
import math
import pickle

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from sentinelhub_byoc.geometry import Geometry

from tests.geometry._geometry_strategies import SUPPORTED_CRSS, geometries
from tests.samples import square_ring

TEN_BY_TEN = [square_ring(0.0, 0.0, 10.0)]


def test_properties_of_a_polygon() -> None:
    geometry = Geometry("Polygon", TEN_BY_TEN, crs="EPSG:32633")
    assert geometry.type == "Polygon"
    assert geometry.crs == 32633
    assert geometry.crs_urn == "urn:ogc:def:crs:EPSG::32633"
    assert geometry.bounds == (0.0, 0.0, 10.0, 10.0)
    assert geometry.num_points == 5
    assert geometry.coordinates == tuple(tuple(tuple(p) for p in ring) for ring in TEN_BY_TEN)
    assert geometry.__geo_interface__ == {"type": "Polygon", "coordinates": geometry.coordinates}
    assert geometry.shape.area == 100.0
    assert "EPSG:32633" in repr(geometry)


def test_to_geojson_is_what_the_service_takes() -> None:
    document = Geometry("Polygon", TEN_BY_TEN, crs=32633).to_geojson()
    assert document == {
        "type": "Polygon",
        "coordinates": TEN_BY_TEN,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}},
    }
    json.dumps(document)


def test_geometry_is_an_immutable_hashable_value() -> None:
    a = Geometry("Polygon", TEN_BY_TEN, crs=32633)
    b = Geometry("Polygon", [[(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]], crs="EPSG:32633")
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1
    assert a != Geometry("Polygon", TEN_BY_TEN, crs=32634)
    with pytest.raises(AttributeError, match="immutable"):
        a._crs = 4326
    _ = a.shape  # the lazily built shape does not change the value
    assert a == pickle.loads(pickle.dumps(a))


@settings(max_examples=150, deadline=None)
@given(geometries())
def test_geojson_round_trip_is_exact(geometry: Geometry) -> None:
    text = json.dumps(geometry.to_geojson())
    decoded = Geometry.from_geojson(json.loads(text))
    assert decoded == geometry
    assert decoded.coordinates == geometry.coordinates  # bit-identical floats


@settings(max_examples=60, deadline=None)
@given(geometries())
def test_shapely_round_trip_is_exact(geometry: Geometry) -> None:
    assert Geometry.from_shape(geometry.shape, crs=geometry.crs) == geometry
    assert shapely.is_valid(geometry.shape)


# Tolerances for reprojecting there and back: 1e-6 degrees for WGS84, 1 mm for projected CRSs.
_TOLERANCE = {4326: 1e-6}
_PROJECTED_TOLERANCE = 1e-3


@settings(max_examples=60, deadline=None)
@given(st.data(), st.sampled_from(SUPPORTED_CRSS))
def test_to_crs_and_back_is_within_tolerance(data: st.DataObject, crs: int) -> None:
    geometry = data.draw(geometries(crs))
    other = 3857 if crs == 4326 else 4326
    there = geometry.to_crs(other)
    back = there.to_crs(crs)
    assert there.crs == other
    assert back.crs == crs
    tolerance = _TOLERANCE.get(crs, _PROJECTED_TOLERANCE)
    for original, returned in zip(geometry.polygons, back.polygons, strict=True):
        for ring, ring_back in zip(original, returned, strict=True):
            for (x, y), (x2, y2) in zip(ring, ring_back, strict=True):
                assert math.isclose(x, x2, abs_tol=tolerance)
                assert math.isclose(y, y2, abs_tol=tolerance)


def test_to_wgs84_is_lon_lat() -> None:
    # UTM 33N's central meridian is 15 degrees east.
    geometry = Geometry(
        "Polygon", [[[500000, 5000000], [500010, 5000000], [500010, 5000010], [500000, 5000000]]], crs=32633
    )
    lon, lat = geometry.to_wgs84().polygons[0][0][0]
    assert lon == pytest.approx(15.0)
    assert 45 < lat < 46
    assert geometry.to_crs(32633) is geometry
