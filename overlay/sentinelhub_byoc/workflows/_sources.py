"""Where a sync's COGs are: a local folder, an S3 prefix or a list of keys, and their files.

Everything here blocks (disk, boto3); the asyncio workflows call it in a worker thread.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sentinelhub_byoc.cog._s3 import default_s3_client
from sentinelhub_byoc.errors import StorageAccessError, ValidationError

__all__ = [
    "Files",
    "S3Location",
    "StoredFile",
    "botocore_errors",
    "explicit_files",
    "is_key_list",
    "list_folder",
    "list_s3",
    "make_s3_client",
    "parse_s3_url",
    "split_object_url",
    "s3_error",
]


@dataclass(frozen=True)
class StoredFile:
    """One file of a sync: its key in the bucket, size and modification time.

    ``local`` is the file on this machine, when it is one (a folder source).
    """

    key: str
    size: int
    modified: datetime | None
    local: Path | None = None


Files = dict[str, StoredFile]
"""Files by key."""


@dataclass(frozen=True)
class S3Location:
    """A bucket and a key prefix in it (``""`` for the whole bucket, else ending in ``/``)."""

    bucket: str
    prefix: str

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def split_object_url(url: str) -> tuple[str, str]:
    """The bucket and key of ``s3://bucket/key`` (an object, so the key is taken as it is).

    >>> split_object_url("s3://raw/2024/scene.tif")
    ('raw', '2024/scene.tif')
    """
    bucket, _, key = url[len("s3://") :].partition("/")
    return bucket, key


def parse_s3_url(url: str, what: str = "source") -> S3Location:
    """``s3://bucket/prefix`` as an :class:`S3Location`; the prefix always ends in ``/``."""
    if not url.startswith("s3://"):
        raise ValidationError(f"{what} must be an s3://bucket/prefix URL, got {url!r}")
    bucket, _, prefix = url[len("s3://") :].partition("/")
    if not bucket:
        raise ValidationError(f"{what} {url!r} names no bucket: write s3://bucket/prefix")
    prefix = prefix.strip("/")
    return S3Location(bucket, f"{prefix}/" if prefix else "")


def list_folder(folder: Path, key_prefix: str = "") -> Files:
    """Every file below *folder*, keyed ``key_prefix + relative path`` with '/' separators."""
    if not folder.is_dir():
        raise ValidationError(f"{str(folder)!r} is not a folder; give the folder holding the COGs")
    files: Files = {}
    try:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            for name in sorted(filenames):
                path = Path(dirpath, name)
                stat = path.stat()
                key = key_prefix + path.relative_to(folder).as_posix()
                modified = datetime.fromtimestamp(stat.st_mtime, UTC)
                files[key] = StoredFile(key, stat.st_size, modified, path)
    except OSError as error:
        raise StorageAccessError(f"could not read folder {str(folder)!r}: {error.strerror}") from None
    return files


def make_s3_client(s3_client: Any | None) -> Any:
    """*s3_client*, or a new ``boto3`` S3 client (it reads ``AWS_*`` settings from the environment)."""
    return default_s3_client(s3_client, "reading or writing S3")


def s3_error(error: Exception, location: str) -> StorageAccessError:
    """A boto3 failure at *location* as a :class:`StorageAccessError` saying what failed."""
    response: Any = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""
    if code == "NoSuchBucket":
        return StorageAccessError(f"{location}: the bucket does not exist")
    if code in {"AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch"}:
        return StorageAccessError(f"{location}: access denied ({code}); check the AWS credentials")
    return StorageAccessError(f"{location}: {error}")


def botocore_errors() -> tuple[type[Exception], ...]:
    """The two bases of botocore's exceptions, imported by name (botocore has no type information)."""
    exceptions = importlib.import_module("botocore.exceptions")
    return exceptions.ClientError, exceptions.BotoCoreError


def list_s3(client: Any, location: S3Location) -> Files:
    """Every object under *location* with its size and last modification."""
    files: Files = {}
    try:
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=location.bucket, Prefix=location.prefix):
            for item in page.get("Contents", ()):
                key = str(item["Key"])
                modified = item.get("LastModified")
                if isinstance(modified, datetime) and modified.tzinfo is None:
                    modified = modified.replace(tzinfo=UTC)
                files[key] = StoredFile(key, int(item.get("Size", 0)), modified)
    except botocore_errors() as error:
        raise s3_error(error, str(location)) from None
    return files


def explicit_files(keys: Iterable[str]) -> Files:
    """Keys given by the caller: no size or time is known, so nothing counts as changed."""
    files: Files = {}
    for key in keys:
        if not isinstance(key, str) or not key or key.startswith("/"):
            raise ValidationError(f"each path must be a key in the bucket such as 'a/B04.tif', got {key!r}")
        files[key] = StoredFile(key, 0, None)
    return files


def is_key_list(source: object) -> bool:
    """Whether *source* is a list of keys rather than a folder or a URL."""
    return isinstance(source, Sequence) and not isinstance(source, str | bytes)
