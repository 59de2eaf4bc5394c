"""The service's rules for a geometry, checked on a :class:`Geometry` value before it is sent."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final, Protocol, TypeVar

from sentinelhub_byoc.geometry import _deps
from sentinelhub_byoc.geometry._coordinates import GeometryType, MultiPolygonCoords, where
from sentinelhub_byoc.geometry._crs import WGS84, describe_supported, is_supported_crs
from sentinelhub_byoc.geometry._errors import GeometryError

if TYPE_CHECKING:
    from sentinelhub_byoc.geometry._shapes import Shape

MAX_COVER_POINTS: Final = 100
"""The most positions (closing ones included) the service takes in a cover geometry: 100."""
#: A ring spanning more longitude than this in WGS84 is taken to cross the antimeridian.
MAX_LONGITUDE_SPAN: Final = 180.0


class Checked(Protocol):
    """What the checks read of a geometry: a :class:`~sentinelhub_byoc.geometry.Geometry` is one.

    The checks see a geometry through this, so that ``Geometry.validate`` can call them
    without the two modules importing each other.
    """

    @property
    def type(self) -> GeometryType:
        """``"Polygon"`` or ``"MultiPolygon"``."""

    @property
    def crs(self) -> int:
        """The EPSG code of the coordinates."""

    @property
    def polygons(self) -> MultiPolygonCoords:
        """The rings of every polygon."""

    @property
    def num_points(self) -> int:
        """The positions of all rings, closing ones included."""

    @property
    def shape(self) -> Shape:
        """The shapely geometry."""

    def to_wgs84(self) -> Checked:
        """The same geometry in WGS84."""


_G = TypeVar("_G", bound=Checked)


def check_geometry(geometry: _G, *, cover: bool, cdse: bool, thorough: bool | None) -> _G:
    """Apply every rule of :func:`~sentinelhub_byoc.geometry.validate` to *geometry*; return it."""
    _check_crs(geometry, cdse=cdse)
    if geometry.crs == WGS84:
        _check_lon_lat(geometry)
    if cover and geometry.num_points > MAX_COVER_POINTS:
        raise GeometryError(
            f"the cover geometry has {geometry.num_points} positions; the service takes at "
            f"most {MAX_COVER_POINTS}. Simplify it with "
            f"geometry.simplify_to(max_points={MAX_COVER_POINTS}).geometry "
            "(the result reports how much shape was lost)"
        )
    run_geo_checks = _deps.has_shapely() if thorough is None else thorough
    if run_geo_checks:
        _check_topology(geometry)
        _check_poles(geometry)
    if run_geo_checks or geometry.crs == WGS84:
        _check_antimeridian(geometry.to_wgs84())
    return geometry


def _check_crs(geometry: Checked, *, cdse: bool) -> None:
    if not is_supported_crs(geometry.crs, cdse=cdse):
        raise GeometryError(
            f"EPSG:{geometry.crs} is not a CRS the service supports; reproject the geometry "
            f"with geometry.to_crs(...) to one of {describe_supported(cdse=cdse)}"
        )


def _check_lon_lat(geometry: Checked) -> None:
    for p, polygon in enumerate(geometry.polygons):
        for r, ring in enumerate(polygon):
            for i, (lon, lat) in enumerate(ring):
                if abs(lon) > 180 or abs(lat) > 90:
                    raise GeometryError(
                        f"{where(geometry.type, p, r, i)} ({lon}, {lat}) is outside WGS84's "
                        "range (longitude -180..180, latitude -90..90). Coordinates must be "
                        "longitude, latitude in that order; if they are projected, pass their "
                        "CRS (e.g. crs=32633)"
                    )


def _check_topology(geometry: Checked) -> None:
    from sentinelhub_byoc.geometry import _shapes

    reason = _shapes.invalid_reason(geometry.shape)
    if reason is None:
        return
    place = _first_ring_crossing_itself(geometry)
    at = f" ({place} crosses itself)" if place else ""
    raise GeometryError(
        f"the geometry is not valid: {reason}{at}. Rings must not cross themselves or each "
        "other and holes must lie inside their shell; repair it with shapely.make_valid("
        "geometry.shape) (or .buffer(0)) and pass the polygonal result"
    )


def _first_ring_crossing_itself(geometry: Checked) -> str | None:
    shapely = _deps.shapely()
    for p, polygon in enumerate(geometry.polygons):
        for r, ring in enumerate(polygon):
            if not bool(shapely.LinearRing(ring).is_simple):
                return where(geometry.type, p, r)
    return None


def _check_poles(geometry: Checked) -> None:
    from sentinelhub_byoc.geometry._reproject import transform_point

    shapely = _deps.shapely()
    for name, latitude in (("North", 90.0), ("South", -90.0)):
        if geometry.crs == WGS84:
            # In longitude, latitude a pole is a line, not a point: touching it is enough.
            ys = [y for polygon in geometry.polygons for ring in polygon for _, y in ring]
            touches = any(abs(y) >= 90.0 and math.copysign(1, y) == latitude / 90 for y in ys)
        else:
            x, y = transform_point(0.0, latitude, WGS84, geometry.crs)
            touches = (
                math.isfinite(x) and math.isfinite(y) and bool(geometry.shape.intersects(shapely.Point(x, y)))
            )
        if touches:
            raise GeometryError(
                f"the geometry touches or encloses the {name} Pole; the service does not take "
                "geometries crossing a pole: split it into parts that stay clear of the pole"
            )


def _check_antimeridian(wgs84: Checked) -> None:
    for p, polygon in enumerate(wgs84.polygons):
        for r, ring in enumerate(polygon):
            longitudes = [lon for lon, _ in ring]
            span = max(longitudes) - min(longitudes)
            if span > MAX_LONGITUDE_SPAN:
                raise GeometryError(
                    f"{where(wgs84.type, p, r)} spans {span:.6g} degrees of longitude in WGS84, "
                    f"more than {MAX_LONGITUDE_SPAN:g}: it crosses the antimeridian (or is too "
                    "large). Split it at longitude 180 into a MultiPolygon with one part on "
                    "each side"
                )
