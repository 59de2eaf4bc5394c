"""Cloud Storage buckets (gcp-storage-emulator on loopback): listing, sizes, ranged reads, errors, uploads."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sentinelhub_byoc.errors import SourceChangedError, StorageAccessError, ValidationError
from sentinelhub_byoc.storage._errors import InvalidBucketNameError, StorageError, StorageKeyError
from sentinelhub_byoc.storage._gcs import (
    GCSObjects,
    GCSStorage,
    _digests,
    _stored_differs,
    default_gcs_client,
    gcs_buckets,
    list_gcs,
    upload_gcs,
)
from sentinelhub_byoc.storage._local import list_folder
from sentinelhub_byoc.storage._objects import StoreClients
from sentinelhub_byoc.storage._stat import StoredFile
from sentinelhub_byoc.storage._upload import content_differs
from sentinelhub_byoc.storage._urls import (
    BucketLocation,
    is_bucket_url,
    parse_bucket_url,
    split_bucket_url,
    validate_bucket_name,
)

from tests.gcs_fixtures import gcs_client, gcs_endpoint, gcs_environment, new_gcs_bucket
from tests.scripted_server import Reply, Request, ScriptedServer

__all__ = ["gcs_client", "gcs_endpoint", "gcs_environment"]

BODY = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def bucket(gcs_client: Any) -> str:
    """A bucket holding ``scenes/a/B04.tif`` (BODY), ``scenes/b/B08.tif`` and an empty object."""
    name = new_gcs_bucket(gcs_client, "storage")
    place = gcs_client.bucket(name)
    place.blob("scenes/a/B04.tif").upload_from_string(BODY)
    place.blob("scenes/b/B08.tif").upload_from_string(b"b08")
    place.blob("empty.tif").upload_from_string(b"")
    return name


def test_lists_sizes_and_reads_ranges(gcs_client: Any, bucket: str) -> None:
    storage = GCSStorage(gcs_client, bucket)
    assert storage.list_keys("scenes/") == ["scenes/a/B04.tif", "scenes/b/B08.tif"]
    assert storage.list_keys("nothing/") == []
    assert storage.size("scenes/a/B04.tif") == len(BODY)
    assert storage.read("scenes/a/B04.tif", 10, 20) == BODY[10:20]
    assert storage.read("scenes/a/B04.tif", 10_000) == BODY[10_000:]
    assert storage.read("scenes/a/B04.tif", 5, 5) == b""
    assert storage.read("scenes/a/B04.tif", 20_000, 20_010) == b""
    assert storage.read_head("scenes/a/B04.tif", 16) == (BODY[:16], len(BODY))
    assert storage.read_head("scenes/b/B08.tif", 16) == (b"b08", 3)
    assert storage.read_head("empty.tif", 16) == (b"", 0)
    assert storage.exists("scenes/b/B08.tif")
    assert not storage.exists("scenes/c/B08.tif")
    with pytest.raises(ValueError, match="invalid byte range"):
        storage.read("scenes/a/B04.tif", 10, 5)


def test_a_missing_object_and_a_missing_bucket_are_told_apart(gcs_client: Any, bucket: str) -> None:
    with pytest.raises(StorageKeyError, match=r"no object with key 'nope\.tif'"):
        GCSStorage(gcs_client, bucket).size("nope.tif")
    with pytest.raises(StorageKeyError):
        GCSStorage(gcs_client, bucket).read("nope.tif", 0, 10)
    missing = GCSStorage(gcs_client, "no-such-bucket-here")
    for call in (
        lambda: missing.size("a.tif"),
        lambda: missing.read("a.tif", 0, 4),
        lambda: missing.list_keys(""),
    ):
        with pytest.raises(StorageError, match="bucket 'no-such-bucket-here' does not exist") as caught:
            call()
        assert not isinstance(caught.value, StorageKeyError)
    with pytest.raises(StorageAccessError, match="does not exist"):
        list_gcs(gcs_client, BucketLocation("no-such-bucket-here", "", "gs"))
    objects = GCSObjects(gcs_client)
    assert objects.head(bucket, "nope.tif") is None
    head = objects.head(bucket, "scenes/b/B08.tif")
    assert head is not None
    assert head.size == 3
    assert head.version
    assert head.modified is not None


def _denying(request: Request) -> Reply:
    return Reply.json(403, {"error": {"code": 403, "message": "caller does not have storage.objects.get"}})


def test_denied_access_is_its_own_error_naming_the_credentials() -> None:
    storage_module = pytest.importorskip("google.cloud.storage")
    credentials = pytest.importorskip("google.auth.credentials")
    with ScriptedServer(_denying, script_token=True) as server:
        client = storage_module.Client(
            project="test",
            credentials=credentials.AnonymousCredentials(),
            client_options={"api_endpoint": server.base_url},
        )
        with pytest.raises(
            StorageError, match=r"access to bucket 'locked' was denied \(HTTP 403\)"
        ) as caught:
            GCSStorage(client, "locked").read("a.tif", 0, 10)
        assert not isinstance(caught.value, StorageKeyError)
        with pytest.raises(StorageAccessError, match=r"denied.*Google Cloud credentials"):
            list_gcs(client, BucketLocation("locked", "p/", "gs"))


def test_listing_gives_size_time_and_md5(gcs_client: Any, bucket: str) -> None:
    listed = list_gcs(gcs_client, BucketLocation(bucket, "scenes/", "gs"))
    assert sorted(listed) == ["scenes/a/B04.tif", "scenes/b/B08.tif"]
    found = listed["scenes/a/B04.tif"]
    assert found.size == len(BODY)
    assert found.modified is not None
    assert found.modified.tzinfo is not None
    import hashlib

    assert found.etag == hashlib.md5(BODY, usedforsecurity=False).hexdigest()


def _local(path: Path, key: str) -> StoredFile:
    files, _ = list_folder(path.parent, "")
    listed = files[path.name]
    return StoredFile(key, listed.size, listed.modified, listed.local, listed.identity)


@pytest.mark.parametrize("size", [0, 1000, 9 * 1024 * 1024 + 5])
def test_uploads_are_verified_by_the_stored_checksums(tmp_path: Path, gcs_client: Any, size: int) -> None:
    location = BucketLocation(new_gcs_bucket(gcs_client, "upload"), "up/", "gs")
    path = tmp_path / "file.tif"
    path.write_bytes(os.urandom(size))
    upload_gcs(gcs_client, location, _local(path, "up/file.tif"), metadata={"byoc-source-size": "1"})
    listed = list_gcs(gcs_client, location)
    assert listed["up/file.tif"].size == size
    # The listing's MD5 is what a checksum sync compares with: the same bytes do not differ.
    assert not content_differs(_local(path, "up/file.tif"), listed["up/file.tif"].etag)
    assert GCSStorage(gcs_client, location.bucket).read("up/file.tif") == path.read_bytes()
    head = GCSObjects(gcs_client).head(location.bucket, "up/file.tif")
    assert head is not None
    assert head.metadata == {"byoc-source-size": "1"}


def test_a_file_changed_since_listing_is_not_uploaded(tmp_path: Path, gcs_client: Any) -> None:
    location = BucketLocation(new_gcs_bucket(gcs_client, "upload"), "", "gs")
    path = tmp_path / "file.tif"
    path.write_bytes(b"one")
    listed = _local(path, "file.tif")
    path.write_bytes(b"three")
    with pytest.raises(SourceChangedError, match="changed since it was listed"):
        upload_gcs(gcs_client, location, listed)
    assert list_gcs(gcs_client, location) == {}


def test_a_stored_copy_with_other_checksums_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "file.tif"
    path.write_bytes(b"content")
    with path.open("rb") as file:
        md5, crc = _digests(file)
    assert _stored_differs(SimpleNamespace(md5_hash=md5, crc32c=crc), md5, crc) is None
    # A composite object has no MD5: its CRC32C is compared.
    assert _stored_differs(SimpleNamespace(md5_hash=None, crc32c=crc), md5, crc) is None
    assert "MD5" in (_stored_differs(SimpleNamespace(md5_hash="AAAA", crc32c=crc), md5, crc) or "")
    assert "CRC32C" in (_stored_differs(SimpleNamespace(md5_hash=None, crc32c="AAAA"), md5, crc) or "")
    assert "no checksum" in (_stored_differs(SimpleNamespace(md5_hash=None, crc32c=None), md5, crc) or "")


def test_server_side_copies_carry_the_metadata_asked_for(gcs_client: Any, bucket: str) -> None:
    objects = GCSObjects(gcs_client)
    source = objects.head(bucket, "scenes/b/B08.tif")
    assert source is not None
    objects.copy(
        bucket, "scenes/b/B08.tif", "staged/B08.tif", version=source.version, metadata={"byoc-x": "1"}
    )
    copy = objects.head(bucket, "staged/B08.tif")
    assert copy is not None
    assert copy.size == 3
    assert copy.metadata == {"byoc-x": "1"}


def test_downloads(tmp_path: Path, gcs_client: Any, bucket: str) -> None:
    objects = GCSObjects(gcs_client)
    objects.download(bucket, "scenes/a/B04.tif", tmp_path / "B04.tif")
    assert (tmp_path / "B04.tif").read_bytes() == BODY
    with pytest.raises(StorageAccessError, match="downloading gs://"):
        objects.download(bucket, "nope.tif", tmp_path / "nope.tif")


def test_urls_and_bucket_names() -> None:
    assert is_bucket_url("gs://b/k")
    assert is_bucket_url("s3://b/k")
    assert not is_bucket_url("./gs")
    assert split_bucket_url("gs://raw/2024/x.tif") == ("gs", "raw", "2024/x.tif")
    assert parse_bucket_url("gs://my_bucket/scenes") == BucketLocation("my_bucket", "scenes/", "gs")
    assert str(parse_bucket_url("gs://b-1/p/")) == "gs://b-1/p/"
    for hostile in ("gs://bkt/a/../b", "gs://bkt/../x", "gs://bkt/a//b"):
        with pytest.raises(ValidationError, match="segment"):
            parse_bucket_url(hostile)
    with pytest.raises(ValidationError, match="names no bucket"):
        parse_bucket_url("gs:///p")
    # Cloud Storage allows underscores, S3 does not; both refuse what looks like an IP address.
    assert validate_bucket_name("my_bucket", "gs") == "my_bucket"
    with pytest.raises(InvalidBucketNameError):
        validate_bucket_name("my_bucket", "s3")
    for bad in ("goog-bucket", "192.168.1.1", "Upper", "a"):
        with pytest.raises(InvalidBucketNameError):
            validate_bucket_name(bad, "gs")


def test_the_emulators_resolver_reads_project_buckets(gcs_client: Any, bucket: str) -> None:
    resolve = gcs_buckets(gcs_client)
    storage = resolve(f"my-project:{bucket}")
    assert isinstance(storage, GCSStorage)
    assert storage.bucket == bucket
    assert storage.size("scenes/b/B08.tif") == 3
    with pytest.raises(InvalidBucketNameError):
        resolve("Bad Name")


def test_a_client_is_made_from_the_environment(gcs_environment: str, bucket: str) -> None:
    client = default_gcs_client(None)
    assert GCSStorage(client, bucket).size("scenes/b/B08.tif") == 3
    store = StoreClients().resolved(["gs"]).store("gs")
    assert store.scheme == "gs"
    assert store.list(BucketLocation(bucket, "scenes/b/", "gs"))["scenes/b/B08.tif"].size == 3
    given = object()
    assert default_gcs_client(given) is given


def test_listed_times_are_aware(gcs_client: Any, bucket: str) -> None:
    listed = list_gcs(gcs_client, BucketLocation(bucket, "", "gs"))
    assert all(f.modified is not None and f.modified <= datetime.now(UTC) for f in listed.values())
