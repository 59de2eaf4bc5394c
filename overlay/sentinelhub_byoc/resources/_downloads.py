"""Where a download writes and what it accepts: the destination, its ``.part`` file, the answer's span.

Nothing the server says is trusted. A ``206`` must answer the range asked for, with the total
announced; the bytes written are counted against every size announced and a longer body is cut
off; the part file and every folder below the destination's root are opened without following
links, as a regular file and real folders. No network I/O here; the resources stream the bytes.
"""

from __future__ import annotations

import errno
import math
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

import attrs
import httpx

from sentinelhub_byoc._decoders import byte_count, content_range
from sentinelhub_byoc._paths import GUARDED
from sentinelhub_byoc.errors import DownloadError, ValidationError

#: What a part file's name ends with; a listed file name may not (see :func:`reserved_name`).
PART_SUFFIX = ".part"

_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
# Without dir_fd (Windows), folders are checked with lstat before use instead.
_AT = os.open in os.supports_dir_fd and os.stat in os.supports_dir_fd


def destination_path(destination: str | os.PathLike[str]) -> Path:
    """*destination* as a path, refused with a :class:`ValidationError` unless it names a file."""
    if not isinstance(destination, str | os.PathLike) or not str(destination):
        raise ValidationError(
            f"destination must be a file path (str or pathlib.Path), got {type(destination).__name__}"
        )
    return Path(destination)


def part_name(name: str) -> str:
    """The name of the file a download of *name* writes to until it is complete."""
    return name + PART_SUFFIX


def reserved_name(segment: str) -> bool:
    """Whether a listed name's *segment* could be another file's part file (in any letter case)."""
    return segment.casefold().endswith(PART_SUFFIX)


def check_deadline(deadline: float | None) -> float | None:
    """*deadline* (seconds per file, or ``None``), refused with a :class:`ValidationError` unless > 0."""
    if deadline is None:
        return None
    if (
        isinstance(deadline, bool)
        or not isinstance(deadline, int | float)
        or not math.isfinite(deadline)
        or deadline <= 0
    ):
        raise ValidationError(f"deadline must be a number of seconds above 0 (or None), got {deadline!r}")
    return float(deadline)


class Deadline:
    """The moment one file's download must be complete by (never, for ``None``)."""

    def __init__(self, seconds: float | None, name: str) -> None:
        self.seconds = seconds
        self._name = name
        self._end = None if seconds is None else time.monotonic() + seconds

    def check(self, held: int) -> None:
        """Raise :class:`DownloadError` once the deadline has passed (*held*: bytes written so far)."""
        if self._end is not None and time.monotonic() > self._end:
            raise DownloadError(
                f"{self._name!r}: not complete within its deadline of {self.seconds:g} s ({held} bytes "
                "received); the server is too slow. The partial file is kept for the next download "
                "to resume; pass a longer deadline to wait longer"
            )


@attrs.frozen
class Span:
    """Which part of the file an answer's body holds, as far as its headers can be trusted.

    ``start`` is the offset of the body's first byte in the file (0 for a ``200``), ``limit`` the
    most bytes the file can have by every size announced (``None`` when none was).
    """

    start: int
    limit: int | None


def accepted_span(response: httpx.Response, offset: int, size: int | None) -> Span | None:
    """The :class:`Span` of a ``200`` or ``206`` answer to a request from byte *offset*.

    ``None`` when a ``206`` does not answer what was asked: its ``Content-Range`` is missing or
    unreadable, starts elsewhere than *offset*, or gives another total than *size* (when known).
    """
    length = byte_count(response.headers.get("content-length"))
    if response.status_code != 206:
        return Span(0, _smallest(size, length))
    span = content_range(response)
    if span is None or span.start != offset or span.end is None:
        return None
    if size is not None and span.total != size:
        return None
    body_end = None if length is None else offset + length
    return Span(offset, _smallest(size, span.total, span.end + 1, body_end))


def _smallest(*limits: int | None) -> int | None:
    known = [limit for limit in limits if limit is not None]
    return min(known) if known else None


