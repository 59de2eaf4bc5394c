"""The one mapping of storage failures (botocore, httpx, OSError) to the package's typed errors.

Backends raise :class:`StorageError` (:class:`StorageKeyError` for a missing object), whose
message names the bucket and key and never a path on this machine: the emulator puts it in
answers to clients. Workflows raise the public :class:`~sentinelhub_byoc.errors.StorageAccessError`
with the same message after what they were doing (:func:`access_error`).
"""

from __future__ import annotations

import importlib
from typing import Any

from sentinelhub_byoc.errors import StorageAccessError

__all__ = [
    "InvalidBucketNameError",
    "StorageError",
    "StorageKeyError",
    "access_error",
    "botocore_errors",
    "http_status_failure",
    "is_missing_object",
    "os_failure",
    "s3_access_error",
    "s3_code",
    "s3_failure",
]


class StorageError(Exception):
    """A bucket could not be read: it does not exist, or its store failed."""


class StorageKeyError(StorageError, KeyError):
    """A key that is not in the bucket, or that is not a valid key at all."""

    def __str__(self) -> str:
        # KeyError's own __str__ shows the repr of its argument, quotes and escapes included.
        return str(self.args[0]) if self.args else ""


class InvalidBucketNameError(StorageError, ValueError):
    """A bucket name that breaks the S3 bucket naming rules."""


_MISSING_OBJECT = frozenset({"404", "NoSuchKey", "NotFound"})
_MISSING_BUCKET = frozenset({"NoSuchBucket"})
_DENIED = frozenset({"AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch"})
_HTTP_MISSING = frozenset({404, 410})


def botocore_errors() -> tuple[type[Exception], ...]:
    """The two bases of botocore's exceptions, to catch every failure of a boto3 call."""
    # botocore ships without type information; importing it by name keeps mypy from needing
    # stubs and keeps it out of every import of the package.
    exceptions = importlib.import_module("botocore.exceptions")
    return exceptions.ClientError, exceptions.BotoCoreError


def s3_code(error: Exception) -> str:
    """The S3 error code of a botocore ``ClientError`` (``NoSuchKey``, ``404``...), else ``""``."""
    response: Any = getattr(error, "response", None) or {}
    if not isinstance(response, dict):
        return ""
    return str(response.get("Error", {}).get("Code", ""))


def is_missing_object(error: Exception) -> bool:
    """Whether *error* says there is no such object (or, for a bare ``HEAD``, no such bucket)."""
    return s3_code(error) in _MISSING_OBJECT | _MISSING_BUCKET


def s3_failure(error: Exception, bucket: str, key: str | None = None, *, doing: str = "read") -> StorageError:
    """A botocore failure on *bucket* (and *key*) as a :class:`StorageError` saying what was wrong."""
    code = s3_code(error)
    if code in _MISSING_BUCKET:
        return StorageError(f"bucket {bucket!r} does not exist")
    if key is not None and code in _MISSING_OBJECT:
        return StorageKeyError(f"no object with key {key!r} in bucket {bucket!r}")
    if code in _DENIED:
        return StorageError(f"access to bucket {bucket!r} was denied ({code}); check the AWS credentials")
    return StorageError(f"could not {doing} bucket {bucket!r}: {error}")


def http_status_failure(url: str, status: int, reason: str) -> StorageError | None:
    """The failure an HTTP answer's *status* stands for, or ``None`` for a success (or a 416)."""
    if status in _HTTP_MISSING:
        return StorageKeyError(f"{url} does not exist (HTTP {status})")
    if status >= 400 and status != 416:
        return StorageError(f"could not read {url}: HTTP {status} {reason}")
    return None


def os_failure(error: OSError, what: str) -> StorageError:
    """An ``OSError`` reading *what* as a :class:`StorageError`."""
    # strerror, not str(error): the latter holds the file's path on this machine.
    return StorageError(f"could not read {what}: {error.strerror}")


def access_error(where: str, failure: StorageError) -> StorageAccessError:
    """*failure* as the public :class:`~sentinelhub_byoc.errors.StorageAccessError`, after *where*."""
    return StorageAccessError(f"{where}: {failure}")


def s3_access_error(
    error: Exception, where: str, bucket: str, key: str | None = None, *, doing: str = "read"
) -> StorageAccessError:
    """A botocore failure while doing *where* as a :class:`~sentinelhub_byoc.errors.StorageAccessError`."""
    return access_error(where, s3_failure(error, bucket, key, doing=doing))
