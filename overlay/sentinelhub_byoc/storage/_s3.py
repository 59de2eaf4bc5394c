"""Buckets in an S3-compatible object store, read, listed and looked at with boto3.

boto3 is the ``s3`` extra, and users hand in their own boto3 client (``s3_client=``), so this
layer speaks to boto3 directly; every botocore failure goes through :mod:`._errors`.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sentinelhub_byoc.errors import StorageAccessError
from sentinelhub_byoc.storage._errors import (
    StorageError,
    StorageKeyError,
    botocore_errors,
    client_library,
    is_missing_object,
    s3_access_error,
    s3_code,
    s3_failure,
)
from sentinelhub_byoc.storage._protocol import (
    BucketResolver,
    ClientStore,
    Storage,
    check_range,
    exists_by_size,
)
from sentinelhub_byoc.storage._stat import Files, ObjectHead, StoredFile
from sentinelhub_byoc.storage._upload import upload_file
from sentinelhub_byoc.storage._urls import S3Location, bucket_url, storage_bucket, validate_bucket_name

__all__ = ["S3Objects", "S3Storage", "default_s3_client", "head_object", "list_s3", "s3_buckets"]


def _content_range_total(response: Any) -> int | None:
    """The object's whole size from a ranged answer's ``Content-Range`` (``bytes 0-9/1234``)."""
    total = str(response.get("ContentRange") or "").rpartition("/")[2]
    return int(total) if total.isdigit() else None


class S3Storage:
    """One bucket of an S3-compatible store, read through a boto3 S3 client.

    ``client`` is a ``boto3`` S3 client (``boto3.client("s3", endpoint_url=...)``). Ranges are
    read with ranged GETs, so reading a TIFF header does not download the whole object. A
    missing bucket raises :class:`StorageError` from every method; a failing store (no
    connection, access denied) raises :class:`StorageError` too.
    """

    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        """The ``boto3`` S3 client the objects are read through."""
        self.bucket = bucket
        """The name of the bucket read."""
        self._errors = botocore_errors()

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r})"

    def _fail(self, error: Exception, key: str | None) -> StorageError:
        failure = s3_failure(error, self.bucket, key)
        # HEAD answers a bare 404 for a missing bucket too, so tell the two apart.
        if isinstance(failure, StorageKeyError) and not self._bucket_exists():
            return StorageError(f"bucket {self.bucket!r} does not exist")
        return failure

    def _bucket_exists(self) -> bool:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except self._errors as error:
            if is_missing_object(error):
                return False
            raise self._fail(error, None) from error
        return True

    def list_keys(self, prefix: str) -> list[str]:
        """Return every key that starts with ``prefix``, at any depth, sorted."""
        try:
            return sorted(item["Key"] for item in _objects(self.client, self.bucket, prefix))
        except self._errors as error:
            raise self._fail(error, None) from error

    def size(self, key: str) -> int:
        """Return the size of the object in bytes; raise :class:`StorageKeyError` if missing."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except self._errors as error:
            raise self._fail(error, key) from error
        return int(head["ContentLength"])

    def _get(self, key: str, byte_range: str) -> tuple[bytes, Any] | None:
        """The body and answer of a ranged GET; ``None`` for a range past the end."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key, Range=byte_range)
            body: bytes = response["Body"].read()
        except self._errors as error:
            # S3 refuses a range that starts past the end; a file read there gives nothing.
            if s3_code(error) == "InvalidRange":
                return None
            raise self._fail(error, key) from error
        return body, response

    def read(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        """Return the bytes ``[start, end)`` of the object, fewer where it ends sooner."""
        check_range(start, end)
        if end is not None and end == start:
            return b""
        got = self._get(key, f"bytes={start}-" if end is None else f"bytes={start}-{end - 1}")
        if got is None:
            self.size(key)
            return b""
        return got[0]

    def read_head(self, key: str, length: int) -> tuple[bytes, int]:
        """Return the first ``length`` bytes of the object and its size, with one ranged GET.

        The size comes from the answer's ``Content-Range``; an empty object, which S3 will not
        serve a range of, costs a HEAD more.
        """
        got = self._get(key, f"bytes=0-{length - 1}") if length > 0 else None
        if got is None:
            return b"", self.size(key)
        body, response = got
        total = _content_range_total(response)
        if total is not None:
            return body, total
        if len(body) < length:
            # No Content-Range: the store sent the whole (short) object.
            return body, len(body)
        return body, self.size(key)

    def exists(self, key: str) -> bool:
        """Return whether the bucket holds an object under ``key``."""
        return exists_by_size(self.size, key)


def _objects(client: Any, bucket: str, prefix: str) -> Any:
    """Every ``list_objects_v2`` entry under *prefix*, page after page (botocore errors pass)."""
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        yield from page.get("Contents", ())


def list_s3(client: Any, location: S3Location) -> Files:
    """Every object under *location* with its size, last modification and ETag.

    Raises :class:`~sentinelhub_byoc.errors.StorageAccessError` when the bucket cannot be listed.
    """
    files: Files = {}
    try:
        for item in _objects(client, location.bucket, location.prefix):
            key = str(item["Key"])
            modified = item.get("LastModified")
            if isinstance(modified, datetime) and modified.tzinfo is None:
                modified = modified.replace(tzinfo=UTC)
            etag = item.get("ETag")
            etag = etag.strip('"') if isinstance(etag, str) and etag.strip('"') else None
            files[key] = StoredFile(key, int(item.get("Size", 0)), modified, etag=etag)
    except botocore_errors() as error:
        raise s3_access_error(error, str(location), location.bucket, doing="list") from None
    return files


def head_object(client: Any, bucket: str, key: str) -> dict[str, Any] | None:
    """The ``HEAD`` answer of the object *key* in *bucket*, or ``None`` when there is none.

    Raises :class:`~sentinelhub_byoc.errors.StorageAccessError` when the store fails otherwise.
    """
    try:
        head: dict[str, Any] = client.head_object(Bucket=bucket, Key=key)
    except botocore_errors() as error:
        if is_missing_object(error):
            return None
        raise s3_access_error(error, f"s3://{bucket}/{key}", bucket, key) from None
    return head


class S3Objects(ClientStore, scheme="s3", storage=S3Storage):
    """The ``ObjectStore`` of ``s3://`` buckets, through a boto3 S3 client."""

    def head(self, bucket: str, key: str) -> ObjectHead | None:
        """What S3 says of the object; its version is its ETag."""
        head = head_object(self.client, bucket, key)
        if head is None:
            return None
        modified = head.get("LastModified")
        metadata = head.get("Metadata")
        return ObjectHead(
            int(head.get("ContentLength") or 0),
            str(head.get("ETag", "")).strip('"'),
            modified if isinstance(modified, datetime) else None,
            {str(k): str(v) for k, v in metadata.items()} if isinstance(metadata, dict) else {},
        )

    def list(self, location: S3Location) -> Files:
        """Every object under *location* (see :func:`list_s3`)."""
        return list_s3(self.client, location)

    def upload(
        self, location: S3Location, file: StoredFile, *, metadata: Mapping[str, str] | None = None
    ) -> None:
        """Upload *file*, in parts when large, verified by ETag (see :func:`.upload_file`)."""
        upload_file(self.client, location, file, metadata=metadata)

    def download(self, bucket: str, key: str, path: Path) -> None:
        """Download the object *key* to *path*."""
        try:
            self.client.download_file(bucket, key, str(path))
        except botocore_errors() as error:
            raise s3_access_error(
                error, f"downloading {bucket_url('s3', bucket, key)}", bucket, key
            ) from None

    def copy(self, bucket: str, source: str, key: str, *, version: str, metadata: Mapping[str, str]) -> None:
        """Copy *source* to *key* server-side, only if its ETag is still *version*."""
        try:
            self.client.copy_object(
                Bucket=bucket,
                Key=key,
                CopySource={"Bucket": bucket, "Key": source},
                CopySourceIfMatch=f'"{version}"',
                MetadataDirective="REPLACE",
                Metadata=dict(metadata),
            )
        except botocore_errors() as error:
            where = f"copying {bucket_url('s3', bucket, source)} to {bucket_url('s3', bucket, key)}"
            raise s3_access_error(error, where, bucket, doing="write to") from None


