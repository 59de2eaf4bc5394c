"""Coordinate transforms for tiles and geometries, always in x, y (longitude, latitude) order."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sentinelhub_byoc.cog._crs_rules import crs_member, geometry_epsg, supported_epsg

if TYPE_CHECKING:
    from pyproj import Transformer

__all__ = ["BBox", "bbox_polygon", "meters_per_pixel", "pole_inside", "reproject_geometry", "wgs84_bounds"]

BBox = tuple[float, float, float, float]
"""(min x, min y, max x, max y)."""

# Metres in one degree of a great circle on the WGS84 semi-major axis: 2 pi 6378137 / 360.
_METERS_PER_DEGREE = 111_319.490_793_273_57

# Points per bbox edge when mapping it to WGS84: a projected straight edge is a curve there.
_DENSIFY = 21


@functools.lru_cache(maxsize=64)
def _transformer(from_epsg: int, to_epsg: int) -> Transformer:
    from pyproj import Transformer

    return Transformer.from_crs(from_epsg, to_epsg, always_xy=True)


def _transform_point(point: object, transformer: Transformer, where: str) -> list[float]:
    if (
        not isinstance(point, Sequence)
        or isinstance(point, str)
        or len(point) < 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point[:2])
    ):
        raise ValueError(f"{where} is not a position of two numbers: {point!r}")
    x, y = transformer.transform(float(point[0]), float(point[1]))
    if not (math.isfinite(x) and math.isfinite(y)):
        raise ValueError(f"{where} {point!r} cannot be transformed: it is outside the CRS's area")
    return [x, y]


def _transform_rings(rings: object, transformer: Transformer, where: str) -> list[list[list[float]]]:
    if not isinstance(rings, Sequence) or isinstance(rings, str) or not rings:
        raise ValueError(f"{where} must be a non-empty list of linear rings")
    result = []
    for r, ring in enumerate(rings):
        if not isinstance(ring, Sequence) or isinstance(ring, str) or len(ring) < 4:
            raise ValueError(f"{where}, ring {r} must be a list of at least 4 positions")
        result.append(
            [_transform_point(p, transformer, f"{where}, ring {r}, position {i}") for i, p in enumerate(ring)]
        )
    return result


def reproject_geometry(geometry: Mapping[str, Any], to_epsg: int, *, cdse: bool = False) -> dict[str, Any]:
    """Return a Polygon or MultiPolygon transformed into ``EPSG:to_epsg``.

    The source CRS is read from the geometry's ``crs`` member (CRS84 when it has none), see
    :func:`geometry_epsg`. Coordinates are x, y (longitude, latitude) in and out, whatever
    axis order the EPSG definition has, as the service does. Vertices are transformed; edges
    are not densified. The result always carries a ``crs`` member naming
    ``urn:ogc:def:crs:EPSG::<to_epsg>``, 4326 included, so it cannot be misread. Only the
    CRSs in :data:`SUPPORTED_EPSG` are accepted, and with ``cdse`` those the Copernicus Data
    Space deployment adds. Raises ValueError for anything else wrong.
    """
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"geometry type must be Polygon or MultiPolygon, not {kind!r}")
    from_epsg = geometry_epsg(geometry)
    for code in (from_epsg, to_epsg):
        if code not in supported_epsg(cdse=cdse):
            raise ValueError(f"EPSG:{code} is not a supported CRS")
    transformer = _transformer(from_epsg, to_epsg)
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        new: list[Any] = _transform_rings(coordinates, transformer, "the polygon")
    else:
        if not isinstance(coordinates, Sequence) or isinstance(coordinates, str) or not coordinates:
            raise ValueError("a MultiPolygon's coordinates must be a non-empty list of polygons")
        new = [_transform_rings(p, transformer, f"polygon {i}") for i, p in enumerate(coordinates)]
    return {"type": kind, "crs": crs_member(to_epsg), "coordinates": new}


def bbox_polygon(bbox: BBox, epsg: int) -> dict[str, Any]:
    """Return ``bbox`` as a closed, counter-clockwise GeoJSON Polygon with its ``crs`` member."""
    min_x, min_y, max_x, max_y = bbox
    ring = [[min_x, min_y], [max_x, min_y], [max_x, max_y], [min_x, max_y], [min_x, min_y]]
    return {"type": "Polygon", "crs": crs_member(epsg), "coordinates": [ring]}


def wgs84_bounds(bbox: BBox, epsg: int) -> BBox:
    """Return the longitude/latitude bounds of ``bbox`` given in ``EPSG:epsg``.

    Each edge is densified before transforming, so the bounds hold the whole curved outline,
    not just its corners. A box that crosses the antimeridian gets min lon > max lon.
    Raises ValueError when the box reaches outside where the CRS is defined.
    """
    if epsg == 4326:
        return bbox
    west, south, east, north = _transformer(epsg, 4326).transform_bounds(*bbox, densify_pts=_DENSIFY)
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ValueError(f"the box {bbox} reaches outside the area where EPSG:{epsg} is defined")
    return (west, south, east, north)


def pole_inside(bbox: BBox, epsg: int) -> str | None:
    """Return "North" or "South" when that pole lies inside ``bbox``, else None."""
    min_x, min_y, max_x, max_y = bbox
    for name, latitude in (("North", 90.0), ("South", -90.0)):
        if epsg == 4326:
            # In degrees the pole is the edge latitude, so only a box reaching past it crosses.
            inside = max_y > latitude if latitude > 0 else min_y < latitude
        else:
            x, y = _transformer(4326, epsg).transform(0.0, latitude)
            inside = math.isfinite(x) and min_x < x < max_x and min_y < y < max_y
        if inside:
            return name
    return None


def meters_per_pixel(pixel_size: tuple[float, float], epsg: int, wgs84_box: BBox) -> float:
    """Return the coarser side of a pixel in metres.

    Projected CRSs the service supports measure in metres already. In a geographic CRS a degree
    of latitude is about 111 km everywhere, and a degree of longitude that times the cosine of
    the latitude, taken at the middle of the tile (``wgs84_box``).
    """
    size_x, size_y = pixel_size
    if epsg != 4326:
        return max(size_x, size_y)
    latitude = (wgs84_box[1] + wgs84_box[3]) / 2
    width = size_x * _METERS_PER_DEGREE * math.cos(math.radians(latitude))
    return max(width, size_y * _METERS_PER_DEGREE)
