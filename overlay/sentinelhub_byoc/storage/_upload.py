"""Copying local files into a bucket: only what is missing or changed, verified after upload.

A file is uploaded when the bucket lacks it, holds another size, or holds an older copy (the
local file was modified after the object, to the second, as S3 keeps times): the rule
``aws s3 sync`` follows. With ``checksum``, the time is not looked at: a file of the same size
is uploaded when its content differs from the object's, by the object's ETag (the MD5, or for
a multipart upload the MD5 of the parts' MD5s, computed for the part size that gives the
object's part count), so a fixed file copied in with its old time (``cp -p``) is uploaded.
An object whose ETag is not an MD5 (encrypted with SSE-KMS or SSE-C) never matches, and is
uploaded again by each run with ``checksum``. Large files go
up in parts. After each upload the object's ETag is compared with the one computed locally
(the MD5, or for a multipart upload the MD5 of the parts' MD5s and the part count), so a
corrupted transfer is caught rather than ingested, and its copy removed so that the next run
uploads the file again. A file is read from one descriptor opened without following links, and
only while it is what was listed: one that changes, vanishes or is replaced before or during
its upload is not kept in the bucket. Blocking (boto3); run in a worker thread.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from sentinelhub_byoc._paths import GUARDED
from sentinelhub_byoc.errors import SourceChangedError, StorageAccessError
from sentinelhub_byoc.storage._errors import botocore_errors, s3_access_error
from sentinelhub_byoc.storage._stat import FileIdentity, StoredFile
from sentinelhub_byoc.storage._urls import S3Location

__all__ = [
    "PART_SIZE",
    "changed_during",
    "content_differs",
    "expected_etag",
    "needs_upload",
    "open_listed",
    "send_listed",
    "upload_file",
    "upload_reason",
]

_Sent = TypeVar("_Sent")

PART_SIZE = 8 * 1024 * 1024
"""Files larger than this go up in parts of this size."""

_MIB = 1024 * 1024
# Part sizes other tools upload with (rclone 5 MiB, s3cmd 15 MiB, mc 16 MiB, ...), tried when
# an object's part count says it was not uploaded in this package's parts.
_OTHER_PART_SIZES = (5 * _MIB, 15 * _MIB, 16 * _MIB, 64 * _MIB, 100 * _MIB)


def upload_reason(local: StoredFile, remote: StoredFile | None, *, checksum: bool = False) -> str | None:
    """Why *local* must be uploaded over *remote* (the bucket's copy, if any), or ``None``.

    By size and time (``aws s3 sync``'s rule), or with *checksum* by size and content: the
    local file is read to compare it with the object's ETag.
    """
    if remote is None:
        return "not in the bucket yet"
    if remote.size != local.size:
        return f"{local.size} bytes here, {remote.size} in the bucket"
    if checksum:
        return "its content differs from the bucket's copy" if content_differs(local, remote.etag) else None
    if local.modified is None or remote.modified is None:
        return None
    # S3 keeps whole seconds: a file written at 12:00:05.3 and uploaded at 12:00:05.8 is stored
    # as modified at 12:00:05, which must not make it look newer than its copy.
    if local.modified.replace(microsecond=0) > remote.modified:
        return "modified after the bucket's copy"
    return None


def needs_upload(local: StoredFile, remote: StoredFile | None) -> bool:
    """Whether *local* must be uploaded over *remote* (the bucket's copy, if any), by size and time."""
    return upload_reason(local, remote) is not None


def content_differs(local: StoredFile, etag: str | None) -> bool:
    """Whether the local file *local* holds other bytes than an object whose ETag is *etag*.

    The file is read from one descriptor opened without following links, as it was listed; a
    file that changed since, cannot be read, or an ETag that is missing or not an MD5 count as
    different (an upload then says what is wrong, or replaces the object).
    """
    if local.local is None or not etag:
        return True
    digest, _, count = etag.partition("-")
    if len(digest) != 32 or (count and not count.isdigit()):
        return True
    parts = int(count) if count else None
    try:
        descriptor, _ = open_listed(local, local.local)
    except (SourceChangedError, StorageAccessError):
        return True
    try:
        with os.fdopen(descriptor, "rb") as file:
            for part_size in _part_sizes(local.size, parts):
                file.seek(0)
                if _etag_of(file, part_size, multipart=parts is not None) == etag:
                    return False
    except OSError:
        return True
    return True


def _part_sizes(size: int, parts: int | None) -> list[int]:
    """The part sizes that cut *size* bytes into *parts* parts (``None``: one plain upload)."""
    if parts is None:
        return [max(size, 1)]
    if parts < 1:
        return []
    per_part = -(-size // parts)
    candidates = [PART_SIZE, *_OTHER_PART_SIZES, -(-per_part // _MIB) * _MIB]
    return [c for c in dict.fromkeys(candidates) if c > 0 and max(1, -(-size // c)) == parts]


def expected_etag(path: Path, part_size: int = PART_SIZE) -> str:
    """The ETag S3 gives *path* uploaded in parts of *part_size* (one part when smaller)."""
    with path.open("rb") as file:
        return _etag_of(file, part_size)


def _etag_of(file: BinaryIO, part_size: int, *, multipart: bool = False) -> str:
    """The ETag of *file*'s bytes uploaded in *part_size* parts; *multipart* even for one part."""
    digests = []
    while True:
        # Read in pieces of at most a MiB: a part of another tool may be 100 MiB.
        part, left = hashlib.md5(usedforsecurity=False), part_size
        while left and (chunk := file.read(min(left, _MIB))):
            part.update(chunk)
            left -= len(chunk)
        if left == part_size:
            break
        digests.append(part.digest())
        if left:
            break
    if len(digests) <= 1 and not multipart:
        return (digests[0] if digests else hashlib.md5(b"", usedforsecurity=False).digest()).hex()
    combined = hashlib.md5(b"".join(digests), usedforsecurity=False).hexdigest()
    return f"{combined}-{len(digests)}"


# Never through a link (the listing resolved links already); a pipe must not block the open.
_OPEN_FLAGS = os.O_RDONLY | GUARDED


def _difference(listed: FileIdentity, now: FileIdentity) -> str | None:
    """How the file *now* differs from the *listed* one, or ``None``."""
    if (now.device, now.inode) != (listed.device, listed.inode):
        return "another file took its place"
    if now.size != listed.size:
        return f"its size went from {listed.size} to {now.size} bytes"
    if now.mtime_ns != listed.mtime_ns:
        return "it was modified"
    return None


def open_listed(file: StoredFile, path: Path) -> tuple[int, FileIdentity]:
    """Open *file* (at *path*) as the regular file it was listed as, or raise why it is not."""
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise SourceChangedError(f"{path} vanished since it was listed; run the sync again") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise SourceChangedError(
                f"{path} became a symbolic link since it was listed, and is not followed; run the sync again"
            ) from None
        raise StorageAccessError(f"could not read {path}: {error.strerror}") from None
    status = os.fstat(descriptor)
    opened = FileIdentity.of(status)
    reason = None
    if not stat.S_ISREG(status.st_mode):
        reason = "it is no longer a regular file"
    elif file.identity is not None:
        reason = _difference(file.identity, opened)
    elif opened.size != file.size:
        reason = f"its size went from {file.size} to {opened.size} bytes"
    if reason is not None:
        os.close(descriptor)
        raise SourceChangedError(f"{path} changed since it was listed ({reason}); run the sync again")
    return descriptor, opened


def changed_during(path: Path, before: FileIdentity, descriptor: int) -> str | None:
    """Why the file read from *descriptor* (at *path*) is not what was opened, or ``None``."""
    status = os.fstat(descriptor)
    if status.st_nlink == 0:
        return "it was deleted"
    reason = _difference(before, FileIdentity.of(status))
    if reason is not None:
        return reason
    try:
        there = FileIdentity.of(os.lstat(path))
    except FileNotFoundError:
        return "it was moved away"
    except OSError as error:
        return f"it cannot be looked at any more ({error.strerror})"
    if (there.device, there.inode) != (before.device, before.inode):
        return "another file took its place"
    return None


def send_listed(
    file: StoredFile,
    send: Callable[[int], _Sent],
    errors: tuple[type[Exception], ...],
    failure: Callable[[Exception], StorageAccessError],
) -> tuple[_Sent, str | None]:
    """Open the local *file* as it was listed, ``send(descriptor)``, and say whether it changed meanwhile.

    Returns what *send* returned and how the file changed while it was sent (``None``: it did
    not). The file is opened once, without following a link, and must still be what was listed
    (``identity``, else ``size``): else :class:`~sentinelhub_byoc.errors.SourceChangedError`.
    A store's failure (one of *errors*) is raised as ``failure(error)``; the file's own as a
    :class:`~sentinelhub_byoc.errors.StorageAccessError`.
    """
    if file.local is None:
        raise ValueError(f"{file.key} is not a local file")
    path = file.local
    descriptor, opened = open_listed(file, path)
    try:
        sent = send(descriptor)
        changed = changed_during(path, opened, descriptor)
    except errors as error:
        raise failure(error) from None
    except OSError as error:
        raise StorageAccessError(f"could not read {path}: {error.strerror}") from None
    finally:
        os.close(descriptor)
    return sent, changed


def upload_file(
    client: Any, location: S3Location, file: StoredFile, *, metadata: Mapping[str, str] | None = None
) -> None:
    """Upload *file* to its key in *location*'s bucket and verify the stored copy's ETag.

    *metadata* is stored with the object as its user metadata (``x-amz-meta-*``). The file is
    opened once, without following a link, and must still be what was listed (``identity``,
    else ``size``); what is uploaded is read from that one open file, and checked against the
    stored copy's ETag afterwards.

    Raises :class:`~sentinelhub_byoc.errors.SourceChangedError` when the file vanished,
    changed or was replaced since it was listed or while it was uploaded (a copy uploaded
    meanwhile is removed), and :class:`~sentinelhub_byoc.errors.StorageAccessError` when the
    upload fails or the bucket holds other bytes than were sent.
    """
    transfer = importlib.import_module("boto3.s3.transfer")
    errors = botocore_errors()
    config = transfer.TransferConfig(multipart_threshold=PART_SIZE + 1, multipart_chunksize=PART_SIZE)
    where = f"s3://{location.bucket}/{file.key}"
    path = file.local

    def remove_copy() -> None:
        # A bad copy left in the bucket would look up to date to the next run: remove it.
        with contextlib.suppress(*errors):
            client.delete_object(Bucket=location.bucket, Key=file.key)

    def send(descriptor: int) -> str:
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            wanted = _etag_of(handle, PART_SIZE)
        # boto3 closes the file it is given: it gets a descriptor of its own, of the same file.
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            handle.seek(0)  # a duplicated descriptor shares the offset the checksum moved
            extra = {"Metadata": dict(metadata)} if metadata else None
            client.upload_fileobj(handle, location.bucket, file.key, ExtraArgs=extra, Config=config)
        return wanted

    def failed(error: Exception) -> StorageAccessError:
        return s3_access_error(
            error, f"uploading {path} to {where}", location.bucket, file.key, doing="write to"
        )

    wanted, changed = send_listed(file, send, (*errors, transfer.S3UploadFailedError), failed)
    try:
        head = None if changed else client.head_object(Bucket=location.bucket, Key=file.key)
    except errors as error:
        raise failed(error) from None
    if changed is not None or head is None:
        remove_copy()
        raise SourceChangedError(
            f"{path} changed while it was uploaded to {where} ({changed}); the copy was removed: "
            "run the sync again"
        )
    stored = str(head.get("ETag", "")).strip('"')
    if stored != wanted:
        remove_copy()
        raise StorageAccessError(
            f"{where} does not hold what was uploaded from {path} (ETag {stored}, expected "
            f"{wanted}); the transfer was corrupted and the copy removed: run the sync again"
        )
