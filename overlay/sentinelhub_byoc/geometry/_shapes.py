"""The typed doorway to shapely: every shapely call of the package goes through here.

shapely ships without type information, so its geometries are typed as :data:`Shape`
(``Any``) and the functions below give the rest of the package typed results.
"""

from __future__ import annotations

from typing import Any, TypeAlias, cast

from sentinelhub_byoc.geometry import _deps
from sentinelhub_byoc.geometry._coordinates import (
    GeometryType,
    MultiPolygonCoords,
    check_type,
    normalise,
)
from sentinelhub_byoc.geometry._errors import GeometryError

#: A shapely geometry (``shapely.Polygon`` or ``shapely.MultiPolygon`` here).
Shape: TypeAlias = Any


def to_shape(kind: GeometryType, polygons: MultiPolygonCoords) -> Shape:
    """Build the shapely geometry for already checked coordinates."""
    shapely = _deps.shapely("Building a shapely geometry")
    built = [shapely.Polygon(rings[0], rings[1:]) for rings in polygons]
    return built[0] if kind == "Polygon" else shapely.MultiPolygon(built)


def from_shape(shape: Shape) -> tuple[GeometryType, MultiPolygonCoords]:
    """Return the type and checked coordinates of a shapely (Multi)Polygon."""
    if bool(shape.is_empty):
        raise GeometryError("the geometry is empty; an empty geometry cannot outline data")
    interface = cast("dict[str, object]", shape.__geo_interface__)
    kind = check_type(interface.get("type"))
    return kind, normalise(kind, interface.get("coordinates"))


def invalid_reason(shape: Shape) -> str | None:
    """Return GEOS's reason why ``shape`` is invalid, or ``None`` when it is valid."""
    shapely = _deps.shapely("Checking a geometry for self-intersections")
    if bool(shapely.is_valid(shape)):
        return None
    return str(shapely.is_valid_reason(shape))


def polygonal_part(shape: Shape) -> Shape:
    """Return the (Multi)Polygon part of ``shape``, dropping lines and points."""
    shapely = _deps.shapely()
    if shape.geom_type in {"Polygon", "MultiPolygon"}:
        return shape
    parts = [part for part in getattr(shape, "geoms", []) if part.geom_type == "Polygon"]
    parts += [
        sub for part in getattr(shape, "geoms", []) if part.geom_type == "MultiPolygon" for sub in part.geoms
    ]
    return shapely.MultiPolygon(parts) if parts else shapely.Polygon()


def make_valid(shape: Shape) -> Shape:
    """Return a valid polygonal version of ``shape`` (GEOS ``make_valid``, structure method)."""
    shapely = _deps.shapely()
    return polygonal_part(shapely.make_valid(shape))


def simplify(shape: Shape, tolerance: float) -> Shape:
    """Douglas-Peucker simplification that keeps rings from crossing each other."""
    return _deps.shapely().simplify(shape, tolerance, preserve_topology=True)


def hausdorff(a: Shape, b: Shape) -> float:
    """Return the Hausdorff distance between two shapes, in CRS units."""
    return float(_deps.shapely().hausdorff_distance(a, b))


def is_valid(shape: Shape) -> bool:
    """Tell whether ``shape`` is a valid, non-empty geometry."""
    return bool(_deps.shapely().is_valid(shape)) and not bool(shape.is_empty)


def union_all(shapes: list[Shape]) -> Shape:
    """Return the union of ``shapes`` (an empty polygon when there are none)."""
    shapely = _deps.shapely()
    return shapely.union_all(shapes) if shapes else shapely.Polygon()


def intersection(a: Shape, b: Shape) -> Shape:
    """Return the intersection of two shapes."""
    return _deps.shapely().intersection(a, b)


def buffer(shape: Shape, distance: float) -> Shape:
    """Grow (``distance > 0``) or shrink (``< 0``) ``shape``, keeping mitred corners."""
    return _deps.shapely().buffer(shape, distance, join_style="mitre")


def from_wkt(text: str) -> Shape:
    """Parse WKT with shapely."""
    shapely = _deps.shapely("Parsing WKT")
    try:
        return shapely.from_wkt(text)
    except Exception as exc:  # shapely raises GEOSException, which it does not export typed
        raise GeometryError(f"cannot parse the WKT text {text[:60]!r}: {exc}") from exc


def from_mapping(data: object) -> Shape:
    """Build a shapely geometry from a GeoJSON-like mapping."""
    return _deps.shapely().geometry.shape(data)


def num_points(shape: Shape) -> int:
    """Count the positions of all rings of ``shape``, closing positions included."""
    return int(_deps.shapely().get_num_coordinates(shape))
