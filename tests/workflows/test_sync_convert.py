"""sync(convert=True): files that break the rules are converted, uploaded under their key, registered.

S3 is moto's server; the service is the emulator over loopback, reading the same bucket.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _rasters import write_good_cog, write_raster
from _workflow_helpers import BANDS, FAST
from sentinelhub_byoc import workflows
from sentinelhub_byoc.cog import check_cog
from sentinelhub_byoc.cog._convert_options import ConvertOptions
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.testing import Emulator, EmulatorServer, client_for, serve

from tests.s3_fixtures import new_bucket


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
    assert report.ok, str(report)
    (staged,) = (tmp_path / "cache" / "sentinelhub-byoc" / "staging").glob("*/s/B04.tif")
    assert check_cog(staged).ok


def test_sync_refuses_conversions_it_cannot_carry_out(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any
) -> None:
    folder = scenes(tmp_path)
    bucket = new_bucket(s3_client, "convert-refused")
    collection = s3_server.emulator.create_collection("refused", bucket, bands=BANDS)
    upload = f"s3://{bucket}/up"
    bad: list[tuple[Any, dict[str, Any], str]] = [
        (folder, {}, "needs a local folder as source and upload_to"),
        (f"s3://{bucket}/up", {}, "needs a local folder"),
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
