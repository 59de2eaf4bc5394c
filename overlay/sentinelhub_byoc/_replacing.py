"""Writing a file so that readers see the old one or the new one whole, never half of it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = ["replacing"]


@contextmanager
def replacing(
    target: Path,
    *,
    binary: bool = False,
    encoding: str = "utf-8",
    prefix: str | None = None,
    permissions: int | None = None,
) -> Iterator[IO[Any]]:
    """A new file that takes *target*'s place, synced to disk, when the block ends without error.

    It is written under a temporary name beside *target* (*prefix*, by default ``.NAME.``), so the
    rename stays within one file system; on any error, Ctrl-C included, the temporary file is
    removed and *target* is left as it was. The file is readable by its owner only, like every
    file ``mkstemp`` makes, unless *permissions* says otherwise.

    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.json"
    >>> with replacing(target) as file:
    ...     _ = file.write("{}")
    >>> target.read_text()
    '{}'
    """
    handle, temporary = tempfile.mkstemp(prefix=prefix or f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb" if binary else "w", encoding=None if binary else encoding) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        if permissions is not None:
            os.chmod(temporary, permissions)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
