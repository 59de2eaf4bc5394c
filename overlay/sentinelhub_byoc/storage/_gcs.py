"""Buckets in Google Cloud Storage, read, listed, looked at and written with google-cloud-storage.

google-cloud-storage is the ``gcs`` extra, and users hand in their own client (``gcs_client=``,
a ``google.cloud.storage.Client``), as they do a boto3 client for S3; it is imported only when
a ``gs://`` URL is used. The library ships incomplete type information, so everything it gives
is kept behind ``Any`` here; every failure goes through :mod:`._errors`.

Cloud Storage answers 404 alike for a missing bucket and a missing object: a 404 for an object
costs one more request, to the bucket, to say which. An object's checksum is its MD5 (absent
for composite objects) and its CRC32C, both base64; its version is its generation.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import importlib
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from sentinelhub_byoc.errors import SourceChangedError, StorageAccessError
from sentinelhub_byoc.storage._errors import (
    StorageError,
    client_library,
    gcs_access_error,
    gcs_errors,
    gcs_failure,
    gcs_status,
)
from sentinelhub_byoc.storage._protocol import (
    BucketResolver,
    ClientStore,
    Storage,
    check_range,
    exists_by_size,
)
from sentinelhub_byoc.storage._stat import Files, ObjectHead, StoredFile
from sentinelhub_byoc.storage._upload import send_listed
from sentinelhub_byoc.storage._urls import BucketLocation, bucket_url, storage_bucket, validate_bucket_name

__all__ = ["GCSObjects", "GCSStorage", "default_gcs_client", "gcs_buckets", "list_gcs", "upload_gcs"]

_MIB = 1024 * 1024


def _whole(value: object) -> int | None:
    """*value* as a whole number of bytes >= 0, or ``None`` when a server sent something else."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _time(value: object) -> datetime | None:
    """An answer's time as an aware datetime, or ``None`` when it is none."""
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _md5_hex(blob: Any) -> str | None:
    """The object's MD5 in hex (the ETag S3 would give it), or ``None`` (a composite object)."""
    encoded = getattr(blob, "md5_hash", None)
    if not isinstance(encoded, str):
        return None
    try:
        digest = base64.b64decode(encoded, validate=True)
    except ValueError:
        return None
    return digest.hex() if len(digest) == 16 else None


