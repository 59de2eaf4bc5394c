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

__all__ = ["S3Storage", "s3_buckets"]

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
        self.bucket = bucket
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