def s3_buckets(
    endpoint_url: str,
    *,
    region: str = "eu-central-1",
    access_key_id: str = "testing",
    secret_access_key: str = "testing",
) -> BucketResolver:
    """Return a resolver that maps a bucket name to an :class:`S3Storage` at ``endpoint_url``.

    Names are checked against the S3 naming rules (raising ``InvalidBucketNameError``). One
    client, made on first use, serves every bucket.
    """
    lock = threading.Lock()
    clients: list[Any] = []

    def client() -> Any:
        with lock:
            if not clients:
                boto3 = importlib.import_module("boto3")
                clients.append(
                    boto3.client(
                        "s3",
                        endpoint_url=endpoint_url,
                        region_name=region,
                        aws_access_key_id=access_key_id,
                        aws_secret_access_key=secret_access_key,
                    )
                )
            return clients[0]

    def resolve(bucket: str) -> Storage:
        return S3Storage(client(), validate_bucket_name(storage_bucket(bucket)))

    return resolve


def default_s3_client(s3_client: Any, purpose: str = "reading or writing S3") -> Any:
    """*s3_client*, or a new boto3 S3 client for *purpose* (e.g. ``"reading s3:// URLs"``).

    boto3 finds the endpoint (``AWS_ENDPOINT_URL``), region and credentials the usual ways.
    Raises :class:`~sentinelhub_byoc.errors.StorageAccessError` when boto3 is not installed
    (naming the extra) or the client cannot be made.
    """
    if s3_client is not None:
        return s3_client
    boto3 = client_library("boto3", purpose, package="boto3", extra="s3", keyword="s3_client")
    try:
        return boto3.client("s3")
    except Exception as failure:
        # A bad endpoint URL or profile fails here, in one of many boto3 exception types.
        raise StorageAccessError(f"could not make an S3 client: {failure}; pass s3_client") from None
