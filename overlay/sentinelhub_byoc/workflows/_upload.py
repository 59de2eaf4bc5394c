"""Copying local COGs into a bucket: only what is missing or changed, verified after upload.

A file is uploaded when the bucket lacks it, holds another size, or holds an older copy (the
local file was modified after the object, to the second, as S3 keeps times): the rule
``aws s3 sync`` follows. Large files go
up in parts. After each upload the object's ETag is compared with the one computed locally
(the MD5, or for a multipart upload the MD5 of the parts' MD5s and the part count), so a
corrupted transfer is caught rather than ingested, and its copy removed so that the next run
uploads the file again. Blocking (boto3); run in a worker thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sentinelhub_byoc.errors import StorageAccessError
from sentinelhub_byoc.workflows._sources import Files, S3Location, StoredFile, s3_error

__all__ = ["PART_SIZE", "expected_etag", "needs_upload", "plan_uploads", "upload_file"]

PART_SIZE = 8 * 1024 * 1024
"""Files larger than this go up in parts of this size."""


def needs_upload(local: StoredFile, remote: StoredFile | None) -> bool:
    """Whether *local* must be uploaded over *remote* (the bucket's copy, if any)."""
    if remote is None or remote.size != local.size:
        return True
    if local.modified is None or remote.modified is None:
        return False
    # S3 keeps whole seconds: a file written at 12:00:05.3 and uploaded at 12:00:05.8 is stored
    # as modified at 12:00:05, which must not make it look newer than its copy.
    return local.modified.replace(microsecond=0) > remote.modified


def expected_etag(path: Path, part_size: int = PART_SIZE) -> str:
    """The ETag S3 gives *path* uploaded in parts of *part_size* (one part when smaller)."""
    digests = []
    with path.open("rb") as file:
        while chunk := file.read(part_size):
            digests.append(hashlib.md5(chunk, usedforsecurity=False).digest())
    if len(digests) <= 1:
        return (digests[0] if digests else hashlib.md5(b"", usedforsecurity=False).digest()).hex()
    combined = hashlib.md5(b"".join(digests), usedforsecurity=False).hexdigest()
    return f"{combined}-{len(digests)}"


def upload_file(
    client: Any, location: S3Location, file: StoredFile, *, metadata: Mapping[str, str] | None = None
) -> None:
    """Upload *file* to its key in *location*'s bucket and verify the stored copy's ETag.

    *metadata* is stored with the object as its user metadata (``x-amz-meta-*``).

    Raises :class:`~sentinelhub_byoc.errors.StorageAccessError` when the upload fails or the
    bucket holds other bytes than were sent.
    """
    if file.local is None:
        raise ValueError(f"{file.key} is not a local file")
    transfer = importlib.import_module("boto3.s3.transfer")
    errors = importlib.import_module("botocore.exceptions")
    config = transfer.TransferConfig(multipart_threshold=PART_SIZE + 1, multipart_chunksize=PART_SIZE)
    where = f"s3://{location.bucket}/{file.key}"
    try:
        extra = {"Metadata": dict(metadata)} if metadata else None
        client.upload_file(str(file.local), location.bucket, file.key, ExtraArgs=extra, Config=config)
        head = client.head_object(Bucket=location.bucket, Key=file.key)
    except (errors.ClientError, errors.BotoCoreError, transfer.S3UploadFailedError) as error:
        raise s3_error(error, f"uploading {file.local} to {where}") from None
    except OSError as error:
        raise StorageAccessError(f"could not read {file.local}: {error.strerror}") from None
    stored = str(head.get("ETag", "")).strip('"')
    wanted = expected_etag(file.local)
    if stored != wanted:
        # A bad copy left in the bucket would look up to date to the next run: remove it.
        with contextlib.suppress(errors.ClientError, errors.BotoCoreError):
            client.delete_object(Bucket=location.bucket, Key=file.key)
        raise StorageAccessError(
            f"{where} does not hold what was uploaded from {file.local} (ETag {stored}, expected "
            f"{wanted}); the transfer was corrupted and the copy removed: run the sync again"
        )


def plan_uploads(local: Files, remote: Files) -> list[StoredFile]:
    """The local files to upload: missing in the bucket, another size, or newer."""
    return [file for key, file in local.items() if needs_upload(file, remote.get(key))]
