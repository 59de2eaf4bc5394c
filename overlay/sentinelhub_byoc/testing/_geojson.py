"""Small GeoJSON helpers for cover geometries and collection extents."""

from __future__ import annotations

from typing import Any

from ._answers import Json, bad_payload

_CRS84_NAMES = frozenset(
    {
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
    }
)


def bbox_polygon(bounds: tuple[float, float, float, float]) -> Json:
    """Return a closed GeoJSON Polygon for ``(min_x, min_y, max_x, max_y)``.

    The ring runs as live extents run: from the south-west corner north, then east.
    """
    x0, y0, x1, y1 = bounds
    ring = [[x0, y0], [x0, y1], [x1, y1], [x1, y0], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def union_bounds(
    boxes: list[tuple[float, float, float, float]],
) -> tuple[float, float, float, float] | None:
    """Return the bounding box of all ``boxes``, or ``None`` for none."""
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def vertex_bounds(geometry: Json) -> tuple[float, float, float, float] | None:
    """The box around a Polygon's or MultiPolygon's vertices, or ``None`` when it has none."""
    xs: list[float] = []
    ys: list[float] = []

    def visit(value: Any) -> None:
        if (
            isinstance(value, list | tuple)
            and len(value) >= 2
            and all(isinstance(number, int | float) and not isinstance(number, bool) for number in value[:2])
        ):
            xs.append(float(value[0]))
            ys.append(float(value[1]))
        elif isinstance(value, list | tuple):
            for item in value:
                visit(item)

    visit(geometry.get("coordinates"))
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _is_crs84(geometry: Json) -> bool:
    crs: Any = geometry.get("crs")
    if crs is None:
        return True
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    return name in _CRS84_NAMES


def to_crs84(geometry: Json, *, cdse: bool = False) -> Json:
    """Return ``geometry`` in CRS84 without a ``crs`` member, reprojecting when it names one.

    ``cdse`` also accepts the CRSs only the Copernicus Data Space deployment supports.
    """
    if _is_crs84(geometry):
        return {"type": geometry["type"], "coordinates": geometry["coordinates"]}
    from .ingestion import reproject_geometry

    try:
        moved = reproject_geometry(geometry, 4326, cdse=cdse)
    except (ValueError, KeyError, TypeError) as error:
        raise bad_payload(
            f"'coverGeometry' cannot be converted to CRS84: {error}. Name a supported CRS in "
            "its 'crs' member, e.g. urn:ogc:def:crs:EPSG::32633"
        ) from None
    return {"type": moved["type"], "coordinates": moved["coordinates"]}


def from_crs84(geometry: Json, epsg: int) -> Json:
    """Return a CRS84 ``geometry`` in ``epsg``, with the ``crs`` member the service sends."""
    from .ingestion import reproject_geometry

    # ``epsg`` is a tile's CRS, which ingestion has accepted already, CDSE-only ones included.
    return reproject_geometry(geometry, epsg, cdse=True)
