"""What a listing knows of a file: key, size, modification time, ETag, and a local file's identity.

And what a store says of one object when asked (:class:`ObjectHead`), whichever store it is.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import attrs

__all__ = ["FileIdentity", "Files", "ObjectHead", "StoredFile"]


@attrs.frozen
class FileIdentity:
    """What a local file was when listed: its device, inode, size and modification time (ns).

    A file whose identity differs when it is opened is not the file that was listed.
    """

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, status: os.stat_result) -> FileIdentity:
        """The identity in *status*, an ``os.stat`` (or ``fstat``) result."""
        return cls(status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


@attrs.frozen
class StoredFile:
    """One listed file: its key in the bucket, size and modification time.

    ``local`` is the file on this machine, when it is one (a folder source): the regular file
    itself, never a link (a link inside the folder is listed as its target). ``identity`` is
    what that file was when it was listed. ``etag`` is an object's ETag as S3 listed it
    (without quotes), for an object in a bucket; for a Cloud Storage object, its MD5 in hex
    (the ETag S3 would give it), or ``None`` for a composite object, which has no MD5.
    """

    key: str
    size: int
    modified: datetime | None
    local: Path | None = None
    identity: FileIdentity | None = None
    etag: str | None = None


Files = dict[str, StoredFile]
"""Files by key."""


@attrs.frozen
class ObjectHead:
    """What a store says of one object: its size, version, last modification and user metadata.

    ``version`` changes with every write of the object: S3's ETag (without quotes), Cloud
    Storage's generation.
    """

    size: int
    version: str
    modified: datetime | None
    metadata: dict[str, str] = attrs.field(factory=dict)