@contextmanager
def disk_errors(name: str, path: Path) -> Iterator[None]:
    """Turn an ``OSError`` of the local disk into a :class:`DownloadError` naming *path*."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise DownloadError(f"{name!r}: cannot write {str(path)!r}: {reason}") from error


class Folder:
    """A folder a download writes into, reached from a trusted root without following links.

    The root (the folder a caller named) is used as it is, links included; each folder below it
    is created when missing and opened with ``O_NOFOLLOW``, so a link planted inside the
    destination (to a folder elsewhere) is refused rather than written through.
    """

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self.fd = fd

    @classmethod
    def open(cls, folder: Path, root: Path | None, *, create: bool) -> Folder:
        """Open *folder*: the root itself when *root* is ``None``, else below *root*.

        Raises :class:`DownloadError` when a folder below the root is a link or not a folder, and
        ``OSError`` when one cannot be created or opened.
        """
        base = folder if root is None else root
        below = () if root is None else folder.relative_to(root).parts
        if create:
            base.mkdir(parents=True, exist_ok=True)
        if not _AT:
            return cls._checked(base, below, create=create)
        # The root is the caller's own choice: opened as it is, links and all.
        fd = os.open(base, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
        try:
            for index, part in enumerate(below):
                if create:
                    with suppress(FileExistsError):
                        os.mkdir(part, 0o777, dir_fd=fd)
                try:
                    inner = os.open(part, os.O_RDONLY | _DIRECTORY | GUARDED, dir_fd=fd)
                except OSError as error:
                    # A link fails with ELOOP under O_NOFOLLOW, a file with ENOTDIR.
                    if error.errno not in (errno.ELOOP, errno.ENOTDIR):
                        raise
                    raise _not_a_folder(base.joinpath(*below[: index + 1])) from None
                os.close(fd)
                fd = inner
        except BaseException:
            os.close(fd)
            raise
        return cls(folder, fd)

    @classmethod
    def _checked(cls, base: Path, below: tuple[str, ...], *, create: bool) -> Folder:
        path = base
        for part in below:
            path = path / part
            if create:
                with suppress(FileExistsError):
                    path.mkdir()
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                raise _not_a_folder(path)
        return cls(path, None)

    def at(self, name: str) -> str:
        """*name* as the functions taking ``dir_fd=self.fd`` want it."""
        return name if self.fd is not None else str(self.path / name)

    def close(self) -> None:
        """Close the folder's descriptor."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _not_a_folder(path: Path) -> DownloadError:
    return DownloadError(
        f"{str(path)!r} inside the destination is a link or not a folder; refused (nothing is "
        "written through links inside the destination). Remove it and download again"
    )


