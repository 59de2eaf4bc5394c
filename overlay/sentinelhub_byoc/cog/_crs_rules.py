"""The emulator's view of CRSs: the client's table of supported CRSs, and the ``crs`` member.

Which CRSs the service accepts and how CRS names are spelled are facts kept once, in
:mod:`sentinelhub_byoc.geometry._crs`; the emulator reads them from there, so the client and
the emulator cannot disagree about them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sentinelhub_byoc.geometry._crs import (
    CDSE_ONLY_CRS,
    SUPPORTED_CRS,
    WGS84,
    describe_supported,
    read_crs_member,
)
from sentinelhub_byoc.geometry._errors import GeometryError

__all__ = [
    "CDSE_EPSG",
    "SUPPORTED_EPSG",
    "crs_member",
    "describe_supported",
    "geometry_epsg",
    "supported_epsg",
]

SUPPORTED_EPSG: Final[frozenset[int]] = SUPPORTED_CRS
"""EPSG codes of the CRSs the service accepts for COGs and geometries."""

CDSE_EPSG: Final[frozenset[int]] = SUPPORTED_CRS | CDSE_ONLY_CRS
"""EPSG codes the Copernicus Data Space deployment accepts: :data:`SUPPORTED_EPSG` and more."""


def supported_epsg(*, cdse: bool = False) -> frozenset[int]:
    """Return the EPSG codes accepted by the service, or by its CDSE deployment with ``cdse``."""
    return CDSE_EPSG if cdse else SUPPORTED_EPSG


def geometry_epsg(geometry: Mapping[str, Any]) -> int:
    """Return the EPSG code named by a GeoJSON geometry's ``crs`` member.

    Every spelling the client understands is understood (``urn:ogc:def:crs:EPSG::N``,
    ``EPSG:N``, ``http://www.opengis.net/def/crs/EPSG/0/N``, the CRS84 names, which give
    ``4326``). A geometry without ``crs`` is in CRS84, as GeoJSON says. Raises ValueError for a
    ``crs`` member it cannot read; it does not check that the code is in :data:`SUPPORTED_EPSG`.

    >>> geometry_epsg({"type": "Point", "crs": crs_member(32633), "coordinates": [0, 0]})
    32633
    """
    crs = geometry.get("crs")
    if crs is None:
        return WGS84
    member = dict(crs) if isinstance(crs, Mapping) else crs
    if isinstance(member, dict) and isinstance(member.get("properties"), Mapping):
        member["properties"] = dict(member["properties"])
    try:
        return read_crs_member(member)
    except GeometryError as error:
        raise ValueError(str(error)) from None


def crs_member(epsg: int) -> dict[str, Any]:
    """Return the GeoJSON ``crs`` member naming ``EPSG:epsg`` as the service writes it."""
    return {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}
