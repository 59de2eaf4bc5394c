"""Where a sync's COGs are: a local folder, an S3 prefix or a list of keys, and their files.

What a sync takes from them is checked here: a folder's links to files outside it, links to
nothing, links to folders and anything not a regular file are refused with the reason (by
the key they would have), as are keys a URL would read as another key (empty, ``.`` or
``..`` segments), keys holding ``(BAND)`` and characters the service cannot take. A listed
file records what it was (device, inode, size, time) so that its upload can tell whether it
still is. Everything here blocks (disk, boto3); the asyncio workflows call it in a worker thread.
"""

from __future__ import annotations

import importlib
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sentinelhub_byoc.cog._layout import BAND
from sentinelhub_byoc.cog._s3 import default_s3_client
from sentinelhub_byoc.errors import StorageAccessError, ValidationError

__all__ = [
    "MAX_KEY_BYTES",
    "FileIdentity",
    "Files",
    "S3Location",
    "StoredFile",
    "botocore_errors",
    "explicit_files",
    "is_key_list",
    "key_problem",
    "key_problems",
    "list_folder",
    "list_s3",
    "make_s3_client",
    "parse_s3_url",
    "split_object_url",
    "s3_error",
]


MAX_KEY_BYTES = 1024
"""The longest key S3 takes, in bytes of UTF-8."""

# C0 and C1 control characters (a newline in a key splits any listing of it) and the backslash,
# which some tools read as a folder separator: the service cannot be trusted to read them alike.
_BAD_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class StoredFile:
    """One file of a sync: its key in the bucket, size and modification time.

    ``local`` is the file on this machine, when it is one (a folder source): the regular file
    itself, never a link (a link inside the folder is listed as its target). ``identity`` is
    what that file was when it was listed. ``etag`` is an object's ETag as S3 listed it
    (without quotes), for an object in a bucket.
    """

    key: str
    size: int
    modified: datetime | None
    local: Path | None = None
    identity: FileIdentity | None = None
    etag: str | None = None


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
    problem = key_problem(prefix, pattern=True) if prefix else None
    if problem is not None:
        raise ValidationError(f"{what} {url!r}: the prefix {problem}")
    return S3Location(bucket, f"{prefix}/" if prefix else "")


def key_problem(key: str, *, pattern: bool = False) -> str | None:
    """Why *key* cannot be a file of a tile, or ``None`` when it can.

    A key is refused when it holds ``(BAND)`` (unless it is a tile path *pattern*), an empty,
    ``.`` or ``..`` segment (a URL would read another key), a control character or a backslash,
    a name that is not valid UTF-8, or more than :data:`MAX_KEY_BYTES` bytes.

    >>> key_problem("2024/05/B04.tif") is None
    True
    >>> key_problem("2024//B04.tif")
    "'2024//B04.tif' has an empty, '.' or '..' segment, which a URL reads as another key: rename it"
    """
    if not pattern and BAND in key:
        return f"{key!r} holds {BAND}, which the service replaces by each band's name: rename it"
    if any(segment in ("", ".", "..") for segment in key.split("/")):
        return f"{key!r} has an empty, '.' or '..' segment, which a URL reads as another key: rename it"
    try:
        size = len(key.encode("utf-8"))
    except UnicodeEncodeError:
        return f"{key!r} is not valid UTF-8 (a file name in another encoding): rename it"
    if size > MAX_KEY_BYTES:
        return f"{key[:60]!r}... is {size} bytes long, more than the {MAX_KEY_BYTES} S3 takes: shorten it"
    found = _BAD_CHARACTERS.search(key)
    if found is not None:
        return f"{key!r} holds the character {found.group()!r}, which the service cannot take: rename it"
    return None


def key_problems(keys: Iterable[str], *, patterns: bool = False) -> dict[str, str]:
    """The keys :func:`key_problem` refuses, with the reason.

    With *patterns*, keys holding ``(BAND)`` are tile paths, which may hold it.
    """
    found: dict[str, str] = {}
    for key in keys:
        problem = key_problem(key, pattern=patterns and BAND in key)
        if problem is not None:
            found[key] = problem
    return found


