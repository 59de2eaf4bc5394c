"""What ingestion needs from a bucket, and buckets kept as folders on the local disk."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

__all__ = [
    "BucketResolver",
    "FileStorage",
    "HeadReader",
    "InvalidBucketNameError",
    "LocalStorage",
    "Storage",
    "StorageError",
    "StorageKeyError",
    "local_buckets",
    "reads_head",
    "storage_bucket",
    "validate_bucket_name",
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


class Storage(Protocol):
    """Read access to the objects of one bucket, addressed by '/'-separated keys."""

    def list_keys(self, prefix: str) -> list[str]:
        """Return every key that starts with ``prefix``, at any depth, sorted."""
        ...

    def size(self, key: str) -> int:
        """Return the size of the object in bytes; raise :class:`StorageKeyError` if missing."""
        ...

    def read(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        """Return the bytes ``[start, end)`` of the object, fewer where it ends sooner."""
        ...

    def exists(self, key: str) -> bool:
        """Return whether the bucket holds an object under ``key``."""
        ...


@runtime_checkable
class HeadReader(Protocol):
    """A storage that reads the start of an object and learns its size in one request."""

    def read_head(self, key: str, length: int) -> tuple[bytes, int]:
        """Return the first ``length`` bytes of the object (fewer if it is shorter) and its size.

        Raises :class:`StorageKeyError` when the object is missing, as ``size`` does.
        """
        ...


def reads_head(storage: object) -> Callable[[str, int], tuple[bytes, int]] | None:
    """Return ``storage.read_head`` when the storage has one (a :class:`HeadReader`), else None."""
    if isinstance(storage, HeadReader):
        return storage.read_head
    return None


BucketResolver = Callable[[str], Storage]
"""Gives the :class:`Storage` of a bucket from the bucket's name."""

_BUCKET_CHARS = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP_ADDRESS = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def validate_bucket_name(name: str) -> str:
    """Return ``name`` if it follows the S3 naming rules, else raise InvalidBucketNameError."""
    problem = None
    if not _BUCKET_CHARS.match(name):
        problem = (
            "it must be 3 to 63 characters of lowercase letters, digits, dots and hyphens, "
            "beginning and ending with a letter or digit"
        )
    elif ".." in name or ".-" in name or "-." in name:
        problem = "a dot may not stand next to another dot or a hyphen"
    elif _IP_ADDRESS.match(name):
        problem = "it may not look like an IP address"
    elif name.startswith(_RESERVED_PREFIXES) or name.endswith(_RESERVED_SUFFIXES):
        problem = "it uses a prefix or suffix that S3 reserves"
    if problem is not None:
        raise InvalidBucketNameError(f"bucket name {name!r} is not valid: {problem}")
    return name


def storage_bucket(name: str) -> str:
    """Return the bucket's own name from a collection's ``s3Bucket``.

    The Copernicus Data Space deployment names buckets ``PROJECT_ID:bucket``; the store holds
    the bucket under its own name, after the colon.
    """
    return name.rpartition(":")[2]


def check_range(start: int, end: int | None) -> None:
    """Raise ValueError for a byte range that no read could serve."""
    if start < 0 or (end is not None and end < start):
        raise ValueError(f"invalid byte range [{start}, {end})")


