"""Sync's staging: converted copies of the files that break the rules, registered in their place.

From a local folder, :func:`stage_file` runs on any worker (see :mod:`._executors`) and
:func:`staged_files` puts the copies in place of their originals for the upload comparison.
From a bucket's prefix (``s3://`` or ``gs://``), a tile with a file that breaks the rules
moves as a whole to a staging prefix of the same bucket: :func:`plan_s3_staging` turns the
checks into one job per file
(convert it, or copy it server-side) run by :func:`stage_s3_job` on any worker, and
:func:`staged_s3_files` gives the files the plan then compares. Blocking (GDAL, disk, the stores' clients).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from sentinelhub_byoc.cog._layout import TileFiles
from sentinelhub_byoc.cog._problems import RuleSet
from sentinelhub_byoc.errors import BYOCError
from sentinelhub_byoc.storage._objects import StoreClients
from sentinelhub_byoc.storage._stat import FileIdentity, Files, StoredFile
from sentinelhub_byoc.storage._urls import BucketLocation
from sentinelhub_byoc.token_cache import default_token_cache_directory
from sentinelhub_byoc.workflows._convert_jobs import (
    Checked,
    CheckJob,
    ConvertJob,
    Copied,
    CopyJob,
    JobResult,
    copy_job,
    failure_reason,
    run_job,
)

if TYPE_CHECKING:
    from sentinelhub_byoc.cog._convert_options import ConvertOptions

__all__ = [
    "S3Staging",
    "StageJob",
    "Staged",
    "StagingPlan",
    "Outcome",
    "copies_to_make",
    "default_staging",
    "plan_s3_staging",
    "s3_check_jobs",
    "stage_file",
    "stage_s3_job",
    "staged_files",
    "staged_key",
    "staged_s3_files",
]


def default_staging(folder: Path) -> Path:
    """Where sync converts a folder's files by default: a folder of its own in the user's cache.

    The package's cache folder and its ``staging`` folder are created private (``0700``) when
    missing, whatever the umask: the token cache beside them refuses a folder others may write.
    """
    digest = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    staging = default_token_cache_directory().parent / "staging"
    try:
        staging.parent.parent.mkdir(parents=True, exist_ok=True)
        for made in (staging.parent, staging):
            with contextlib.suppress(FileExistsError):
                made.mkdir(mode=0o700)
                made.chmod(0o700)  # mkdir's mode is reduced by the umask
    except OSError:
        pass  # an unwritable cache: the conversion's own writes report it, naming the file
    return staging / digest


@attrs.frozen
class StageJob:
    """One file of a sync to check and, when it breaks the rules, convert to *staged*."""

    key: str
    source: str
    staged: str
    rules: RuleSet
    options: ConvertOptions | None
    listed: FileIdentity | None = None
    """What *source* was when it was listed: a file that is no longer that is not converted."""


@attrs.frozen
class Staged:
    """What sync uploads for one key: the file itself (``staged is None``) or its converted copy."""

    key: str
    staged: str | None = None
    converted: bool = False
    reason: str | None = None


def stage_file(job: StageJob) -> Staged:
    """Check *job*'s file; convert it into its staging path when it breaks the rules.

    :func:`~sentinelhub_byoc.cog.convert` keeps only a copy that passes the rules, so a file
    it cannot make right fails with the reason. A file that passes has any stale converted
    copy removed.
    """
    from sentinelhub_byoc.cog._check import check_cog
    from sentinelhub_byoc.cog._convert import convert

    try:
        changed = _changed(job)
        if changed is not None:
            return Staged(job.key, reason=changed)
        if check_cog(job.source, rules=job.rules).ok:
            Path(job.staged).unlink(missing_ok=True)
            return Staged(job.key)
        conversion = convert(job.source, job.staged, rules=job.rules, options=job.options)
        # GDAL reads by path: a file swapped meanwhile would have been converted instead.
        changed = _changed(job)
    except (BYOCError, OSError) as error:
        return Staged(job.key, reason=f"conversion failed: {failure_reason(error)}")
    if changed is not None:
        return Staged(job.key, reason=changed)
    return Staged(job.key, job.staged, converted=not conversion.up_to_date)


def _changed(job: StageJob) -> str | None:
    """Why *job*'s source is not the regular file that was listed, or ``None``."""
    if job.listed is None:
        return None
    try:
        status = os.lstat(job.source)
    except FileNotFoundError:
        return f"{job.source} vanished since it was listed; run the sync again"
    now = FileIdentity.of(status)
    if not stat.S_ISREG(status.st_mode) or now != job.listed:
        return f"{job.source} changed since it was listed; run the sync again"
    return None