class PartFile:
    """The ``.part`` file of *target* in *folder*: a regular file of this user, one link, no symlink."""

    def __init__(self, folder: Folder, target: str, label: str) -> None:
        self.folder = folder
        self.target = target
        self.name = part_name(target)
        self.label = label

    @property
    def path(self) -> Path:
        """Where the part file is, for messages."""
        return self.folder.path / self.name

    def held(self) -> int | None:
        """How many bytes the part file holds; ``None`` without one.

        Raises :class:`DownloadError` when something else has its name: a link, a folder, a
        file with other links or of another user.
        """
        try:
            status = os.stat(self.folder.at(self.name), dir_fd=self.folder.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        self._check(status)
        return status.st_size

    def _check(self, status: os.stat_result) -> None:
        owner = getattr(os, "geteuid", None)
        if (
            not stat.S_ISREG(status.st_mode)
            or status.st_nlink != 1
            or (owner is not None and status.st_uid != owner())
        ):
            raise DownloadError(
                f"{str(self.path)!r} is a link, not a regular file, or not yours alone; refused "
                "(nothing is written through it). Remove it and download again"
            )

    def resume_offset(self, resume: bool, size: int | None) -> int:
        """The offset to resume from: the bytes held; 0 after removing the part file.

        It is removed without *resume*, and when it is longer than the file's *size* (when
        known): such a part belongs to an older version of the file.
        """
        held = self.held()
        if held is None:
            return 0
        if resume and (size is None or held <= size):
            return held
        self.remove()
        return 0

    def remove(self) -> None:
        """Remove the part file (a link of that name is removed, never followed)."""
        with suppress(FileNotFoundError):
            os.unlink(self.folder.at(self.name), dir_fd=self.folder.fd)

    def writer(self, start: int, limit: int | None) -> PartWriter:
        """Open the part file to write the body of an answer starting at byte *start*.

        From 0 the part file is created anew; from elsewhere it is appended to, once it is
        checked to hold exactly *start* bytes.
        """
        # GUARDED: a FIFO planted at the part's name fails the open instead of blocking it.
        flags = os.O_WRONLY | GUARDED
        if start == 0:
            self.remove()
            flags |= os.O_CREAT | os.O_EXCL
        else:
            flags |= os.O_APPEND
        fd = os.open(self.folder.at(self.name), flags, 0o666, dir_fd=self.folder.fd)
        stream = os.fdopen(fd, "ab")
        try:
            status = os.fstat(fd)
            self._check(status)
            if status.st_size != start:
                raise DownloadError(f"{str(self.path)!r} changed while downloading; download again")
        except BaseException:
            stream.close()
            raise
        return PartWriter(self, stream, start, limit)

    def check_complete(self, size: int | None) -> None:
        """Raise :class:`DownloadError` unless the part file holds *size* bytes (any when ``None``).

        A short part file is kept so that the next download resumes; a long one cannot be a
        prefix of the file and is removed.
        """
        held = self.held() or 0
        if size is None or held == size:
            return
        if held > size:
            self.remove()
            raise DownloadError(
                f"{self.label!r}: received {held} bytes, more than its {size}; the partial file was removed"
            )
        raise DownloadError(
            f"{self.label!r}: received {held} of its {size} bytes; the partial file {self.name!r} is kept "
            "for the next download to resume"
        )

    def commit(self) -> None:
        """Rename the part file to its target (a link at the target is replaced, not followed)."""
        fd = self.folder.fd
        os.replace(self.folder.at(self.name), self.folder.at(self.target), src_dir_fd=fd, dst_dir_fd=fd)


class PartWriter:
    """Writes an answer's body to a part file, never past the size the answer announced.

    A body longer than *limit* (counted from the file's start) is cut off: the part file is
    removed and :class:`DownloadError` raised. Any other failure keeps what was written, for
    the next download to resume.
    """

    def __init__(self, part: PartFile, stream: BinaryIO, start: int, limit: int | None) -> None:
        self.part = part
        self.held = start
        self.limit = limit
        self._stream = stream

    def write(self, chunk: bytes) -> None:
        """Append *chunk*, or cut the download off if it goes past the limit."""
        if self.limit is not None and self.held + len(chunk) > self.limit:
            self._cut(self.limit)
        self._stream.write(chunk)
        self.held += len(chunk)

    def bound(self, limit: int) -> None:
        """Set the limit once it is known; cut the download off if it is already past it."""
        self.limit = limit
        if self.held > limit:
            self._cut(limit)

    def _cut(self, limit: int) -> None:
        self._stream.close()
        self.part.remove()
        raise DownloadError(
            f"{self.part.label!r}: the server sent more than the {limit} bytes it announced; "
            "the download was cut off there and the partial file removed"
        )

    def __enter__(self) -> PartWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._stream.closed:
            return
        try:
            if kind is None:
                # The bytes are on disk before the rename makes them the file.
                self._stream.flush()
                os.fsync(self._stream.fileno())
        finally:
            self._stream.close()


def complete_at(root: Path, destination: Path, size: int) -> bool:
    """Whether *destination* below *root* is already a regular file of *size* bytes.

    Links, inside the destination or as the file, never count as complete: the download
    replaces or refuses them.
    """
    try:
        with Folder.open(destination.parent, root, create=False) as folder:
            status = os.stat(folder.at(destination.name), dir_fd=folder.fd, follow_symlinks=False)
    except (OSError, DownloadError):
        return False
    return stat.S_ISREG(status.st_mode) and status.st_size == size


def resumable_bytes(root: Path, destination: Path, size: int) -> int:
    """The bytes a download of *destination* below *root* would resume from (0 when none would)."""
    try:
        with Folder.open(destination.parent, root, create=False) as folder:
            held = PartFile(folder, destination.name, destination.name).held()
    except (OSError, DownloadError):
        return 0
    return held if held is not None and held <= size else 0