class LocalStorage:
    """A bucket kept as a folder: key ``a/b.tif`` is the file ``root/a/b.tif``.

    Keys must be relative, '/'-separated and free of empty, ``.`` and ``..`` segments; a key
    that would reach outside the folder (also through a symbolic link) is refused with
    :class:`StorageKeyError`. A missing folder is a missing bucket: every method then raises
    :class:`StorageError`.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        """The folder that holds the bucket's files: key ``a/b.tif`` is the file ``root / "a/b.tif"``."""

    def __repr__(self) -> str:
        return f"LocalStorage({str(self.root)!r})"

    def _check_bucket(self) -> Path:
        if not self.root.is_dir():
            # Messages name the bucket, never the folder: they end up in answers to clients.
            raise StorageError(f"bucket {self.root.name!r} does not exist")
        return self.root.resolve()

    def _path(self, key: str) -> Path:
        root = self._check_bucket()
        segments = key.split("/")
        if not key or "\\" in key or "\0" in key or any(segment in ("", ".", "..") for segment in segments):
            raise StorageKeyError(f"{key!r} is not a valid key")
        path = root.joinpath(*segments)
        if not path.resolve().is_relative_to(root):
            raise StorageKeyError(f"key {key!r} points outside the bucket")
        return path

    def _file(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise StorageKeyError(f"no object with key {key!r} in bucket {self.root.name!r}")
        return path

    def list_keys(self, prefix: str) -> list[str]:
        """Return every key that starts with ``prefix``, at any depth, sorted."""
        root = self._check_bucket()
        folder, _, _ = prefix.rpartition("/")
        # Walk only the deepest folder the prefix names, and only if it stays in the bucket.
        base = self._path(folder) if folder else root
        if not base.is_dir():
            return []
        keys = []
        for dirpath, dirnames, filenames in os.walk(base):
            # A linked folder could lead outside the bucket, so links are not followed.
            dirnames[:] = [d for d in dirnames if not Path(dirpath, d).is_symlink()]
            for filename in filenames:
                path = Path(dirpath, filename)
                if path.is_symlink() and not path.resolve().is_relative_to(root):
                    continue
                key = path.relative_to(root).as_posix()
                if key.startswith(prefix):
                    keys.append(key)
        return sorted(keys)

    def size(self, key: str) -> int:
        """Return the size of the object in bytes; raise :class:`StorageKeyError` if missing."""
        try:
            return self._file(key).stat().st_size
        except OSError as error:
            raise self._unreadable(key, error) from None

    def read(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        """Return the bytes ``[start, end)`` of the object, fewer where it ends sooner."""
        check_range(start, end)
        path = self._file(key)
        try:
            with path.open("rb") as file:
                file.seek(start)
                return file.read() if end is None else file.read(end - start)
        except OSError as error:
            raise self._unreadable(key, error) from None

    def read_head(self, key: str, length: int) -> tuple[bytes, int]:
        """Return the first ``length`` bytes of the object and its size."""
        path = self._file(key)
        try:
            with path.open("rb") as file:
                return file.read(length), os.fstat(file.fileno()).st_size
        except OSError as error:
            raise self._unreadable(key, error) from None

    def _unreadable(self, key: str, error: OSError) -> StorageError:
        # strerror, not str(error): the latter holds the file's path on this machine.
        return StorageError(f"could not read {key!r} in bucket {self.root.name!r}: {error.strerror}")

    def exists(self, key: str) -> bool:
        """Return whether the bucket holds an object under ``key``."""
        return self._path(key).is_file()


class FileStorage:
    """The local file system as a storage whose keys are file paths, as a user gives them.

    It serves :func:`sentinelhub_byoc.cog.check_cog` for a local file; there is no bucket to
    keep keys inside, so any readable path is a key.
    """

    def __repr__(self) -> str:
        return "FileStorage()"

    def list_keys(self, prefix: str) -> list[str]:
        """Return the files whose path starts with ``prefix``, at any depth, sorted."""
        folder = Path(prefix) if prefix.endswith(("/", os.sep)) else Path(prefix).parent
        found = [str(path) for path in folder.rglob("*") if path.is_file()]
        return sorted(key for key in found if key.startswith(prefix))

    def size(self, key: str) -> int:
        """Return the size of the file in bytes; raise :class:`StorageKeyError` if missing."""
        try:
            path = Path(key)
            if not path.is_file():
                raise StorageKeyError(f"{key} does not exist or is not a file")
            return path.stat().st_size
        except OSError as error:
            raise StorageError(f"could not read {key}: {error.strerror}") from None

    def read(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        """Return the bytes ``[start, end)`` of the file, fewer where it ends sooner."""
        check_range(start, end)
        try:
            with Path(key).open("rb") as file:
                file.seek(start)
                return file.read() if end is None else file.read(end - start)
        except FileNotFoundError:
            raise StorageKeyError(f"{key} does not exist") from None
        except OSError as error:
            raise StorageError(f"could not read {key}: {error.strerror}") from None

    def read_head(self, key: str, length: int) -> tuple[bytes, int]:
        """Return the first ``length`` bytes of the file and its size."""
        try:
            if not Path(key).is_file():
                raise StorageKeyError(f"{key} does not exist or is not a file")
            with Path(key).open("rb") as file:
                return file.read(length), os.fstat(file.fileno()).st_size
        except OSError as error:
            raise StorageError(f"could not read {key}: {error.strerror}") from None

    def exists(self, key: str) -> bool:
        """Return whether ``key`` is a file."""
        return Path(key).is_file()


def local_buckets(root: Path | str) -> BucketResolver:
    """Return a resolver that maps bucket ``b`` to ``LocalStorage(root / b)``.

    A ``PROJECT_ID:bucket`` name (CDSE) is the folder of ``bucket``. The name is checked
    against the S3 naming rules first (raising :class:`InvalidBucketNameError`), which also
    keeps it from leaving ``root``.
    """
    base = Path(root)

    def resolve(bucket: str) -> Storage:
        return LocalStorage(base / validate_bucket_name(storage_bucket(bucket)))

    return resolve
