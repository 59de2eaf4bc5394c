"""Tiles as GeoJSON features in WGS84, for QGIS, geopandas and web maps."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Literal, Protocol, TypeAlias

from sentinelhub_byoc.geometry._coordinates import Ring
from sentinelhub_byoc.geometry._errors import GeometryError
from sentinelhub_byoc.geometry._geometry import Geometry

#: Which geometry of a tile a feature shows.
WhichGeometry: TypeAlias = Literal["cover", "tile"]


class TileLike(Protocol):
    """What the exporters read from a tile: the client's tile model satisfies it.

    Read-only attributes, so frozen attrs classes and dataclasses fit.
    """

    @property
    def id(self) -> object:
        """The tile's id (a UUID or its string)."""

    @property
    def path(self) -> object:
        """The tile's path in the bucket."""

    @property
    def status(self) -> object:
        """The ingestion status (an enum or a string)."""

    @property
    def sensing_time(self) -> datetime | None:
        """When the data was acquired, if known."""

    @property
    def created(self) -> datetime | None:
        """When the tile was registered, if known."""

    @property
    def tile_geometry(self) -> Geometry | None:
        """The tile's bounding box, in the tile's CRS."""

    @property
    def cover_geometry(self) -> Geometry | None:
        """The outline of the tile's data."""


def feature_for_tile(tile: TileLike, *, geometry: WhichGeometry = "cover") -> dict[str, Any]:
    """Return ``tile`` as an RFC 7946 GeoJSON Feature in WGS84 (longitude, latitude).

    ``geometry="cover"`` shows the cover geometry, ``"tile"`` the tile's bounding box; a
    tile without that geometry gets ``"geometry": null``. Properties are ``id``, ``path``,
    ``status``, ``sensingTime`` and ``created`` (ISO 8601 strings or ``null``). Rings are
    wound as RFC 7946 asks (exteriors counterclockwise) and there is no ``crs`` member.
    Reprojecting needs the ``geo`` extra unless the geometry is in EPSG:4326 already.
    """
    shown = _pick(tile, geometry)
    tile_id = None if tile.id is None else str(tile.id)
    return {
        "type": "Feature",
        "id": tile_id,
        "geometry": None if shown is None else _rfc7946(shown.to_wgs84()),
        "properties": {
            "id": tile_id,
            "path": None if tile.path is None else str(tile.path),
            "status": enum_text(tile.status),
            "sensingTime": _iso(tile.sensing_time),
            "created": _iso(tile.created),
        },
    }


def iter_features(
    tiles: Iterable[TileLike], *, geometry: WhichGeometry = "cover"
) -> Iterator[dict[str, Any]]:
    """Yield :func:`feature_for_tile` of each tile, one at a time (e.g. for NDJSON output)."""
    for tile in tiles:
        yield feature_for_tile(tile, geometry=geometry)


def to_feature_collection(tiles: Iterable[TileLike], *, geometry: WhichGeometry = "cover") -> dict[str, Any]:
    """Return tiles as an RFC 7946 GeoJSON FeatureCollection in WGS84.

    Any iterable works, a generator or a lazy page iterator included; it is read once.
    The result loads in QGIS (save it with ``json.dump``) and in geopandas:

    >>> import geopandas  # doctest: +SKIP
    >>> frame = geopandas.GeoDataFrame.from_features(
    ...     to_feature_collection(tiles), crs="EPSG:4326")  # doctest: +SKIP
    """
    return {"type": "FeatureCollection", "features": list(iter_features(tiles, geometry=geometry))}


def tile_collection_geo_interface(
    tiles: Iterable[TileLike], *, geometry: WhichGeometry = "cover"
) -> dict[str, Any]:
    """Return the ``__geo_interface__`` mapping of a list of tiles (a FeatureCollection).

    Meant for a tile list's ``__geo_interface__`` property; a single tile's is
    :func:`feature_for_tile`. Coordinates are WGS84, which is what readers of the protocol
    (geopandas, shapely, folium) assume when no CRS is given.
    """
    return to_feature_collection(tiles, geometry=geometry)


def _pick(tile: TileLike, which: WhichGeometry) -> Geometry | None:
    if which == "cover":
        return tile.cover_geometry
    if which == "tile":
        return tile.tile_geometry
    raise GeometryError(f"geometry={which!r} is not one of 'cover', 'tile'")


def _rfc7946(geometry: Geometry) -> dict[str, Any]:
    polygons = [
        [_wound(ring, counterclockwise=index == 0) for index, ring in enumerate(polygon)]
        for polygon in geometry.polygons
    ]
    return {
        "type": geometry.type,
        "coordinates": polygons[0] if geometry.type == "Polygon" else polygons,
    }


def _wound(ring: Ring, *, counterclockwise: bool) -> list[list[float]]:
    # Shoelace formula: positive twice-area means counterclockwise in x-right, y-up axes.
    twice_area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))
    ordered = ring if (twice_area > 0) == counterclockwise else ring[::-1]
    return [[x, y] for x, y in ordered]


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def enum_text(value: object) -> str | None:
    """The text of an enum member (its value) or of anything else; ``None`` stays ``None``."""
    if value is None:
        return None
    return str(getattr(value, "value", value))
