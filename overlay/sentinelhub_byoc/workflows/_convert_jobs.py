"""The work done for one file of a batch, wherever it runs: convert, check, download, upload.

A job may run in a thread of this process, in another process or on a Dask worker, so jobs and
results are plain, picklable values, and a worker makes its own S3 client from the environment
(``AWS_ENDPOINT_URL``, credentials) when it was not handed one. Outputs converted into S3 carry
their source's size and version and the options' digest in their user metadata, so a rerun
finds them up to date without downloading anything. Everything here blocks (GDAL, disk, boto3).
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

import attrs

from sentinelhub_byoc.cog._problems import RuleSet, summarize
from sentinelhub_byoc.errors import BYOCError, StorageAccessError
from sentinelhub_byoc.storage._errors import botocore_errors, s3_access_error
from sentinelhub_byoc.storage._s3 import default_s3_client, head_object, list_s3
from sentinelhub_byoc.storage._stat import StoredFile
from sentinelhub_byoc.storage._upload import upload_file
from sentinelhub_byoc.storage._urls import S3Location, parse_s3_url, split_object_url

if TYPE_CHECKING:
    from sentinelhub_byoc.cog._convert_options import Conversion, ConvertOptions

__all__ = [
    "CheckJob",
    "Checked",
    "ConvertJob",
    "CopyJob",
    "Copied",
    "JobResult",
    "Status",
    "UploadJob",
    "check_job",
    "copy_job",
    "failure_reason",
    "run_job",
    "upload_job",
    "worker_s3_client",
]

_BAND_NAME = re.compile(r"B\d+")
_METADATA_PREFIX = "byoc-"

Status = Literal["converted", "up_to_date", "unchanged", "failed"]


@attrs.frozen
class ConvertJob:
    """One file to convert: *source* (a path or ``s3://bucket/key``) to *name* under *out*."""

    source: str
    name: str
    out: str
    rules: RuleSet
    options: ConvertOptions | None
    only_failing: bool = False
    force: bool = False


@attrs.frozen
class JobResult:
    """What became of one :class:`ConvertJob`: small enough to send back from any worker."""

    source: str
    status: Status
    conversion: Conversion | None = None
    reason: str | None = None


def failure_reason(error: BaseException) -> str:
    """One line for people: the message of the package's own errors, else the type and message."""
    if isinstance(error, BYOCError):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror}{where}"
    return f"{type(error).__name__}: {error}"


_clients: dict[int, Any] = {}
_clients_lock = threading.Lock()


def worker_s3_client(s3_client: Any) -> Any:
    """*s3_client*, or this process's own, made from the environment (``AWS_ENDPOINT_URL``...)."""
    if s3_client is not None:
        return s3_client
    with _clients_lock:
        # Keyed by process: a forked worker must not reuse its parent's connections.
        pid = os.getpid()
        if pid not in _clients:
            _clients[pid] = default_s3_client(None, "reading and writing s3:// files on a worker")
        return _clients[pid]


def _source_head(client: Any, url: str) -> dict[str, Any]:
    """The HEAD answer of the source object at *url*; StorageAccessError when it is gone."""
    head = head_object(client, *split_object_url(url))
    if head is None:
        raise StorageAccessError(f"{url}: no such object (was it deleted?)")
    return head


def _download(client: Any, url: str, head: Mapping[str, Any], folder: Path) -> Path:
    """Download the object at *url*, whose *head* was read, into *folder*; keep its time."""
    bucket, key = split_object_url(url)
    path = folder / PurePosixPath(key).name
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        client.download_file(bucket, key, str(path))
    except botocore_errors() as error:
        raise s3_access_error(error, f"downloading {url}", bucket, key) from None
    # The object's own time, so that a local output records the same source on every run.
    modified = head["LastModified"].timestamp()
    os.utime(path, (modified, modified))
    return path


def _source_stamp(job: ConvertJob, head: Mapping[str, Any] | None) -> dict[str, str]:
    """What identifies the source (*head*: its HEAD answer, for an object) and the settings."""
    if head is not None:
        size, version = str(head.get("ContentLength", "")), str(head.get("ETag", "")).strip('"')
    else:
        stat = os.stat(job.source)
        size, version = str(stat.st_size), str(stat.st_mtime_ns)
    from sentinelhub_byoc.cog._convert_options import ConvertOptions, options_digest

    digest = options_digest(job.options or ConvertOptions(), job.rules)
    return {"source-size": size, "source-version": version, "settings": digest}


