"""A sync's conversion: checking files, converting those that break the rules, staging them.

A local source's broken files are converted into a staging folder and uploaded from there
under their own keys; a bucket source's tiles with broken files are staged whole under a prefix
beside the source and registered from there. The jobs themselves (one file each, on any
worker) are in :mod:`sentinelhub_byoc.workflows._staging` and ``_convert_jobs``.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from sentinelhub_byoc.cog import RuleSet
from sentinelhub_byoc.cog._layout import TileFiles
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.storage._objects import StoreClients
from sentinelhub_byoc.storage._stat import Files
from sentinelhub_byoc.storage._urls import BucketLocation, is_bucket_url, parse_bucket_url, url_scheme
from sentinelhub_byoc.workflows import _convert_jobs, _converting, _staging, _tasks
from sentinelhub_byoc.workflows._executors import async_run_many, check_executor
from sentinelhub_byoc.workflows.events import Progress, ProgressCallback, Stage, report_progress

if TYPE_CHECKING:
    from sentinelhub_byoc.cog._convert_options import ConvertOptions

__all__ = ["Staging", "conversion_settings", "stage_folder", "stage_s3"]


@attrs.frozen
class Staging:
    """A sync's conversion: where the converted copies go, by which rules and options, on what.

    ``root`` is the staging folder of a local source, ``s3`` the staging prefix of a bucket one
    (``s3://`` or ``gs://``).
    """

    root: Path | None
    s3: _staging.S3Staging | None
    rules: RuleSet
    options: ConvertOptions | None
    executor: Any
    concurrency: int


def conversion_settings(
    folder: Path | None,
    source: BucketLocation | None,
    upload_to: BucketLocation | None,
    *,
    convert: bool,
    options: object,
    staging: object,
    executor: object,
) -> tuple[Path | _staging.S3Staging, ConvertOptions | None] | None:
    """The staging folder or prefix and options of a sync with *convert*, refusing what cannot work.

    *folder* is a local source, *source* a bucket one, *upload_to* where a local source is uploaded.
    """
    check_executor(executor)
    if not convert:
        if options is not None or staging is not None:
            raise ValidationError("convert_options and staging are used only with convert=True")
        return None
    if source is None and (folder is None or upload_to is None):
        raise ValidationError(
            "convert=True needs a local folder as source and upload_to=s3://bucket/prefix or "
            "gs://bucket/prefix (the converted files are uploaded in place of the originals), or "
            "an s3:// or gs:// source with staging=s3://bucket/other-prefix (gs:// alike)"
        )
    chosen = _converting.check_options(options)
    if chosen is not None and chosen.split_bands:
        raise ValidationError(
            "convert_options.split_bands cannot be used by sync: each converted file takes its "
            "original's place in its tile; split the bands with workflows.convert_files first"
        )
    if source is not None:
        return _s3_staging(source, staging), chosen
    assert folder is not None
    if staging is not None and not isinstance(staging, str | os.PathLike):
        raise ValidationError(f"staging must be a local folder, got {type(staging).__name__}")
    if is_bucket_url(staging):
        raise ValidationError("staging must be a local folder (the converted files are uploaded from it)")
    root = _staging.default_staging(folder) if staging is None else Path(staging)
    resolved_source, resolved = folder.resolve(), root.resolve()
    if resolved.is_relative_to(resolved_source) or resolved_source.is_relative_to(resolved):
        raise ValidationError(
            f"staging {str(root)!r} and the source folder {str(folder)!r} must not hold one "
            "another; give a staging folder elsewhere"
        )
    if root.exists() and not root.is_dir():
        raise ValidationError(f"staging {str(root)!r} is a file; give a folder")
    return root, chosen


def _s3_staging(source: BucketLocation, staging: object) -> _staging.S3Staging:
    """The staging prefix of a sync from *source*, a bucket's prefix: beside it in the same bucket."""
    if not isinstance(staging, str) or url_scheme(staging) != source.scheme:
        raise ValidationError(
            f"convert=True with the source {source} needs staging='{source.url('')}<prefix>': "
            "the tiles with files to convert are written there, and registered from there"
        )
    location = parse_bucket_url(staging, "staging")
    if location.bucket != source.bucket:
        raise ValidationError(
            f"staging {staging!r} is in bucket {location.bucket!r} but the source in {source.bucket!r}: "
            f"tile paths are paths in the collection's bucket; give a prefix in {source.bucket!r}"
        )
    if location.prefix.startswith(source.prefix) or source.prefix.startswith(location.prefix):
        raise ValidationError(
            f"staging {location} and the source {source} must not hold one another (a rerun would "
            "take the staged files for sources); give a prefix beside the source's"
        )
    return _staging.S3Staging(source, location)


async def stage_folder(
    staging: Staging,
    folder: Path,
    prefix: str,
    files: Files,
    groups: list[TileFiles],
    on_progress: ProgressCallback | None,
) -> tuple[Files, dict[str, str], set[str]]:
    """Check every file of a tile; convert those that break the rules into the staging folder.

    *files* are *folder*'s, listed under the key *prefix*; only those of *groups* are read (the
    listing's refused inputs are in no group), each as the file that was listed. Returns the
    files with each converted one in place of its original (same key), the keys whose files
    could not be converted, with the reason, and the keys converted by this run.
    """
    assert staging.root is not None
    root = staging.root
    jobs = [
        _staging.StageJob(
            key,
            str(listed.local),
            # By key, not by the file read: a link inside the folder is read as its target.
            str(root.joinpath(*key[len(prefix) :].split("/"))),
            staging.rules,
            staging.options,
            listed.identity,
        )
        for key in sorted({key for tile in groups for key in tile.files.values()})
        if (listed := files[key]).local is not None
    ]
    total = len(jobs)
    done = Counter[str]()
    lock = threading.Lock()

    def progress(job: _staging.StageJob, result: _staging.Staged | Exception) -> None:
        with lock:
            done["convert"] += 1
            count = done["convert"]
        message = _convert_jobs.failure_reason(result) if isinstance(result, Exception) else result.reason
        report_progress(on_progress, Progress("convert", count, total, job.key, "files", message))

    results = await async_run_many(
        _staging.stage_file,
        jobs,
        concurrency=staging.concurrency,
        executor=staging.executor,
        on_result=progress,
    )
    return await _tasks.in_thread(_staging.staged_files, files, jobs, results)


async def stage_s3(
    staging: Staging,
    files: Files,
    groups: list[TileFiles],
    clients: StoreClients,
    on_progress: ProgressCallback | None,
    dry_run: bool,
) -> tuple[list[TileFiles], Files, dict[str, str], set[str]]:
    """Check every file of a tile in a bucket; stage each tile with a file that breaks the rules.

    Returns the tiles as they are registered (staged ones at their staging path), the files
    with the staged ones, the staging keys whose tile fails with the reason, and the staging
    keys written by this run. A dry run checks but writes nothing; the keys it would write
    are returned as written.
    """
    where = staging.s3
    assert where is not None
    checks = _staging.s3_check_jobs(groups, where.source, staging.rules)
    counts = Counter[str]()
    lock = threading.Lock()

    def progress(stage: Stage, total: int, item: str, message: str | None) -> None:
        with lock:
            counts[stage] += 1
            count = counts[stage]
        report_progress(on_progress, Progress(stage, count, total, item, "files", message))

    def checked(job: _convert_jobs.CheckJob, result: _convert_jobs.Checked | Exception) -> None:
        # Only what fails a tile is said: a file that conversion fixes is no news.
        message = _convert_jobs.failure_reason(result) if isinstance(result, Exception) else None
        if isinstance(result, _convert_jobs.Checked) and not result.ok and not result.fixable:
            message = result.reason
        progress("check", len(checks), job.url, message)

    found = await async_run_many(
        _converting.job_function(_convert_jobs.check_job, staging.executor, clients),
        checks,
        concurrency=staging.concurrency,
        executor=staging.executor,
        on_result=checked,
    )
    start = len(where.source.url(""))
    by_key = {job.url[start:]: result for job, result in zip(checks, found, strict=True)}
    plan = _staging.plan_s3_staging(where, groups, by_key, staging.rules, staging.options)

    async def run(
        stage: Stage, jobs: Sequence[_convert_jobs.ConvertJob | _convert_jobs.CopyJob]
    ) -> list[_staging.Outcome]:
        def staged(job: _convert_jobs.ConvertJob | _convert_jobs.CopyJob, result: _staging.Outcome) -> None:
            reason = _convert_jobs.failure_reason
            message = reason(result) if isinstance(result, Exception) else result.reason
            progress(stage, len(jobs), _staging.staged_key(where, job), message)

        return await async_run_many(
            _converting.job_function(_staging.stage_s3_job, staging.executor, clients),
            jobs,
            concurrency=staging.concurrency,
            executor=staging.executor,
            on_result=staged,
        )

    done: list[tuple[_convert_jobs.ConvertJob | _convert_jobs.CopyJob, _staging.Outcome]] | None = None
    if not dry_run:
        # Conversions first: the passing files of a tile whose conversion failed are not copied.
        # Copies are made by the store itself, so they count as uploads.
        converted = await run("convert", plan.conversions)
        copies = _staging.copies_to_make(where, plan, converted)
        copied = await run("upload", copies)
        done = [*zip(plan.conversions, converted, strict=True)]
        done += zip(copies, copied, strict=True)
    store = clients.store(where.staging.scheme)
    listed = await _tasks.in_thread(store.list, where.staging) if plan.sources else {}
    effective, refused, written = _staging.staged_s3_files(where, plan, files, listed, done)
    return plan.groups, effective, refused, written
