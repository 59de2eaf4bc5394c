"""Checking and normalising GeoJSON coordinate arrays into plain tuples of floats.

These are the checks a :class:`~sentinelhub_byoc.geometry.Geometry` cannot exist without:
the geometry type, the nesting, 2-D finite numbers, closed rings of at least four
positions. They need nothing beyond the standard library.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final, Literal, SupportsFloat, TypeAlias

from sentinelhub_byoc.geometry._errors import GeometryError, shown

Position: TypeAlias = tuple[float, float]
Ring: TypeAlias = tuple[Position, ...]
PolygonCoords: TypeAlias = tuple[Ring, ...]
MultiPolygonCoords: TypeAlias = tuple[PolygonCoords, ...]
GeometryType: TypeAlias = Literal["Polygon", "MultiPolygon"]

GEOMETRY_TYPES: Final = ("Polygon", "MultiPolygon")
MIN_RING_POSITIONS: Final = 4


def where(kind: GeometryType, polygon: int, ring: int | None = None, position: int | None = None) -> str:
    """Describe a place in a geometry: ``"polygon 1, ring 0 (exterior), position 3"``."""
    parts = [f"polygon {polygon}"] if kind == "MultiPolygon" else []
    if ring is not None:
        parts.append(f"ring {ring} ({'exterior' if ring == 0 else 'hole'})")
    if position is not None:
        parts.append(f"position {position}")
    return ", ".join(parts) or "the polygon"


def check_type(geometry_type: object) -> GeometryType:
    """Return ``geometry_type`` if it is ``"Polygon"`` or ``"MultiPolygon"``, else raise."""
    if geometry_type == "Polygon":
        return "Polygon"
    if geometry_type == "MultiPolygon":
        return "MultiPolygon"
    hint = ""
    # A tuple, not a set: the type may be anything a user sent, a list included (unhashable).
    if geometry_type in ("Point", "MultiPoint", "LineString", "MultiLineString"):
        hint = " (buffer it into an area first, e.g. shapely's geometry.buffer(distance))"
    elif geometry_type == "GeometryCollection":
        hint = " (keep only its polygons, e.g. with shapely.unary_union)"
    raise GeometryError(
        f"geometry type {shown(geometry_type)} is not supported; the service takes only "
        f"Polygon and MultiPolygon{hint}"
    )


def normalise(kind: GeometryType, coordinates: object) -> MultiPolygonCoords:
    """Check GeoJSON ``coordinates`` of a ``kind`` geometry; return them as polygons of tuples.

    A Polygon comes back as a one-polygon tuple, so callers can treat both kinds alike.
    """
    if kind == "Polygon":
        return (_polygon(kind, 0, coordinates),)
    parts = _sequence(coordinates, "the MultiPolygon coordinates", "a list of polygons")
    if not parts:
        raise GeometryError("the MultiPolygon has no polygons; an empty geometry cannot outline data")
    return tuple(_polygon(kind, index, part) for index, part in enumerate(parts))


def _polygon(kind: GeometryType, index: int, coordinates: object) -> PolygonCoords:
    rings = _sequence(coordinates, where(kind, index), "a list of rings")
    if not rings:
        raise GeometryError(
            f"{where(kind, index)} has no rings (it is empty); a polygon needs at least its exterior ring"
        )
    return tuple(_ring(kind, index, number, ring) for number, ring in enumerate(rings))


def _ring(kind: GeometryType, polygon: int, ring: int, coordinates: object) -> Ring:
    positions = _sequence(coordinates, where(kind, polygon, ring), "a list of [x, y] positions")
    checked = _fast_ring(positions)
    if checked is None:
        checked = tuple(
            _position(kind, polygon, ring, number, position) for number, position in enumerate(positions)
        )
    if len(checked) < MIN_RING_POSITIONS:
        raise GeometryError(
            f"{where(kind, polygon, ring)} has {len(checked)} positions; a ring needs at least "
            f"{MIN_RING_POSITIONS} (three corners and the first repeated at the end)"
        )
    if checked[0] != checked[-1]:
        raise GeometryError(
            f"{where(kind, polygon, ring)} is not closed: its first position {checked[0]} differs from "
            f"its last {checked[-1]}; repeat the first position at the end of the ring"
        )
    return checked


def _fast_ring(positions: Sequence[Any]) -> Ring | None:
    """The ring as tuples when every position is a list or tuple of two finite floats or ints.

    JSON answers and most user input look like this; anything else returns ``None`` and takes
    the slow path, which names the exact position that is wrong.
    """
    try:
        ring = tuple(
            [
                (float(x), float(y))
                for x, y in positions
                if type(x) in _PLAIN_NUMBERS and type(y) in _PLAIN_NUMBERS
            ]
        )
    except (TypeError, ValueError):
        return None
    if len(ring) != len(positions) or not all(isinstance(p, list | tuple) for p in positions):
        return None
    if not math.isfinite(sum(x + y for x, y in ring)):
        return None  # NaN or infinity somewhere (or an overflow): let the slow path name it
    return ring


_PLAIN_NUMBERS: Final = frozenset({float, int})


def _position(kind: GeometryType, polygon: int, ring: int, number: int, position: object) -> Position:
    place = where(kind, polygon, ring, number)
    values = _sequence(position, place, "an [x, y] pair of numbers")
    if len(values) > 2:
        raise GeometryError(
            f"{place} has {len(values)} coordinates {shown(tuple(values))}; the service takes 2-D "
            "positions only, drop the extra values (e.g. with shapely.force_2d)"
        )
    if len(values) < 2:
        raise GeometryError(f"{place} is {shown(list(values))}; a position needs two numbers [x, y]")
    x, y = (_number(place, value) for value in values)
    return (x, y)


def _number(place: str, value: object) -> float:
    # numpy scalars and Decimal are numbers too; bool and str are not.
    if isinstance(value, bool | str | bytes) or not isinstance(value, SupportsFloat):
        raise GeometryError(f"{place} holds {shown(value)}, which is not a number")
    number = float(value)
    if not math.isfinite(number):
        raise GeometryError(
            f"{place} holds {number}, which is not a finite number; remove or fix that position"
        )
    return number


def _sequence(value: object, place: str, expected: str) -> Sequence[object]:
    if isinstance(value, list | tuple):
        return value
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        if hasattr(value, "tolist"):  # numpy arrays
            return _sequence(value.tolist(), place, expected)
        raise GeometryError(f"{place} should be {expected}, not {type(value).__name__}")
    return value


def loose_polygons(coordinates: object, kind: GeometryType) -> MultiPolygonCoords:
    """Whatever positions of two numbers can be found in ``coordinates``, nested as polygons.

    For geometries the service sent that are not valid polygons (open or short rings, empty
    parts): nothing is checked beyond the nesting, and what does not fit is left out.
    """
    polygons = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(polygons, list | tuple):
        return ()
    found: list[PolygonCoords] = []
    for polygon in polygons:
        rings = [_loose_ring(ring) for ring in polygon] if isinstance(polygon, list | tuple) else []
        found.append(tuple(rings))
    return tuple(found)


def _loose_ring(ring: object) -> Ring:
    if not isinstance(ring, list | tuple):
        return ()
    positions: list[Position] = []
    for position in ring:
        if isinstance(position, list | tuple) and len(position) == 2:
            x, y = position
            if type(x) in _PLAIN_NUMBERS and type(y) in _PLAIN_NUMBERS:
                positions.append((float(x), float(y)))
    return tuple(positions)


def count_positions(polygons: MultiPolygonCoords) -> int:
    """Count the positions of all rings, each ring's closing position included."""
    return sum(len(ring) for polygon in polygons for ring in polygon)
