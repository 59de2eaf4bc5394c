"""Simplifying a shapely polygon under a point budget, with growing Douglas-Peucker tolerance."""

from __future__ import annotations

from typing import Final

from sentinelhub_byoc.geometry import _shapes
from sentinelhub_byoc.geometry._coordinates import MIN_RING_POSITIONS
from sentinelhub_byoc.geometry._errors import GeometryError
from sentinelhub_byoc.geometry._shapes import Shape

# Each step multiplies the tolerance by this; a finer step keeps more shape but tries more.
_GROWTH: Final = 1.25
_MAX_STEPS: Final = 200


def check_budget(max_points: int) -> None:
    """Refuse a point budget no polygon fits in."""
    if max_points < MIN_RING_POSITIONS:
        raise GeometryError(
            f"max_points={max_points} is too small: a polygon needs at least {MIN_RING_POSITIONS} positions"
        )


def simplify_shape(
    shape: Shape, *, num_points: int, bounds: tuple[float, float, float, float], max_points: int
) -> tuple[Shape, float] | None:
    """Simplify *shape* until it has at most ``max_points`` positions; ``None`` if it fits already.

    Returns the simplified, valid shape and the tolerance used. The tolerance starts at a
    millionth of the bounding box's larger side and grows by 25% a step, so the first
    tolerance that fits is used (within that factor). Rings never cross (GEOS
    ``preserve_topology``); holes and parts thinner than twice the tolerance are dropped, as
    Douglas-Peucker would collapse them, but the largest part is kept.
    """
    if num_points <= max_points and _shapes.is_valid(shape):
        return None
    source = shape if _shapes.is_valid(shape) else _shapes.make_valid(shape)
    min_x, min_y, max_x, max_y = bounds
    tolerance = max(max_x - min_x, max_y - min_y) * 1e-6 or 1e-9
    for _ in range(_MAX_STEPS):
        candidate = _simplify_once(source, tolerance)
        if candidate is not None and _shapes.num_points(candidate) <= max_points:
            return candidate, tolerance
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
