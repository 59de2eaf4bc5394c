# Generated from overlay/sentinelhub_byoc/workflows/_async/waiting.py by codegen/unasync.py; do not edit.
"""Waiting for ingestion: poll until every tile is INGESTED or FAILED, or time runs out."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sentinelhub_byoc._ids import as_uuid
from sentinelhub_byoc._sync.client import BYOCClient
from sentinelhub_byoc.errors import IngestionFailedError, NotFoundError, ValidationError
from sentinelhub_byoc.models import Tile, TileStatus
from sentinelhub_byoc.workflows import _threads
from sentinelhub_byoc.workflows.events import Progress, ProgressCallback, report_progress
from sentinelhub_byoc.workflows.reports import WaitResult

__all__ = ["wait"]

_PENDING = (TileStatus.WAITING, TileStatus.QUEUED, TileStatus.INGESTING)
# Up to this many tiles are read one by one at the end; more are read in one listing.
_FEW = 20
_BACKOFF = 1.5


def _check_timing(timeout: float | None, poll_interval: float, max_poll_interval: float) -> None:
    if timeout is not None and not timeout >= 0:
        raise ValidationError(f"timeout must be seconds >= 0 or None (no limit), got {timeout!r}")
    if not 0 < poll_interval <= max_poll_interval:
        raise ValidationError(
            f"poll_interval must be > 0 and at most max_poll_interval, got {poll_interval!r} "
            f"and {max_poll_interval!r}"
        )


def _all_ids(client: BYOCClient, collection: UUID) -> set[UUID]:
    return {tile.id for tile in client.tiles.list(collection) if tile.id is not None}


def _pending(client: BYOCClient, collection: UUID, wanted: set[UUID]) -> set[UUID]:
    # Only tiles still on their way are listed, so a poll costs little once most are done;
    # listing the statuses in lifecycle order sees a tile that moves on between two listings.
    pending: set[UUID] = set()
    for status in _PENDING:
        for tile in client.tiles.list(collection, status=status):
            if tile.id in wanted:
                pending.add(tile.id)
    return pending


def _final(client: BYOCClient, collection: UUID, wanted: set[UUID]) -> dict[UUID, Tile]:
    if len(wanted) <= _FEW:
        found: dict[UUID, Tile] = {}
        for tile_id in wanted:
            try:
                found[tile_id] = client.tiles.get(collection, tile_id)
            except NotFoundError:
                continue
        return found
    return {tile.id: tile for tile in client.tiles.list(collection) if tile.id in wanted}


def wait(
    client: BYOCClient,
    collection: Any,
    tiles: Iterable[Any] | None = None,
    *,
    timeout: float | None = 600.0,
    poll_interval: float = 1.0,
    max_poll_interval: float = 15.0,
    raise_on_failure: bool = False,
    on_progress: ProgressCallback | None = None,
) -> WaitResult:
    """Wait until every tile (or every tile of *collection*) is INGESTED or FAILED.

    *tiles* are tiles or tile ids; ``None`` waits for all the collection's tiles. Polls start
    every *poll_interval* seconds and slow down to *max_poll_interval* while nothing changes;
    each poll lists only the tiles still waiting or ingesting, and every request goes through
    the client's rate limiter and retries. Returns a
    :class:`~sentinelhub_byoc.workflows.WaitResult` with each tile's final state and each
    failure's cause; after *timeout* seconds it returns with the unfinished tiles
    ``pending``. With *raise_on_failure*, a failed, pending or deleted tile raises
    :class:`~sentinelhub_byoc.errors.IngestionFailedError` carrying the result.

    >>> result = wait(client, collection, [tile])  # doctest: +SKIP
    >>> result.failed  # doctest: +SKIP
    {'2024/05/02/(BAND).tif': 'B04.tif is not tiled ...'}
    """
    collection_id = as_uuid(collection, "collection")
    wanted = None if tiles is None else {as_uuid(tile, "tile") for tile in tiles}
    _check_timing(timeout, poll_interval, max_poll_interval)
    started = time.monotonic()
    deadline = None if timeout is None else started + timeout
    if wanted is None:
        wanted = _all_ids(client, collection_id)
    total = len(wanted)
    interval = poll_interval
    timed_out = False
    previous = -1
    while wanted:
        pending = _pending(client, collection_id, wanted)
        report_progress(on_progress, Progress("wait", total - len(pending), total))
        if not pending:
            break
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            timed_out = True
            break
        interval = poll_interval if len(pending) != previous else min(interval * _BACKOFF, max_poll_interval)
        previous = len(pending)
        pause = interval if deadline is None else min(interval, max(0.0, deadline - now))
        _threads.sleep(pause)
    final = _final(client, collection_id, wanted)
    missing = tuple(sorted(wanted - final.keys(), key=str))
    result = WaitResult(final, timed_out=timed_out, missing=missing, seconds=time.monotonic() - started)
    if raise_on_failure and not result.ok:
        raise IngestionFailedError(f"not every tile was ingested: {result}", result=result)
    return result
