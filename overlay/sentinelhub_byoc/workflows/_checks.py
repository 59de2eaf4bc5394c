"""A sync's optional steps on the files themselves: COG checks and cover geometries (blocking)."""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any

from sentinelhub_byoc.cog import RuleSet
from sentinelhub_byoc.cog._problems import summarize
from sentinelhub_byoc.errors import BYOCError
from sentinelhub_byoc.storage._objects import StoreClients
from sentinelhub_byoc.storage._stat import Files
from sentinelhub_byoc.storage._urls import BucketLocation
from sentinelhub_byoc.workflows._plan import PlannedTile

__all__ = ["check_tiles", "trace_covers"]


def _source(key: str, files: Files, bucket: BucketLocation | None) -> str:
    local = files[key].local
    if local is not None or bucket is None:
        return str(local if local is not None else key)
    return bucket.url(key)


def check_tiles(
    tiles: Sequence[PlannedTile],
    files: Files,
    bucket: BucketLocation | None,
    clients: StoreClients,
    rules: RuleSet,
) -> dict[str, str]:
    """Check each created or reingested tile's files; return the causes of those that fail, by path."""
    from sentinelhub_byoc.cog import check_tile

    failures: dict[str, str] = {}
    for tile in tiles:
        if tile.action not in ("create", "reingest") or not tile.files:
            continue
        sources = [_source(key, files, bucket) for key in tile.files]
        try:
            result = check_tile(sources, rules=rules, s3_client=clients.s3, gcs_client=clients.gcs)
        except BYOCError as error:
            failures[tile.path] = f"COG check could not read the files: {error}"
            continue
        if not result.ok:
            failures[tile.path] = "COG check: " + summarize(result.errors)
    return failures


def trace_covers(
    tiles: Sequence[PlannedTile], files: Files, failed: MutableMapping[str, str]
) -> dict[str, Any]:
    """Trace each new tile's cover geometry from its local files; failures go into *failed*."""
    from sentinelhub_byoc.geometry import GeometryError, cover_geometry_from_cogs

    covers: dict[str, Any] = {}
    for tile in tiles:
        paths = [files[key].local for key in tile.files]
        if not paths or any(path is None for path in paths):
            continue
        try:
            covers[tile.path] = cover_geometry_from_cogs([path for path in paths if path is not None])
        except GeometryError as error:
            failed[tile.path] = f"could not trace a cover geometry: {error}"
    return covers
