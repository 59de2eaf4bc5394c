"""What both halves of the download workflow share: where files go, which tiles, the progress.

No network I/O here; ``_async/downloads.py`` (and its generated ``_sync`` twin) does that.
"""

from __future__ import annotations

import os
import threading
import unicodedata
from collections.abc import Iterable
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from uuid import UUID

from sentinelhub_byoc._ids import as_uuid
from sentinelhub_byoc._paths import has_unsafe_segment
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.resources._downloads import PART_SUFFIX, reserved_name
from sentinelhub_byoc.workflows.events import Progress, ProgressCallback, report_progress


def file_destination(root: Path, tile: str, name: str) -> Path:
    """Where file *name* of *tile* goes below *root*: ``root / tile / name``.

    *name* may hold folders (``udm/udm2.tif``); a name that would leave the tile's folder
    (absolute, a drive, ``..``, empty parts, backslashes), or one a part of which ends in
    ``.part`` (another file's partial download could have its name), is refused with a
    :class:`ValidationError`.
    """
    if not isinstance(name, str) or not name:
        raise ValidationError(f"a file name must be a non-empty string, got {name!r}")
    windows = PureWindowsPath(name)
    if "\\" in name or "\0" in name or name.startswith("/") or windows.drive or has_unsafe_segment(name):
        raise ValidationError(f"file name {name!r} would be written outside the tile's folder; refused")
    if any(reserved_name(part) for part in name.split("/")):
        raise ValidationError(
            f"file name {name!r} ends in {PART_SUFFIX!r}, which names the partial file of another; "
            "refused (download it with client.files.download() to a name of your choice)"
        )
    return root / tile / PurePosixPath(name)


def clashing_names(names: Iterable[str]) -> dict[str, str]:
    """The names among *names* that would be written where an earlier one is, with that one.

    Two names clash when they differ only in letter case or Unicode normalisation (one file on
    macOS and Windows), or when one is a folder of the other (``a`` and ``a/b``).
    """
    files: dict[str, str] = {}
    folders: dict[str, str] = {}
    clashes: dict[str, str] = {}
    for name in names:
        key = unicodedata.normalize("NFC", name).casefold()
        parts = key.split("/")
        parents = ["/".join(parts[:index]) for index in range(1, len(parts))]
        other = files.get(key) or folders.get(key) or next((files[p] for p in parents if p in files), None)
        if other is not None:
            clashes[name] = other
            continue
        files[key] = name
        for parent in parents:
            folders.setdefault(parent, name)
    return clashes


def tile_ids(tiles: Any) -> list[UUID]:
    """The ids of *tiles*: one tile (a UUID, its string, a :class:`~sentinelhub_byoc.Tile`) or many.

    Repeated tiles are downloaded once; anything that is not a tile id raises a
    :class:`ValidationError` before any request.
    """
    one = isinstance(tiles, str | UUID) or getattr(tiles, "id", None) is not None
    if one or not isinstance(tiles, Iterable):
        return [as_uuid(tiles, "tile")]
    return list(dict.fromkeys(as_uuid(tile, "tile") for tile in tiles))


def destination_folder(destination: Any) -> Path:
    """*destination* as a folder path, refused with a :class:`ValidationError` unless it is one."""
    if not isinstance(destination, str | os.PathLike) or not str(destination):
        raise ValidationError(
            f"destination must be a folder path (str or pathlib.Path), got {type(destination).__name__}"
        )
    path = Path(destination)
    if path.exists() and not path.is_dir():
        raise ValidationError(f"destination {str(path)!r} exists and is not a folder")
    return path


class DownloadProgress:
    """Bytes and files done of their totals, reported as they change; safe to use from threads.

    The lock also keeps the blocking workflow's threads from running the callback at once.
    """

    def __init__(self, files: int, total_bytes: int, callback: ProgressCallback | None) -> None:
        self.files = files
        self.total_bytes = total_bytes
        self.files_done = 0
        self.bytes_done = 0
        self.received = 0
        self._callback = callback
        self._lock = threading.Lock()

    def credit(self, count: int) -> None:
        """Count *count* bytes as done that need no transfer (skipped files, resumed parts)."""
        with self._lock:
            self.bytes_done += count

    def add(self, count: int) -> None:
        """Count *count* bytes just received and report the bytes done."""
        with self._lock:
            self.bytes_done += count
            self.received += count
            report_progress(
                self._callback, Progress("download", self.bytes_done, self.total_bytes, unit="bytes")
            )

    def file_finished(self, item: str, message: str | None = None) -> None:
        """Report that file *item* (``tile/name``) finished, with what happened when not written."""
        with self._lock:
            self.files_done += 1
            progress = Progress(
                "download", self.files_done, self.files, item=item, unit="files", message=message
            )
            report_progress(self._callback, progress)
