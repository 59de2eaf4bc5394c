"""Reprojecting coordinates between EPSG CRSs with pyproj, always in x, y (lon, lat) order."""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, cast

from sentinelhub_byoc.geometry import _deps
from sentinelhub_byoc.geometry._coordinates import MultiPolygonCoords, Position, Ring
from sentinelhub_byoc.geometry._errors import GeometryError

if TYPE_CHECKING:
    from pyproj import Transformer


@functools.lru_cache(maxsize=64)
def _transformer(source: int, target: int) -> Transformer:
    # Building a transformer costs milliseconds; tiles of one collection share a CRS pair.
    pyproj = _deps.pyproj("Reprojecting a geometry")
    return cast("Transformer", pyproj.Transformer.from_crs(source, target, always_xy=True))


def reproject(polygons: MultiPolygonCoords, source: int, target: int) -> MultiPolygonCoords:
    """Return ``polygons`` moved from EPSG ``source`` to EPSG ``target``, vertex by vertex.

    Raises :class:`GeometryError` if a position has no image in ``target`` (pyproj gives
    ``inf``), e.g. a pole in Web Mercator.
    """
    transformer = _transformer(source, target)
    return tuple(
        tuple(
            _reproject_ring(transformer, ring, source, target, number, index)
            for index, ring in enumerate(polygon)
        )
        for number, polygon in enumerate(polygons)
    )


def _reproject_ring(
    transformer: Transformer, ring: Ring, source: int, target: int, polygon: int, index: int
) -> Ring:
    xs, ys = zip(*ring, strict=True)
    new_xs, new_ys = cast("tuple[list[float], list[float]]", transformer.transform(list(xs), list(ys)))
    result: list[Position] = []
    for number, (x, y) in enumerate(zip(new_xs, new_ys, strict=True)):
        if not (math.isfinite(x) and math.isfinite(y)):
            raise GeometryError(
                f"polygon {polygon}, ring {index}, position {number} {ring[number]} cannot be "
                f"expressed in EPSG:{target} (it is outside the area that CRS covers); "
                f"check that the coordinates really are in EPSG:{source}"
            )
        result.append((float(x), float(y)))
    return tuple(result)


def transform_point(x: float, y: float, source: int, target: int) -> Position:
    """Return the point ``(x, y)`` moved from EPSG ``source`` to ``target`` (may be ``inf``)."""
    new_x, new_y = cast("tuple[float, float]", _transformer(source, target).transform(x, y))
    return (float(new_x), float(new_y))
