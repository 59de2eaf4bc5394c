"""The CRSs the service accepts, and reading and writing the GeoJSON ``crs`` member."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

__all__ = ["SUPPORTED_EPSG", "crs_member", "geometry_epsg"]

SUPPORTED_EPSG: Final[frozenset[int]] = frozenset(
    {4326, 3857, 3035, *range(32601, 32661), *range(32701, 32761)}
)
"""EPSG codes of the CRSs the service accepts for COGs and geometries."""

_EPSG_NAMES: Final = (
    re.compile(r"^epsg:(\d+)$"),
    re.compile(r"^urn:ogc:def:crs:epsg:[\d.]*:(\d+)$"),
    re.compile(r"^https?://www\.opengis\.net/def/crs/epsg/[\d.]+/(\d+)$"),
)
_CRS84_NAMES: Final = frozenset(
    {
        "crs84",
        "ogc:crs84",
        "urn:ogc:def:crs:ogc:1.3:crs84",
        "urn:ogc:def:crs:ogc::crs84",
        "http://www.opengis.net/def/crs/ogc/1.3/crs84",
        "https://www.opengis.net/def/crs/ogc/1.3/crs84",
    }
)


def geometry_epsg(geometry: Mapping[str, Any]) -> int:
    """Return the EPSG code named by a GeoJSON geometry's ``crs`` member.

    Understands ``urn:ogc:def:crs:EPSG::N`` (with or without a version), ``EPSG:N``,
    ``http://www.opengis.net/def/crs/EPSG/0/N`` and the CRS84 names
    (``urn:ogc:def:crs:OGC:1.3:CRS84`` and the like), which give ``4326``: the service reads
    both in longitude, latitude order. A geometry without ``crs`` is in CRS84, as GeoJSON says.
    Raises ValueError for a ``crs`` member it cannot read; it does not check that the code
    is in :data:`SUPPORTED_EPSG`.
    """
    crs = geometry.get("crs")
    if crs is None:
        return 4326
    name = None
    if isinstance(crs, Mapping) and crs.get("type") == "name":
        properties = crs.get("properties")
        if isinstance(properties, Mapping):
            name = properties.get("name")
    if not isinstance(name, str):
        raise ValueError(
            f"the geometry's crs member {crs!r} is not of the form "
            '{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}}'
        )
    lowered = name.strip().lower()
    if lowered in _CRS84_NAMES:
        return 4326
    for pattern in _EPSG_NAMES:
        match = pattern.match(lowered)
        if match:
            return int(match.group(1))
    raise ValueError(
        f"the CRS name {name!r} is not understood; use urn:ogc:def:crs:EPSG::<code>, "
        "EPSG:<code> or urn:ogc:def:crs:OGC:1.3:CRS84"
    )


def crs_member(epsg: int) -> dict[str, Any]:
    """Return the GeoJSON ``crs`` member naming ``EPSG:epsg`` as the service writes it."""
    return {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}
