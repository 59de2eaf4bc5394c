"""Convert many rasters into COGs the service ingests: on every local core, or on a Dask cluster."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sentinelhub_byoc.cog._problems import RuleSet, check_rules
from sentinelhub_byoc.storage._objects import StoreClients, schemes_of
from sentinelhub_byoc.workflows import _convert_jobs, _converting, _tasks
from sentinelhub_byoc.workflows._convert_jobs import ConvertJob, JobResult
from sentinelhub_byoc.workflows._executors import async_run_many, check_executor
from sentinelhub_byoc.workflows.events import Progress, ProgressCallback, report_progress
from sentinelhub_byoc.workflows.reports import ConvertReport

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from distributed import Client

    from sentinelhub_byoc.cog._convert_options import ConvertOptions

__all__ = ["async_convert_files"]

Sources = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]


def _schemes(sources: object, out: object) -> set[str]:
    # Bad arguments are refused by plan_jobs, which needs a client only for bucket URLs.
    listed = list(sources) if isinstance(sources, list | tuple) else [sources]
    return schemes_of([*listed, out])


async def async_convert_files(
    sources: Sources,
    out: str | os.PathLike[str],
    *,
    rules: RuleSet = "sentinel-hub",
    options: ConvertOptions | None = None,
    only_failing: bool = False,
    force: bool = False,
    concurrency: int | None = None,
    executor: Executor | Client | None = None,
    on_progress: ProgressCallback | None = None,
    s3_client: Any = None,
    gcs_client: Any = None,
) -> ConvertReport:
    """Convert every raster of *sources* into a COG under *out* that passes the *rules*' checks.

    *sources* are files, folders (every ``.tif``, ``.tiff``, ``.jp2``, ``.vrt`` and ``.img``
    below, at any depth; links out of the folder are not followed) and ``s3://bucket/prefix``
    or ``s3://bucket/key`` URLs (``gs://`` alike, for Google Cloud Storage), one or a list.
    *out* is a folder (made when missing) or an ``s3://bucket/prefix`` or ``gs://bucket/prefix``.
    Each output keeps its source's path relative to the folder or prefix given, with the
    suffix ``.tif`` (with ``options.split_bands``, ``<stem>/(BAND).tif``: one tile folder per
    source). Objects in a bucket are downloaded to a temporary file, converted, and, when *out*
    is a bucket, uploaded (atomically, as each object is written whole) and verified.
    ``s3://`` URLs are read and written with *s3_client* (a boto3 S3 client), ``gs://`` ones
    with *gcs_client* (a ``google.cloud.storage.Client``, the ``gcs`` extra); either is made
    from the environment when not given.

    Each file is converted by :func:`sentinelhub_byoc.cog.convert` with *rules* and *options*.
    Outputs that already match their source and options are left alone (``up_to_date``; in a
    bucket this is recorded in the objects' metadata) unless *force*. With *only_failing*, files that
    already pass :func:`~sentinelhub_byoc.cog.check_cog` are listed as ``unchanged`` and not
    converted.

    Files are converted *concurrency* at a time (default: the number of cores) on threads: GDAL
    works outside the GIL. With *executor*, a ``concurrent.futures`` executor or a
    ``distributed.Client``, its workers read, convert, check and upload instead, each with
    clients of its own made from the environment (``AWS_ENDPOINT_URL``,
    ``STORAGE_EMULATOR_HOST``, credentials).

    A file that cannot be read, converted or stored fails alone: the
    :class:`~sentinelhub_byoc.workflows.ConvertReport` maps it to the reason in ``failed``.
    Raises :class:`~sentinelhub_byoc.errors.ValidationError` before any work for bad
    arguments (a missing source, *out* inside a source folder, two sources with one output).
    ``on_progress`` hears stage ``"convert"`` in ``"files"`` as each file is done.

    >>> report = await async_convert_files("scans/", "cogs/")  # doctest: +SKIP
    >>> print(report)  # doctest: +SKIP
    41 converted, 0 up to date, 0 already passing, 1 failed
      FAILED scans/old/scan-07.tif: ...
    """
    chosen = check_rules(rules)
    chosen_options = _converting.check_options(options)
    workers = _converting.default_concurrency(concurrency)
    check_executor(executor)
    clients = StoreClients(s3_client, gcs_client).resolved(_schemes(sources, out))
    jobs, refused = await _tasks.in_thread(
        lambda: _converting.plan_jobs(
            sources,
            out,
            rules=chosen,
            options=chosen_options,
            only_failing=only_failing,
            force=force,
            clients=clients,
        )
    )
    total = len(jobs)
    lock = threading.Lock()
    done = [0]

    def progress(job: ConvertJob, result: JobResult | Exception) -> None:
        with lock:
            done[0] += 1
            count = done[0]
        message = None
        if isinstance(result, Exception):
            message = _convert_jobs.failure_reason(result)
        elif result.status == "failed":
            message = result.reason
        report_progress(on_progress, Progress("convert", count, total, job.source, "files", message))

    report_progress(on_progress, Progress("convert", 0, total, unit="files"))
    results = await async_run_many(
        _converting.job_function(_convert_jobs.run_job, executor, clients),
        jobs,
        concurrency=workers,
        executor=executor,
        on_result=progress,
    )
    return _converting.make_report(jobs, results, refused)
