"""Checking a geometry against what the service accepts, before it is sent."""

from __future__ import annotations

from sentinelhub_byoc.geometry._checks import MAX_COVER_POINTS, MAX_LONGITUDE_SPAN, check_geometry
from sentinelhub_byoc.geometry._funnel import as_geometry
from sentinelhub_byoc.geometry._value import Geometry

__all__ = ["MAX_COVER_POINTS", "MAX_LONGITUDE_SPAN", "validate"]


def validate(
    obj: object,
    *,
    cover: bool = False,
    crs: object = None,
    cdse: bool = False,
    thorough: bool | None = None,
) -> Geometry:
    """Check that a geometry can be sent to the service; return it as a :class:`Geometry`.

    ``obj`` is anything :func:`as_geometry` accepts. Raises
    :class:`~sentinelhub_byoc.geometry.GeometryError` (a ``ValidationError``) naming the
    problem, where it is and how to fix it, when:

    * it is not a Polygon or MultiPolygon, a ring has fewer than 4 positions or is not
      closed, a number is NaN or infinite, or a position is 3-D (see :class:`Geometry`);
    * its CRS is not one the service supports (``cdse=True`` adds the CRSs only the
      Copernicus Data Space deployment takes);
    * in WGS84, a longitude is outside [-180, 180] or a latitude outside [-90, 90];
    * ``cover=True`` and it has more than 100 positions (closing positions included);
    * rings intersect themselves or each other, or holes lie outside their shell
      (anything GEOS calls invalid);
    * it touches or encloses a pole;
    * it crosses the antimeridian, i.e. one of its rings spans more than 180 degrees of
      longitude once in WGS84: the service stores geometries in CRS84 and would read
      such a ring as going the long way round the globe.

    The last three checks need the ``geo`` extra; ``thorough=None`` runs them when it is
    installed, ``True`` insists on them and ``False`` skips them. (The antimeridian and
    pole checks of an EPSG:4326 geometry need no extra, except pole enclosure.)

    >>> validate({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]})
    Traceback (most recent call last):
    ...
    sentinelhub_byoc.geometry._errors.GeometryError: the geometry is not valid: ...
    """
    return check_geometry(as_geometry(obj, crs), cover=cover, cdse=cdse, thorough=thorough)
