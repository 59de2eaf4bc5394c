"""Tiles: one set of COG files in a collection's bucket, and their ingestion status."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import attrs

from sentinelhub_byoc.geometry._geometry import Geometry
from sentinelhub_byoc.models._codec import (
    DATETIME,
    GEOMETRY,
    NUMBER,
    STR,
    UUID_TEXT,
    ApiModel,
    Reader,
    api_field,
    extra_field,
    format_datetime,
    model_reader,
    write_geometry,
)
from sentinelhub_byoc.models.enums import TileStatus

__all__ = ["FINAL_STATUSES", "Tile", "TileAdditionalData"]

FINAL_STATUSES = frozenset({TileStatus.INGESTED, TileStatus.FAILED})
"""States after which a tile's status no longer changes by itself: INGESTED and FAILED."""

_STATUSES = {member.value: member for member in TileStatus}


def _status(value: str) -> TileStatus:
    return _STATUSES.get(value) or TileStatus(value)


_STATUS = Reader((str,), "a tile status string", None, _status)


@attrs.frozen(slots=False)
class TileAdditionalData(ApiModel):
    """Extra information the service keeps about a tile."""

    failed_ingestion_cause: str | None = api_field("failedIngestionCause", read=STR)
    """Why ingestion failed, when it did (the service's words)."""
    warnings: str | None = api_field("warnings", read=STR)
    """Warnings the service noted while ingesting the tile, e.g. about its files."""
    min_meters_per_pixel: float | None = api_field("minMetersPerPixel", read_only=True, read=NUMBER)
    """The tile's finest resolution in meters per pixel: that of its full-resolution image."""
    max_meters_per_pixel: float | None = api_field("maxMetersPerPixel", read_only=True, read=NUMBER)
    """The tile's coarsest resolution in meters per pixel: that of its smallest overview."""
    extra: Mapping[str, Any] = extra_field()
    """API members the model does not know yet, under their API names (``to_dict()`` writes them back)."""


@attrs.frozen(slots=False)
class Tile(ApiModel):
    """A tile of a BYOC collection.

    ``tile_geometry`` (the bounding box) and ``cover_geometry`` come back in the tile's CRS as
    :class:`~sentinelhub_byoc.geometry.Geometry` values. Members the model does not know yet are in
    ``extra`` under their API names.

    >>> tile = Tile.from_dict({"path": "2024/(BAND).tif", "status": "INGESTED", "newField": 1})
    >>> tile.status is TileStatus.INGESTED, tile.extra["newField"]
    (True, 1)
    """

    path: str = api_field("path", default="", read=STR)
    """Where the tile's files are in the bucket; ``(BAND)`` stands for each band's name."""
    id: UUID | None = api_field("id", read_only=True, read=UUID_TEXT, encode=str)
    """The tile's id, set by the service (``None`` before the tile is created)."""
    status: TileStatus | None = api_field("status", read_only=True, read=_STATUS, encode=str)
    """Where ingestion is: WAITING, QUEUED, INGESTING, then INGESTED or FAILED; set by the service."""
    sensing_time: datetime | None = api_field("sensingTime", read=DATETIME, encode=format_datetime)
    """When the data was acquired (timezone-aware), or ``None`` for a tile without one."""
    cover_geometry: Geometry | None = api_field("coverGeometry", read=GEOMETRY, encode=write_geometry)
    """The area that has data, in the tile's CRS; the service uses the bounding box when unset."""
    tile_geometry: Geometry | None = api_field(
        "tileGeometry", read_only=True, read=GEOMETRY, encode=write_geometry
    )
    """The bounding box of the tile's files, in the tile's CRS; set by the service on ingestion."""
    created: datetime | None = api_field("created", read_only=True, read=DATETIME, encode=format_datetime)
    """When the tile was created; set by the service."""
    ingestion_start: datetime | None = api_field(
        "ingestionStart", read_only=True, read=DATETIME, encode=format_datetime
    )
    """When ingestion of the tile started; set by the service."""
    additional_data: TileAdditionalData | None = api_field(
        "additionalData", read=model_reader(TileAdditionalData)
    )
    """What else the service keeps about the tile: the failure cause and warnings."""
    extra: Mapping[str, Any] = extra_field()
    """API members the model does not know yet, under their API names (``to_dict()`` writes them back)."""

    @property
    def is_final(self) -> bool:
        """Whether ingestion has finished (INGESTED or FAILED)."""
        return self.status in FINAL_STATUSES

    @property
    def failure_cause(self) -> str | None:
        """Why ingestion failed, when it did."""
        return self.additional_data.failed_ingestion_cause if self.additional_data else None

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """The tile as a GeoJSON Feature in WGS84 (cover geometry, else its bounding box)."""
        from sentinelhub_byoc.geometry import feature_for_tile

        return feature_for_tile(self, geometry="cover" if self.cover_geometry is not None else "tile")
