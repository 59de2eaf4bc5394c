"""Simplifying a geometry under a point budget, reporting how much shape was lost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from sentinelhub_byoc.geometry import _shapes
from sentinelhub_byoc.geometry._errors import GeometryError
from sentinelhub_byoc.geometry._shapes import Shape
from sentinelhub_byoc.geometry._structure import MIN_RING_POSITIONS

if TYPE_CHECKING:
    from sentinelhub_byoc.geometry._value import Geometry

if TYPE_CHECKING:
    from sentinelhub_byoc.geometry._value import Geometry

# Each step multiplies the tolerance by this; a finer step keeps more shape but tries more.
_GROWTH: Final = 1.25
_MAX_STEPS: Final = 200


@dataclass(frozen=True)
class SimplifyResult:
    """The outcome of :meth:`Geometry.simplify_to`.

    Attributes:
        geometry: the simplified, valid geometry (the original one if it was small enough).
        tolerance: the Douglas-Peucker tolerance used, in CRS units (0 if nothing was done).
        hausdorff_distance: the largest distance between the original outline and the
            simplified one, in CRS units: how much shape was lost.
        original_points: the number of positions before simplification.

    >>> result = geometry.simplify_to(max_points=100)  # doctest: +SKIP
    >>> print(f"moved the outline by up to {result.hausdorff_distance:.1f} m")  # doctest: +SKIP
    """

    geometry: Geometry
    tolerance: float
    hausdorff_distance: float
    original_points: int


def simplify_to(geometry: Geometry, max_points: int = 100) -> SimplifyResult:
    """Simplify ``geometry`` with growing Douglas-Peucker tolerance until it fits ``max_points``.

    The tolerance starts at a millionth of the bounding box's larger side and grows by 25%
    a step, so the first tolerance that fits is used (within that factor). Rings never
    cross (GEOS ``preserve_topology``); holes and parts thinner than twice the tolerance
    are dropped, as Douglas-Peucker would collapse them, but the largest part is kept.
    """
    if max_points < MIN_RING_POSITIONS:
        raise GeometryError(
            f"max_points={max_points} is too small: a polygon needs at least {MIN_RING_POSITIONS} positions"
        )
    original = geometry.num_points
    if original <= max_points and _shapes.is_valid(geometry.shape):
        return SimplifyResult(geometry, 0.0, 0.0, original)
    source = geometry.shape
    if not _shapes.is_valid(source):
        source = _shapes.make_valid(source)
    min_x, min_y, max_x, max_y = geometry.bounds
    tolerance = max(max_x - min_x, max_y - min_y) * 1e-6 or 1e-9
    for _ in range(_MAX_STEPS):
        candidate = _simplify_once(source, tolerance)
        if candidate is not None and _shapes.num_points(candidate) <= max_points:
            simplified = type(geometry).from_shape(candidate, crs=geometry.crs)
            distance = _shapes.hausdorff(geometry.shape, candidate)
            return SimplifyResult(simplified, tolerance, distance, original)
        tolerance *= _GROWTH
    raise GeometryError(  # pragma: no cover - the tolerance outgrows any finite geometry
        f"could not simplify the geometry to {max_points} positions"
    )


def _simplify_once(source: Shape, tolerance: float) -> Shape | None:
    # Holes block the simplification of their shell, so the thin ones go first.
    simplified = _shapes.simplify(_drop_slivers(source, tolerance), tolerance)
    if not _shapes.is_valid(simplified):
        simplified = _shapes.make_valid(simplified)
    return simplified if _shapes.is_valid(simplified) else None


def _drop_slivers(shape: Shape, tolerance: float) -> Shape:
    parts = list(shape.geoms) if shape.geom_type == "MultiPolygon" else [shape]
    largest = max(parts, key=lambda part: float(part.area))
    kept = [
        _without_small_holes(part, tolerance)
        for part in parts
        if part is largest or _thickness(part) > 2 * tolerance
    ]
    if shape.geom_type == "Polygon":
        return kept[0]
    return _shapes.union_all(kept) if len(kept) > 1 else kept[0]


def _without_small_holes(polygon: Shape, tolerance: float) -> Shape:
    holes = [ring for ring in polygon.interiors if _thickness(ring) > 2 * tolerance]
    if len(holes) == len(polygon.interiors):
        return polygon
    return type(polygon)(polygon.exterior, holes)


def _thickness(shape: Shape) -> float:
    min_x, min_y, max_x, max_y = (float(v) for v in shape.bounds)
    return min(max_x - min_x, max_y - min_y)
