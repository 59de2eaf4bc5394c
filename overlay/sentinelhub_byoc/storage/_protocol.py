"""What the COG checks and the emulator need from a place that holds files: the Storage protocol."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from sentinelhub_byoc.storage._errors import StorageKeyError

__all__ = ["BucketResolver", "HeadReader", "Storage", "check_range", "exists_by_size", "reads_head"]


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


def check_range(start: int, end: int | None) -> None:
    """Raise ValueError for a byte range that no read could serve."""
    if start < 0 or (end is not None and end < start):
        raise ValueError(f"invalid byte range [{start}, {end})")


def exists_by_size(size: Callable[[str], int], key: str) -> bool:
    """Whether ``size(key)`` finds an object: for stores where a size is how existence is learnt."""
    try:
        size(key)
    except StorageKeyError:
        return False
    return True
