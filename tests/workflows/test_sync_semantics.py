"""What a sync counts as changed, which files it takes, and when it refuses to run.

A folder that is not the bucket, a `cp -p` fix (same size, old time) seen only by checksum,
force, include/exclude and max_delete; S3 is moto's server, the service the emulator.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sentinelhub_byoc import workflows
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.storage._local import list_folder
from sentinelhub_byoc.storage._s3 import list_s3
from sentinelhub_byoc.storage._upload import content_differs, upload_reason
from sentinelhub_byoc.storage._urls import S3Location
from sentinelhub_byoc.testing import Emulator, EmulatorServer, async_client_for, client_for, serve

from tests.s3_fixtures import new_bucket
from tests.workflows._workflow_helpers import BANDS, FAST, write_scene


@pytest.fixture
def s3_server(moto_endpoint: str) -> Iterator[EmulatorServer]:
    from sentinelhub_byoc.testing.ingestion import s3_buckets

    with Emulator(buckets=s3_buckets(moto_endpoint), delays=FAST) as emulator, serve(emulator) as server:
        yield server


def _statuses(client: Any, collection: str) -> dict[str, str]:
    return {tile.path: tile.status.value for tile in client.tiles.list(collection)}


def _same_size(broken: Path, fixed: Path) -> None:
    """Pad the smaller of a broken and a fixed COG with zeros (readers ignore them) to one size."""
    for band in ("B04", "B08"):
        a, b = broken / f"{band}.tif", fixed / f"{band}.tif"
        gap = a.stat().st_size - b.stat().st_size
        with (b if gap > 0 else a).open("ab") as file:
            file.write(b"\0" * abs(gap))
        assert a.stat().st_size == b.stat().st_size


# --- a local folder is not the bucket ----------------------------------------------------------


def test_a_folder_that_is_not_the_bucket_is_refused_before_any_request(
    local_server: EmulatorServer, client: Any, tmp_path: Path
) -> None:
    scenes = tmp_path / "scenes"
    write_scene(scenes / "a", index=0)
    collection = local_server.emulator.create_collection("folder", "folder-bucket", bands=BANDS)
    local_server.emulator.clear_requests()
    for call in (workflows.sync, workflows.plan_sync):
        with pytest.raises(ValidationError) as caught:
            call(client, collection, scenes)
        message = str(caught.value)
        assert "upload_to='s3://bucket/prefix'" in message
        assert "--upload-to" in message
        assert "bucket_dir=True" in message
        assert "--bucket-dir" in message

    async def in_asyncio() -> None:
        async with async_client_for(local_server) as async_client:
            with pytest.raises(ValidationError, match="mirror of the bucket"):
                await workflows.async_sync(async_client, collection, scenes)

    asyncio.run(in_asyncio())
    assert local_server.emulator.requests == []
    assert list(client.tiles.list(collection)) == []


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"bucket_dir": True, "upload_to": "s3://b/p"}, "not both"),
        ({"bucket_dir": "yes"}, "bucket_dir must be True or False"),
        ({"bucket_dir": True, "checksum": True}, "needs upload_to"),
        ({"bucket_dir": True, "max_delete": 3}, "delete_missing"),
        ({"bucket_dir": True, "delete_missing": True, "max_delete": -1}, "whole number >= 0"),
        ({"bucket_dir": True, "delete_missing": True, "max_delete": True}, "whole number >= 0"),
        ({"bucket_dir": True, "include": ""}, "include pattern '' names no file"),
        ({"bucket_dir": True, "exclude": ["/"]}, "exclude pattern '/' names no file"),
        ({"bucket_dir": True, "include": [b"*.tif"]}, "must be text"),
        ({"bucket_dir": True, "force": 1}, "force must be True or False"),
    ],
)
def test_options_that_do_not_fit_are_refused_before_any_request(
    local_server: EmulatorServer, client: Any, tmp_path: Path, arguments: dict[str, Any], words: str
) -> None:
    collection = local_server.emulator.create_collection("bad", "bad-bucket")
    local_server.emulator.clear_requests()
    with pytest.raises(ValidationError, match=words):
        workflows.sync(client, collection, tmp_path, **arguments)
    assert local_server.emulator.requests == []


@pytest.mark.parametrize(
    ("source", "arguments", "words"),
    [
        ("s3://b/p", {"bucket_dir": True}, "already in S3"),
        (["a/B04.tif"], {"bucket_dir": True}, "the source is a list of keys"),
        ("s3://b/p", {"checksum": True}, "LastModified, which every write sets"),
    ],
)
def test_bucket_dir_and_checksum_need_a_local_folder(
    local_server: EmulatorServer, client: Any, source: Any, arguments: dict[str, Any], words: str
) -> None:
    collection = local_server.emulator.create_collection("bad", "bad-bucket")
    local_server.emulator.clear_requests()
    with pytest.raises(ValidationError, match=words):
        workflows.sync(client, collection, source, **arguments)
    assert local_server.emulator.requests == []


# --- change detection: size and time, checksum, force ------------------------------------------


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_cp_p_fix_is_unchanged_by_time_and_uploaded_and_reingested_by_checksum(
    kind: str, tmp_path: Path, s3_server: EmulatorServer, s3_client: Any
) -> None:
    folder, fixes = tmp_path / "scenes", tmp_path / "fixes"
    write_scene(folder / "good", index=0)
    write_scene(folder / "bad", index=1, tiled=False)
    write_scene(fixes / "bad", index=1)
    _same_size(folder / "bad", fixes / "bad")
    bucket = new_bucket(s3_client, "checksum")
    collection = s3_server.emulator.create_collection("checksum", bucket, bands=BANDS)
    upload = f"s3://{bucket}/up"
    with client_for(s3_server) as client:

        def run(**arguments: Any) -> workflows.SyncReport:
            if kind == "sync":
                return workflows.sync(
                    client, collection, folder, upload_to=upload, s3_client=s3_client, timeout=60, **arguments
                )

            async def in_asyncio() -> workflows.SyncReport:
                async with async_client_for(s3_server) as async_client:
                    return await workflows.async_sync(
                        async_client,
                        collection,
                        folder,
                        upload_to=upload,
                        s3_client=s3_client,
                        timeout=60,
                        **arguments,
                    )

            return asyncio.run(in_asyncio())

        first = run()
        assert list(first.failed) == ["up/bad/(BAND).tif"]
        # The fix, copied over the broken files as `cp -p` does: the fixed file's bytes, and here
        # the broken file's size and time, so that nothing but the content says it changed.
        for band in ("B04", "B08"):
            broken = folder / "bad" / f"{band}.tif"
            before = broken.stat()
            shutil.copy2(fixes / "bad" / f"{band}.tif", broken)
            os.utime(broken, ns=(before.st_atime_ns, before.st_mtime_ns))
            assert broken.stat().st_size == before.st_size
        by_time = run()
        assert by_time.uploaded == ()
        assert by_time.reingested == ()
        assert "up/bad/(BAND).tif" in by_time.failed_before
        assert _statuses(client, collection)["up/bad/(BAND).tif"] == "FAILED"
        plan = workflows.plan_sync(
            client, collection, folder, upload_to=upload, checksum=True, s3_client=s3_client
        )
        assert plan.uploads == ("up/bad/B04.tif", "up/bad/B08.tif")
        assert set(plan.upload_reasons.values()) == {"its content differs from the bucket's copy"}
        [reingest] = plan.of("reingest")
        assert reingest.path == "up/bad/(BAND).tif"
        assert "content differs" in reingest.reason
        by_content = run(checksum=True)
        assert by_content.uploaded == ("up/bad/B04.tif", "up/bad/B08.tif")
        assert by_content.reingested == ("up/bad/(BAND).tif",)
        assert by_content.ok, str(by_content)
        assert _statuses(client, collection) == {
            "up/bad/(BAND).tif": "INGESTED",
            "up/good/(BAND).tif": "INGESTED",
        }
        # Touched but not changed: by time it would go up again, by checksum it stays.
        os.utime(folder / "good" / "B04.tif")
        assert (
            workflows.plan_sync(
                client, collection, folder, upload_to=upload, checksum=True, s3_client=s3_client
            ).changes
            == 0
        )


def test_with_upload_to_the_bucket_copy_decides_what_changed_after_ingestion(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any
) -> None:
    folder = tmp_path / "scenes"
    write_scene(folder / "a", index=0)
    bucket = new_bucket(s3_client, "bucket-time")
    collection = s3_server.emulator.create_collection("bucket-time", bucket, bands=BANDS)
    upload = f"s3://{bucket}/up"
    with client_for(s3_server) as client:
        assert workflows.sync(client, collection, folder, upload_to=upload, s3_client=s3_client).ok
        # Another writer replaces the bucket's copy after ingestion (what a run stopped between
        # its upload and its reingest leaves): the local file is older, the service reads new bytes.
        s3_client.upload_file(str(folder / "a" / "B04.tif"), bucket, "up/a/B04.tif")
        os.utime(folder / "a" / "B04.tif", (1_600_000_000, 1_600_000_000))
        plan = workflows.plan_sync(client, collection, folder, upload_to=upload, s3_client=s3_client)
        assert plan.uploads == ()
        [tile] = plan.of("reingest")
        assert tile.reason.startswith("up/a/B04.tif changed after ingestion")


def test_force_reingests_the_chosen_tiles_and_uploads_their_files_again(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any
) -> None:
    folder = tmp_path / "scenes"
    for index in range(3):
        write_scene(folder / f"s{index}", index=index)
    bucket = new_bucket(s3_client, "force")
    collection = s3_server.emulator.create_collection("force", bucket, bands=BANDS)
    upload = f"s3://{bucket}/up"
    with client_for(s3_server) as client:
        assert workflows.sync(client, collection, folder, upload_to=upload, s3_client=s3_client).ok
        forced = workflows.sync(
            client, collection, folder, upload_to=upload, s3_client=s3_client, force=True, include="/s1/**"
        )
        assert forced.uploaded == ("up/s1/B04.tif", "up/s1/B08.tif")
        assert forced.reingested == ("up/s1/(BAND).tif",)
        assert forced.skipped == ()
        assert forced.ok, str(forced)
        assert forced.plan.excluded == ("up/s0/B04.tif", "up/s0/B08.tif", "up/s2/B04.tif", "up/s2/B08.tif")


def test_force_in_a_bucket_folder_reingests_a_cp_p_fix(local_server: EmulatorServer, client: Any) -> None:
    bucket = local_server.emulator.bucket_dir("force-bucket")
    write_scene(bucket / "a", index=0, tiled=False)
    write_scene(bucket / "b", index=1)
    collection = local_server.emulator.create_collection("force", "force-bucket", bands=BANDS)
    first = workflows.sync(client, collection, bucket, bucket_dir=True, timeout=30)
    assert list(first.failed) == ["a/(BAND).tif"]
    stamps = {path: path.stat().st_mtime_ns for path in (bucket / "a").iterdir()}
    write_scene(bucket / "a", index=0)
    for path, stamp in stamps.items():
        os.utime(path, ns=(stamp, stamp))
    unchanged = workflows.plan_sync(client, collection, bucket, bucket_dir=True)
    assert unchanged.changes == 0
    assert "force" in unchanged.format()
    fixed = workflows.sync(client, collection, bucket, bucket_dir=True, force=True, include="a/*", timeout=30)
    assert fixed.reingested == ("a/(BAND).tif",)
    assert fixed.ok, str(fixed)
    assert set(_statuses(client, collection).values()) == {"INGESTED"}


# --- include, exclude, max_delete --------------------------------------------------------------


def test_tiles_left_out_by_the_patterns_are_left_alone_even_with_delete_missing(
    local_server: EmulatorServer, client: Any
) -> None:
    bucket = local_server.emulator.bucket_dir("filter-bucket")
    for name in ("2023/a", "2024/b", "2024/c"):
        write_scene(bucket / name, index=len(name))
    (bucket / "2024" / "b" / "notes.xml").write_text("<notes/>", encoding="utf-8")
    collection = local_server.emulator.create_collection("filter", "filter-bucket", bands=BANDS)
    only_2024 = workflows.sync(
        client, collection, bucket, bucket_dir=True, include="/2024/**", exclude="*.xml", timeout=30
    )
    assert only_2024.created == ("2024/b/(BAND).tif", "2024/c/(BAND).tif")
    assert only_2024.plan.excluded == ("2023/a/B04.tif", "2023/a/B08.tif", "2024/b/notes.xml")
    assert only_2024.plan.unmatched == ()
    assert workflows.sync(client, collection, bucket, bucket_dir=True, timeout=30).created == (
        "2023/a/(BAND).tif",
    )
    # With the patterns the 2023 tile is out of view, not gone: delete_missing keeps it.
    shutil.rmtree(bucket / "2024" / "c")
    pruned = workflows.sync(
        client, collection, bucket, bucket_dir=True, include="2024/**", delete_missing=True, timeout=30
    )
    assert pruned.deleted == ("2024/c/(BAND).tif",)
    assert sorted(_statuses(client, collection)) == ["2023/a/(BAND).tif", "2024/b/(BAND).tif"]
    # An exclude wins over an include, whatever their order.
    both = workflows.plan_sync(
        client, collection, bucket, bucket_dir=True, include="*.tif", exclude="2023/**"
    )
    assert both.excluded == ("2023/a/B04.tif", "2023/a/B08.tif", "2024/b/notes.xml")


def test_max_delete_refuses_before_anything_is_deleted(local_server: EmulatorServer, client: Any) -> None:
    bucket = local_server.emulator.bucket_dir("max-bucket")
    for index in range(4):
        write_scene(bucket / f"s{index}", index=index)
    collection = local_server.emulator.create_collection("max", "max-bucket", bands=BANDS)
    assert workflows.sync(client, collection, bucket, bucket_dir=True, timeout=30).ok
    for index in range(3):
        shutil.rmtree(bucket / f"s{index}")
    write_scene(bucket / "new", index=9)
    local_server.emulator.clear_requests()
    with pytest.raises(ValidationError, match=r"would delete 3 tile\(s\).*more than max_delete=2"):
        workflows.sync(client, collection, bucket, bucket_dir=True, delete_missing=True, max_delete=2)
    assert {r.method for r in local_server.emulator.requests} == {"GET"}
    assert len(_statuses(client, collection)) == 4
    # The dry run shows the plan, and says that a sync refuses it.
    dry = workflows.sync(
        client, collection, bucket, bucket_dir=True, delete_missing=True, max_delete=2, dry_run=True
    )
    assert dry.plan.too_many_deletions
    assert "refused: 3 tile(s) to delete, more than max_delete=2" in str(dry)
    done = workflows.sync(
        client, collection, bucket, bucket_dir=True, delete_missing=True, max_delete=3, timeout=30
    )
    assert len(done.deleted) == 3
    assert done.created == ("new/(BAND).tif",)


# --- the checksum itself -----------------------------------------------------------------------


def test_checksums_match_objects_uploaded_in_other_tools_parts(tmp_path: Path, s3_client: Any) -> None:
    from boto3.s3.transfer import TransferConfig

    bucket = new_bucket(s3_client, "etags")
    path = tmp_path / "big.tif"
    path.write_bytes(os.urandom(11 * 1024 * 1024 + 5))
    # rclone's parts (5 MiB, three of them) and one plain upload: both are the same bytes.
    mib = 1024 * 1024
    rclone = TransferConfig(multipart_threshold=5 * mib, multipart_chunksize=5 * mib)
    s3_client.upload_file(str(path), bucket, "parts.tif", Config=rclone)
    s3_client.put_object(Bucket=bucket, Key="whole.tif", Body=path.read_bytes())
    listed = list_s3(s3_client, S3Location(bucket, ""))
    assert str(listed["parts.tif"].etag).endswith("-3")
    files, _ = list_folder(tmp_path)
    local = files["big.tif"]
    assert not content_differs(local, listed["parts.tif"].etag)
    assert not content_differs(local, listed["whole.tif"].etag)
    assert upload_reason(local, listed["parts.tif"], checksum=True) is None
    # One byte changed, the size kept: the checksum sees it; a missing or odd ETag is "differs".
    data = bytearray(path.read_bytes())
    data[7 * mib] ^= 0xFF
    path.write_bytes(bytes(data))
    files, _ = list_folder(tmp_path)
    assert content_differs(files["big.tif"], listed["parts.tif"].etag)
    assert content_differs(files["big.tif"], listed["whole.tif"].etag)
    assert content_differs(files["big.tif"], None)
    assert content_differs(files["big.tif"], "not-an-md5")
