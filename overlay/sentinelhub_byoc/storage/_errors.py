"""The one mapping of storage failures (botocore, Google Cloud, httpx, OSError) to the package's typed errors.

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
    "client_library",
    "gcs_access_error",
    "gcs_errors",
    "gcs_failure",
    "gcs_status",
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


def client_library(module: str, purpose: str, *, package: str, extra: str, keyword: str) -> Any:
    """The *module* of a store's client library, imported by name (none ships complete types).

    Raises :class:`~sentinelhub_byoc.errors.StorageAccessError` saying which extra installs it,
    or which keyword passes a client instead, when *package* is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise StorageAccessError(
            f"{purpose} needs {package}: pip install 'sentinelhub-byoc[{extra}]', or pass {keyword}"
        ) from None


def gcs_errors() -> tuple[type[Exception], ...]:
    """The bases of every failure of a google-cloud-storage call: API answers, auth, transport, media."""
    # None of these ship complete type information; importing by name keeps mypy from needing
    # stubs and keeps Google's packages out of every import of this one.
    api = importlib.import_module("google.api_core.exceptions")
    auth = importlib.import_module("google.auth.exceptions")
    requests = importlib.import_module("requests.exceptions")
    media = importlib.import_module("google.cloud.storage.exceptions")
    return (
        api.GoogleAPIError,
        auth.GoogleAuthError,
        requests.RequestException,
        media.InvalidResponse,
        media.DataCorruption,
    )


def gcs_status(error: Exception) -> int | None:
    """The HTTP status of a Google API failure (``404``, ``403``...), else ``None``."""
    code = getattr(error, "code", None)
    if isinstance(code, int):
        return code
    response: Any = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) else None


def gcs_failure(
    error: Exception, bucket: str, key: str | None = None, *, doing: str = "read", bucket_exists: bool = True
) -> StorageError:
    """A google-cloud-storage failure on *bucket* (and *key*) as a :class:`StorageError`.

    Cloud Storage answers 404 alike for a missing bucket and a missing object: *bucket_exists*
    says which it was, when the caller looked.
    """
    status = gcs_status(error)
    if status in _HTTP_MISSING and not bucket_exists:
        return StorageError(f"bucket {bucket!r} does not exist")
    if status in _HTTP_MISSING:
        if key is not None:
            return StorageKeyError(f"no object with key {key!r} in bucket {bucket!r}")
        return StorageError(f"bucket {bucket!r} does not exist")
    if status in (401, 403):
        return StorageError(
            f"access to bucket {bucket!r} was denied (HTTP {status}); check the Google Cloud credentials"
        )
    return StorageError(f"could not {doing} bucket {bucket!r}: {_first_line(error)}")


def _first_line(error: Exception) -> str:
    # Google's messages carry the whole answer body after the first line.
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def gcs_access_error(
    error: Exception,
    where: str,
    bucket: str,
    key: str | None = None,
    *,
    doing: str = "read",
    bucket_exists: bool = True,
) -> StorageAccessError:
    """A google-cloud-storage failure while doing *where* as a public ``StorageAccessError``."""
    return access_error(where, gcs_failure(error, bucket, key, doing=doing, bucket_exists=bucket_exists))


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
