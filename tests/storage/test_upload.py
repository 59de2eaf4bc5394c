"""Uploads to S3 (moto's server): only what changed, large files in parts, verified by ETag."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sentinelhub_byoc.errors import StorageAccessError
from sentinelhub_byoc.storage._s3 import list_s3
from sentinelhub_byoc.storage._stat import StoredFile
from sentinelhub_byoc.storage._upload import PART_SIZE, expected_etag, needs_upload, upload_file
from sentinelhub_byoc.storage._urls import S3Location

from tests.s3_fixtures import new_bucket

T0 = datetime(2024, 5, 1, tzinfo=UTC)


def _location(s3_client: Any) -> S3Location:
    return S3Location(new_bucket(s3_client, "upload"), "up/")


def _local(path: Path, key: str) -> StoredFile:
    return StoredFile(key, path.stat().st_size, datetime.fromtimestamp(path.stat().st_mtime, UTC), path)


@pytest.mark.parametrize("size", [0, 1000, PART_SIZE + 1, 2 * PART_SIZE + 5])
def test_uploads_small_and_multipart_files_and_verifies_them(
    tmp_path: Path, s3_client: Any, size: int
) -> None:
    location = _location(s3_client)
    path = tmp_path / "file.tif"
    path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    upload_file(s3_client, location, _local(path, "up/file.tif"))
    listed = list_s3(s3_client, location)
    assert listed["up/file.tif"].size == size
    head = s3_client.head_object(Bucket=location.bucket, Key="up/file.tif")
    assert head["ETag"].strip('"') == expected_etag(path)
    assert ("-" in expected_etag(path)) == (size > PART_SIZE)


def test_a_corrupted_upload_is_reported(tmp_path: Path, s3_client: Any) -> None:
    class Corrupting:
        """An S3 client whose stored object is not what was sent (nothing real corrupts here)."""

        def upload_fileobj(self, *args: Any, **kwargs: Any) -> None:
            s3_client.upload_fileobj(*args, **kwargs)

        def head_object(self, **kwargs: Any) -> dict[str, Any]:
            return {**s3_client.head_object(**kwargs), "ETag": '"0000"'}

        def delete_object(self, **kwargs: Any) -> None:
            s3_client.delete_object(**kwargs)

    location = _location(s3_client)
    path = tmp_path / "file.tif"
    path.write_bytes(b"cog")
    with pytest.raises(StorageAccessError, match="transfer was corrupted"):
        upload_file(Corrupting(), location, _local(path, "up/file.tif"))
    assert "up/file.tif" not in list_s3(s3_client, location)


def test_missing_bucket_is_a_storage_error(tmp_path: Path, s3_client: Any) -> None:
    path = tmp_path / "file.tif"
    path.write_bytes(b"cog")
    with pytest.raises(StorageAccessError, match=r"does not exist|NoSuchBucket"):
        upload_file(s3_client, S3Location("no-such-bucket-here", ""), _local(path, "file.tif"))
    with pytest.raises(StorageAccessError, match="bucket 'no-such-bucket-here' does not exist"):
        list_s3(s3_client, S3Location("no-such-bucket-here", ""))


def test_what_needs_uploading() -> None:
    local = StoredFile("k", 10, T0)
    assert needs_upload(local, None)
    assert needs_upload(local, StoredFile("k", 11, T0))
    assert needs_upload(local, StoredFile("k", 10, T0 - timedelta(seconds=1)))
    assert not needs_upload(local, StoredFile("k", 10, T0))
    assert not needs_upload(local, StoredFile("k", 10, T0 + timedelta(seconds=1)))
    # Written and uploaded within one second: S3's whole-second time is not older.
    written = StoredFile("k", 10, T0 + timedelta(milliseconds=300))
    assert not needs_upload(written, StoredFile("k", 10, T0))
