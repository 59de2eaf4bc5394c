"""Where a download writes: the checked destination, its ``.part`` file and the offset to resume from.

No I/O on the network here; the resources stream the bytes.
"""

from __future__ import annotations

import os
from pathlib import Path

from sentinelhub_byoc.errors import DownloadError, ValidationError

_PART_SUFFIX = ".part"


def destination_path(destination: str | os.PathLike[str]) -> Path:
    """*destination* as a path, refused with a :class:`ValidationError` unless it names a file."""
    if not isinstance(destination, str | os.PathLike) or not str(destination):
        raise ValidationError(
            f"destination must be a file path (str or pathlib.Path), got {type(destination).__name__}"
        )
    return Path(destination)


def part_file(destination: Path) -> Path:
    """The file a download writes to until it is complete and renamed to *destination*."""
    return destination.with_name(destination.name + _PART_SUFFIX)


def resume_offset(part: Path, resume: bool, size: int | None = None) -> int:
    """How many bytes of the file *part* already holds; 0 after removing it.

    The part file is removed without *resume*, and when it is longer than the file's *size*
    (when known): such a part belongs to an older version of the file.
    """
    if resume and part.is_file():
        held = part.stat().st_size
        if size is None or held <= size:
            return held
    part.unlink(missing_ok=True)
    return 0


def check_complete(part: Path, size: int | None, name: str) -> None:
    """Raise :class:`DownloadError` unless *part* holds *size* bytes (any size when ``None``).

    A short part file is kept so that the next download resumes; a long one cannot be a
    prefix of the file and is removed.
    """
    if size is None:
        return
    held = part.stat().st_size if part.is_file() else 0
    if held == size:
        return
    if held > size:
        part.unlink(missing_ok=True)
        raise DownloadError(
            f"{name!r}: received {held} bytes, more than its {size}; the partial file was removed"
        )
    raise DownloadError(
        f"{name!r}: received {held} of its {size} bytes; the partial file {part.name!r} is kept "
        "for the next download to resume"
    )
