"""Fixing and cleaning up: reingest failed tiles, delete a collection with its tiles, copy tiles."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sentinelhub_byoc._async.client import AsyncBYOCClient
from sentinelhub_byoc._ids import as_uuid
from sentinelhub_byoc.errors import BYOCError, IngestionFailedError, NotFoundError
from sentinelhub_byoc.models import Tile, TileStatus
from sentinelhub_byoc.workflows import _tasks
from sentinelhub_byoc.workflows._async import waiting
from sentinelhub_byoc.workflows._executors import check_concurrency
from sentinelhub_byoc.workflows.events import Progress, ProgressCallback, Stage, report_progress
from sentinelhub_byoc.workflows.reports import ReingestReport, WaitResult

__all__ = ["async_copy_tiles", "async_delete_collection", "async_reingest"]


class _Counter:
    """Counts finished items for progress events, from tasks or worker threads."""

    def __init__(self, stage: Stage, total: int, on_progress: ProgressCallback | None) -> None:
        self._stage, self._total, self._on_progress = stage, total, on_progress
        self._done = 0
        self._lock = threading.Lock()

    def finished(self, item: str, message: str | None = None) -> None:
        with self._lock:
            self._done += 1
            done = self._done
        report_progress(self._on_progress, Progress(self._stage, done, self._total, item, message=message))


async def _tiles_to_reingest(
    client: AsyncBYOCClient, collection: UUID, tiles: Iterable[Any] | None, status: TileStatus | str | None
) -> list[Tile]:
    found: list[Tile] = []
    if tiles is None:
        async for tile in client.tiles.list(collection, status=status):
            found.append(tile)
        return found
    return [tile if isinstance(tile, Tile) else await client.tiles.get(collection, tile) for tile in tiles]


async def async_reingest(
    client: AsyncBYOCClient,
    collection: Any,
    tiles: Iterable[Any] | None = None,
    *,
    status: TileStatus | str | None = TileStatus.FAILED,
    wait: bool = True,
    timeout: float | None = 600.0,
    concurrency: int = 16,
    raise_on_failure: bool = False,
    on_progress: ProgressCallback | None = None,
) -> ReingestReport:
    """Ingest tiles again, by default every FAILED tile of *collection*, and wait for them.

    *tiles* (tiles or ids) picks tiles instead; *status* picks all tiles with another status
    (``None``: every tile). Fix the files in the bucket first: reingesting unchanged broken
    files fails again. With *raise_on_failure*, a tile that is refused or fails again raises
    :class:`~sentinelhub_byoc.errors.IngestionFailedError` carrying the report.

    >>> report = await async_reingest(client, collection)  # doctest: +SKIP
    >>> report.ok  # doctest: +SKIP
    True
    """
    collection_id = as_uuid(collection, "collection")
    wanted = None if tiles is None else list(tiles)
    if wanted is not None:
        for tile in wanted:
            as_uuid(tile, "tile")
    check_concurrency(concurrency)
    chosen = await _tiles_to_reingest(client, collection_id, wanted, status)
    counter = _Counter("reingest", len(chosen), on_progress)
    done: list[Tile] = []
    errors: dict[str, str] = {}

    async def reingest(tile: Tile) -> None:
        try:
            await client.tiles.reingest(collection_id, tile)
        except BYOCError as error:
            errors[tile.path] = str(error)
            counter.finished(tile.path, str(error))
            return
        done.append(tile)
        counter.finished(tile.path)

    await _tasks.run_bounded(chosen, reingest, concurrency=concurrency)
    ingestion = None
    if wait and done:
        ingestion = await waiting.async_wait(
            client, collection_id, [tile.id for tile in done], timeout=timeout, on_progress=on_progress
        )
    elif wait:
        ingestion = WaitResult({}, timed_out=False)
    report = ReingestReport(tuple(sorted(t.path for t in done)), dict(sorted(errors.items())), ingestion)
    if raise_on_failure and not report.ok:
        raise IngestionFailedError(f"not every tile was reingested: {report}", result=report)
    return report


async def async_delete_collection(
    client: AsyncBYOCClient,
    collection: Any,
    *,
    force: bool = False,
    concurrency: int = 16,
    on_progress: ProgressCallback | None = None,
) -> int:
    """Delete *collection*; with *force*, delete all its tiles first. Return the tiles deleted.

    Without *force* this is ``client.collections.delete``: the service decides what happens
    to a collection that still has tiles. With *force* every tile is deleted,
    *concurrency* at a time; a tile already gone counts as deleted, any other refusal stops
    the deletion before the collection is touched.
    """
    collection_id = as_uuid(collection, "collection")
    check_concurrency(concurrency)
    deleted = 0
    if force:
        ids = [tile.id async for tile in client.tiles.list(collection_id) if tile.id is not None]
        counter = _Counter("delete", len(ids), on_progress)

        async def delete(tile_id: UUID) -> None:
            with contextlib.suppress(NotFoundError):
                await client.tiles.delete(collection_id, tile_id)
            counter.finished(str(tile_id))

        await _tasks.run_bounded(ids, delete, concurrency=concurrency)
        deleted = len(ids)
    await client.collections.delete(collection_id)
    return deleted


async def async_copy_tiles(
    client: AsyncBYOCClient,
    source: Any,
    target: Any,
    *,
    wait: bool = True,
    timeout: float | None = 600.0,
    raise_on_failure: bool = False,
    on_progress: ProgressCallback | None = None,
) -> WaitResult | None:
    """Copy *source*'s ingested tiles into *target* (paths it lacks), then wait for them.

    Returns the wait's result over *target*'s tiles (``None`` with ``wait=False``).
    """
    source_id, target_id = as_uuid(source, "source collection"), as_uuid(target, "target collection")
    await client.collections.copy_tiles(source_id, target_id)
    if not wait:
        return None
    return await waiting.async_wait(
        client, target_id, timeout=timeout, raise_on_failure=raise_on_failure, on_progress=on_progress
    )
