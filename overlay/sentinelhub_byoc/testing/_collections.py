"""All collections and tiles of the emulated service, and the changes the API makes to them."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

import attrs

from ._answers import Json, format_millis
from ._clock import Clock
from ._geojson import bbox_polygon, union_bounds
from ._lifecycle import IngestionDelays, Scheduler
from ._records import Collection, Tile

if TYPE_CHECKING:
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
        self, account_id: str, name: str, bucket: str, collection_id: str | None = None
    ) -> Collection:
        """Create an empty collection owned by ``account_id`` (with a new id unless given one)."""
        collection = Collection(
            id=collection_id or str(uuid.uuid4()),
            account_id=account_id,
            seq=next(self._seq),
            name=name,
            s3_bucket=bucket,
            created_ms=self.now_ms(),
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
            if tile.status not in ("INGESTED", "FAILED"):
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

    def metadata(self, collection: Collection) -> Json:
        """Return the read-only ``additionalData`` members derived from ingested tiles."""
        revision = self._revision.get(collection.id, 0)
        cached = self._metadata.get(collection.id)
        if cached is not None and cached[0] == revision:
            return cached[1]
        ingested = [tile for tile in collection.tiles() if tile.status == "INGESTED"]
        result: Json = {}
        bounds = union_bounds([t.wgs84_bounds for t in ingested if t.wgs84_bounds is not None])
        if bounds is not None:
            result["extent"] = bbox_polygon(bounds)
        sizes = [t.meters_per_pixel for t in ingested if t.meters_per_pixel is not None]
        if sizes:
            result["maxMetersPerPixel"] = max(sizes)
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
        )
        target.add_tile(copy)
        self.touch(target)
        return copy

    def remove_tile(self, collection: Collection, tile: Tile) -> None:
        """Delete a tile."""
        self.scheduler.cancel(tile)
        collection.remove_tile(tile)
        self.touch(collection)

    def reingest(self, collection: Collection, tile: Tile) -> None:
        """Send a tile back to WAITING to be ingested again."""
        self.scheduler.start(tile, self.clock.now())
        self.touch(collection)

    # Ingestion ---------------------------------------------------------------------------

    def settle(self) -> None:
        """Apply every lifecycle step that is due by now."""
        for tile in self.scheduler.due(self.clock.now()):
            collection = self.collections.get(tile.collection_id)
            if collection is None:
                continue
            self.apply(collection, tile, self.ingest(collection, tile))
            self.touch(collection)

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
        tile.meters_per_pixel = outcome.meters_per_pixel
        tile.coarsest_meters_per_pixel = outcome.coarsest_meters_per_pixel
        if not collection.bands and outcome.bands:
            collection.bands = {name: dict(band) for name, band in outcome.bands.items()}
