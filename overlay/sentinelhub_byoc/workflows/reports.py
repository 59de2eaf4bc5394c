"""What workflows return: a wait's final states, what a sync, a download or a conversion did."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

import attrs

from sentinelhub_byoc.models import Tile, TileStatus
from sentinelhub_byoc.workflows._estimate import RequestEstimate
from sentinelhub_byoc.workflows._plan import SyncPlan

if TYPE_CHECKING:
    # Only annotations: the conversion module needs rasterio, which a report must not import.
    from sentinelhub_byoc.cog._convert_options import Conversion

__all__ = [
    "ConvertReport",
    "DownloadReport",
    "FileFailure",
    "ReingestReport",
    "RequestEstimate",
    "SyncReport",
    "WaitResult",
]


@attrs.frozen
class WaitResult:
    """Where each waited-for tile ended: INGESTED, FAILED (with its cause) or still pending.

    ``tiles`` holds each tile as last read, by id; ``missing`` the ids that no longer exist
    (deleted while waiting).

    >>> result = WaitResult(tiles={}, timed_out=False)
    >>> result.ok, result.failed
    (True, {})
    """

    tiles: Mapping[UUID, Tile]
    """Each waited-for tile as last read, by id."""
    timed_out: bool
    """Whether the wait ended at its timeout, with tiles still waiting or ingesting."""
    missing: tuple[UUID, ...] = ()
    """The ids of the tiles that no longer exist (deleted while waiting)."""
    seconds: float = 0.0
    """How long the wait took, in seconds."""

    @property
    def ingested(self) -> list[Tile]:
        """The tiles that were ingested."""
        return [t for t in self.tiles.values() if t.status is TileStatus.INGESTED]

    @property
    def failed(self) -> dict[str, str]:
        """Failed tiles' causes, by tile path."""
        return {
            t.path: t.failure_cause or "ingestion failed (the service gave no cause)"
            for t in self.tiles.values()
            if t.status is TileStatus.FAILED
        }

    @property
    def pending(self) -> list[Tile]:
        """Tiles still waiting or ingesting when the wait ended (only after a timeout)."""
        return [t for t in self.tiles.values() if not t.is_final]

    @property
    def ok(self) -> bool:
        """Whether every tile was ingested: nothing failed, pending or missing."""
        return not self.failed and not self.pending and not self.missing

    def __str__(self) -> str:
        parts = [f"{len(self.ingested)} ingested", f"{len(self.failed)} failed"]
        if self.pending:
            parts.append(f"{len(self.pending)} still ingesting (timed out)")
        if self.missing:
            parts.append(f"{len(self.missing)} deleted while waiting")
        lines = [", ".join(parts) + f" after {self.seconds:.1f} s"]
        lines.extend(f"  FAILED {path}: {cause}" for path, cause in sorted(self.failed.items()))
        return "\n".join(lines)


@attrs.frozen
class SyncReport:
    """What a sync did: the plan, then what happened to each tile.

    Paths are tile paths (file keys for ``uploaded``), sorted. ``failed`` maps each tile that
    failed in this run (a refused file, its COG check, its upload, its registration or its
    ingestion) to the cause; ``failed_before`` holds unchanged tiles that were already FAILED
    and were left alone; ``refused`` the inputs that were neither uploaded nor registered.
    """

    plan: SyncPlan
    """The plan the sync carried out (or, in a dry run, would have)."""
    dry_run: bool = False
    """Whether this was a dry run: nothing was uploaded, registered or deleted."""
    uploaded: tuple[str, ...] = ()
    """The keys of the files uploaded to the bucket."""
    created: tuple[str, ...] = ()
    """The paths of the tiles registered."""
    reingested: tuple[str, ...] = ()
    """The paths of the tiles sent to be ingested again."""
    deleted: tuple[str, ...] = ()
    """The paths of the tiles deleted from the collection."""
    skipped: tuple[str, ...] = ()
    """The paths of the tiles left alone, unchanged."""
    failed: Mapping[str, str] = attrs.field(factory=dict)
    """Each tile that failed in this run, by path, with the cause."""
    ingestion: WaitResult | None = None
    """The wait for the tiles' ingestion; None when the sync did not wait (``wait=False``, a dry run)."""

    @property
    def failed_before(self) -> Mapping[str, str]:
        """Unchanged tiles that were FAILED before this run, with their causes."""
        return self.plan.failed_before

    @property
    def refused(self) -> Mapping[str, str]:
        """Inputs refused (links out of the folder, bad keys...), by key, with the reason."""
        return self.plan.refused

    @property
    def ok(self) -> bool:
        """Whether every tile this run touched ended well, none is still ingesting, nothing refused."""
        pending = self.ingestion is not None and bool(self.ingestion.pending)
        return not self.failed and not pending and not self.refused

    def __str__(self) -> str:
        if self.dry_run:
            return "dry run, nothing changed:\n" + self.plan.format()
        lines = [
            f"{len(self.uploaded)} file(s) uploaded; tiles: {len(self.created)} created, "
            f"{len(self.reingested)} reingested, {len(self.deleted)} deleted, "
            f"{len(self.skipped)} unchanged, {len(self.failed)} failed"
        ]
        if self.ingestion is not None and self.ingestion.pending:
            lines.append(f"  {len(self.ingestion.pending)} tile(s) still ingesting when the wait timed out")
        lines.extend(f"  FAILED {path}: {cause}" for path, cause in sorted(self.failed.items()))
        lines.extend(f"  REFUSED {key!r}: {reason}" for key, reason in sorted(self.refused.items()))
        if self.failed_before:
            lines.append(f"  {len(self.failed_before)} unchanged tile(s) were already FAILED")
        return "\n".join(lines)


