"""The work done for one file of a batch, wherever it runs: convert, check, download, upload.

A job may run in a thread of this process, in another process or on a Dask worker, so jobs and
results are plain, picklable values, and a worker makes its own S3 or Cloud Storage client from
the environment (``AWS_ENDPOINT_URL``, ``STORAGE_EMULATOR_HOST``, credentials) when it was not
handed one. Outputs converted into a bucket carry their source's size and version and the
options' digest in their user metadata, so a rerun finds them up to date without downloading
anything. Everything here blocks (GDAL, disk, boto3, google-cloud-storage).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal

import attrs

from sentinelhub_byoc.cog._problems import RuleSet, summarize
from sentinelhub_byoc.errors import BYOCError, StorageAccessError
from sentinelhub_byoc.storage._objects import StoreClients, worker_store
from sentinelhub_byoc.storage._protocol import ObjectStore
from sentinelhub_byoc.storage._stat import ObjectHead, StoredFile
from sentinelhub_byoc.storage._urls import BucketLocation, parse_bucket_url, split_bucket_url, url_scheme

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
    "check_url",
    "copy_job",
    "failure_reason",
    "run_job",
    "upload_job",
]

_BAND_NAME = re.compile(r"B\d+")
_METADATA_PREFIX = "byoc-"

Status = Literal["converted", "up_to_date", "unchanged", "failed"]


@attrs.frozen
class ConvertJob:
    """One file to convert: *source* (a path or a ``s3://`` or ``gs://`` object URL) to *name* under *out*."""

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


def check_url(url: str, rules: RuleSet, clients: StoreClients | None) -> Any:
    """:func:`~sentinelhub_byoc.cog.check_cog` of *url* (a path or a bucket URL) with the right client."""
    from sentinelhub_byoc.cog._check import check_cog

    scheme = url_scheme(url)
    if scheme is None:
        return check_cog(url, rules=rules)
    client = worker_store(clients, scheme).client
    if scheme == "gs":
        return check_cog(url, rules=rules, gcs_client=client)
    return check_cog(url, rules=rules, s3_client=client)


def _source_head(store: ObjectStore, url: str) -> ObjectHead:
    """What the store says of the source object at *url*; StorageAccessError when it is gone."""
    _, bucket, key = split_bucket_url(url)
    head = store.head(bucket, key)
    if head is None:
        raise StorageAccessError(f"{url}: no such object (was it deleted?)")
    return head


def _download(store: ObjectStore, url: str, head: ObjectHead, folder: Path) -> Path:
    """Download the object at *url*, whose *head* was read, into *folder*; keep its time."""
    _, bucket, key = split_bucket_url(url)
    path = folder / PurePosixPath(key).name
    path.parent.mkdir(parents=True, exist_ok=True)
    store.download(bucket, key, path)
    if head.modified is not None:
        # The object's own time, so that a local output records the same source on every run.
        modified = head.modified.timestamp()
        os.utime(path, (modified, modified))
    return path


def _source_stamp(job: ConvertJob, head: ObjectHead | None) -> dict[str, str]:
    """What identifies the source (*head*: what its store says of it, for an object) and the settings."""
    if head is not None:
        size, version = str(head.size), head.version
    else:
        stat = os.stat(job.source)
        size, version = str(stat.st_size), str(stat.st_mtime_ns)
    from sentinelhub_byoc.cog._convert_options import ConvertOptions, options_digest

    digest = options_digest(job.options or ConvertOptions(), job.rules)
    return {"source-size": size, "source-version": version, "settings": digest}


def _recorded(head: ObjectHead | None) -> dict[str, str]:
    """The ``byoc-*`` user metadata of an object, without the prefix."""
    metadata = {} if head is None else head.metadata
    return {k[len(_METADATA_PREFIX) :]: str(v) for k, v in metadata.items() if k.startswith(_METADATA_PREFIX)}


def _remote_outputs(store: ObjectStore, location: BucketLocation, name: str) -> list[str]:
    if "(BAND)" not in name:
        return [location.prefix + name]
    folder = location.prefix + name.rpartition("/")[0] + "/"
    pattern = re.compile(re.escape(location.prefix + name).replace(re.escape("(BAND)"), _BAND_NAME.pattern))
    listed = store.list(attrs.evolve(location, prefix=folder))
    return sorted(key for key in listed if pattern.fullmatch(key))


def _remote_up_to_date(
    store: ObjectStore, location: BucketLocation, name: str, stamp: Mapping[str, str]
) -> tuple[str, ...] | None:
    keys = _remote_outputs(store, location, name)
    if not keys:
        return None
    for key in keys:
        recorded = _recorded(store.head(location.bucket, key))
        if recorded.get("outputs") != str(len(keys)) or any(recorded.get(k) != v for k, v in stamp.items()):
            return None
    return tuple(location.url(key) for key in keys)


def run_job(job: ConvertJob, clients: StoreClients | None = None) -> JobResult:
    """Convert one file: check it first with ``only_failing``, download it from a bucket, upload the outputs.

    A file that cannot be read, converted or stored gives a ``"failed"`` result with the reason.
    """
    try:
        return _run(job, clients)
    except (BYOCError, OSError) as error:
        return JobResult(job.source, "failed", reason=failure_reason(error))


def _run(job: ConvertJob, clients: StoreClients | None) -> JobResult:
    from sentinelhub_byoc.cog._convert import convert

    if job.only_failing and check_url(job.source, job.rules, clients).ok:
        return JobResult(job.source, "unchanged")
    # One HEAD of an object source: its size and version are the stamp, its time the copy's.
    source_scheme = url_scheme(job.source)
    source_store = None if source_scheme is None else worker_store(clients, source_scheme)
    head = None if source_store is None else _source_head(source_store, job.source)
    with tempfile.TemporaryDirectory(prefix="byoc-convert-") as work:

        def local_source(folder: Path) -> Path:
            if source_store is None or head is None:
                return Path(job.source)
            return _download(source_store, job.source, head, folder)

        if url_scheme(job.out) is None:
            conversion = convert(
                local_source(Path(work)),
                Path(job.out, job.name),
                rules=job.rules,
                options=job.options,
                force=job.force,
            )
        else:
            location = parse_bucket_url(job.out, "out")
            out_store = worker_store(clients, location.scheme)
            stamp = _source_stamp(job, head)
            found = None if job.force else _remote_up_to_date(out_store, location, job.name, stamp)
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
                conversion, outputs=_upload_outputs(out_store, location, work, conversion, stamp)
            )
    conversion = attrs.evolve(conversion, source=job.source)
    return JobResult(job.source, "up_to_date" if conversion.up_to_date else "converted", conversion)