def _recorded(head: Mapping[str, Any] | None) -> dict[str, str]:
    """The ``byoc-*`` user metadata of an object, without the prefix."""
    metadata = {} if head is None else head.get("Metadata", {})
    return {k[len(_METADATA_PREFIX) :]: str(v) for k, v in metadata.items() if k.startswith(_METADATA_PREFIX)}


def _remote_outputs(client: Any, location: S3Location, name: str) -> list[str]:
    if "(BAND)" not in name:
        return [location.prefix + name]
    folder = location.prefix + name.rpartition("/")[0] + "/"
    pattern = re.compile(re.escape(location.prefix + name).replace(re.escape("(BAND)"), _BAND_NAME.pattern))
    listed = list_s3(client, S3Location(location.bucket, folder))
    return sorted(key for key in listed if pattern.fullmatch(key))


def _remote_up_to_date(
    client: Any, location: S3Location, name: str, stamp: Mapping[str, str]
) -> tuple[str, ...] | None:
    keys = _remote_outputs(client, location, name)
    if not keys:
        return None
    for key in keys:
        recorded = _recorded(head_object(client, location.bucket, key))
        if recorded.get("outputs") != str(len(keys)) or any(recorded.get(k) != v for k, v in stamp.items()):
            return None
    return tuple(f"s3://{location.bucket}/{key}" for key in keys)


def run_job(job: ConvertJob, s3_client: Any = None) -> JobResult:
    """Convert one file: check it first with ``only_failing``, download it from S3, upload the outputs.

    A file that cannot be read, converted or stored gives a ``"failed"`` result with the reason.
    """
    try:
        return _run(job, s3_client)
    except (BYOCError, OSError) as error:
        return JobResult(job.source, "failed", reason=failure_reason(error))


def _run(job: ConvertJob, s3_client: Any) -> JobResult:
    from sentinelhub_byoc.cog._check import check_cog
    from sentinelhub_byoc.cog._convert import convert

    from_s3 = job.source.startswith("s3://")
    to_s3 = job.out.startswith("s3://")
    client = worker_s3_client(s3_client) if from_s3 or to_s3 else None
    if job.only_failing and check_cog(job.source, rules=job.rules, s3_client=client).ok:
        return JobResult(job.source, "unchanged")
    # One HEAD of an object source: its size and version are the stamp, its time the copy's.
    head = _source_head(client, job.source) if from_s3 else None
    with tempfile.TemporaryDirectory(prefix="byoc-convert-") as work:

        def local_source(folder: Path) -> Path:
            return Path(job.source) if head is None else _download(client, job.source, head, folder)

        if not to_s3:
            conversion = convert(
                local_source(Path(work)),
                Path(job.out, job.name),
                rules=job.rules,
                options=job.options,
                force=job.force,
            )
        else:
            location = parse_s3_url(job.out, "out")
            stamp = _source_stamp(job, head)
            found = None if job.force else _remote_up_to_date(client, location, job.name, stamp)
            if found is not None:
                return JobResult(job.source, "up_to_date", _unchanged(job.source, found))
            conversion = convert(
                local_source(Path(work, "source")),
                Path(work, "out", job.name),
                rules=job.rules,
                options=job.options,
                force=True,
            )
            stamp["outputs"] = str(len(conversion.outputs))
            conversion = attrs.evolve(
                conversion, outputs=_upload_outputs(client, location, work, conversion, stamp)
            )
    conversion = attrs.evolve(conversion, source=job.source)
    return JobResult(job.source, "up_to_date" if conversion.up_to_date else "converted", conversion)


def _unchanged(source: str, outputs: tuple[str, ...]) -> Conversion:
    from sentinelhub_byoc.cog._convert_options import Conversion

    return Conversion(source=source, outputs=outputs, changes=(), warnings=(), up_to_date=True)


