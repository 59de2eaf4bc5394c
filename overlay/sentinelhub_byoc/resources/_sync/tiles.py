# Generated from overlay/sentinelhub_byoc/resources/_async/tiles.py by codegen/unasync.py; do not edit.
"""``client.tiles``: list, find, get, create, update, delete and reingest tiles of a collection."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sentinelhub_byoc import _operations as ops
from sentinelhub_byoc import _pagination
from sentinelhub_byoc._ids import as_uuid
from sentinelhub_byoc.errors import ConflictError
from sentinelhub_byoc.models import Page, Tile, TileSort, TileStatus
from sentinelhub_byoc.resources._creation import own_retried_creation
from sentinelhub_byoc.resources._sync.runner import Runner


class Tiles:
    """Tiles of a collection.

    >>> tile = client.tiles.create(
    ...     collection, "2024/05/01/(BAND).tif", sensing_time="2024-05-01T10:00:00Z"
    ... )  # doctest: +SKIP
    >>> failed = [tile for tile in client.tiles.list(collection, status="FAILED")]  # doctest: +SKIP
    """

    def __init__(self, client: Runner) -> None:
        self._client = client

    def pages(
        self,
        collection: Any,
        *,
        status: TileStatus | str | None = None,
        path: str | None = None,
        sort: TileSort | str | None = None,
        page_size: int | None = None,
        start_token: str | None = None,
    ) -> Iterator[Page[Tile]]:
        """Pages of tiles, fetched lazily; ``sort`` is ``"created:asc"`` or ``"created:desc"``."""
        collection_id = as_uuid(collection, "collection")
        ops.list_tiles(collection_id, page_size=page_size, token=None, status=status, path=path, sort=sort)

        def fetch(token: str | None) -> Page[Tile]:
            operation = ops.list_tiles(
                collection_id, page_size=page_size, token=token, status=status, path=path, sort=sort
            )
            return self._client._send(operation)

        return _pagination.pages(fetch, start_token, f"tiles of collection {collection_id}")

    def list(
        self,
        collection: Any,
        *,
        status: TileStatus | str | None = None,
        path: str | None = None,
        sort: TileSort | str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        start_token: str | None = None,
    ) -> Iterator[Tile]:
        """All matching tiles, lazily, following pages; at most *limit* of them."""
        size = _pagination.first_page_size(page_size, limit)
        page_iterator = self.pages(
            collection, status=status, path=path, sort=sort, page_size=size, start_token=start_token
        )
        return _pagination.items(page_iterator, limit)

    def find(self, collection: Any, path: str) -> Tile | None:
        """The tile with exactly this *path*, or ``None``."""
        ops.check_tile_path(path)
        for tile in self.list(collection, path=path, limit=1):
            return tile
        return None

    def get(self, collection: Any, tile: Any) -> Tile:
        """One tile, by id (string or UUID) or object."""
        return self._client._send(ops.get_tile(as_uuid(collection, "collection"), as_uuid(tile, "tile")))

    def create(
        self,
        collection: Any,
        path: str,
        *,
        cover_geometry: Any | None = None,
        sensing_time: datetime | str | None = None,
    ) -> Tile:
        """Register the COG files at *path* as a new tile; ingestion starts by itself.

        ``cover_geometry`` takes anything :func:`~sentinelhub_byoc.geometry.as_geometry` does and is
        validated before sending. If a retried attempt meets "path exists" because an earlier attempt
        did create the tile, that tile is returned: never an error, never a duplicate.
        """
        collection_id = as_uuid(collection, "collection")
        ops.check_tile_path(path)
        operation = ops.create_tile(
            collection_id,
            ops.tile_payload(path, cover_geometry, sensing_time, cdse=self._client.deployment.cdse),
        )
        try:
            return self._client._send(operation)
        except ConflictError as error:
            existing = self.find(collection_id, path) if own_retried_creation(error) else None
            if existing is None:
                raise
            return existing

    def update(
        self,
        collection: Any,
        tile: Any,
        *,
        cover_geometry: Any | None = None,
        sensing_time: datetime | str | None = None,
    ) -> None:
        """Set the tile's cover geometry and sensing time.

        The API replaces both: one left out is cleared (the cover geometry falls back to the bounding box).
        """
        payload = ops.tile_payload(None, cover_geometry, sensing_time, cdse=self._client.deployment.cdse)
        self._client._send(ops.update_tile(as_uuid(collection, "collection"), as_uuid(tile, "tile"), payload))

    def delete(self, collection: Any, tile: Any) -> None:
        """Delete a tile."""
        self._client._send(ops.delete_tile(as_uuid(collection, "collection"), as_uuid(tile, "tile")))

    def reingest(self, collection: Any, tile: Any) -> None:
        """Ingest the tile's files again, e.g. after they changed in the bucket."""
        self._client._send(ops.reingest_tile(as_uuid(collection, "collection"), as_uuid(tile, "tile")))