def staged_files(
    files: Files, jobs: Sequence[StageJob], results: Sequence[Staged | Exception]
) -> tuple[Files, dict[str, str], set[str]]:
    """*files* with converted copies in place of originals, the keys that failed, those converted.

    The converted copy keeps its original's key; its size and time are its own, so the bucket
    is compared with what was uploaded.
    """
    staged = dict(files)
    refused: dict[str, str] = {}
    written: set[str] = set()
    for job, result in zip(jobs, results, strict=True):
        if isinstance(result, Exception):
            refused[job.key] = f"conversion failed: {failure_reason(result)}"
        elif result.reason is not None:
            refused[job.key] = result.reason
        elif result.staged is not None:
            path = Path(result.staged)
            try:
                status = path.lstat()
            except OSError as error:
                refused[job.key] = f"the converted copy {path} cannot be read: {error.strerror}"
                continue
            if not stat.S_ISREG(status.st_mode):
                refused[job.key] = f"the converted copy {path} is not a regular file"
                continue
            modified = datetime.fromtimestamp(status.st_mtime, UTC)
            staged[job.key] = StoredFile(job.key, status.st_size, modified, path, FileIdentity.of(status))
            if result.converted:
                written.add(job.key)
    return staged, refused, written


@attrs.frozen
class S3Staging:
    """A sync from the bucket prefix *source* whose converted tiles go to *staging*, in the same bucket."""

    source: BucketLocation
    staging: BucketLocation

    def staged(self, path: str) -> str:
        """The staging key of a source key or tile path: its path relative to the source prefix."""
        return self.staging.prefix + path[len(self.source.prefix) :]


def s3_check_jobs(groups: Sequence[TileFiles], bucket: BucketLocation, rules: RuleSet) -> list[CheckJob]:
    """One check per file of the tiles in *bucket*, in key order."""
    keys = sorted({key for tile in groups for key in tile.files.values()})
    return [CheckJob(bucket.url(key), rules) for key in keys]


@attrs.frozen
class StagingPlan:
    """The tiles as they are registered, the staging work, and what fails before any of it.

    ``groups`` holds each tile that passes at its own path and each other one at its staging
    path. ``conversions`` and ``copies`` are the jobs; ``refused`` maps staging keys to the
    reason their tile fails; ``sources`` maps each staging key to its source key and ``tiles``
    to the staging keys of its tile.
    """

    groups: list[TileFiles]
    conversions: list[ConvertJob] = attrs.field(factory=list)
    copies: list[CopyJob] = attrs.field(factory=list)
    refused: dict[str, str] = attrs.field(factory=dict)
    sources: dict[str, str] = attrs.field(factory=dict)
    tiles: dict[str, tuple[str, ...]] = attrs.field(factory=dict)


Outcome = JobResult | Copied | Exception
"""What became of one staging job."""


def _bad_name(relative: str) -> bool:
    # A key is read as a path on the worker that converts it: no climbing out of its folder.
    return any(part in ("", ".", "..") for part in relative.split("/"))


def plan_s3_staging(
    where: S3Staging,
    groups: Sequence[TileFiles],
    checked: Mapping[str, Checked | Exception],
    rules: RuleSet,
    options: ConvertOptions | None,
) -> StagingPlan:
    """Which tiles move to the staging prefix, and one job for each of their files.

    *checked* holds each file's check by key. A tile whose files all pass stays where it is.
    Otherwise every file of it is staged under its path relative to the source prefix: those
    that fail are converted, the others copied. A tile with a file the conversion cannot fix
    gets no jobs; its files are in ``refused``.
    """
    bucket, url_of = where.source.bucket, where.source.url
    plan = StagingPlan([])
    for tile in groups:
        results = {key: checked[key] for key in tile.files.values()}
        if all(isinstance(result, Checked) and result.ok for result in results.values()):
            plan.groups.append(tile)
            continue
        files = {band: where.staged(key) for band, key in tile.files.items()}
        plan.groups.append(TileFiles(where.staged(tile.path), files))
        conversions: list[ConvertJob] = []
        copies: list[CopyJob] = []
        for band, key in sorted(tile.files.items()):
            staged, result, relative = files[band], results[key], key[len(where.source.prefix) :]
            plan.sources[staged] = key
            plan.tiles[staged] = tuple(sorted(files.values()))
            if isinstance(result, Exception):
                plan.refused[staged] = f"{url_of(key)} could not be checked: {failure_reason(result)}"
            elif _bad_name(relative):
                plan.refused[staged] = f"{url_of(key)}: a key with empty, . or .. folders; rename it"
            elif not result.ok and not result.fixable:
                plan.refused[staged] = result.reason or f"{url_of(key)} cannot be converted"
            elif result.ok:
                copies.append(CopyJob(bucket, key, staged, where.source.scheme))
            else:
                conversions.append(ConvertJob(url_of(key), relative, str(where.staging), rules, options))
        if not any(staged in plan.refused for staged in files.values()):
            plan.conversions.extend(conversions)
            plan.copies.extend(copies)
    return plan