class GCSStorage:
    """One Cloud Storage bucket, read through a ``google.cloud.storage.Client``.

    Ranges are read with ranged GETs of the stored bytes (no decompressive transcoding), so
    reading a TIFF header does not download the whole object. A missing bucket raises
    :class:`StorageError` from every method, a missing object :class:`StorageKeyError`, and a
    failing store (no connection, access denied) :class:`StorageError` too.
    """

    def __init__(self, client: Any, bucket: str) -> None:
        self.client = client
        """The ``google.cloud.storage.Client`` the objects are read through."""
        self.bucket = bucket
        """The name of the bucket read."""
        self._errors = gcs_errors()
        self._bucket = client.bucket(bucket)

    def __repr__(self) -> str:
        return f"GCSStorage(bucket={self.bucket!r})"

    def _fail(self, error: Exception, key: str | None) -> StorageError:
        exists = True
        if key is not None and gcs_status(error) in (404, 410):
            exists = self._bucket_exists()
        return gcs_failure(error, self.bucket, key, bucket_exists=exists)

    def _bucket_exists(self) -> bool:
        try:
            return bool(self._bucket.exists())
        except self._errors as error:
            raise gcs_failure(error, self.bucket) from error

    def list_keys(self, prefix: str) -> list[str]:
        """Return every key that starts with ``prefix``, at any depth, sorted."""
        try:
            return sorted(str(blob.name) for blob in self.client.list_blobs(self.bucket, prefix=prefix))
        except self._errors as error:
            raise self._fail(error, None) from error

    def _blob(self, key: str) -> Any:
        """The object's metadata, read with one GET."""
        blob = self._bucket.blob(key)
        try:
            blob.reload()
        except self._errors as error:
            raise self._fail(error, key) from error
        return blob

    def _size(self, blob: Any, key: str) -> int:
        size = _whole(blob.size)
        if size is None:
            raise StorageError(f"bucket {self.bucket!r} gave no valid size for {key!r}")
        return size

    def size(self, key: str) -> int:
        """Return the size of the object in bytes; raise :class:`StorageKeyError` if missing."""
        return self._size(self._blob(key), key)

    def _download(self, key: str, start: int, end: int | None, generation: Any = None) -> bytes:
        blob = self._bucket.blob(key, generation=generation)
        try:
            body: bytes = blob.download_as_bytes(start=start, end=end, raw_download=True, checksum=None)
        except self._errors as error:
            # A range that starts past the end is refused (416): a file read there gives nothing.
            if gcs_status(error) == 416:
                self.size(key)
                return b""
            raise self._fail(error, key) from error
        return body

    def read(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        """Return the bytes ``[start, end)`` of the object, fewer where it ends sooner."""
        check_range(start, end)
        if end is not None and end == start:
            return b""
        return self._download(key, start, None if end is None else end - 1)

    def read_head(self, key: str, length: int) -> tuple[bytes, int]:
        """Return the first ``length`` bytes of the object and its size.

        The size comes from the object's metadata, and the bytes from that same generation of
        it: an object replaced in between is never read half old, half new.
        """
        blob = self._blob(key)
        size = self._size(blob, key)
        if length <= 0 or size == 0:
            return b"", size
        body = self._download(key, 0, min(length, size) - 1, blob.generation)
        return body[:length], size

    def exists(self, key: str) -> bool:
        """Return whether the bucket holds an object under ``key``."""
        return exists_by_size(self.size, key)


def _listed(blob: Any) -> StoredFile:
    key = str(blob.name)
    return StoredFile(key, _whole(blob.size) or 0, _time(blob.updated), etag=_md5_hex(blob))


def list_gcs(client: Any, location: BucketLocation) -> Files:
    """Every object under *location* with its size, last modification (``updated``) and MD5.

    Raises :class:`~sentinelhub_byoc.errors.StorageAccessError` when the bucket cannot be listed.
    """
    files: Files = {}
    try:
        for blob in client.list_blobs(location.bucket, prefix=location.prefix):
            files[str(blob.name)] = _listed(blob)
    except gcs_errors() as error:
        raise gcs_access_error(error, str(location), location.bucket, doing="list") from None
    return files


def head_gcs(client: Any, bucket: str, key: str) -> ObjectHead | None:
    """What Cloud Storage says of the object *key* in *bucket*, or ``None`` when there is none."""
    blob = client.bucket(bucket).blob(key)
    try:
        blob.reload()
    except gcs_errors() as error:
        if gcs_status(error) in (404, 410):
            return None
        raise gcs_access_error(error, bucket_url("gs", bucket, key), bucket, key) from None
    metadata = blob.metadata if isinstance(blob.metadata, dict) else {}
    return ObjectHead(
        _whole(blob.size) or 0,
        str(blob.generation or ""),
        _time(blob.updated),
        {str(k): str(v) for k, v in metadata.items()},
    )


def _digests(file: BinaryIO) -> tuple[str, str]:
    """The base64 MD5 and CRC32C of *file*'s bytes, as Cloud Storage gives them."""
    crc32c = importlib.import_module("google_crc32c")
    md5, crc = hashlib.md5(usedforsecurity=False), crc32c.Checksum()
    while chunk := file.read(_MIB):
        md5.update(chunk)
        crc.update(chunk)
    return base64.b64encode(md5.digest()).decode(), base64.b64encode(crc.digest()).decode()


def _stored_differs(blob: Any, md5: str, crc: str) -> str | None:
    """How the stored object's checksums differ from the local file's, or ``None`` when they match."""
    stored_md5, stored_crc = getattr(blob, "md5_hash", None), getattr(blob, "crc32c", None)
    if stored_md5 is None and stored_crc is None:
        return "Cloud Storage gave no checksum of the stored copy"
    if stored_md5 is not None and stored_md5 != md5:
        return f"MD5 {stored_md5}, expected {md5}"
    if stored_crc is not None and stored_crc != crc:
        return f"CRC32C {stored_crc}, expected {crc}"
    return None


def upload_gcs(
    client: Any, location: BucketLocation, file: StoredFile, *, metadata: Mapping[str, str] | None = None
) -> None:
    """Upload *file* to its key in *location*'s bucket and verify the stored copy's checksums.

    As :func:`~sentinelhub_byoc.storage._upload.upload_file` does for S3: the file is opened
    once without following a link and must still be what was listed; what is uploaded is read
    from that one descriptor. Cloud Storage answers the stored copy's MD5 and CRC32C, which
    must match the local file's; a copy that does not, or of a file that changed meanwhile,
    is removed (that generation only). An upload is atomic: readers see the old object or the
    new one. *metadata* becomes the object's custom metadata.

    Raises :class:`~sentinelhub_byoc.errors.SourceChangedError` or
    :class:`~sentinelhub_byoc.errors.StorageAccessError`.
    """
    errors = gcs_errors()
    where = bucket_url("gs", location.bucket, file.key)
    blob = client.bucket(location.bucket).blob(file.key)
    if metadata:
        blob.metadata = dict(metadata)

    def send(descriptor: int) -> tuple[str, str]:
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            md5, crc = _digests(handle)
            handle.seek(0)  # a duplicated descriptor shares the offset the checksums moved
            blob.upload_from_file(handle, size=os.fstat(descriptor).st_size, rewind=False)
        return md5, crc

    def failed(error: Exception) -> StorageAccessError:
        return gcs_access_error(
            error, f"uploading {file.local} to {where}", location.bucket, file.key, doing="write to"
        )

    (md5, crc), changed = send_listed(file, send, errors, failed)
    path = file.local
    differs = None if changed else _stored_differs(blob, md5, crc)
    if changed is None and differs is None:
        return
    # A bad copy left in the bucket would look up to date to the next run: remove it.
    with contextlib.suppress(*errors):
        blob.delete(if_generation_match=blob.generation)
    if changed is not None:
        raise SourceChangedError(
            f"{path} changed while it was uploaded to {where} ({changed}); the copy was removed: "
            "run the sync again"
        )
    raise StorageAccessError(
        f"{where} does not hold what was uploaded from {path} ({differs}); the transfer was "
        "corrupted and the copy removed: run the sync again"
    )


class GCSObjects(ClientStore, scheme="gs", storage=GCSStorage):
    """The ``ObjectStore`` of ``gs://`` buckets, through a ``google.cloud.storage.Client``."""

    def list(self, location: BucketLocation) -> Files:
        """Every object under *location* (see :func:`list_gcs`)."""
        return list_gcs(self.client, location)

    def head(self, bucket: str, key: str) -> ObjectHead | None:
        """What Cloud Storage says of the object; its version is its generation."""
        return head_gcs(self.client, bucket, key)

    def copy(self, bucket: str, source: str, key: str, *, version: str, metadata: Mapping[str, str]) -> None:
        """Copy *source* to *key* server-side (a rewrite), only from the generation *version*."""
        place = self.client.bucket(bucket)
        copy = place.blob(key)
        copy.metadata = dict(metadata)
        generation = _whole(version)
        try:
            token = None
            # A rewrite of a large object may take several calls, each going on from the last.
            while True:
                token, _, _ = copy.rewrite(
                    place.blob(source), token=token, if_source_generation_match=generation
                )
                if token is None:
                    break
        except gcs_errors() as error:
            where = f"copying {bucket_url('gs', bucket, source)} to {bucket_url('gs', bucket, key)}"
            raise gcs_access_error(error, where, bucket, doing="write to") from None

    def download(self, bucket: str, key: str, path: Path) -> None:
        """Download the object *key* to *path*, its checksum verified by the library."""
        try:
            self.client.bucket(bucket).blob(key).download_to_filename(str(path))
        except gcs_errors() as error:
            where = bucket_url("gs", bucket, key)
            raise gcs_access_error(error, f"downloading {where}", bucket, key) from None

    def upload(
        self, location: BucketLocation, file: StoredFile, *, metadata: Mapping[str, str] | None = None
    ) -> None:
        """Upload *file*, verified (see :func:`upload_gcs`)."""
        upload_gcs(self.client, location, file, metadata=metadata)


def gcs_buckets(client: Any) -> BucketResolver:
    """Return a resolver that maps a bucket name to a :class:`GCSStorage` read through *client*.

    Names are checked against the Cloud Storage naming rules (raising ``InvalidBucketNameError``);
    a collection's ``PROJECT_ID:bucket`` names bucket ``bucket``.
    """

    def resolve(bucket: str) -> Storage:
        return GCSStorage(client, validate_bucket_name(storage_bucket(bucket), "gs"))

    return resolve


def default_gcs_client(gcs_client: Any, purpose: str = "reading or writing gs:// URLs") -> Any:
    """*gcs_client*, or a new ``google.cloud.storage.Client`` for *purpose*, made from the environment.

    The library finds the project and credentials the usual ways, and honours
    ``STORAGE_EMULATOR_HOST``. Raises :class:`~sentinelhub_byoc.errors.StorageAccessError`
    when google-cloud-storage is not installed (naming the extra) or the client cannot be made.
    """
    if gcs_client is not None:
        return gcs_client
    package = "google-cloud-storage"
    storage = client_library(
        "google.cloud.storage", purpose, package=package, extra="gcs", keyword="gcs_client"
    )
    try:
        return storage.Client()
    except Exception as failure:
        # Missing default credentials or project fail here, in several exception types.
        raise StorageAccessError(
            f"could not make a Google Cloud Storage client: {failure}; pass gcs_client"
        ) from None
