"""What users hand in as a geometry, turned into a :class:`Geometry` (and checked, by :func:`validate`)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final

from sentinelhub_byoc.geometry._checks import check_geometry
from sentinelhub_byoc.geometry._crs import merge_crs, parse_crs
from sentinelhub_byoc.geometry._errors import GeometryError, shown
from sentinelhub_byoc.geometry._geometry import Geometry

_EWKT_SRID: Final = re.compile(r"^\s*srid\s*=\s*(\d+)\s*;", re.IGNORECASE)
_CONTAINERS: Final = ("Feature", "FeatureCollection")
_ACCEPTED: Final = (
    "a Geometry, a GeoJSON Polygon/MultiPolygon dict, a Feature, a one-feature "
    "FeatureCollection, an object with __geo_interface__ (shapely, geopandas), a model "
    "with to_dict(), or WKT / GeoJSON text"
)


def as_geometry(obj: object, crs: object = None) -> Geometry:
    """Turn any geometry input into a :class:`Geometry`.

    Accepted inputs: a :class:`Geometry`; a GeoJSON Polygon or MultiPolygon dict; a
    Feature; a FeatureCollection with exactly one feature; anything with
    ``__geo_interface__`` (shapely geometries, geopandas objects); models with a
    ``to_dict()`` returning GeoJSON (the generated API models); GeoJSON text; WKT text
    (needs shapely), with an optional EWKT ``SRID=32633;`` prefix.

    The CRS is ``crs`` when given (EPSG code, ``"EPSG:32633"``, a URN, a ``pyproj.CRS``),
    else the one the input names (a GeoJSON ``crs`` member, a geopandas ``.crs``, an EWKT
    SRID), else CRS84 as GeoJSON prescribes. A ``crs`` that contradicts the input's own is
    an error: reproject with :meth:`Geometry.to_crs` instead.

    Only the structure is checked here (type, closed rings, finite 2-D numbers); use
    :func:`validate` for what the service additionally requires.

    >>> as_geometry({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}).crs
    4326
    >>> as_geometry("POLYGON ((500000 0, 500100 0, 500100 100, 500000 0))", crs=32633).crs
    32633
    """
    return _convert(obj, parse_crs(crs) if crs is not None else None)


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


def _convert(obj: object, crs: int | None) -> Geometry:
    if isinstance(obj, Geometry):
        if crs is not None and crs != obj.crs:
            raise GeometryError(
                f"the CRS given (EPSG:{crs}) contradicts the geometry's own (EPSG:{obj.crs}); "
                f"to change CRS use geometry.to_crs({crs})"
            )
        return obj
    if isinstance(obj, str):
        return _from_text(obj, crs)
    if isinstance(obj, Mapping):
        return _from_mapping(obj, crs)
    interface = getattr(obj, "__geo_interface__", None)
    if isinstance(interface, Mapping):
        # geopandas objects carry their CRS beside the GeoJSON-like interface.
        own_crs = getattr(obj, "crs", None)
        if own_crs is not None:
            crs = _agree(crs, parse_crs(own_crs), "the object's .crs")
        return _from_mapping(interface, crs)
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        data = to_dict()
        if isinstance(data, Mapping):
            return _from_mapping(data, crs)
    raise GeometryError(f"cannot use {type(obj).__name__} as a geometry; expected {_ACCEPTED}")


def _from_mapping(data: Mapping[str, Any], crs: int | None) -> Geometry:
    kind = data.get("type")
    if kind == "Feature":
        crs = _member_crs(data, crs)
        geometry = data.get("geometry")
        if geometry is None:
            raise GeometryError("the Feature has no geometry (its 'geometry' is null)")
        if isinstance(geometry, Mapping) and geometry.get("type") in _CONTAINERS:
            # GeoJSON nests no deeper than this; following further nesting would recurse without end.
            raise GeometryError(
                f"the Feature's geometry is a {geometry.get('type')}; GeoJSON puts a Polygon or "
                "MultiPolygon there, not another Feature or FeatureCollection"
            )
        return _convert(geometry, crs)
    if kind == "FeatureCollection":
        crs = _member_crs(data, crs)
        features = data.get("features")
        if not isinstance(features, list | tuple) or len(features) != 1:
            count = len(features) if isinstance(features, list | tuple) else "no"
            raise GeometryError(
                f"the FeatureCollection has {count} features; exactly one is accepted: pass "
                "one feature (collection['features'][i]) or merge them first "
                "(e.g. shapely.union_all)"
            )
        feature = features[0]
        if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
            raise GeometryError(
                f"the FeatureCollection holds {type(feature).__name__} {shown(feature)}, not a Feature; "
                'GeoJSON\'s features are objects with "type": "Feature"'
            )
        return _convert(feature, crs)
    return Geometry.from_geojson(data, crs=crs)


def _member_crs(data: Mapping[str, Any], crs: int | None) -> int | None:
    member = data.get("crs")
    return crs if member is None else merge_crs(crs, member)


def _agree(given: int | None, found: int, source: str) -> int:
    if given is not None and given != found:
        raise GeometryError(
            f"the CRS given (EPSG:{given}) contradicts {source} (EPSG:{found}); drop one of "
            "them, or reproject with Geometry.to_crs"
        )
    return found


def _from_text(text: str, crs: int | None) -> Geometry:
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise GeometryError(f"the GeoJSON text is not valid JSON: {exc}") from exc
        except RecursionError:
            raise GeometryError(
                "the GeoJSON text is nested deeper than any GeoJSON geometry; it cannot be a Polygon "
                "or MultiPolygon"
            ) from None
        return _convert(data, crs)
    srid = _EWKT_SRID.match(stripped)
    if srid:
        crs = _agree(crs, parse_crs(int(srid.group(1))), "the EWKT SRID")
        stripped = stripped[srid.end() :]
    from sentinelhub_byoc.geometry import _shapes

    return Geometry.from_shape(_shapes.from_wkt(stripped), crs=crs if crs is not None else 4326)
