"""Sync from a folder, wait, reingest, delete and copy against the emulator over loopback."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sentinelhub_byoc import workflows
from sentinelhub_byoc.errors import IngestionFailedError, NotFoundError, ValidationError
from sentinelhub_byoc.retries import RetryPolicy
from sentinelhub_byoc.testing import (
    Emulator,
    EmulatorServer,
    Faults,
    IngestionDelays,
    async_client_for,
    client_for,
    serve,
)

from tests.workflows._workflow_helpers import BANDS, write_scene


def _bucket(server: EmulatorServer, name: str) -> Path:
    return server.emulator.bucket_dir(name)


def _scenes(bucket: Path, count: int, *, broken: int | None = None) -> None:
    for index in range(count):
        write_scene(bucket / "2024" / f"s{index:02d}", index=index, tiled=index != broken)


def test_sync_of_the_bucket_folder_then_fix_and_reingest(local_server: EmulatorServer, client: Any) -> None:
    bucket = _bucket(local_server, "folder-bucket")
    _scenes(bucket, 4, broken=2)
    collection = local_server.emulator.create_collection("folder", "folder-bucket", bands=BANDS)
    report = workflows.sync(client, collection, bucket, bucket_dir=True, timeout=30)
    assert len(report.created) == 4
    assert list(report.failed) == ["2024/s02/(BAND).tif"]
    assert "not tiled" in report.failed["2024/s02/(BAND).tif"]
    assert "1 failed" in str(report)
    assert "FAILED 2024/s02/(BAND).tif" in str(report)

    write_scene(bucket / "2024" / "s02", index=2)
    fixed = workflows.reingest(client, collection, timeout=30)
    assert fixed.reingested == ("2024/s02/(BAND).tif",)
    assert fixed.ok
    assert fixed.ingestion is not None
    assert [tile.path for tile in fixed.ingestion.ingested] == ["2024/s02/(BAND).tif"]
    # The rewritten files are newer than the tile's new ingestion? No: reingest started after them.
    assert workflows.sync(client, collection, bucket, bucket_dir=True, timeout=30).plan.changes == 0


def test_dry_run_changes_nothing_and_prints_the_plan(local_server: EmulatorServer, client: Any) -> None:
    bucket = _bucket(local_server, "dry-bucket")
    _scenes(bucket, 3)
    collection = local_server.emulator.create_collection("dry", "dry-bucket")
    report = workflows.sync(client, collection, bucket, bucket_dir=True, dry_run=True)
    assert report.dry_run
    assert list(client.tiles.list(collection)) == []
    text = str(report)
    assert text.startswith("dry run, nothing changed:")
    assert "3 to create" in text
    assert "create   2024/s00/(BAND).tif  (new)" in text
    plan = workflows.plan_sync(client, collection, bucket, bucket_dir=True)
    assert [t.action for t in plan.tiles] == ["create"] * 3


def test_delete_missing_removes_tiles_whose_files_are_gone(local_server: EmulatorServer, client: Any) -> None:
    bucket = _bucket(local_server, "gone-bucket")
    _scenes(bucket, 3)
    collection = local_server.emulator.create_collection("gone", "gone-bucket")
    workflows.sync(client, collection, bucket, bucket_dir=True, timeout=30)
    for path in (bucket / "2024" / "s01").iterdir():
        path.unlink()
    kept = workflows.sync(client, collection, bucket, bucket_dir=True, timeout=30)
    assert kept.deleted == ()
    gone = workflows.sync(client, collection, bucket, bucket_dir=True, delete_missing=True, timeout=30)
    assert gone.deleted == ("2024/s01/(BAND).tif",)
    assert sorted(t.path for t in client.tiles.list(collection)) == [
        "2024/s00/(BAND).tif",
        "2024/s02/(BAND).tif",
    ]


def test_async_sync_wait_and_reingest(local_server: EmulatorServer) -> None:
    bucket = _bucket(local_server, "async-bucket")
    _scenes(bucket, 5, broken=0)
    collection = local_server.emulator.create_collection("async", "async-bucket", bands=BANDS)

    async def run() -> None:
        async with async_client_for(local_server) as client:
            report = await workflows.async_sync(
                client, collection, bucket, bucket_dir=True, concurrency=3, timeout=30
            )
            assert len(report.created) == 5
            assert list(report.failed) == ["2024/s00/(BAND).tif"]
            result = await workflows.async_wait(client, collection)
            assert len(result.ingested) == 4
            assert list(result.failed) == ["2024/s00/(BAND).tif"]
            again = await workflows.async_reingest(client, collection, timeout=30)
            assert not again.ok
            assert again.reingested == ("2024/s00/(BAND).tif",)
            with pytest.raises(IngestionFailedError) as raised:
                await workflows.async_reingest(client, collection, timeout=30, raise_on_failure=True)
            assert "not tiled" in str(raised.value)

    asyncio.run(run())


def test_wait_times_out_with_the_pending_tiles(tmp_path: Path) -> None:
    slow = IngestionDelays(waiting=3600)
    with Emulator(data_dir=tmp_path, delays=slow) as emulator, serve(emulator) as server:
        collection = emulator.create_collection("slow", "slow-bucket")
        ids = emulator.add_tiles(collection, ["a/(BAND).tif", "b/(BAND).tif"])
        with client_for(server) as client:
            result = workflows.wait(client, collection, ids[:1], timeout=0.3, poll_interval=0.05)
            assert result.timed_out
            assert [t.path for t in result.pending] == ["a/(BAND).tif"]
            assert not result.ok
            assert "still ingesting" in str(result)
            with pytest.raises(IngestionFailedError) as raised:
                workflows.wait(client, collection, timeout=0.2, poll_interval=0.05, raise_on_failure=True)
            assert len(raised.value.result.pending) == 2


def test_wait_reports_progress_and_deleted_tiles(local_server: EmulatorServer, client: Any) -> None:
    collection = local_server.emulator.create_collection("w", "w-bucket")
    ids = local_server.emulator.add_tiles(collection, [f"t{i}/(BAND).tif" for i in range(3)])
    client.tiles.delete(collection, ids[0])
    events: list[workflows.Progress] = []
    result = workflows.wait(
        client, collection, ids, timeout=30, poll_interval=0.05, on_progress=events.append
    )
    assert len(result.missing) == 1
    assert len(result.failed) == 2  # the bucket has no files
    assert events[-1].stage == "wait"
    assert events[-1].done == events[-1].total == 3


def test_delete_collection_with_force_and_copy_tiles(local_server: EmulatorServer, client: Any) -> None:
    bucket = _bucket(local_server, "copy-bucket")
    _scenes(bucket, 3)
    source = local_server.emulator.create_collection("source", "copy-bucket")
    target = local_server.emulator.create_collection("target", "copy-bucket")
    workflows.sync(client, source, bucket, bucket_dir=True, timeout=30)
    copied = workflows.copy_tiles(client, source, target, timeout=30)
    assert copied is not None
    assert len(copied.ingested) == 3
    assert workflows.delete_collection(client, source, force=True) == 3
    with pytest.raises(NotFoundError):
        client.collections.get(source)


def test_sync_refuses_bad_input_before_any_request(
    local_server: EmulatorServer, client: Any, tmp_path: Path
) -> None:
    collection = local_server.emulator.create_collection("bad", "bad-bucket")
    local_server.emulator.clear_requests()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"source": tmp_path / "nowhere"}, "is not a folder"),
        ({"source": tmp_path, "bucket_dir": True, "layout": "*.tif"}, r"\(BAND\) exactly once"),
        ({"source": tmp_path, "bucket_dir": True, "sensing_time": "yyyy"}, "strptime format"),
        ({"source": ["a/B04.tif"], "upload_to": "s3://b/p"}, "needs a local folder"),
        ({"source": tmp_path, "upload_to": "https://b/p"}, "s3://bucket/prefix"),
        ({"source": tmp_path, "concurrency": 0}, "concurrency"),
        ({"source": ["a/B04.tif"], "check": True}, "reads the files"),
        ({"source": ["/abs/B04.tif"]}, "key in the bucket"),
        ({"source": 42}, "source must be"),
    ]
    for arguments, message in cases:
        with pytest.raises(ValidationError, match=message):
            workflows.sync(client, collection, **arguments)
    with pytest.raises(ValidationError, match="not a UUID"):
        workflows.sync(client, "my collection", tmp_path)
    with pytest.raises(ValidationError, match="poll_interval"):
        workflows.wait(client, collection, poll_interval=0)
    assert local_server.emulator.requests == []


def test_sync_into_another_bucket_is_refused(
    local_server: EmulatorServer, client: Any, tmp_path: Path
) -> None:
    collection = local_server.emulator.create_collection("other", "the-bucket")
    with pytest.raises(ValidationError, match="reads bucket 'the-bucket'"):
        workflows.sync(client, collection, tmp_path, upload_to="s3://another-bucket/x", s3_client=object())


def test_listed_tile_paths_and_rate_limits(tmp_path: Path) -> None:
    # A fifth of all requests answered 429 with Retry-After: every tile still gets made, once.
    throttling = Faults(seed=3, throttle_rate=0.2, retry_after_ms=20)
    with Emulator(data_dir=tmp_path, faults=throttling) as emulator, serve(emulator) as server:
        collection = emulator.create_collection("listed", "listed-bucket")
        paths = [f"t/{index:03d}/(BAND).tif" for index in range(40)]
        with client_for(server, retry=RetryPolicy(max_attempts=10)) as client:
            report = workflows.sync(client, collection, paths, wait=False, concurrency=8)
            assert len(report.created) == 40
            assert report.failed == {}
            throttled = [r for r in emulator.requests if r.status == 429]
            assert throttled, "the rate limit was not reached: the test proves nothing"
            tiles = [tile.path for tile in client.tiles.list(collection)]
        assert sorted(tiles) == paths


def test_cover_geometries_are_traced_from_local_files(local_server: EmulatorServer, client: Any) -> None:
    pytest.importorskip("rasterio")
    bucket = _bucket(local_server, "cover-bucket")
    write_scene(bucket / "2024" / "s00", index=0, nodata=0)
    collection = local_server.emulator.create_collection("cover", "cover-bucket")
    report = workflows.sync(client, collection, bucket, bucket_dir=True, cover=True, timeout=30)
    assert report.failed == {}
    tile = client.tiles.find(collection, "2024/s00/(BAND).tif")
    assert tile is not None
    assert tile.cover_geometry is not None


def test_check_leaves_out_broken_tiles_before_registering(local_server: EmulatorServer, client: Any) -> None:
    bucket = _bucket(local_server, "check-bucket")
    _scenes(bucket, 3, broken=1)
    collection = local_server.emulator.create_collection("check", "check-bucket")
    report = workflows.sync(client, collection, bucket, bucket_dir=True, check=True, timeout=30)
    assert report.created == ("2024/s00/(BAND).tif", "2024/s02/(BAND).tif")
    cause = report.failed["2024/s01/(BAND).tif"]
    assert cause.startswith("COG check: ")
    assert "not tiled" in cause
    assert "byoc cog convert" in cause
    assert client.tiles.find(collection, "2024/s01/(BAND).tif") is None