@attrs.frozen
class ReingestReport:
    """What a reingest did: tiles asked to ingest again, refusals, and how ingestion ended.

    ``errors`` maps the paths of tiles the service would not reingest to its answer;
    ``ingestion`` is the wait's result (``None`` with ``wait=False``).
    """

    reingested: tuple[str, ...]
    """The paths of the tiles the service accepted to ingest again, sorted."""
    errors: Mapping[str, str] = attrs.field(factory=dict)
    """The tiles the service would not reingest, by path, with its answer."""
    ingestion: WaitResult | None = None
    """The wait for the tiles' ingestion; None with ``wait=False``."""

    @property
    def ok(self) -> bool:
        """Whether every tile was reingested and, when waited for, ingested."""
        return not self.errors and (self.ingestion is None or self.ingestion.ok)

    def __str__(self) -> str:
        lines = [f"{len(self.reingested)} tile(s) reingested, {len(self.errors)} refused"]
        lines.extend(f"  REFUSED {path}: {cause}" for path, cause in sorted(self.errors.items()))
        if self.ingestion is not None:
            lines.append(str(self.ingestion))
        return "\n".join(lines)


@attrs.frozen
class FileFailure:
    """A file that could not be downloaded, and why.

    ``name`` is ``None`` when the tile's list of files could not be read.
    """

    tile: str
    """The id of the tile the file belongs to, as text."""
    name: str | None
    """The file's name in the tile; None when the tile's list of files could not be read."""
    error: Exception
    """What went wrong: a :class:`~sentinelhub_byoc.errors.BYOCError`, or an ``OSError`` from the disk."""

    @property
    def cause(self) -> str:
        """The error, as one line for people: its type and message."""
        return f"{type(self.error).__name__}: {self.error}"


@attrs.frozen
class DownloadReport:
    """What :func:`~sentinelhub_byoc.workflows.download_tile_files` did, file by file.

    ``written`` are the files downloaded by this call and ``skipped`` those already complete at
    their destination, both in the order of the tiles and their files; ``bytes`` counts the
    bytes received. ``failed`` lists each file (or tile listing) that failed with its error;
    their partial data is kept as ``.part`` files for the next call to resume, unless the server
    sent more than it announced (then nothing is kept).

    >>> report = DownloadReport(written=(Path("downloads/tile/scene.tif"),), bytes=1024)
    >>> report.ok, [path.name for path in report.paths]
    (True, ['scene.tif'])
    """

    written: tuple[Path, ...] = ()
    """The files downloaded by this call, at their destination."""
    skipped: tuple[Path, ...] = ()
    """The files already complete at their destination, left as they were."""
    failed: tuple[FileFailure, ...] = ()
    """Each file, or tile listing, that failed, with its error."""
    bytes: int = 0
    """How many bytes this call received."""

    @property
    def ok(self) -> bool:
        """Whether every file is now complete at its destination."""
        return not self.failed

    @property
    def paths(self) -> tuple[Path, ...]:
        """Every complete file: those written and those skipped."""
        return self.written + self.skipped


@attrs.frozen
class ConvertReport:
    """What :func:`~sentinelhub_byoc.workflows.convert_files` did, file by file.

    ``converted`` holds the conversions written by this call and ``up_to_date`` those whose
    outputs already matched their source and options (nothing was written); ``unchanged`` the
    sources that already passed the checks (with ``only_failing=True``, not converted);
    ``failed`` maps each source that could not be read, converted or stored to the reason.

    >>> report = ConvertReport(failed={"scan.tif": "no CRS: set one with gdal_edit.py -a_srs"})
    >>> report.ok
    False
    >>> print(report)
    0 converted, 0 up to date, 0 already passing, 1 failed
      FAILED scan.tif: no CRS: set one with gdal_edit.py -a_srs
    """

    converted: tuple[Conversion, ...] = ()
    """The conversions this call wrote."""
    up_to_date: tuple[Conversion, ...] = ()
    """The conversions whose outputs already matched their source and options: nothing was written."""
    unchanged: tuple[str, ...] = ()
    """The sources that already passed the checks and were not converted (with ``only_failing=True``)."""
    failed: dict[str, str] = attrs.field(factory=dict)
    """Each source that could not be read, converted or stored, with the reason."""

    @property
    def ok(self) -> bool:
        """Whether no file failed."""
        return not self.failed

    def __str__(self) -> str:
        lines = [
            f"{len(self.converted)} converted, {len(self.up_to_date)} up to date, "
            f"{len(self.unchanged)} already passing, {len(self.failed)} failed"
        ]
        lines.extend(f"  FAILED {source}: {reason}" for source, reason in sorted(self.failed.items()))
        return "\n".join(lines)
