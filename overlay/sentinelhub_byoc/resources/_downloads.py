"""Where a download writes: the checked destination, its ``.part`` file and the offset to resume from.

No I/O on the network here; the resources stream the bytes.
"""

from __future__ import annotations

import os
from pathlib import Path

from sentinelhub_byoc.errors import ValidationError

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


def resume_offset(part: Path, resume: bool) -> int:
    """How many bytes of the file *part* already holds; without *resume*, remove it and start at 0."""
    if resume and part.is_file():
        return part.stat().st_size
    part.unlink(missing_ok=True)
    return 0
