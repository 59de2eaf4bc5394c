"""Reading a recorded answer (the JSON the service gave for a collection or a tile) into a record.

The record answers with that JSON member for member (see :mod:`._recorded`); what the emulator
needs to act on it (ids, path, status, times, geometries, resolutions, bands) is read from it here,
and checked as the service would have written it. A problem is a :class:`RecordError` whose
message names the member; the seed reader puts the entry in front.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

import attrs

from ._answers import ApiError, Json
from ._geojson import to_crs84, vertex_bounds
from ._recorded import copy_record
from ._records import STATUSES, Tile
from ._validation import bands as check_bands
from ._validation import geometry as check_geometry
from ._validation import parse_uuid, sensing_time, tile_path

DEFAULT_SAMPLE_FORMAT = "UINT"
"""A band recorded without ``sampleFormat`` is read as this: the default sentinelhub-py sends."""


class RecordError(ValueError):
    """A recorded member the emulator cannot take; the message names it."""


def _fail(member: str, problem: str) -> RecordError:
    return RecordError(f"{member}: {problem}")


def checked(member: str, check: Any, *args: Any, **kwargs: Any) -> Any:
    """Run one of the service's payload checks, reporting its message against ``member``."""
    try:
        return check(*args, **kwargs)
    except ApiError as error:
        raise _fail(member, error.message) from None


def timestamp_ms(value: Any, member: str) -> float | None:
    """A recorded ISO 8601 timestamp (``null``: ``None``) as epoch milliseconds, to the microsecond."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(member, f"must be an ISO 8601 timestamp, got {value!r}")
    try:
        moment = _dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise _fail(member, f"{value!r} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.UTC)
    micros = (moment - _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)) // _dt.timedelta(microseconds=1)
    return micros / 1000


def _number(value: Any, member: str, *, positive: bool = False) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(member, f"must be a number, got {value!r}")
    if positive and value <= 0:
        raise _fail(member, f"must be positive, got {value!r}")
    return value


def _text(value: Any, member: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(member, f"must be a string, got {value!r}")
    return value


def additional_data(entry: Json) -> Json:
    """The record's ``additionalData`` object (``{}`` when it has none)."""
    value = entry.get("additionalData")
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail("additionalData", f"must be an object, got {type(value).__name__}")
    return value


def recorded_bands(raw: Any) -> dict[str, Json]:
    """Recorded ``additionalData.bands``, checked as the service checks bands sent to it.

    A band without ``sampleFormat`` is taken as :data:`DEFAULT_SAMPLE_FORMAT`: the service has
    answered such bands, though it asks for ``sampleFormat`` when bands are sent to it.
    """
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail("additionalData.bands", "must be an object of band name to band format")
    filled = {
        name: {"sampleFormat": DEFAULT_SAMPLE_FORMAT, **band} if isinstance(band, dict) else band
        for name, band in raw.items()
    }
    return dict(checked("additionalData.bands", check_bands, {"bands": filled}))


@attrs.frozen
class RecordedTile:
    """A tile as the service answered it, read; :meth:`tile` makes the emulator's record of it."""

    id: str
    path: str
    status: str
    created_ms: float | None
    sensing_ms: int | None
    ingestion_start_ms: float | None
    tile_geometry: Json | None
    crs_epsg: int | None
    wgs84_bounds: tuple[float, float, float, float] | None
    cover_crs84: Json | None
    cover_from_user: bool
    cover_output: Json | None
    meters_per_pixel: float | None
    coarsest_meters_per_pixel: float | None
    failure_cause: str | None
    warnings: str | None
    recorded: Json

    def tile(self, collection_id: str, seq: int, now_ms: float) -> Tile:
        """The emulator's record of this tile in ``collection_id`` (created now if not recorded)."""
        return Tile(
            id=self.id,
            collection_id=collection_id,
            seq=seq,
            path=self.path,
            created_ms=now_ms if self.created_ms is None else self.created_ms,
            sensing_ms=self.sensing_ms,
            cover_crs84=self.cover_crs84,
            cover_from_user=self.cover_from_user,
            status=self.status,
            failure_cause=self.failure_cause,
            warnings=self.warnings,
            crs_epsg=self.crs_epsg,
            tile_geometry=self.tile_geometry,
            wgs84_bounds=self.wgs84_bounds,
            cover_output=self.cover_output,
            ingestion_start_ms=self.ingestion_start_ms,
            meters_per_pixel=self.meters_per_pixel,
            coarsest_meters_per_pixel=self.coarsest_meters_per_pixel,
            recorded=copy_record(self.recorded),
        )


