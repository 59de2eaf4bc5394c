"""Files on the local disk: buckets kept as folders, files by path, and folders listed safely.

One walker lists a folder for sync and for a bucket kept as a folder: links to folders are
never followed, a link to a file outside the folder (or to nothing, or round in a loop) and
anything but a regular file are refused with the reason, by the key they would have.
"""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from sentinelhub_byoc._paths import has_unsafe_segment
from sentinelhub_byoc.errors import StorageAccessError, ValidationError
from sentinelhub_byoc.storage._errors import StorageError, StorageKeyError, os_failure
from sentinelhub_byoc.storage._protocol import BucketResolver, Storage, check_range
from sentinelhub_byoc.storage._stat import FileIdentity, Files, StoredFile
from sentinelhub_byoc.storage._urls import storage_bucket, validate_bucket_name

__all__ = ["FileStorage", "LocalStorage", "list_folder", "local_buckets", "walk_folder"]


def walk_folder(
    folder: Path, key_prefix: str = "", *, inside: Path | None = None
) -> tuple[Files, dict[str, str]]:
    """Every regular file below *folder*, keyed ``key_prefix + relative path`` with '/' separators.

    Returns the files and what was refused, by key, with the reason: a link to a file outside
    *inside* (by default *folder*; its target is never read), a link to nothing, a link to a
    folder or a folder that cannot be read (keyed with a trailing '/'; links to folders are not
    followed), anything but a regular file. A link to a file inside is listed as its target.
    Raises the ``OSError`` when *folder* itself cannot be read.
    """
    root = (inside or folder).resolve()
    files: Files = {}
    refused: dict[str, str] = {}

    def key_of(path: Path) -> str:
        return key_prefix + path.relative_to(folder).as_posix()

    def unreadable(error: OSError) -> None:
        # os.walk would skip a folder it cannot read: its files must not look deleted.
        where = Path(error.filename) if error.filename else folder
        if where == folder:
            raise error
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


def list_folder(folder: Path, key_prefix: str = "") -> tuple[Files, dict[str, str]]:
    """:func:`walk_folder` of a folder a user named, with their errors.

    Raises :class:`~sentinelhub_byoc.errors.ValidationError` when *folder* is not a folder and
    :class:`~sentinelhub_byoc.errors.StorageAccessError` when it cannot be read.
    """
    if not folder.is_dir():
        raise ValidationError(f"{str(folder)!r} is not a folder; give the folder holding the COGs")
    try:
        return walk_folder(folder, key_prefix)
    except OSError as error:
        raise StorageAccessError(f"could not read folder {str(folder)!r}: {error.strerror}") from None


def _read_range(path: Path, start: int, end: int | None) -> bytes:
    with path.open("rb") as file:
        file.seek(start)
        return file.read() if end is None else file.read(end - start)


def _read_head(path: Path, length: int) -> tuple[bytes, int]:
    with path.open("rb") as file:
        return file.read(length), os.fstat(file.fileno()).st_size


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
        if "\\" in key or "\0" in key or has_unsafe_segment(key):
            raise StorageKeyError(f"{key!r} is not a valid key")
        path = root.joinpath(*key.split("/"))
        if not path.resolve().is_relative_to(root):
            raise StorageKeyError(f"key {key!r} points outside the bucket")
        return path

    def _file(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise StorageKeyError(f"no object with key {key!r} in bucket {self.root.name!r}")
        return path

    def _unreadable(self, key: str, error: OSError) -> StorageError:
        return os_failure(error, f"{key!r} in bucket {self.root.name!r}")

    def list_keys(self, prefix: str) -> list[str]:
        """Return every key that starts with ``prefix``, at any depth, sorted.

        Only regular files are listed, and links only to files inside the bucket.
        """
        root = self._check_bucket()
        folder, _, _ = prefix.rpartition("/")
        # Walk only the deepest folder the prefix names, and only if it stays in the bucket.
        base = self._path(folder) if folder else root
        if not base.is_dir():
            return []
        try:
            files, _ = walk_folder(base, f"{folder}/" if folder else "", inside=root)
        except OSError as error:
            raise self._unreadable(prefix, error) from None
        return sorted(key for key in files if key.startswith(prefix))

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
            return _read_range(path, start, end)
        except OSError as error:
            raise self._unreadable(key, error) from None

    def read_head(self, key: str, length: int) -> tuple[bytes, int]:
        """Return the first ``length`` bytes of the object and its size."""
        path = self._file(key)
        try:
            return _read_head(path, length)
        except OSError as error:
            raise self._unreadable(key, error) from None

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

    def _file(self, key: str) -> Path:
        path = Path(key)
        if not path.is_file():
            raise StorageKeyError(f"{key} does not exist or is not a file")
        return path

    def size(self, key: str) -> int:
        """Return the size of the file in bytes; raise :class:`StorageKeyError` if missing."""
        try:
            return self._file(key).stat().st_size
        except OSError as error:
            raise os_failure(error, key) from None

    def read(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        """Return the bytes ``[start, end)`` of the file, fewer where it ends sooner."""
        check_range(start, end)
        try:
            return _read_range(Path(key), start, end)
        except FileNotFoundError:
            raise StorageKeyError(f"{key} does not exist") from None
        except OSError as error:
            raise os_failure(error, key) from None

    def read_head(self, key: str, length: int) -> tuple[bytes, int]:
        """Return the first ``length`` bytes of the file and its size."""
        try:
            return _read_head(self._file(key), length)
        except OSError as error:
            raise os_failure(error, key) from None

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
