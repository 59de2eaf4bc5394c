"""All collections and tiles of the emulated service, and the changes the API makes to them."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

import attrs

from ._answers import Json, format_millis
from ._clock import Clock
from ._geojson import bbox_polygon, to_crs84, union_bounds, vertex_bounds
from ._lifecycle import IngestionDelays, Scheduler
from ._recorded import COLLECTION_BANDS, COLLECTION_DERIVED, TILE_COPY, TILE_RUN, copy_record, forget, kept
from ._records import Collection, Tile

# The collection's maxMetersPerPixel is this many times its coarsest tile overview's pixel: the one
# public live record (sentinelhub-py's recorded fixture) pairs a tile of 10 m with overviews down to
# 160 m with a collection maxMetersPerPixel of 800.
_COARSEST_FACTOR = 5
# Extents are shown to nine decimals of a degree (about a millimetre), as live records show them.
_EXTENT_DECIMALS = 9

if TYPE_CHECKING:
    from ._replay import RecordedTile
    from .ingestion import BucketResolver, IngestionOutcome


class State:
    """Collections by id and by account, plus the ingestion schedule. Not thread-safe."""

    #: Whether the rules of the Copernicus Data Space deployment apply (set by the emulator).
    cdse: bool = False

    def __init__(self, clock: Clock, delays: IngestionDelays, buckets: BucketResolver) -> None:
        self.clock = clock
        self.scheduler = Scheduler(delays)
        self.buckets = buckets
        self.collections: dict[str, Collection] = {}
        self._by_account: dict[str, dict[str, Collection]] = {}
        self._seq = itertools.count(1)
        self._metadata: dict[str, tuple[int, Json]] = {}
        self._revision: dict[str, int] = {}
        self.ingest: Callable[[Collection, Tile], IngestionOutcome] = self._ingest

    def now_ms(self) -> float:
        """Return the clock's time in epoch milliseconds, to the microsecond."""
        return round(self.clock.now() * 1000, 3)

    # Collections -------------------------------------------------------------------------

    def add_collection(
        self,
        account_id: str,
        name: str,
        bucket: str,
        collection_id: str | None = None,
        created_ms: float | None = None,
    ) -> Collection:
        """Create an empty collection owned by ``account_id`` (with a new id unless given one).

        ``created_ms`` is when it was created (a recorded collection's); by default now.
        """
        collection = Collection(
            id=collection_id or str(uuid.uuid4()),
            account_id=account_id,
            seq=next(self._seq),
            name=name,
            s3_bucket=bucket,
            created_ms=self.now_ms() if created_ms is None else created_ms,
        )
        self.collections[collection.id] = collection
        self._by_account.setdefault(account_id, {})[collection.id] = collection
        self.touch(collection)
        return collection

    def remove_collection(self, collection: Collection) -> None:
        """Delete a collection and abandon the ingestion of its tiles."""
        for tile in list(collection.tiles()):
            self.scheduler.cancel(tile)
        del self.collections[collection.id]
        del self._by_account[collection.account_id][collection.id]
        self._metadata.pop(collection.id, None)
        self._revision.pop(collection.id, None)

    def restore(self, collections: Iterable[Collection], tiles: Iterable[Tile]) -> None:
        """Take back records kept from an earlier run; unfinished ingestions go on by the clock.

        An unfinished run is replayed from when it started, with this emulator's delays, so the
        tile shows what would have happened meanwhile had the emulator never stopped (a record
        kept without its start, by an older version, starts again now).
        """
        top = 0
        for collection in sorted(collections, key=lambda c: c.seq):
            self.collections[collection.id] = collection
            self._by_account.setdefault(collection.account_id, {})[collection.id] = collection
            self.touch(collection)
            top = max(top, collection.seq)
        now = self.clock.now()
        for tile in sorted(tiles, key=lambda t: t.seq):
            owner = self.collections.get(tile.collection_id)
            if owner is None:
                continue
            owner.add_tile(tile)
            top = max(top, tile.seq)
            # A status still as recorded stays as it was: only a change moves a replayed tile on.
            if tile.status not in ("INGESTED", "FAILED") and not kept(tile.recorded, "status"):
                started = now if tile.run_started_ms is None else tile.run_started_ms / 1000
                # Never from the future: a clock set back (or a manual one) starts the run now.
                self.scheduler.start(tile, min(started, now))
        self._seq = itertools.count(top + 1)

    def revision(self, collection: Collection) -> int:
        """How many times the collection's tiles changed (for writing only what changed)."""
        return self._revision.get(collection.id, 0)

    def account_collections(self, account_id: str) -> Iterator[Collection]:
        """Iterate an account's collections in creation order."""
        return iter(list(self._by_account.get(account_id, {}).values()))

    def touch(self, collection: Collection) -> None:
        """Note that a collection's tiles changed, so its metadata must be recomputed."""
        self._revision[collection.id] = self._revision.get(collection.id, 0) + 1

    def changed(self, collection: Collection) -> None:
        """Note a change of the collection's tiles: what it derives from them is its own from now on."""
        self.touch(collection)
        forget(collection.recorded, COLLECTION_DERIVED)

    def metadata(self, collection: Collection) -> Json:
        """Return the read-only ``additionalData`` members derived from ingested tiles.

        - ``extent``: the WGS84 box around the vertices of the ingested tiles' covers (a tile's
          default cover is its box), to nine decimals;
        - ``maxMetersPerPixel``: five times the coarsest overview's pixel among them
          (:data:`_COARSEST_FACTOR`);
        - ``hasSensingTimes``: ``YES`` when each has a sensing time, ``PARTIALLY`` when some do,
          ``NO`` otherwise, with ``fromSensingTime``/``toSensingTime`` the first and last of them.
        """
        revision = self._revision.get(collection.id, 0)
        cached = self._metadata.get(collection.id)
        if cached is not None and cached[0] == revision:
            return cached[1]
        ingested = [tile for tile in collection.tiles() if tile.status == "INGESTED"]
        result: Json = {}
        bounds = union_bounds([box for box in map(_cover_bounds, ingested) if box is not None])
        if bounds is not None:
            west, south, east, north = (round(value, _EXTENT_DECIMALS) for value in bounds)
            result["extent"] = bbox_polygon((west, south, east, north))
        sizes = [t.coarsest_meters_per_pixel or t.meters_per_pixel for t in ingested]
        known = [size for size in sizes if size is not None]
        if known:
            result["maxMetersPerPixel"] = _COARSEST_FACTOR * max(known)
        times = [t.sensing_ms for t in ingested if t.sensing_ms is not None]
        if times:
            result["fromSensingTime"] = format_millis(min(times))
            result["toSensingTime"] = format_millis(max(times))
        result["hasSensingTimes"] = (
            "NO" if not times else "YES" if len(times) == len(ingested) else "PARTIALLY"
        )
        self._metadata[collection.id] = (revision, result)
        return result

    # Tiles -------------------------------------------------------------------------------

    def add_tile(
        self,
        collection: Collection,
        path: str,
        cover_crs84: Json | None = None,
        sensing_ms: int | None = None,
    ) -> Tile:
        """Create a tile in WAITING and schedule its ingestion."""
        tile = Tile(
            id=str(uuid.uuid4()),
            collection_id=collection.id,
            seq=next(self._seq),
            path=path,
            created_ms=self.now_ms(),
            sensing_ms=sensing_ms,
            cover_crs84=cover_crs84,
            cover_from_user=cover_crs84 is not None,
        )
        collection.add_tile(tile)
        self.scheduler.start(tile, self.clock.now())
        self.changed(collection)
        return tile

    def add_recorded_tile(self, collection: Collection, recorded: RecordedTile) -> Tile:
        """Add a tile as the service answered it: it stays as recorded until something changes it."""
        tile = recorded.tile(collection.id, next(self._seq), self.now_ms())
        collection.add_tile(tile)
        self.touch(collection)
        return tile

    def copy_tile(self, tile: Tile, target: Collection) -> Tile:
        """Copy an ingested tile into ``target`` as an ingested tile with a new id."""
        # Everything the tile's files gave it is kept; what belongs to a run or a place is new.
        copy = attrs.evolve(
            tile,
            id=str(uuid.uuid4()),
            collection_id=target.id,
            seq=next(self._seq),
            created_ms=self.now_ms(),
            status="INGESTED",
            failure_cause=None,
            generation=0,
            run_started_ms=None,
            recorded=None if tile.recorded is None else copy_record(tile.recorded),
        )
        forget(copy.recorded, TILE_COPY)
        target.add_tile(copy)
        self.changed(target)
        return copy

    def remove_tile(self, collection: Collection, tile: Tile) -> None:
        """Delete a tile."""
        self.scheduler.cancel(tile)
        collection.remove_tile(tile)
        self.changed(collection)

    def update_tile(
        self, collection: Collection, tile: Tile, cover_crs84: Json | None, sensing_ms: int | None
    ) -> None:
        """Set a tile's cover (``None``: its box) and sensing time, as ``PUT`` does."""
        if cover_crs84 != (tile.cover_crs84 if tile.cover_from_user else None):
            forget(tile.recorded, ["coverGeometry"])
        if sensing_ms != tile.sensing_ms:
            forget(tile.recorded, ["sensingTime"])
        tile.cover_crs84 = cover_crs84
        tile.cover_from_user = cover_crs84 is not None
        tile.cover_output = None
        tile.sensing_ms = sensing_ms
        self.changed(collection)

    def reingest(self, collection: Collection, tile: Tile) -> None:
        """Send a tile back to WAITING to be ingested again."""
        forget(tile.recorded, TILE_RUN)
        self.scheduler.start(tile, self.clock.now())
        self.changed(collection)

    # Ingestion ---------------------------------------------------------------------------

    def settle(self) -> None:
        """Apply every lifecycle step that is due by now."""
        for tile in self.scheduler.due(self.clock.now()):
            collection = self.collections.get(tile.collection_id)
            if collection is None:
                continue
            self.apply(collection, tile, self.ingest(collection, tile))
            self.changed(collection)

    def _ingest(self, collection: Collection, tile: Tile) -> IngestionOutcome:
        from .ingestion import IngestionOutcome, ingest_tile

        try:
            storage = self.buckets(collection.s3_bucket)
            return ingest_tile(storage, tile.path, collection.bands or None, cdse=self.cdse)
        except Exception as error:  # any failure must end as a FAILED tile, never a 500
            return IngestionOutcome(
                failure_cause=f"Could not read bucket {collection.s3_bucket!r}: {error}",
                warnings=None,
                crs_epsg=None,
                tile_geometry=None,
                wgs84_bounds=None,
                bands=None,
            )

    @staticmethod
    def apply(collection: Collection, tile: Tile, outcome: IngestionOutcome) -> None:
        """Record an ingestion outcome on the tile and, for the first tile, the collection."""
        tile.warnings = outcome.warnings
        if outcome.failure_cause is not None:
            tile.status = "FAILED"
            tile.failure_cause = outcome.failure_cause
            return
        tile.status = "INGESTED"
        tile.failure_cause = None
        if tile.crs_epsg != outcome.crs_epsg:
            tile.cover_output = None
        tile.crs_epsg = outcome.crs_epsg
        tile.tile_geometry = outcome.tile_geometry
        tile.wgs84_bounds = outcome.wgs84_bounds
        if outcome.tile_geometry is not None:
            # The service keeps covers in CRS84: the default one is the box's corners moved there.
            tile.wgs84_bounds = vertex_bounds(to_crs84(outcome.tile_geometry, cdse=True))
        tile.meters_per_pixel = outcome.meters_per_pixel
        tile.coarsest_meters_per_pixel = outcome.coarsest_meters_per_pixel
        if not collection.bands and outcome.bands:
            collection.bands = {name: dict(band) for name, band in outcome.bands.items()}
            forget(collection.recorded, COLLECTION_BANDS)


def _cover_bounds(tile: Tile) -> tuple[float, float, float, float] | None:
    """The WGS84 box around the vertices of a tile's cover, as the collection's extent takes it."""
    if tile.cover_from_user and tile.cover_crs84 is not None:
        return vertex_bounds(tile.cover_crs84)
    return tile.wgs84_bounds
