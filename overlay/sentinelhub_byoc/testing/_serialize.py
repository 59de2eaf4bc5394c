"""Turning records into the JSON the service answers with."""

from __future__ import annotations

from ._geojson import from_crs84
from ._model import Collection, Json, Tile
from ._responses import format_millis


def cover_geometry(tile: Tile) -> Json | None:
    """Return the cover geometry as the service shows it: in the tile's CRS once known."""
    if not tile.cover_from_user:
        # The default cover is the tile's bounding box, which is exactly tileGeometry.
        return tile.tile_geometry
    if tile.cover_crs84 is None or tile.crs_epsg is None:
        return tile.cover_crs84
    if tile.cover_output is None:
        tile.cover_output = from_crs84(tile.cover_crs84, tile.crs_epsg)
    return tile.cover_output


def tile_json(tile: Tile) -> Json:
    """Return the ``BYOCTile`` object of a tile."""
    data: Json = {"id": tile.id, "path": tile.path, "status": tile.status}
    if tile.tile_geometry is not None:
        data["tileGeometry"] = tile.tile_geometry
    cover = cover_geometry(tile)
    if cover is not None:
        data["coverGeometry"] = cover
    data["sensingTime"] = None if tile.sensing_ms is None else format_millis(tile.sensing_ms)
    extra: Json = {}
    if tile.failure_cause is not None:
        extra["failedIngestionCause"] = tile.failure_cause
    if tile.warnings is not None:
        extra["warnings"] = tile.warnings
    if extra:
        data["additionalData"] = extra
    data["created"] = format_millis(tile.created_ms)
    if tile.ingestion_start_ms is not None:
        data["ingestionStart"] = format_millis(tile.ingestion_start_ms)
    return data


def collection_json(collection: Collection, metadata: Json) -> Json:
    """Return the ``BYOCCollection`` object of a collection."""
    data: Json = {
        "id": collection.id,
        "accountId": collection.account_id,
        "name": collection.name,
        "s3Bucket": collection.s3_bucket,
        "isConfigured": bool(collection.bands),
        "created": format_millis(collection.created_ms),
        "requiresMetadataUpdate": False,
    }
    if collection.no_data is not None:
        data["noData"] = collection.no_data
    additional: Json = {}
    if collection.storage_identifier is not None:
        additional["storageIdentifier"] = collection.storage_identifier
    if collection.bands:
        additional["bands"] = {name: dict(band) for name, band in collection.bands.items()}
    additional.update(metadata)
    data["additionalData"] = additional
    return data
