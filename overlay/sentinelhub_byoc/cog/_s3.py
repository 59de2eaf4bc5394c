"""Buckets in an S3-compatible object store, read with boto3."""

from __future__ import annotations

import importlib
import threading
from typing import Any

from sentinelhub_byoc.cog._storage import (
    BucketResolver,
    Storage,
    StorageError,
    StorageKeyError,
    check_range,
    storage_bucket,
    validate_bucket_name,
)

__all__ = ["S3Storage", "default_s3_client", "s3_buckets"]

_MISSING_KEY_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
_MISSING_BUCKET_CODES = frozenset({"NoSuchBucket"})


def _botocore_errors() -> tuple[type[Exception], type[Exception]]:
    # boto3 and botocore ship without type information; importing them by name keeps mypy
    # from needing stubs and keeps them out of every import of the emulator.
    exceptions = importlib.import_module("botocore.exceptions")
    return exceptions.ClientError, exceptions.BotoCoreError


def _error_code(error: Exception) -> str:
    response: Any = getattr(error, "response", {})
    return str(response.get("Error", {}).get("Code", ""))


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
        self._client_error, self._boto_error = _botocore_errors()

    def __repr__(self) -> str:
        return f"S3Storage(bucket={self.bucket!r})"

    def _fail(self, error: Exception, key: str | None) -> StorageError:
        code = _error_code(error)
        if code in _MISSING_BUCKET_CODES:
            return StorageError(f"bucket {self.bucket!r} does not exist")
        if key is not None and code in _MISSING_KEY_CODES:
            # HEAD answers a bare 404 for a missing bucket too, so tell the two apart.
            if not self._bucket_exists():
                return StorageError(f"bucket {self.bucket!r} does not exist")
            return StorageKeyError(f"no object with key {key!r} in bucket {self.bucket!r}")
        return StorageError(f"could not read bucket {self.bucket!r}: {error}")

    def _bucket_exists(self) -> bool:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except self._client_error as error:
            if _error_code(error) in _MISSING_KEY_CODES | _MISSING_BUCKET_CODES:
                return False
            raise self._fail(error, None) from error
        except self._boto_error as error:
            raise self._fail(error, None) from error
        return True

    def list_keys(self, prefix: str) -> list[str]:
        """Return every key that starts with ``prefix``, at any depth, sorted."""
        keys: list[str] = []
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
            for page in pages:
                keys.extend(item["Key"] for item in page.get("Contents", ()))
        except (self._client_error, self._boto_error) as error:
            raise self._fail(error, None) from error
        return sorted(keys)

    def size(self, key: str) -> int:
        """Return the size of the object in bytes; raise :class:`StorageKeyError` if missing."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except (self._client_error, self._boto_error) as error:
            raise self._fail(error, key) from error
        return int(head["ContentLength"])

    def read(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        """Return the bytes ``[start, end)`` of the object, fewer where it ends sooner."""
        check_range(start, end)
        if end is not None and end == start:
            return b""
        byte_range = f"bytes={start}-" if end is None else f"bytes={start}-{end - 1}"
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key, Range=byte_range)
            body: bytes = response["Body"].read()
        except self._client_error as error:
            # S3 refuses a range that starts past the end; a file read there gives nothing.
            if _error_code(error) == "InvalidRange":
                self.size(key)
                return b""
            raise self._fail(error, key) from error
        except self._boto_error as error:
            raise self._fail(error, key) from error
        return body

    def read_head(self, key: str, length: int) -> tuple[bytes, int]:
        """Return the first ``length`` bytes of the object and its size, with one ranged GET.

        The size comes from the answer's ``Content-Range``; an empty object, which S3 will not
        serve a range of, costs a HEAD more.
        """
        if length <= 0:
            return b"", self.size(key)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{length - 1}")
            body: bytes = response["Body"].read()
        except self._client_error as error:
            if _error_code(error) == "InvalidRange":
                return b"", self.size(key)
            raise self._fail(error, key) from error
        except self._boto_error as error:
            raise self._fail(error, key) from error
        total = str(response.get("ContentRange") or "").rpartition("/")[2]
        if total.isdigit():
            return body, int(total)
        if len(body) < length:
            # No Content-Range: the store sent the whole (short) object.
            return body, len(body)
        return body, self.size(key)

    def exists(self, key: str) -> bool:
        """Return whether the bucket holds an object under ``key``."""
        try:
            self.size(key)
        except StorageKeyError:
            return False
        return True


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


def default_s3_client(s3_client: Any, purpose: str) -> Any:
    """*s3_client*, or a new boto3 S3 client for *purpose* (e.g. ``"reading s3:// URLs"``).

    boto3 finds the endpoint (``AWS_ENDPOINT_URL``), region and credentials the usual ways.
    Raises :class:`~sentinelhub_byoc.errors.StorageAccessError` when boto3 is not installed
    (naming the extra) or the client cannot be made.
    """
    from sentinelhub_byoc.errors import StorageAccessError

    if s3_client is not None:
        return s3_client
    try:
        # boto3 ships without type information; importing it by name keeps mypy from needing stubs.
        boto3 = importlib.import_module("boto3")
    except ImportError:
        raise StorageAccessError(
            f"{purpose} needs boto3: pip install 'sentinelhub-byoc[s3]', or pass s3_client"
        ) from None
    try:
        return boto3.client("s3")
    except Exception as failure:
        # A bad endpoint URL or profile fails here, in one of many boto3 exception types.
        raise StorageAccessError(f"could not make an S3 client: {failure}; pass s3_client") from None
