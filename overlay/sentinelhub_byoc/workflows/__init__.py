"""Workflows: what BYOC users do every day, one call each, blocking and asyncio.

- :func:`sync` / :func:`async_sync` register a folder, an S3 prefix or a list of paths as
  tiles: plan first (create, skip, reingest changed, delete missing), optionally upload and
  check the COGs, register with bounded concurrency, wait for ingestion, report.
- :func:`wait` / :func:`async_wait` poll tiles or a whole collection until every tile is
  INGESTED or FAILED, and return the final states with failure causes.
- :func:`reingest` / :func:`async_reingest`, :func:`delete_collection` /
  :func:`async_delete_collection`, :func:`copy_tiles` / :func:`async_copy_tiles`: fixing and
  cleaning up.
- :func:`download_tile_files` / :func:`async_download_tile_files`: all files of tiles in a
  Planet-delivered collection, in parallel, resumable.

Progress goes to an ``on_progress`` callback (:mod:`sentinelhub_byoc.workflows.events`).
Names are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentinelhub_byoc._lazy import lazy_getattr

if TYPE_CHECKING:
    from sentinelhub_byoc.workflows.events import Progress, ProgressCallback

_EXPORTS = {
    "Progress": "sentinelhub_byoc.workflows.events",
    "ProgressCallback": "sentinelhub_byoc.workflows.events",
}

__all__ = ["Progress", "ProgressCallback"]

__getattr__ = lazy_getattr(globals(), _EXPORTS)


def __dir__() -> list[str]:
    return __all__