def _upload_outputs(
    client: Any, location: S3Location, work: str, conversion: Conversion, stamp: Mapping[str, str]
) -> tuple[str, ...]:
    metadata = {_METADATA_PREFIX + key: value for key, value in stamp.items()}
    urls = []
    root = Path(work, "out")
    for output in conversion.outputs:
        path = Path(output)
        key = location.prefix + path.relative_to(root).as_posix()
        upload_file(client, location, StoredFile(key, path.stat().st_size, None, path), metadata=metadata)
        urls.append(f"s3://{location.bucket}/{key}")
    return tuple(urls)


@attrs.frozen
class UploadJob:
    """One file for a worker to upload to *key* in *bucket*.

    *listed* is the file as the sync listed it: the worker uploads it only if it is still that
    file (see :func:`upload_file`). Without it, the file is taken as it is when the job runs.
    """

    bucket: str
    key: str
    local: str
    listed: StoredFile | None = None


def upload_job(job: UploadJob, s3_client: Any = None) -> str | None:
    """Upload one file (verified, see :func:`upload_file`); the failure's reason, or ``None``."""
    path = Path(job.local)
    try:
        client = worker_s3_client(s3_client)
        stored = job.listed or StoredFile(job.key, path.stat().st_size, None, path)
        upload_file(client, S3Location(job.bucket, ""), stored)
    except (BYOCError, OSError) as error:
        return failure_reason(error)
    return None


@attrs.frozen
class CheckJob:
    """One object (``s3://bucket/key``) to check against *rules* on any worker."""

    url: str
    rules: RuleSet


@attrs.frozen
class Checked:
    """What a :class:`CheckJob` found: ``ok``, or the errors and whether converting fixes them all."""

    url: str
    ok: bool
    fixable: bool = False
    reason: str | None = None


def check_job(job: CheckJob, s3_client: Any = None) -> Checked:
    """Check one object's header; a file with a problem :func:`convert` cannot fix is not ``fixable``."""
    from sentinelhub_byoc.cog._check import check_cog

    try:
        report = check_cog(job.url, rules=job.rules, s3_client=worker_s3_client(s3_client))
    except (BYOCError, OSError) as error:
        return Checked(job.url, False, reason=failure_reason(error))
    if report.ok:
        return Checked(job.url, True)
    unfixable = [problem for problem in report.errors if not problem.fixed_by_convert]
    if unfixable:
        reason = summarize(unfixable)
        return Checked(job.url, False, reason=f"{job.url} cannot be converted: {reason}")
    return Checked(job.url, False, True, "; ".join(problem.message for problem in report.errors))


@attrs.frozen
class CopyJob:
    """One object to copy within *bucket*, server-side, from *source* to *key*."""

    bucket: str
    source: str
    key: str


@attrs.frozen
class Copied:
    """What became of one :class:`CopyJob`: ``copied`` now, or already the same; or why it failed."""

    key: str
    copied: bool = False
    reason: str | None = None


def copy_job(job: CopyJob, s3_client: Any = None) -> Copied:
    """Copy one object server-side unless the copy already records the source's size and ETag.

    The copy carries them in its ``byoc-*`` user metadata, as converted outputs do, so a rerun
    finds it the same without reading it; the copy is made only from the version looked at.
    """
    where = f"s3://{job.bucket}/{job.source}"
    try:
        client = worker_s3_client(s3_client)
        source = _source_head(client, where)
        etag = str(source.get("ETag", ""))
        stamp = {
            "source-size": str(source.get("ContentLength", "")),
            "source-version": etag.strip('"'),
            "settings": "copy",
        }
        copy = head_object(client, job.bucket, job.key)
        same_size = copy is not None and copy.get("ContentLength") == source.get("ContentLength")
        if same_size and all(_recorded(copy).get(k) == v for k, v in stamp.items()):
            return Copied(job.key)
        try:
            client.copy_object(
                Bucket=job.bucket,
                Key=job.key,
                CopySource={"Bucket": job.bucket, "Key": job.source},
                CopySourceIfMatch=etag,
                MetadataDirective="REPLACE",
                Metadata={_METADATA_PREFIX + k: v for k, v in stamp.items()},
            )
        except botocore_errors() as error:
            raise s3_access_error(
                error, f"copying {where} to s3://{job.bucket}/{job.key}", job.bucket, doing="write to"
            ) from None
    except (BYOCError, OSError) as error:
        return Copied(job.key, reason=failure_reason(error))
    return Copied(job.key, copied=True)