def _unchanged(source: str, outputs: tuple[str, ...]) -> Conversion:
    from sentinelhub_byoc.cog._convert_options import Conversion

    return Conversion(source=source, outputs=outputs, changes=(), warnings=(), up_to_date=True)


def _upload_outputs(
    store: ObjectStore, location: BucketLocation, work: str, conversion: Conversion, stamp: Mapping[str, str]
) -> tuple[str, ...]:
    metadata = {_METADATA_PREFIX + key: value for key, value in stamp.items()}
    urls = []
    root = Path(work, "out")
    for output in conversion.outputs:
        path = Path(output)
        key = location.prefix + path.relative_to(root).as_posix()
        store.upload(location, StoredFile(key, path.stat().st_size, None, path), metadata=metadata)
        urls.append(location.url(key))
    return tuple(urls)


@attrs.frozen
class UploadJob:
    """One file for a worker to upload to *key* in *bucket*, of the store *scheme* names.

    *listed* is the file as the sync listed it: the worker uploads it only if it is still that
    file (see :func:`~sentinelhub_byoc.storage._upload.upload_file`). Without it, the file is
    taken as it is when the job runs.
    """

    bucket: str
    key: str
    local: str
    listed: StoredFile | None = None
    scheme: str = "s3"


def upload_job(job: UploadJob, clients: StoreClients | None = None) -> str | None:
    """Upload one file (verified by its checksum); the failure's reason, or ``None``."""
    path = Path(job.local)
    try:
        store = worker_store(clients, job.scheme)
        stored = job.listed or StoredFile(job.key, path.stat().st_size, None, path)
        store.upload(BucketLocation(job.bucket, "", job.scheme), stored)
    except (BYOCError, OSError) as error:
        return failure_reason(error)
    return None


@attrs.frozen
class CheckJob:
    """One object (``s3://bucket/key`` or ``gs://bucket/key``) to check against *rules* on any worker."""

    url: str
    rules: RuleSet


@attrs.frozen
class Checked:
    """What a :class:`CheckJob` found: ``ok``, or the errors and whether converting fixes them all."""

    url: str
    ok: bool
    fixable: bool = False
    reason: str | None = None


def check_job(job: CheckJob, clients: StoreClients | None = None) -> Checked:
    """Check one object's header; a file with a problem :func:`convert` cannot fix is not ``fixable``."""
    try:
        report = check_url(job.url, job.rules, clients)
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
    """One object to copy server-side from *source* to *key* in *bucket*, of the store *scheme* names."""

    bucket: str
    source: str
    key: str
    scheme: str = "s3"


@attrs.frozen
class Copied:
    """What became of one :class:`CopyJob`: ``copied`` now, or already the same; or why it failed."""

    key: str
    copied: bool = False
    reason: str | None = None


def copy_job(job: CopyJob, clients: StoreClients | None = None) -> Copied:
    """Copy one object server-side unless the copy already records the source's size and version.

    The copy carries them in its ``byoc-*`` user metadata, as converted outputs do, so a rerun
    finds it the same without reading it; the copy is made only from the version looked at.
    """
    source = BucketLocation(job.bucket, "", job.scheme).url(job.source)
    try:
        store = worker_store(clients, job.scheme)
        head = _source_head(store, source)
        stamp = {"source-size": str(head.size), "source-version": head.version, "settings": "copy"}
        copy = store.head(job.bucket, job.key)
        same_size = copy is not None and copy.size == head.size
        if same_size and all(_recorded(copy).get(k) == v for k, v in stamp.items()):
            return Copied(job.key)
        metadata = {_METADATA_PREFIX + k: v for k, v in stamp.items()}
        store.copy(job.bucket, job.source, job.key, version=head.version, metadata=metadata)
    except (BYOCError, OSError) as error:
        return Copied(job.key, reason=failure_reason(error))
    return Copied(job.key, copied=True)
