"""The emulator's records: collections, tiles, the indexes that keep paging cheap, and their JSON."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

import attrs

from ._answers import Json, format_millis
from ._geojson import from_crs84
from ._recorded import replayed

STATUSES = ("WAITING", "QUEUED", "INGESTING", "INGESTED", "FAILED")


@attrs.define(eq=False)
class Tile:
    """One tile of a collection. Geometries are GeoJSON dicts."""

    id: str
    collection_id: str
    seq: int
    path: str
    created_ms: float
    sensing_ms: int | None = None
    # Stored in CRS84 (lon/lat), without a "crs" member, as the service stores it.
    cover_crs84: Json | None = None
    cover_from_user: bool = False
    status: str = "WAITING"
    failure_cause: str | None = None
    warnings: str | None = None
    crs_epsg: int | None = None
    tile_geometry: Json | None = None
    # The WGS84 bounds of the corners of tileGeometry: the default cover's part of the extent.
    wgs84_bounds: tuple[float, float, float, float] | None = None
    # Bumped on reingest so that transitions scheduled for an older run are ignored.
    generation: int = 0
    # Cover geometry in the tile's CRS, cached because reprojection is costly in listings.
    cover_output: Json | None = None
    # When the current ingestion run moved the tile to INGESTING; None before it does.
    ingestion_start_ms: float | None = None
    # The coarser side of the tile's pixels in metres, known once it is ingested.
    meters_per_pixel: float | None = None
    # The same for its smallest overview: the coarsest resolution it serves.
    coarsest_meters_per_pixel: float | None = None
    # When the current ingestion run started (creation or reingest), in epoch milliseconds: kept,
    # so that an emulator started later moves an unfinished run on by the time gone by meanwhile.
    run_started_ms: float | None = None
    # The answer the service gave for a seeded tile, less what changed since (see _recorded).
    recorded: Json | None = None


@attrs.define(eq=False)
class Collection:
    """One BYOC collection with its tiles, ordered by creation."""

    id: str
    account_id: str
    seq: int
    name: str
    s3_bucket: str
    created_ms: float
    no_data: float | None = None
    bands: dict[str, Json] = attrs.field(factory=dict)
    planet: bool = False
    # CDSE only: the storage (cloud region) holding the bucket, ``additionalData.storageIdentifier``.
    storage_identifier: str | None = None
    # ``additionalData.maxMetersPerPixelOverride``, as the owner set it.
    max_meters_per_pixel_override: float | None = None
    # The answer the service gave for a seeded collection, less what changed since (see _recorded).
    recorded: Json | None = None
    _by_seq: dict[int, Tile] = attrs.field(factory=dict)
    _order: list[int] = attrs.field(factory=list)
    _by_id: dict[str, Tile] = attrs.field(factory=dict)
    _by_path: dict[str, Tile] = attrs.field(factory=dict)

    def add_tile(self, tile: Tile) -> None:
        """Index a new tile; its ``seq`` must be larger than every existing one."""
        if self._order and tile.seq <= self._order[-1]:
            raise ValueError("tiles must be added in increasing seq order")
        self._order.append(tile.seq)
        self._by_seq[tile.seq] = tile
        self._by_id[tile.id] = tile
        self._by_path[tile.path] = tile

    def remove_tile(self, tile: Tile) -> None:
        """Drop a tile from every index."""
        index = bisect.bisect_left(self._order, tile.seq)
        del self._order[index]
        del self._by_seq[tile.seq]
        del self._by_id[tile.id]
        del self._by_path[tile.path]

    def tile(self, tile_id: str) -> Tile | None:
        """Return the tile with ``tile_id`` or ``None``."""
        return self._by_id.get(tile_id)

    def tile_at(self, path: str) -> Tile | None:
        """Return the tile with exactly ``path`` or ``None``."""
        return self._by_path.get(path)

    @property
    def tile_count(self) -> int:
        """Number of tiles."""
        return len(self._order)

    def tiles(self, after: int | None = None, descending: bool = False) -> Iterator[Tile]:
        """Iterate tiles by creation, starting after the tile numbered ``after``."""
        if descending:
            end = len(self._order) if after is None else bisect.bisect_left(self._order, after)
            for index in range(end - 1, -1, -1):
                yield self._by_seq[self._order[index]]
        else:
            start = 0 if after is None else bisect.bisect_right(self._order, after)
            for index in range(start, len(self._order)):
                yield self._by_seq[self._order[index]]


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
    if tile.status == "INGESTED" and tile.meters_per_pixel is not None:
        extra["minMetersPerPixel"] = tile.meters_per_pixel
        extra["maxMetersPerPixel"] = tile.coarsest_meters_per_pixel or tile.meters_per_pixel
    if extra:
        data["additionalData"] = extra
    data["created"] = format_millis(tile.created_ms)
    if tile.ingestion_start_ms is not None:
        data["ingestionStart"] = format_millis(tile.ingestion_start_ms)
    return replayed(tile.recorded, data)


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
    if collection.max_meters_per_pixel_override is not None:
        additional["maxMetersPerPixelOverride"] = collection.max_meters_per_pixel_override
    if collection.bands:
        additional["bands"] = {name: dict(band) for name, band in collection.bands.items()}
    additional.update(metadata)
    data["additionalData"] = additional
    return replayed(collection.recorded, data)
