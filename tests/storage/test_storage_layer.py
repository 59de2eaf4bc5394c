"""The storage layer's one error mapping, its URL and key rules, and its folder walker."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sentinelhub_byoc._paths import has_unsafe_segment
from sentinelhub_byoc.errors import StorageAccessError, ValidationError
from sentinelhub_byoc.storage._errors import (
    StorageError,
    StorageKeyError,
    http_status_failure,
    s3_access_error,
    s3_failure,
)
from sentinelhub_byoc.storage._local import LocalStorage, list_folder, walk_folder
from sentinelhub_byoc.storage._urls import parse_s3_url, split_s3_url

botocore_exceptions = pytest.importorskip("botocore.exceptions")


def _client_error(code: str) -> Exception:
    answer = {"Error": {"Code": code, "Message": code}}
    error: Exception = botocore_exceptions.ClientError(answer, "HeadObject")
    return error


@pytest.mark.parametrize(
    ("code", "kind", "words"),
    [
        ("NoSuchBucket", StorageError, "bucket 'b' does not exist"),
        ("NoSuchKey", StorageKeyError, "no object with key 'k.tif' in bucket 'b'"),
        ("404", StorageKeyError, "no object with key 'k.tif' in bucket 'b'"),
        ("AccessDenied", StorageError, "denied (AccessDenied); check the AWS credentials"),
        ("SlowDown", StorageError, "could not read bucket 'b'"),
    ],
)
def test_botocore_failures_become_typed_errors_saying_what_was_wrong(
    code: str, kind: type[StorageError], words: str
) -> None:
    failure = s3_failure(_client_error(code), "b", "k.tif")
    assert type(failure) is kind
    assert words in str(failure)


def test_workflows_get_the_same_message_as_a_public_error_after_what_they_were_doing() -> None:
    error = s3_access_error(_client_error("NoSuchBucket"), "s3://b/scenes/", "b")
    assert isinstance(error, StorageAccessError)
    assert str(error) == "s3://b/scenes/: bucket 'b' does not exist"


def test_a_missing_key_is_only_a_key_error_when_a_key_was_asked_for() -> None:
    assert not isinstance(s3_failure(_client_error("NoSuchKey"), "b"), StorageKeyError)


@pytest.mark.parametrize(
    ("status", "kind"),
    [(200, None), (206, None), (416, None), (404, StorageKeyError), (410, StorageKeyError)],
)
def test_http_statuses(status: int, kind: type[StorageError] | None) -> None:
    failure = http_status_failure("https://x/a.tif", status, "Reason")
    assert (failure is None) if kind is None else type(failure) is kind


def test_other_http_errors_name_the_status() -> None:
    failure = http_status_failure("https://x/a.tif", 503, "Service Unavailable")
    assert type(failure) is StorageError
    assert "HTTP 503 Service Unavailable" in str(failure)


@pytest.mark.parametrize("path", ["", "a//b", "./a", "a/..", "../a", "a/"])
def test_unsafe_segments(path: str) -> None:
    assert has_unsafe_segment(path)


@pytest.mark.parametrize("path", ["a", "a/b.tif", "a/.hidden", "a/...", "udm/udm2.tif"])
def test_safe_paths(path: str) -> None:
    assert not has_unsafe_segment(path)


def test_s3_urls_are_parsed_one_way() -> None:
    assert str(parse_s3_url("s3://bkt/a/b")) == "s3://bkt/a/b/"
    assert split_s3_url("s3://bkt/a/b.tif", key_required=True) == ("bkt", "a/b.tif")
    with pytest.raises(ValidationError, match="names no object"):
        split_s3_url("s3://bkt/a/", key_required=True)
    with pytest.raises(ValidationError, match="is not valid"):
        split_s3_url("s3://Bad_Bucket/a.tif", key_required=True)
    with pytest.raises(ValidationError, match="segment"):
        parse_s3_url("s3://bkt/a/../b")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_one_walker_lists_a_sync_folder_and_a_bucket_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.tif").write_bytes(b"secret")
    root = tmp_path / "bkt"
    (root / "t").mkdir(parents=True)
    (root / "t" / "B04.tif").write_bytes(b"cog")
    (root / "t" / "same.tif").symlink_to(root / "t" / "B04.tif")
    (root / "t" / "leak.tif").symlink_to(outside / "secret.tif")
    (root / "t" / "gone.tif").symlink_to(tmp_path / "nothing.tif")
    (root / "linked").symlink_to(outside, target_is_directory=True)

    files, refused = walk_folder(root)
    assert sorted(files) == ["t/B04.tif", "t/same.tif"]
    assert files["t/same.tif"].local == (root / "t" / "B04.tif").resolve()
    assert sorted(refused) == ["linked/", "t/gone.tif", "t/leak.tif"]
    assert list_folder(root) == (files, refused)
    assert LocalStorage(root).list_keys("") == ["t/B04.tif", "t/same.tif"]
    assert LocalStorage(root).list_keys("t/s") == ["t/same.tif"]


def test_a_missing_folder_is_the_users_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="is not a folder"):
        list_folder(tmp_path / "missing")
    with pytest.raises(StorageError, match="bucket 'missing' does not exist"):
        LocalStorage(tmp_path / "missing").list_keys("")
