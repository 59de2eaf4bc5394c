"""Buckets for the emulator's ingestion: local folders and S3 (moto on loopback)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from sentinelhub_byoc.testing.cogs import write_cog_bytes
from sentinelhub_byoc.testing.ingestion import (
    InvalidBucketNameError,
    LocalStorage,
    S3Storage,
    Storage,
    StorageError,
    StorageKeyError,
    ingest_tile,
    local_buckets,
    s3_buckets,
)

from tests.s3_fixtures import moto_endpoint, new_bucket, s3_client

__all__ = ["moto_endpoint"]

OBJECTS = {
    "tiles/t1/B04.tif": b"0123456789",
    "tiles/t1/B08.tif": b"abc",
    "tiles/t2/deep/B04.tif": b"",
    "readme.txt": b"hello",
}


_s3_client = s3_client


def _fill_local(root: Path) -> None:
    for key, content in OBJECTS.items():
        path = root.joinpath(*key.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


@pytest.fixture(params=["local", "s3"])
def bucket(request: pytest.FixtureRequest, tmp_path: Path, moto_endpoint: str) -> Storage:
    """The same objects, in a local folder or in an S3 bucket."""
    if request.param == "local":
        _fill_local(tmp_path / "local-bucket")
        return local_buckets(tmp_path)("local-bucket")
    client = _s3_client(moto_endpoint)
    name = new_bucket(client, "objects")
    for key, content in OBJECTS.items():
        client.put_object(Bucket=name, Key=key, Body=content)
    return s3_buckets(moto_endpoint)(name)


def test_list_keys_is_recursive_sorted_and_prefix_based(bucket: Storage) -> None:
    assert bucket.list_keys("") == sorted(OBJECTS)
    assert bucket.list_keys("tiles/") == [
        "tiles/t1/B04.tif",
        "tiles/t1/B08.tif",
        "tiles/t2/deep/B04.tif",
    ]
    # A prefix is a string prefix, not a folder: "tiles/t1/B0" selects by name too.
    assert bucket.list_keys("tiles/t1/B0") == ["tiles/t1/B04.tif", "tiles/t1/B08.tif"]
    assert bucket.list_keys("tiles/t") == bucket.list_keys("tiles/")
    assert bucket.list_keys("nothing/") == []


def test_size_and_exists(bucket: Storage) -> None:
    assert bucket.size("tiles/t1/B04.tif") == 10
    assert bucket.size("tiles/t2/deep/B04.tif") == 0
    assert bucket.exists("tiles/t1/B08.tif")
    assert not bucket.exists("tiles/t1/B02.tif")
    assert not bucket.exists("tiles/t1")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, None, b"0123456789"),
        (2, 5, b"234"),
        (7, None, b"789"),
        (8, 100, b"89"),
        (4, 4, b""),
        (10, None, b""),
        (25, 30, b""),
    ],
)
def test_read_ranges(bucket: Storage, start: int, end: int | None, expected: bytes) -> None:
    assert bucket.read("tiles/t1/B04.tif", start, end) == expected


def test_read_rejects_backwards_ranges(bucket: Storage) -> None:
    with pytest.raises(ValueError, match="invalid byte range"):
        bucket.read("tiles/t1/B04.tif", 5, 2)
    with pytest.raises(ValueError, match="invalid byte range"):
        bucket.read("tiles/t1/B04.tif", -1)


@pytest.mark.parametrize(
    "operation",
    [
        lambda storage: storage.size("tiles/t1/B02.tif"),
        lambda storage: storage.read("tiles/t1/B02.tif"),
        lambda storage: storage.read("tiles/t1", 0, 1),
    ],
)
def test_missing_keys_raise_storage_key_error(
    bucket: Storage, operation: Callable[[Storage], object]
) -> None:
    with pytest.raises(StorageKeyError) as caught:
        operation(bucket)
    assert isinstance(caught.value, KeyError)
    # The message is plain text, not KeyError's quoted repr.
    assert str(caught.value).startswith("no object with key 'tiles/t1")


def test_missing_local_bucket_is_a_storage_error(tmp_path: Path) -> None:
    storage = local_buckets(tmp_path)("no-such-bucket")
    for operation in (
        lambda: storage.list_keys(""),
        lambda: storage.size("a.tif"),
        lambda: storage.read("a.tif"),
        lambda: storage.exists("a.tif"),
    ):
        with pytest.raises(StorageError, match="does not exist") as caught:
            operation()
        assert not isinstance(caught.value, StorageKeyError)


def test_missing_s3_bucket_is_a_storage_error(moto_endpoint: str) -> None:
    storage = s3_buckets(moto_endpoint)("never-created")
    for operation in (
        lambda: storage.list_keys(""),
        lambda: storage.size("a.tif"),
        lambda: storage.read("a.tif"),
        lambda: storage.exists("a.tif"),
    ):
        with pytest.raises(StorageError, match="'never-created' does not exist") as caught:
            operation()
        assert not isinstance(caught.value, StorageKeyError)


def test_unreachable_s3_endpoint_is_a_storage_error() -> None:
    botocore_config = pytest.importorskip("botocore.config")
    boto3 = pytest.importorskip("boto3")
    # Port 9 (discard) on loopback has no listener here: the connection is refused at once.
    client = boto3.client(
        "s3",
        endpoint_url="http://127.0.0.1:9",
        region_name="eu-central-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=botocore_config.Config(retries={"max_attempts": 1}, connect_timeout=1),
    )
    with pytest.raises(StorageError, match="could not read bucket 'b1b'"):
        S3Storage(client, "b1b").size("a.tif")


@pytest.mark.parametrize(
    "key",
    ["../outside.txt", "tiles/../../outside.txt", "/etc/passwd", "tiles//t1", "./a", "a\\b", ""],
)
def test_local_storage_refuses_keys_that_are_not_plain_relative_paths(tmp_path: Path, key: str) -> None:
    (tmp_path / "outside.txt").write_bytes(b"secret")
    storage = LocalStorage(tmp_path / "bkt")
    _fill_local(tmp_path / "bkt")
    for operation in (storage.size, storage.read, storage.exists):
        with pytest.raises(StorageKeyError):
            operation(key)


def test_local_storage_refuses_prefixes_escaping_the_bucket(tmp_path: Path) -> None:
    (tmp_path / "outside.txt").write_bytes(b"secret")
    _fill_local(tmp_path / "bkt")
    with pytest.raises(StorageKeyError):
        LocalStorage(tmp_path / "bkt").list_keys("../")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_local_storage_does_not_follow_links_out_of_the_bucket(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.tif").write_bytes(b"secret")
    root = tmp_path / "bkt"
    _fill_local(root)
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "tiles" / "leak.tif").symlink_to(outside / "secret.tif")
    storage = LocalStorage(root)
    with pytest.raises(StorageKeyError, match="outside the bucket"):
        storage.read("linked/secret.tif")
    with pytest.raises(StorageKeyError, match="outside the bucket"):
        storage.size("tiles/leak.tif")
    assert storage.list_keys("") == sorted(OBJECTS)


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "a" * 64,
        "Upper",
        "under_score",
        "-start",
        "end-",
        "two..dots",
        "dot.-hyphen",
        "192.168.1.1",
        "xn--punycode",
        "sthree-x",
        "name-s3alias",
        "name--ol-s3",
        "../escape",
    ],
)
def test_bucket_names_are_checked_against_s3_rules(tmp_path: Path, name: str) -> None:
    with pytest.raises(InvalidBucketNameError, match="is not valid"):
        local_buckets(tmp_path)(name)
    with pytest.raises(InvalidBucketNameError):
        s3_buckets("http://127.0.0.1:9")(name)


@pytest.mark.parametrize("name", ["abc", "my-bucket.v2", "a" * 63, "b1b"])
def test_valid_bucket_names_resolve_to_their_folder(tmp_path: Path, name: str) -> None:
    storage = local_buckets(tmp_path)(name)
    assert isinstance(storage, LocalStorage)
    assert storage.root == tmp_path / name


def test_s3_reads_are_ranged_not_whole_downloads(moto_endpoint: str) -> None:
    client = _s3_client(moto_endpoint)
    bucket = new_bucket(client, "ranged")
    client.put_object(Bucket=bucket, Key="big.bin", Body=bytes(range(256)) * 4096)
    ranges: list[str] = []
    client.meta.events.register(
        "provide-client-params.s3.GetObject",
        lambda params, **_: ranges.append(params.get("Range")),
    )
    storage = S3Storage(client, bucket)
    assert storage.read("big.bin", 1000, 1004) == bytes([232, 233, 234, 235])
    assert ranges == ["bytes=1000-1003"]


def test_a_cog_in_s3_is_ingested_from_ranged_reads(moto_endpoint: str) -> None:
    client = _s3_client(moto_endpoint)
    bucket = new_bucket(client, "cogs")
    noise = np.random.default_rng(0).integers(0, 65535, (1024, 1024), dtype=np.uint16)
    content = write_cog_bytes(noise, epsg=32633, bounds=(500000.0, 5000000.0, 510240.0, 5010240.0))
    client.put_object(Bucket=bucket, Key="tiles/t1/B04.tiff", Body=content)
    ranges: list[str] = []
    client.meta.events.register(
        "provide-client-params.s3.GetObject",
        lambda params, **_: ranges.append(params.get("Range")),
    )
    outcome = ingest_tile(S3Storage(client, bucket), "tiles/t1", None)
    assert outcome.ok, outcome.failure_cause
    assert outcome.bands == {"B04": {"bandIndex": 1, "bitDepth": 16, "sampleFormat": "UINT"}}
    assert ranges
    fetched = 0
    for byte_range in ranges:
        first, _, last = byte_range.removeprefix("bytes=").partition("-")
        fetched += int(last) - int(first) + 1
    assert len(content) > 2_000_000
    assert fetched < 300_000
