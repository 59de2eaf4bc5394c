"""Workflows: what BYOC users do every day, one call each, blocking and asyncio.

- :func:`sync` / :func:`async_sync` register a folder, an S3 prefix or a list of paths as
  tiles: plan first (create, skip, reingest changed, delete missing), optionally upload and
  check the COGs, register with bounded concurrency, wait for ingestion, report. What changed
  is told by size and time, or by content (``checksum``); ``force``, ``include``/``exclude``
  and ``max_delete`` work as in rclone and ``aws s3 sync``.
- :func:`wait` / :func:`async_wait` poll tiles or a whole collection until every tile is
  INGESTED or FAILED, and return the final states with failure causes.
- :func:`reingest` / :func:`async_reingest`, :func:`delete_collection` /
  :func:`async_delete_collection`, :func:`copy_tiles` / :func:`async_copy_tiles`: fixing and
  cleaning up.
- :func:`download_tile_files` / :func:`async_download_tile_files`: all files of tiles in a
  Planet-delivered collection, in parallel, resumable.
- :func:`convert_files` / :func:`async_convert_files`: many rasters (files, folders, S3
  prefixes) into COGs the service ingests, on every local core or on a Dask cluster.

Progress goes to an ``on_progress`` callback (:mod:`sentinelhub_byoc.workflows.events`).
Names are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentinelhub_byoc._lazy import lazy_getattr

if TYPE_CHECKING:
    from sentinelhub_byoc.workflows._async.converting import async_convert_files
    from sentinelhub_byoc.workflows._async.downloads import async_download_tile_files
    from sentinelhub_byoc.workflows._async.maintenance import (
        async_copy_tiles,
        async_delete_collection,
        async_reingest,
    )
    from sentinelhub_byoc.workflows._async.syncing import async_plan_sync, async_sync
    from sentinelhub_byoc.workflows._async.waiting import async_wait
    from sentinelhub_byoc.workflows._plan import PlannedTile, SensingTime, SyncPlan
    from sentinelhub_byoc.workflows._sync.converting import convert_files
    from sentinelhub_byoc.workflows._sync.downloads import download_tile_files
    from sentinelhub_byoc.workflows._sync.maintenance import copy_tiles, delete_collection, reingest
    from sentinelhub_byoc.workflows._sync.syncing import plan_sync, sync
    from sentinelhub_byoc.workflows._sync.waiting import wait
    from sentinelhub_byoc.workflows.events import Progress, ProgressCallback
    from sentinelhub_byoc.workflows.reports import (
        ConvertReport,
        DownloadReport,
        FileFailure,
        ReingestReport,
        RequestEstimate,
        SyncReport,
        WaitResult,
    )

_ASYNC = "sentinelhub_byoc.workflows._async."
_SYNC = "sentinelhub_byoc.workflows._sync."
_EXPORTS = {
    "ConvertReport": "sentinelhub_byoc.workflows.reports",
    "DownloadReport": "sentinelhub_byoc.workflows.reports",
    "FileFailure": "sentinelhub_byoc.workflows.reports",
    "RequestEstimate": "sentinelhub_byoc.workflows.reports",
    "Progress": "sentinelhub_byoc.workflows.events",
    "ProgressCallback": "sentinelhub_byoc.workflows.events",
    "PlannedTile": "sentinelhub_byoc.workflows._plan",
    "SensingTime": "sentinelhub_byoc.workflows._plan",
    "SyncPlan": "sentinelhub_byoc.workflows._plan",
    "ReingestReport": "sentinelhub_byoc.workflows.reports",
    "SyncReport": "sentinelhub_byoc.workflows.reports",
    "WaitResult": "sentinelhub_byoc.workflows.reports",
    "async_convert_files": _ASYNC + "converting",
    "async_copy_tiles": _ASYNC + "maintenance",
    "async_delete_collection": _ASYNC + "maintenance",
    "async_download_tile_files": _ASYNC + "downloads",
    "async_reingest": _ASYNC + "maintenance",
    "async_plan_sync": _ASYNC + "syncing",
    "async_sync": _ASYNC + "syncing",
    "async_wait": _ASYNC + "waiting",
    "convert_files": _SYNC + "converting",
    "copy_tiles": _SYNC + "maintenance",
    "delete_collection": _SYNC + "maintenance",
    "download_tile_files": _SYNC + "downloads",
    "reingest": _SYNC + "maintenance",
    "plan_sync": _SYNC + "syncing",
    "sync": _SYNC + "syncing",
    "wait": _SYNC + "waiting",
}

__all__ = [
    "ConvertReport",
    "DownloadReport",
    "FileFailure",
    "PlannedTile",
    "Progress",
    "ProgressCallback",
    "ReingestReport",
    "SensingTime",
    "RequestEstimate",
    "SyncPlan",
    "SyncReport",
    "WaitResult",
    "async_convert_files",
    "async_copy_tiles",
    "async_delete_collection",
    "async_download_tile_files",
    "async_plan_sync",
    "async_reingest",
    "async_sync",
    "async_wait",
    "convert_files",
    "copy_tiles",
    "delete_collection",
    "download_tile_files",
    "plan_sync",
    "reingest",
    "sync",
    "wait",
]

__getattr__ = lazy_getattr(globals(), _EXPORTS)


def __dir__() -> list[str]:
    return __all__
