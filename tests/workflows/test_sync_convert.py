"""sync(convert=True): files that break the rules are converted, uploaded and registered.

From a local folder, the converted copy is uploaded under the original's key; from an S3 prefix,
a tile with a file to convert is staged (converted or copied) under a staging prefix and
registered there. S3 is moto's server; the service is the emulator over loopback, reading the
same bucket.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sentinelhub_byoc import workflows
from sentinelhub_byoc.cog import check_cog
from sentinelhub_byoc.cog._convert_options import ConvertOptions
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.testing import Emulator, EmulatorServer, client_for, serve

from tests.s3_fixtures import new_bucket
from tests.workflows._rasters import write_good_cog, write_raster
from tests.workflows._workflow_helpers import BANDS, FAST


@pytest.fixture
def s3_server(moto_endpoint: str) -> Iterator[EmulatorServer]:
    from sentinelhub_byoc.testing.ingestion import s3_buckets

    with Emulator(buckets=s3_buckets(moto_endpoint), delays=FAST) as emulator, serve(emulator) as server:
        yield server


def scenes(root: Path) -> Path:
    """Four two-band scenes: good COGs, strips, 128-pixel tiles, and a band without a CRS."""
    folder = root / "scenes"
    write_good_cog(folder / "good" / "B04.tif", index=0)
    write_good_cog(folder / "good" / "B08.tif", index=0)
    write_raster(folder / "stripped" / "B04.tif", index=1)
    write_raster(folder / "stripped" / "B08.tif", index=1, compress="DEFLATE")
    write_good_cog(folder / "small-tiles" / "B04.tif", index=2)
    write_raster(folder / "small-tiles" / "B08.tif", index=2, tiled=True, blockxsize=128, blockysize=128)
    write_raster(folder / "no-crs" / "B04.tif", index=3, crs=None)
    write_good_cog(folder / "no-crs" / "B08.tif", index=3)
    return folder


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def _times(staging: Path) -> dict[str, int]:
    return {p.relative_to(staging).as_posix(): p.stat().st_mtime_ns for p in staging.rglob("*.tif")}


def test_broken_files_are_converted_uploaded_under_their_key_and_registered_once(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any
) -> None:
    folder = scenes(tmp_path)
    staging = tmp_path / "staging"
    bucket = new_bucket(s3_client, "convert-sync")
    collection = s3_server.emulator.create_collection("converted", bucket, bands=BANDS)
    events: list[workflows.Progress] = []
    with client_for(s3_server) as client:

        def run() -> workflows.SyncReport:
            return workflows.sync(
                client,
                collection,
                folder,
                upload_to=f"s3://{bucket}/up",
                convert=True,
                staging=staging,
                s3_client=s3_client,
                timeout=60,
                on_progress=events.append,
            )

        first = run()
        assert first.created == ("up/good/(BAND).tif", "up/small-tiles/(BAND).tif", "up/stripped/(BAND).tif")
        assert list(first.failed) == ["up/no-crs/(BAND).tif"]
        assert "CRS" in first.failed["up/no-crs/(BAND).tif"]
        assert "up/no-crs/B04.tif" not in first.uploaded
        assert len(first.uploaded) == 7
        assert first.ingestion is not None
        assert len(first.ingestion.ingested) == 3
        assert _times(staging).keys() == {"stripped/B04.tif", "stripped/B08.tif", "small-tiles/B08.tif"}
        # What is in the bucket under the original key is the converted copy, and it passes.
        head = s3_client.head_object(Bucket=bucket, Key="up/stripped/B04.tif")
        assert head["ETag"].strip('"') == _md5(staging / "stripped" / "B04.tif")
        assert check_cog(f"s3://{bucket}/up/stripped/B04.tif", s3_client=s3_client).ok
        converting = [event for event in events if event.stage == "convert"]
        assert converting[-1].done == converting[-1].total == 8
        assert [event.item for event in converting if event.message] == ["up/no-crs/B04.tif"]

        before = _times(staging)
        again = run()
        assert (again.uploaded, again.created, again.reingested) == ((), (), ())
        assert list(again.failed) == ["up/no-crs/(BAND).tif"]
        assert _times(staging) == before

        later = time.time() + 5
        os.utime(folder / "stripped" / "B08.tif", (later, later))
        third = run()
        assert third.uploaded == ("up/stripped/B08.tif",)
        assert third.reingested == ("up/stripped/(BAND).tif",)
        assert third.created == ()
        assert _times(staging)["stripped/B08.tif"] != before["stripped/B08.tif"]
        assert _times(staging)["stripped/B04.tif"] == before["stripped/B04.tif"]
        assert third.ingestion is not None
        assert len(third.ingestion.ingested) == 1


def test_the_default_staging_folder_is_in_the_user_cache(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "one"
    write_raster(folder / "s" / "B04.tif")
    write_good_cog(folder / "s" / "B08.tif")
    bucket = new_bucket(s3_client, "convert-default")
    collection = s3_server.emulator.create_collection("default", bucket, bands=BANDS)
    # A umask that lets the group write: the package's cache folder must still be private, or
    # the token cache beside it would refuse it.
    umask = os.umask(0o002)
    try:
        with client_for(s3_server) as client:
            report = workflows.sync(
                client,
                collection,
                folder,
                upload_to=f"s3://{bucket}/",
                convert=True,
                s3_client=s3_client,
                timeout=60,
            )
    finally:
        os.umask(umask)
    assert report.ok, str(report)
    app = tmp_path / "cache" / "sentinelhub-byoc"
    (staged,) = (app / "staging").glob("*/s/B04.tif")
    assert check_cog(staged).ok
    assert stat.S_IMODE(app.stat().st_mode) == 0o700
    assert stat.S_IMODE((app / "staging").stat().st_mode) == 0o700


def test_sync_refuses_conversions_it_cannot_carry_out(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any
) -> None:
    folder = scenes(tmp_path)
    bucket = new_bucket(s3_client, "convert-refused")
    collection = s3_server.emulator.create_collection("refused", bucket, bands=BANDS)
    upload = f"s3://{bucket}/up"
    bad: list[tuple[Any, dict[str, Any], str]] = [
        (folder, {}, "is a local folder, and the service reads only the collection's bucket"),
        (f"s3://{bucket}/up", {}, "needs staging='s3://"),
        (folder, {"upload_to": upload, "staging": folder / "staging"}, "must not hold one another"),
        (folder, {"upload_to": upload, "staging": "s3://elsewhere/x"}, "local folder"),
        (folder, {"upload_to": upload, "convert_options": ConvertOptions(split_bands=True)}, "split_bands"),
        (folder, {"upload_to": upload, "executor": "threads"}, "executor"),
    ]
    with client_for(s3_server) as client:
        for source, arguments, words in bad:
            with pytest.raises(ValidationError, match=words):
                workflows.sync(client, collection, source, convert=True, s3_client=s3_client, **arguments)
        with pytest.raises(ValidationError, match="only with convert=True"):
            workflows.sync(client, collection, folder, upload_to=upload, staging=tmp_path / "s")
        assert list(client.tiles.list(collection)) == []


# --- from an S3 prefix, into a staging prefix -----------------------------------------------------

S3_SCENES = {
    "good": ("good", "good"),
    "stripped": ("strips", "strips"),
    "small-tiles": ("good", "small-tiles"),
    "no-crs": ("no-crs", "good"),
    "wrong-crs": ("wrong-crs", "good"),
}


def _write(kind: str, path: Path, index: int) -> Path:
    if kind == "good":
        return write_good_cog(path, index=index)
    if kind == "strips":
        return write_raster(path, index=index)
    if kind == "small-tiles":
        return write_raster(path, index=index, tiled=True, blockxsize=128, blockysize=128)
    if kind == "no-crs":
        return write_raster(path, index=index, crs=None)
    # ETRS89 / UTM 33N: a CRS the service does not take, converted only with reproject.
    return write_raster(path, index=index, crs="EPSG:25833", tiled=True, blockxsize=256, blockysize=256)


def _put_scenes(s3_client: Any, bucket: str, root: Path) -> None:
    """Five two-band scenes under ``src/``: two pass, two can be converted, two cannot."""
    for index, (scene, kinds) in enumerate(S3_SCENES.items()):
        for band, kind in zip(("B04", "B08"), kinds, strict=True):
            path = _write(kind, root / scene / f"{band}.tif", index)
            s3_client.upload_file(str(path), bucket, f"src/{scene}/{band}.tif")


class _Writes:
    """Counts the writes an S3 client sends, by operation, with botocore's event hooks."""

    def __init__(self, client: Any) -> None:
        self.calls: list[str] = []
        for operation in ("PutObject", "CopyObject", "CreateMultipartUpload", "DeleteObject"):
            client.meta.events.register(f"before-call.s3.{operation}", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.calls.append(model.name)

    def take(self) -> list[str]:
        calls, self.calls = sorted(self.calls), []
        return calls


def _staged(s3_client: Any, bucket: str) -> dict[str, dict[str, Any]]:
    listed = s3_client.list_objects_v2(Bucket=bucket, Prefix="staged/").get("Contents", [])
    return {item["Key"]: s3_client.head_object(Bucket=bucket, Key=item["Key"]) for item in listed}


def test_a_sync_from_s3_stages_the_tiles_to_convert_and_registers_them_there(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any
) -> None:
    bucket = new_bucket(s3_client, "stage-s3")
    _put_scenes(s3_client, bucket, tmp_path / "scenes")
    collection = s3_server.emulator.create_collection("staged", bucket, bands=BANDS)
    writes = _Writes(s3_client)
    events: list[workflows.Progress] = []
    with client_for(s3_server) as client:

        def run() -> workflows.SyncReport:
            return workflows.sync(
                client,
                collection,
                f"s3://{bucket}/src/",
                convert=True,
                staging=f"s3://{bucket}/staged",
                s3_client=s3_client,
                timeout=60,
                on_progress=events.append,
            )

        first = run()
        assert first.created == (
            "src/good/(BAND).tif",
            "staged/small-tiles/(BAND).tif",
            "staged/stripped/(BAND).tif",
        )
        assert sorted(first.failed) == ["staged/no-crs/(BAND).tif", "staged/wrong-crs/(BAND).tif"]
        assert "CRS" in first.failed["staged/no-crs/(BAND).tif"]
        assert "src/no-crs/B04.tif" in first.failed["staged/no-crs/(BAND).tif"]
        assert "conversion of s3://" in first.failed["staged/wrong-crs/(BAND).tif"]
        assert first.ingestion is not None
        assert sorted(tile.path for tile in first.ingestion.ingested) == list(first.created)
        tiles = {tile.path: tile.status.value for tile in client.tiles.list(collection) if tile.status}
        assert tiles == dict.fromkeys(first.created, "INGESTED")
        staged = _staged(s3_client, bucket)
        assert sorted(staged) == [
            "staged/small-tiles/B04.tif",
            "staged/small-tiles/B08.tif",
            "staged/stripped/B04.tif",
            "staged/stripped/B08.tif",
        ]
        assert sorted(first.uploaded) == sorted(staged)
        # The passing file of a staged tile is copied as it is; the others are converted COGs.
        source = s3_client.head_object(Bucket=bucket, Key="src/small-tiles/B04.tif")
        assert staged["staged/small-tiles/B04.tif"]["ETag"] == source["ETag"]
        assert staged["staged/small-tiles/B04.tif"]["Metadata"]["byoc-settings"] == "copy"
        for key in ("staged/stripped/B04.tif", "staged/small-tiles/B08.tif"):
            assert check_cog(f"s3://{bucket}/{key}", s3_client=s3_client).ok
        assert writes.take() == ["CopyObject", "PutObject", "PutObject", "PutObject"]
        checks = [event for event in events if event.stage == "check"]
        assert checks[-1].done == checks[-1].total == 10
        assert sorted(event.item for event in checks if event.message) == [
            f"s3://{bucket}/src/no-crs/B04.tif"
        ]
        converted = [event for event in events if event.stage == "convert"]
        assert converted[-1].done == converted[-1].total == 4
        assert [event.item for event in converted if event.message] == ["staged/wrong-crs/B04.tif"]
        # The wrong-crs tile failed: its passing file is not copied.
        assert [event.item for event in events if event.stage == "upload"] == ["staged/small-tiles/B04.tif"]

        again = run()
        assert (again.uploaded, again.created, again.reingested) == ((), (), ())
        assert sorted(again.failed) == sorted(first.failed)
        assert writes.take() == []
        assert {key: head["LastModified"] for key, head in _staged(s3_client, bucket).items()} == {
            key: head["LastModified"] for key, head in staged.items()
        }

        # A source object put again with other bytes (same pixels, another compression).
        replaced = write_raster(tmp_path / "replaced" / "B08.tif", index=1, compress="LZW")
        s3_client.upload_file(str(replaced), bucket, "src/stripped/B08.tif")
        writes.take()
        third = run()
        assert third.uploaded == ("staged/stripped/B08.tif",)
        assert third.reingested == ("staged/stripped/(BAND).tif",)
        assert third.created == ()
        assert writes.take() == ["PutObject"]
        assert third.ingestion is not None
        assert [tile.path for tile in third.ingestion.ingested] == ["staged/stripped/(BAND).tif"]


def test_a_dry_run_from_s3_checks_but_writes_nothing(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any
) -> None:
    bucket = new_bucket(s3_client, "stage-dry")
    write_raster(tmp_path / "B04.tif")
    write_good_cog(tmp_path / "B08.tif")
    for band in ("B04", "B08"):
        s3_client.upload_file(str(tmp_path / f"{band}.tif"), bucket, f"src/s/{band}.tif")
    collection = s3_server.emulator.create_collection("dry", bucket, bands=BANDS)
    writes = _Writes(s3_client)
    with client_for(s3_server) as client:
        report = workflows.sync(
            client,
            collection,
            f"s3://{bucket}/src",
            convert=True,
            staging=f"s3://{bucket}/staged/",
            s3_client=s3_client,
            dry_run=True,
        )
        assert [(tile.action, tile.path) for tile in report.plan.tiles] == [("create", "staged/s/(BAND).tif")]
        assert report.plan.uploads == ("staged/s/B04.tif", "staged/s/B08.tif")
        assert list(client.tiles.list(collection)) == []
    assert writes.take() == []
    assert _staged(s3_client, bucket) == {}


def test_a_sync_from_s3_refuses_a_staging_it_cannot_use_before_any_request(
    s3_server: EmulatorServer, s3_client: Any
) -> None:
    calls: list[str] = []
    s3_client.meta.events.register("before-call.s3", lambda model, **_: calls.append(model.name))
    bad: list[tuple[str, Any, str]] = [
        ("s3://bkt/src/", None, "needs staging='s3://bkt/<prefix>'"),
        ("s3://bkt/src/", "/tmp/staging", "needs staging='s3://bkt/<prefix>'"),
        ("s3://bkt/src/", "s3://other/staged/", "give a prefix in 'bkt'"),
        ("s3://bkt/src/", "s3://bkt/src/staged/", "must not hold one another"),
        ("s3://bkt/src/", "s3://bkt/", "must not hold one another"),
        ("s3://bkt/", "s3://bkt/staged/", "must not hold one another"),
    ]
    collection = s3_server.emulator.create_collection("refused", "bkt", bands=BANDS)
    with client_for(s3_server) as client:
        for source, staging, words in bad:
            with pytest.raises(ValidationError, match=words):
                workflows.sync(client, collection, source, convert=True, staging=staging, s3_client=s3_client)
        assert list(client.tiles.list(collection)) == []
    assert calls == []
