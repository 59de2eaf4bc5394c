"""Download every file of tiles in a Planet-delivered collection: in parallel, resumable, checked.

Three bounded-concurrency passes: list each tile's files (unless names are given), ask each
file's size (HEAD), then stream the files that are not already complete at their destination.
Each file takes the download path of ``client.files``: a ``.part`` file resumed with a ``Range``
request, its size checked against the HEAD answer, renamed into place only when complete, with
the folders below the destination opened without following links.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs

from sentinelhub_byoc._ids import as_uuid
from sentinelhub_byoc.errors import BYOCError, DownloadError, ValidationError
from sentinelhub_byoc.resources._downloads import check_deadline, complete_at, resumable_bytes
from sentinelhub_byoc.workflows._downloading import (
    DownloadProgress,
    clashing_names,
    destination_folder,
    file_destination,
    tile_ids,
)
from sentinelhub_byoc.workflows._executors import check_concurrency
from sentinelhub_byoc.workflows._tasks import run_bounded
from sentinelhub_byoc.workflows.events import ProgressCallback
from sentinelhub_byoc.workflows.reports import DownloadReport, FileFailure

if TYPE_CHECKING:
    from sentinelhub_byoc._async.client import AsyncBYOCClient

# What fails one file and not the others: the service or the connection (BYOCError), the disk
# (OSError). Anything else is a bug and is raised.
_FILE_ERRORS = (BYOCError, OSError)


@attrs.frozen
class _File:
    tile: UUID
    name: str
    path: Path

    @property
    def item(self) -> str:
        return f"{self.tile}/{self.name}"


async def async_download_tile_files(
    client: AsyncBYOCClient,
    collection: Any,
    tiles: Any,
    destination: str | os.PathLike[str],
    *,
    names: Iterable[str] | None = None,
    concurrency: int = 4,
    resume: bool = True,
    deadline: float | None = None,
    raise_on_failure: bool = False,
    on_progress: ProgressCallback | None = None,
) -> DownloadReport:
    """Download the files of *tiles* (one or many) to ``destination/<tile id>/<name>``.

    Every file of each tile is listed (or only *names*, which may hold folders such as
    ``udm/udm2.tif``), its size asked, and the files streamed to disk at most *concurrency* at
    a time, with constant memory. A file is written to ``<name>.part`` and renamed when it has
    exactly the size the service announced; an interrupted download resumes from its ``.part``
    file on the next call (unless ``resume=False``), and files already complete at their
    destination are skipped. Names that would leave the tile's folder (``..``, absolute), names
    ending in ``.part`` (another file's partial download) and names that would land on the
    same file as another (differing only in letter case, or a file where another needs a
    folder) are refused with :class:`~sentinelhub_byoc.errors.ValidationError`: when given in
    *names*, before any request; when listed by the service, as that file's failure.

    Nothing the service says is trusted: a body longer than the size announced is cut off
    there (the file fails with :class:`~sentinelhub_byoc.errors.DownloadError` and its
    ``.part`` file is removed), a ``206`` must answer the range asked for, and the folders and
    ``.part`` files below *destination* are opened without following links (a link planted
    there fails that file; nothing is written outside *destination*). *deadline* (seconds)
    fails a file still downloading after that long, keeping its ``.part`` file to resume.

    One file failing (the service, the connection or the disk) does not stop the others: the
    :class:`~sentinelhub_byoc.workflows.DownloadReport` lists it in ``failed`` with its cause. With
    ``raise_on_failure=True`` a report with failures is raised instead, as a
    :class:`~sentinelhub_byoc.errors.DownloadError` carrying it in ``report``.

    ``on_progress`` hears stage ``"download"`` in ``"bytes"`` (as data arrives; done counts
    skipped files and resumed parts too) and in ``"files"`` (each file written, skipped or
    failed, with the cause as ``message``).

    >>> report = await async_download_tile_files(  # doctest: +SKIP
    ...     client, collection, [tile_a, tile_b], "downloads", concurrency=8
    ... )
    >>> report.ok, len(report.written), report.bytes  # doctest: +SKIP
    (True, 12, 734003200)
    """
    collection_id = as_uuid(collection, "collection")
    ids = tile_ids(tiles)
    root = destination_folder(destination)
    check_concurrency(concurrency)
    check_deadline(deadline)
    wanted = None if names is None else _checked_names(root, names)

    async def list_files(tile: UUID) -> list[str] | Exception:
        if wanted is not None:
            return wanted
        try:
            return await client.files.list(collection_id, tile)
        except _FILE_ERRORS as error:
            return error

    failed: list[FileFailure] = []
    files: list[_File] = []
    listings = await run_bounded(ids, list_files, concurrency=concurrency)
    for tile, listing in zip(ids, listings, strict=True):
        if isinstance(listing, Exception):
            failed.append(FileFailure(str(tile), None, listing))
            continue
        listing = list(dict.fromkeys(listing))
        clashes = clashing_names(listing)
        for name in listing:
            try:
                path = file_destination(root, str(tile), name)
                if name in clashes:
                    raise _clash(name, clashes[name])
                files.append(_File(tile, name, path))
            except BYOCError as error:
                failed.append(FileFailure(str(tile), name, error))

    async def size_of(file: _File) -> int | Exception:
        try:
            return await client.files.size(collection_id, file.tile, file.name)
        except _FILE_ERRORS as error:
            return error

    sizes = await run_bounded(files, size_of, concurrency=concurrency)
    progress = DownloadProgress(
        len(files), sum(size for size in sizes if not isinstance(size, Exception)), on_progress
    )
    wanted_files: list[tuple[_File, int]] = []
    complete: set[_File] = set()
    for file, size in zip(files, sizes, strict=True):
        if isinstance(size, Exception):
            failed.append(FileFailure(str(file.tile), file.name, size))
            progress.file_finished(file.item, f"failed: {failed[-1].cause}")
        elif complete_at(root, file.path, size):
            complete.add(file)
            progress.credit(size)
            progress.file_finished(file.item, "skipped: already complete")
        else:
            wanted_files.append((file, size))

    async def fetch(job: tuple[_File, int]) -> Path | Exception:
        file, size = job
        try:
            progress.credit(resumable_bytes(root, file.path, size) if resume else 0)
            path = await client.files._download(
                collection_id,
                file.tile,
                file.name,
                file.path,
                resume=resume,
                size=size,
                deadline=deadline,
                root=root,
                on_bytes=progress.add,
            )
        except _FILE_ERRORS as error:
            progress.file_finished(file.item, f"failed: {type(error).__name__}: {error}")
            return error
        progress.file_finished(file.item)
        return path

    fetched = await run_bounded(wanted_files, fetch, concurrency=concurrency)
    outcomes = {file: outcome for (file, _), outcome in zip(wanted_files, fetched, strict=True)}
    written: list[Path] = []
    skipped: list[Path] = []
    for file in files:
        outcome = outcomes.get(file)
        if file in complete:
            skipped.append(file.path)
        elif isinstance(outcome, Path):
            written.append(outcome)
        elif isinstance(outcome, Exception):
            failed.append(FileFailure(str(file.tile), file.name, outcome))
    report = DownloadReport(tuple(written), tuple(skipped), tuple(failed), progress.received)
    if raise_on_failure and failed:
        raise DownloadError(_summary(failed), report=report)
    return report


def _checked_names(root: Path, names: Iterable[str]) -> list[str]:
    if isinstance(names, str):
        names = [names]
    checked = list(dict.fromkeys(names))
    for name in checked:
        file_destination(root, "tile", name)
    for name, other in clashing_names(checked).items():
        raise _clash(name, other)
    return checked


def _clash(name: str, other: str) -> ValidationError:
    return ValidationError(
        f"file name {name!r} would be written where {other!r} is (names differing only in letter "
        "case, or a file where another needs a folder); refused"
    )


def _summary(failed: list[FileFailure]) -> str:
    first = failed[0]
    where = f"{first.tile}/{first.name}" if first.name is not None else f"the file list of tile {first.tile}"
    more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
    return f"{len(failed)} file(s) could not be downloaded; {where}: {first.cause}{more}"