def list_folder(folder: Path, key_prefix: str = "") -> tuple[Files, dict[str, str]]:
    """Every regular file below *folder*, keyed ``key_prefix + relative path`` with '/' separators.

    Returns the files and what was refused, by key, with the reason: a link to a file outside
    *folder* (its target is never read), a link to nothing, a link to a folder or a folder that
    cannot be read (keyed with a trailing '/'; links to folders are not followed), anything but
    a regular file. A link to a file inside *folder* is followed: it is listed as its target.
    """
    if not folder.is_dir():
        raise ValidationError(f"{str(folder)!r} is not a folder; give the folder holding the COGs")
    root = folder.resolve()
    files: Files = {}
    refused: dict[str, str] = {}

    def key_of(path: Path) -> str:
        return key_prefix + path.relative_to(folder).as_posix()

    def unreadable(error: OSError) -> None:
        # os.walk would skip a folder it cannot read: its tiles must not look deleted.
        where = Path(error.filename) if error.filename else folder
        if where == folder:
            raise StorageAccessError(f"could not read folder {str(folder)!r}: {error.strerror}")
        refused[key_of(where) + "/"] = f"the folder {str(where)!r} cannot be read: {error.strerror}"

    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable):
        dirnames.sort()
        for name in dirnames:
            path = Path(dirpath, name)
            if path.is_symlink():
                refused[key_of(path) + "/"] = (
                    f"{str(path)!r} is a link to a folder, which sync does not follow: sync the "
                    "folder it names by itself, or copy its files in"
                )
        for name in sorted(filenames):
            path = Path(dirpath, name)
            key = key_of(path)
            found = _local_file(path, key, folder, root)
            if isinstance(found, StoredFile):
                files[key] = found
            elif found is not None:
                refused[key] = found
    return files, refused


def _local_file(path: Path, key: str, folder: Path, root: Path) -> StoredFile | str | None:
    """The file at *path* as listed, why it is refused, or ``None`` when it vanished meanwhile."""
    local = path
    try:
        status = path.lstat()
        if stat.S_ISLNK(status.st_mode):
            local = Path(os.path.realpath(path))
            # Resolved all the way: the target itself (only looked at, not read), unless the
            # links go round in a loop.
            status = local.lstat()
            if not local.is_relative_to(root):
                return (
                    f"{str(path)!r} is a symbolic link to {str(local)!r}, outside the folder "
                    f"{str(folder)!r}: sync reads only files inside it; copy the file in instead"
                )
            if stat.S_ISLNK(status.st_mode):
                return f"{str(path)!r} is a symbolic link that leads round in a loop: fix or remove it"
    except FileNotFoundError:
        if local is path:
            return None
        return f"{str(path)!r} is a symbolic link to {str(local)!r}, which does not exist: fix or remove it"
    except OSError as error:
        return f"{str(path)!r} cannot be read: {error.strerror}"
    if not stat.S_ISREG(status.st_mode):
        return f"{str(path)!r} is not a regular file (a pipe, socket or device): remove it from the folder"
    modified = datetime.fromtimestamp(status.st_mtime, UTC)
    return StoredFile(key, status.st_size, modified, local, FileIdentity.of(status))


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
    """Every object under *location* with its size, last modification and ETag."""
    files: Files = {}
    try:
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=location.bucket, Prefix=location.prefix):
            for item in page.get("Contents", ()):
                key = str(item["Key"])
                modified = item.get("LastModified")
                if isinstance(modified, datetime) and modified.tzinfo is None:
                    modified = modified.replace(tzinfo=UTC)
                etag = item.get("ETag")
                etag = etag.strip('"') if isinstance(etag, str) and etag.strip('"') else None
                files[key] = StoredFile(key, int(item.get("Size", 0)), modified, etag=etag)
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