def read_tile(entry: Json, tile_id: str | None) -> RecordedTile:
    """Read a recorded tile answer; ``tile_id`` stands in when the record has no ``id``."""
    path = checked("path", tile_path, {"path": entry.get("path")})
    raw_id = entry.get("id", tile_id)
    if not isinstance(raw_id, str):
        raise _fail("id", f"must be a UUID string, got {raw_id!r}")
    identifier = checked("id", parse_uuid, raw_id, "tile id")
    status = entry.get("status")
    if status not in STATUSES:
        raise _fail("status", f"must be one of {', '.join(STATUSES)}, got {status!r}")
    extra = additional_data(entry)
    tile_geometry = checked("tileGeometry", check_geometry, entry.get("tileGeometry"), "tileGeometry")
    cover = checked("coverGeometry", check_geometry, entry.get("coverGeometry"), "coverGeometry")
    crs_epsg = None
    wgs84_bounds = None
    if tile_geometry is not None:
        crs_epsg = _epsg(tile_geometry, "tileGeometry")
        wgs84_bounds = vertex_bounds(checked("tileGeometry", to_crs84, tile_geometry, cdse=True))
    cover_crs84 = None if cover is None else checked("coverGeometry", to_crs84, cover, cdse=True)
    # A cover that is the tile's box is the default one; any other was sent by the tile's owner.
    from_user = cover is not None and (
        tile_geometry is None or _coordinates(cover) != _coordinates(tile_geometry)
    )
    if cover is not None and crs_epsg is None:
        crs_epsg = _epsg(cover, "coverGeometry") if "crs" in cover else None
    finest = _number(extra.get("minMetersPerPixel"), "additionalData.minMetersPerPixel", positive=True)
    coarsest = _number(extra.get("maxMetersPerPixel"), "additionalData.maxMetersPerPixel", positive=True)
    return RecordedTile(
        id=identifier,
        path=path,
        status=status,
        created_ms=timestamp_ms(entry.get("created"), "created"),
        sensing_ms=checked("sensingTime", sensing_time, {"sensingTime": entry.get("sensingTime")}),
        ingestion_start_ms=timestamp_ms(entry.get("ingestionStart"), "ingestionStart"),
        tile_geometry=tile_geometry,
        crs_epsg=crs_epsg,
        wgs84_bounds=wgs84_bounds,
        cover_crs84=cover_crs84 if from_user else None,
        cover_from_user=from_user,
        # Shown as recorded, not moved to CRS84 and back.
        cover_output=cover if from_user and cover is not None and "crs" in cover else None,
        meters_per_pixel=finest if finest is not None else coarsest,
        coarsest_meters_per_pixel=coarsest,
        failure_cause=_text(extra.get("failedIngestionCause"), "additionalData.failedIngestionCause"),
        warnings=_text(extra.get("warnings"), "additionalData.warnings"),
        recorded=copy_record(entry),
    )


def _epsg(geometry: Json, member: str) -> int:
    from sentinelhub_byoc.cog._crs_rules import geometry_epsg

    try:
        return geometry_epsg(geometry)
    except ValueError as error:
        raise _fail(f"{member}.crs", str(error)) from None


def _coordinates(geometry: Json) -> Any:
    """Coordinates as lists (a Polygon as a one-polygon MultiPolygon), for comparing two shapes."""

    def lists(value: Any) -> Any:
        return [lists(item) for item in value] if isinstance(value, list | tuple) else value

    coordinates = lists(geometry.get("coordinates"))
    return [coordinates] if geometry.get("type") == "Polygon" else coordinates
