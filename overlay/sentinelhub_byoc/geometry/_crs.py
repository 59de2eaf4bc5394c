"""Coordinate reference systems: parsing every spelling users have, naming them for the service.

A CRS is held as an EPSG code (``int``). WGS84 is always ``4326`` and its coordinates are
always in longitude, latitude order, whichever name it came under: GeoJSON's default
``urn:ogc:def:crs:OGC:1.3:CRS84`` says so, and the service reads ``EPSG:4326`` in the same
order ("easting, northing or longitude, latitude, in that order").
"""

from __future__ import annotations

import re
from typing import Any, Final

from sentinelhub_byoc.geometry._errors import GeometryError, shown

WGS84: Final = 4326
CRS84_URN: Final = "urn:ogc:def:crs:OGC:1.3:CRS84"

SUPPORTED_CRS: Final[frozenset[int]] = frozenset(
    {4326, 3857, 3035, *range(32601, 32661), *range(32701, 32761)}
)
"""The EPSG codes the service accepts for geometries and COGs in every deployment: WGS84 (4326),
Web Mercator (3857), LAEA Europe (3035) and the WGS84 UTM zones (32601-32660 north, 32701-32760 south)."""
CDSE_ONLY_CRS: Final[frozenset[int]] = frozenset({6933})
"""The EPSG codes only the Copernicus Data Space deployment accepts, on top of :data:`SUPPORTED_CRS`:
the EASE-Grid 2.0 global equal-area CRS (6933)."""

_EPSG_PATTERNS: Final = (
    re.compile(r"^epsg:{1,2}(\d+)$"),
    re.compile(r"^urn:ogc:def:crs:epsg:[\d.]*:(\d+)$"),
    re.compile(r"^https?://www\.opengis\.net/def/crs/epsg/[\d.]+/(\d+)$"),
)
_CRS84_NAMES: Final = frozenset(
    {
        "crs84",
        "ogc:crs84",
        "crs:84",
        "urn:ogc:def:crs:ogc:1.3:crs84",
        "urn:ogc:def:crs:ogc::crs84",
        "http://www.opengis.net/def/crs/ogc/1.3/crs84",
        "https://www.opengis.net/def/crs/ogc/1.3/crs84",
    }
)


def parse_crs(value: object) -> int:
    """Return the EPSG code of a CRS given in any of the usual spellings.

    Accepts an EPSG code (``32633``), ``"EPSG:32633"``, ``"urn:ogc:def:crs:EPSG::32633"``,
    ``"http://www.opengis.net/def/crs/EPSG/0/32633"``, CRS84 names
    (``"urn:ogc:def:crs:OGC:1.3:CRS84"``, ``"OGC:CRS84"``) and objects with a ``to_epsg()``
    method such as ``pyproj.CRS`` and ``rasterio.crs.CRS``. CRS84 gives ``4326``.

    >>> parse_crs("urn:ogc:def:crs:EPSG::32633")
    32633
    >>> parse_crs("urn:ogc:def:crs:OGC:1.3:CRS84")
    4326
    """
    if isinstance(value, bool):
        raise GeometryError(f"CRS {shown(value)} is not a CRS; give an EPSG code such as 32633")
    if isinstance(value, int):
        if value <= 0:
            raise GeometryError(f"CRS {shown(value)} is not an EPSG code; EPSG codes are positive")
        return value
    if isinstance(value, str):
        return _parse_crs_name(value)
    if hasattr(value, "to_epsg"):
        return _parse_crs_object(value)
    raise GeometryError(
        f"cannot read a CRS from {type(value).__name__} {shown(value)}; give an EPSG code (32633), "
        "'EPSG:32633', 'urn:ogc:def:crs:EPSG::32633' or a pyproj.CRS"
    )


def _parse_crs_name(name: str) -> int:
    key = name.strip().lower()
    if key in _CRS84_NAMES:
        return WGS84
    for pattern in _EPSG_PATTERNS:
        match = pattern.match(key)
        if match:
            return parse_crs(int(match.group(1)))
    if key.isdigit():
        return parse_crs(int(key))
    raise GeometryError(
        f"cannot read the CRS name {name!r}; use 'EPSG:32633', 'urn:ogc:def:crs:EPSG::32633' or {CRS84_URN!r}"
    )


def _parse_crs_object(crs: Any) -> int:
    code = crs.to_epsg()
    if isinstance(code, int):
        return code
    # pyproj names CRS84 by authority OGC rather than by an EPSG code.
    to_authority = getattr(crs, "to_authority", None)
    authority = to_authority() if callable(to_authority) else None
    if authority is not None and tuple(authority) == ("OGC", "CRS84"):
        return WGS84
    raise GeometryError(
        f"the CRS {crs!s:.80} has no EPSG code; reproject the data to one of the supported "
        f"CRSs ({describe_supported()})"
    )


def crs_urn(code: int) -> str:
    """Return the URN the service takes in a GeoJSON ``crs`` member.

    WGS84 is named CRS84 (``urn:ogc:def:crs:OGC:1.3:CRS84``) because that name fixes the
    longitude, latitude axis order the coordinates are written in; every other CRS is
    ``urn:ogc:def:crs:EPSG::<code>``.

    >>> crs_urn(32633)
    'urn:ogc:def:crs:EPSG::32633'
    """
    return CRS84_URN if code == WGS84 else f"urn:ogc:def:crs:EPSG::{code}"


def crs_member(code: int) -> dict[str, Any]:
    """Return the GeoJSON (2008) named-CRS member for ``code``."""
    return {"type": "name", "properties": {"name": crs_urn(code)}}


def read_crs_member(member: object) -> int:
    """Return the EPSG code named by a GeoJSON ``crs`` member.

    Only the named form ``{"type": "name", "properties": {"name": ...}}`` exists in practice;
    linked CRSs are refused.
    """
    if isinstance(member, dict):
        properties = member.get("properties")
        if member.get("type") == "name" and isinstance(properties, dict):
            return parse_crs(properties.get("name"))
    raise GeometryError(
        f"cannot read the GeoJSON crs member {shown(member)}; expected "
        '{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}}'
    )


def is_supported_crs(code: int, *, cdse: bool = False) -> bool:
    """Tell whether the service accepts geometries in CRS ``code``.

    ``cdse=True`` also allows the CRSs only the Copernicus Data Space deployment takes.
    """
    return code in SUPPORTED_CRS or (cdse and code in CDSE_ONLY_CRS)


def describe_supported(*, cdse: bool = False) -> str:
    """Return the supported CRSs as a short human-readable list."""
    text = "EPSG:4326, EPSG:3857, EPSG:32601-32660, EPSG:32701-32760, EPSG:3035"
    return text + (", EPSG:6933" if cdse else " (and EPSG:6933 on CDSE)")


def merge_crs(explicit: int | None, member: object) -> int:
    """Combine a CRS given by the caller with a GeoJSON ``crs`` member; disagreeing is an error."""
    found = read_crs_member(member) if member is not None else None
    if explicit is not None and found is not None and explicit != found:
        raise GeometryError(
            f"the CRS given (EPSG:{explicit}) contradicts the geometry's crs member "
            f"(EPSG:{found}); drop one of them, or reproject with Geometry.to_crs"
        )
    if explicit is not None:
        return explicit
    return found if found is not None else WGS84
