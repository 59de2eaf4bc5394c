import math

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from sentinelhub_byoc.geometry import Geometry, GeometryError, validate

from tests.geometry._geometry_strategies import CRS_AREAS, SUPPORTED_CRSS, star_ring


@settings(max_examples=30, deadline=None)
@given(st.data(), st.sampled_from(SUPPORTED_CRSS), st.integers(8, 100))
def test_simplify_to_fits_the_budget_stays_valid_and_reports_the_loss(
    data: st.DataObject, crs: int, max_points: int
) -> None:
    (x0, x1), (y0, _), (_, r1) = CRS_AREAS[crs]
    ring = data.draw(star_ring(((x0 + x1) / 2, y0 + 2 * r1), r1, min_n=110, max_n=200))
    geometry = Geometry("Polygon", [ring], crs=crs)
    result = geometry.simplify_to(max_points=max_points)
    simplified = result.geometry
    assert simplified.num_points <= max_points
    assert simplified.crs == crs
    assert shapely.is_valid(simplified.shape)
    assert result.original_points == geometry.num_points
    assert result.tolerance > 0
    assert result.hausdorff_distance == pytest.approx(
        shapely.hausdorff_distance(geometry.shape, simplified.shape)
    )
    # Every position kept is one of the original ones.
    kept = {p for ring in simplified.polygons[0] for p in ring}
    assert kept <= {p for ring in geometry.polygons[0] for p in ring}
    validate(simplified, cover=max_points <= 100, thorough=True)


def test_small_geometries_are_returned_as_they_are() -> None:
    geometry = Geometry("Polygon", [[[0, 0], [1, 0], [1, 1], [0, 0]]])
    result = geometry.simplify_to(max_points=100)
    assert result.geometry is geometry
    assert (result.tolerance, result.hausdorff_distance) == (0.0, 0.0)


def test_many_holes_and_parts_are_dropped_when_the_budget_demands() -> None:
    shell = shapely.box(0, 0, 1000, 1000)
    holes = [
        shapely.Point(50 + 100 * i, 50 + 100 * j).buffer(10, quad_segs=2)
        for i in range(10)
        for j in range(10)
    ]
    islands = [shapely.box(2000 + 20 * i, 0, 2010 + 20 * i, 10) for i in range(30)]
    shape = shapely.union_all([shapely.difference(shell, shapely.union_all(holes)), *islands])
    geometry = Geometry.from_shape(shape, crs=32633)
    assert geometry.num_points > 1000
    result = geometry.simplify_to(max_points=100)
    assert result.geometry.num_points <= 100
    assert shapely.is_valid(result.geometry.shape)
    # The big square survives; what was lost is bounded by the reported Hausdorff distance.
    assert result.geometry.shape.buffer(result.hausdorff_distance + 1e-6).contains(shell.exterior)
    assert result.hausdorff_distance < 3000


def test_invalid_input_is_repaired_before_simplifying() -> None:
    ring = [
        [math.cos(2 * math.pi * i / 200) * 100, math.sin(2 * math.pi * i / 200) * 100] for i in range(200)
    ]
    bow_tie_part = [[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]
    geometry = Geometry("MultiPolygon", [[[*ring, ring[0]]], [bow_tie_part]], crs=3857)
    result = geometry.simplify_to(max_points=50)
    assert shapely.is_valid(result.geometry.shape)
    assert result.geometry.num_points <= 50


def test_budget_below_one_triangle_is_refused() -> None:
    with pytest.raises(GeometryError, match="max_points=3 is too small"):
        Geometry("Polygon", [[[0, 0], [1, 0], [1, 1], [0, 0]]]).simplify_to(max_points=3)
