"""``client.tiles``: list, find, get, create, update, delete and reingest tiles of a collection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sentinelhub_byoc import _operations as ops
from sentinelhub_byoc import _pagination
from sentinelhub_byoc._ids import as_uuid
from sentinelhub_byoc._transport._async.sending import AsyncSender
from sentinelhub_byoc.deployments import Deployment
from sentinelhub_byoc.errors import ConflictError
from sentinelhub_byoc.models import Page, Tile, TileSort, TileStatus


class AsyncTiles:
    """Tiles of a collection.

    >>> tile = await client.tiles.create(
    ...     collection, "2024/05/01/(BAND).tif", sensing_time="2024-05-01T10:00:00Z"
    ... )  # doctest: +SKIP
    >>> failed = [tile async for tile in client.tiles.list(collection, status="FAILED")]  # doctest: +SKIP
    """

    def __init__(self, sender: AsyncSender, deployment: Deployment) -> None:
        self._sender = sender
        self._cdse = deployment.cdse

    def pages(
        self,
        collection: Any,
        *,
        status: TileStatus | str | None = None,
        path: str | None = None,
        sort: TileSort | str | None = None,
        page_size: int | None = None,
        start_token: str | None = None,
    ) -> AsyncIterator[Page[Tile]]:
        """Pages of tiles, fetched lazily; ``sort`` is ``"created:asc"`` or ``"created:desc"``."""
        return self._pages(collection, status, path, sort, page_size, start_token, None)

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
    ) -> AsyncIterator[Tile]:
        """All matching tiles, lazily, following pages; at most *limit* of them."""
        page_iterator = self._pages(collection, status, path, sort, page_size, start_token, limit)
        return _pagination.async_items(page_iterator, limit)

    def _pages(
        self,
        collection: Any,
        status: TileStatus | str | None,
        path: str | None,
        sort: TileSort | str | None,
        page_size: int | None,
        start_token: str | None,
        limit: int | None,
    ) -> AsyncIterator[Page[Tile]]:
        collection_id = as_uuid(collection, "collection")
        operation = ops.list_tiles(
            collection_id,
            page_size=page_size,
            limit=limit,
            token=start_token,
            status=status,
            path=path,
            sort=sort,
        )
        return self._sender.pages(operation, f"tiles of collection {collection_id}")

    async def find(self, collection: Any, path: str) -> Tile | None:
        """The tile with exactly this *path*, or ``None``."""
        ops.check_tile_path(path)
        async for tile in self.list(collection, path=path, limit=1):
            return tile
        return None

    async def get(self, collection: Any, tile: Any) -> Tile:
        """One tile, by id (string or UUID) or object."""
        return await self._sender.send(ops.get_tile(as_uuid(collection, "collection"), as_uuid(tile, "tile")))

    async def create(
        self,
        collection: Any,
        path: str,
        *,
        cover_geometry: Any | None = None,
        sensing_time: datetime | str | None = None,
        exist_ok: bool = False,
    ) -> Tile:
        """Register the COG files at *path* as a new tile; ingestion starts by itself.

        ``cover_geometry`` takes anything :func:`~sentinelhub_byoc.geometry.as_geometry` does and is
        validated before sending. If a retried attempt meets "path exists" because an earlier attempt
        did create the tile, that tile is returned: never an error, never a duplicate. With
        *exist_ok*, a tile that already has *path* is returned too, whoever created it (the path
        is what makes a tile the same); otherwise that is a
        :class:`~sentinelhub_byoc.errors.ConflictError`.
        """
        collection_id = as_uuid(collection, "collection")
        ops.check_tile_path(path)
        operation = ops.create_tile(
            collection_id, ops.tile_payload(path, cover_geometry, sensing_time, cdse=self._cdse)
        )
        outcome = await self._sender.outcome(operation)
        # A 409 after an attempt that may have acted is that attempt's own tile.
        if isinstance(outcome.error, ConflictError) and (exist_ok or outcome.earlier_attempt_may_have_acted):
            existing = await self.find(collection_id, path)
            if existing is not None:
                return existing
        return outcome.unwrap()

    async def update(
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
        payload = ops.tile_payload(None, cover_geometry, sensing_time, cdse=self._cdse)
        await self._sender.send(
            ops.update_tile(as_uuid(collection, "collection"), as_uuid(tile, "tile"), payload)
        )

    async def delete(self, collection: Any, tile: Any) -> None:
        """Delete a tile."""
        await self._sender.send(ops.delete_tile(as_uuid(collection, "collection"), as_uuid(tile, "tile")))

    async def reingest(self, collection: Any, tile: Any) -> None:
        """Ingest the tile's files again, e.g. after they changed in the bucket."""
        await self._sender.send(ops.reingest_tile(as_uuid(collection, "collection"), as_uuid(tile, "tile")))