def staged_key(where: S3Staging, job: ConvertJob | CopyJob) -> str:
    """The staging key a job of a :class:`StagingPlan` writes."""
    return job.key if isinstance(job, CopyJob) else where.staging.prefix + job.name


def _reason(where: S3Staging, job: ConvertJob | CopyJob, outcome: Outcome) -> str | None:
    if isinstance(outcome, Exception):
        return f"staging {staged_key(where, job)} failed: {failure_reason(outcome)}"
    if isinstance(outcome, Copied):
        return outcome.reason
    if outcome.status == "failed":
        return f"conversion of {outcome.source} failed: {outcome.reason}"
    return None


def _written(outcome: Outcome) -> bool:
    if isinstance(outcome, Copied):
        return outcome.copied and outcome.reason is None
    return isinstance(outcome, JobResult) and outcome.status == "converted"


def copies_to_make(where: S3Staging, plan: StagingPlan, conversions: Sequence[Outcome]) -> list[CopyJob]:
    """The copies of the tiles whose conversions all succeeded: a failed tile gets no copies."""
    failed = {
        staged_key(where, job)
        for job, outcome in zip(plan.conversions, conversions, strict=True)
        if _reason(where, job, outcome) is not None
    }
    return [job for job in plan.copies if not failed.intersection(plan.tiles[job.key])]


def stage_s3_job(job: ConvertJob | CopyJob, clients: StoreClients | None = None) -> JobResult | Copied:
    """Carry out one job of a :class:`StagingPlan` on any worker: convert, or copy server-side."""
    if isinstance(job, CopyJob):
        return copy_job(job, clients)
    return run_job(job, clients)


def staged_s3_files(
    where: S3Staging,
    plan: StagingPlan,
    files: Files,
    listed: Files,
    done: Sequence[tuple[ConvertJob | CopyJob, Outcome]] | None,
) -> tuple[Files, dict[str, str], set[str]]:
    """The files the sync plan compares, the staging keys that failed, and those written.

    *done* pairs each job run with its outcome. *listed* is the staging prefix as listed after
    the jobs: a staged file's time is its own, so its tile is reingested when it was written
    after the tile's ingestion began. With *done* ``None`` (a dry run, no job run), the keys
    counted as written are those the jobs would write: missing from *listed*, or older than
    their source.
    """
    effective = dict(files)
    refused = dict(plan.refused)
    written: set[str] = set()
    if done is None:
        jobs: list[ConvertJob | CopyJob] = [*plan.conversions, *plan.copies]
        for job in jobs:
            key = staged_key(where, job)
            found, since = listed.get(key), files[plan.sources[key]].modified
            if found is None or (found.modified is not None and since is not None and found.modified < since):
                written.add(key)
    else:
        for job, outcome in done:
            key = staged_key(where, job)
            reason = _reason(where, job, outcome)
            if reason is not None:
                refused[key] = reason
            elif _written(outcome):
                written.add(key)
    for staged, source in plan.sources.items():
        found = listed.get(staged)
        if done is not None and found is None and not refused.keys() & set(plan.tiles[staged]):
            url = where.source.url(staged)
            refused[staged] = f"{url} is missing after staging; run the sync again"
        if found is None or staged in refused:
            # The source's size and time stand in for a copy that is missing or failed.
            effective[staged] = StoredFile(staged, files[source].size, files[source].modified)
        else:
            effective[staged] = found
    return effective, refused, written
