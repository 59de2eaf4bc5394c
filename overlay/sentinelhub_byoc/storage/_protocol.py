"""What the COG checks and the emulator need from a place that holds files: the Storage protocol."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

from sentinelhub_byoc.storage._errors import StorageKeyError
from sentinelhub_byoc.storage._stat import Files, ObjectHead, StoredFile
from sentinelhub_byoc.storage._urls import BucketLocation

__all__ = [
    "BucketResolver",
    "ClientStore",
    "HeadReader",
    "ObjectStore",
    "Storage",
    "check_range",
    "exists_by_size",
    "reads_head",
]


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


class ObjectStore(Protocol):
    """What the workflows do with the buckets of one kind of store (``s3://``, ``gs://``), through one client.

    Every method raises :class:`~sentinelhub_byoc.errors.StorageAccessError` when the store
    fails, saying what was being done; blocking, so run in a worker thread.
    """

    @property
    def scheme(self) -> str:
        """The scheme of the store's URLs: ``"s3"``, ``"gs"``."""
        ...

    @property
    def client(self) -> Any:
        """The client the store works through."""
        ...

    def storage(self, bucket: str) -> Storage:
        """The :class:`Storage` of *bucket*, for ranged reads."""
        ...

    def list(self, location: BucketLocation) -> Files:
        """Every object under *location* with its size, last modification and checksum (``etag``)."""
        ...

    def head(self, bucket: str, key: str) -> ObjectHead | None:
        """What the store says of the object *key*, or ``None`` when there is none."""
        ...

    def upload(
        self, location: BucketLocation, file: StoredFile, *, metadata: Mapping[str, str] | None = None
    ) -> None:
        """Upload the local *file* to its key in *location*'s bucket, verified by the stored checksum."""
        ...

    def download(self, bucket: str, key: str, path: Path) -> None:
        """Download the object *key* to the file *path*."""
        ...

    def copy(self, bucket: str, source: str, key: str, *, version: str, metadata: Mapping[str, str]) -> None:
        """Copy *source* to *key* in *bucket*, server-side, only if *source* is still at *version*.

        The copy's user metadata is *metadata* (the source's is not kept).
        """
        ...


class ClientStore:
    """What the bucket backends' :class:`ObjectStore` classes share: a scheme, a client, the :class:`Storage`.

    A backend names its scheme and its :class:`Storage` class in its class statement
    (``class S3Objects(ClientStore, scheme="s3", storage=S3Storage)``).
    """

    scheme: ClassVar[str]
    _storage: ClassVar[Callable[[Any, str], Storage]]

    def __init_subclass__(cls, *, scheme: str, storage: Callable[[Any, str], Storage], **rest: Any) -> None:
        super().__init_subclass__(**rest)
        cls.scheme = scheme
        cls._storage = storage

    def __init__(self, client: Any) -> None:
        self.client = client
        """The client the store works through (boto3's, google-cloud-storage's...)."""

    def storage(self, bucket: str) -> Storage:
        """The :class:`Storage` of *bucket*, for ranged reads, through this store's client."""
        return type(self)._storage(self.client, bucket)


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
