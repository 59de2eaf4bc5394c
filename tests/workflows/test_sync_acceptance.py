"""The sync acceptance story: a folder of 50 real COGs, some broken, uploaded to S3 and registered.

S3 is moto's server; the service is the emulator over loopback, reading the same bucket.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sentinelhub_byoc import workflows
from sentinelhub_byoc.testing import Emulator, EmulatorServer, client_for, serve

from tests.s3_fixtures import new_bucket
from tests.workflows._workflow_helpers import BANDS, FAST, write_scene

GOOD = 22


def _folder(root: Path) -> Path:
    """50 COGs: 22 good two-band scenes (one with an extra band), a stripped, a JPEG and a B08-less one."""
    folder = root / "cogs"
    for index in range(GOOD):
        write_scene(folder / f"2024050{index % 9 + 1}" / f"scene-{index:02d}", index=index)
    write_scene(folder / "20240501" / "scene-00", index=0, bands=("B11",))
    write_scene(folder / "20240502" / "stripped", index=30, tiled=False)
    write_scene(folder / "20240503" / "jpeg", index=31, bands=("B08",))
    write_scene(folder / "20240503" / "jpeg", index=31, bands=("B04",), compression="jpeg", nodata=None)
    write_scene(folder / "20240504" / "no-b08", index=32, bands=("B04",))
    assert sum(1 for _ in folder.rglob("*.tif")) == 50
    return folder


@pytest.fixture
def s3_server(moto_endpoint: str) -> Iterator[EmulatorServer]:
    from sentinelhub_byoc.testing.ingestion import s3_buckets

    with Emulator(buckets=s3_buckets(moto_endpoint), delays=FAST) as emulator, serve(emulator) as server:
        yield server


def _bucket(s3_client: Any) -> str:
    return new_bucket(s3_client, "workflow")


def test_folder_of_fifty_cogs_upload_register_wait_rerun_and_touch(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any
) -> None:
    folder = _folder(tmp_path)
    bucket = _bucket(s3_client)
    collection = s3_server.emulator.create_collection("fifty", bucket, bands=BANDS)
    events: list[workflows.Progress] = []
    with client_for(s3_server) as client:

        def run() -> workflows.SyncReport:
            return workflows.sync(
                client,
                collection,
                folder,
                upload_to=f"s3://{bucket}/scenes/",
                sensing_time="%Y%m%d",
                s3_client=s3_client,
                timeout=60,
                on_progress=events.append,
            )

        first = run()
        assert len(first.uploaded) == 50
        assert len(first.created) == GOOD + 3
        assert set(first.failed) == {
            "scenes/20240502/stripped/(BAND).tif",
            "scenes/20240503/jpeg/(BAND).tif",
            "scenes/20240504/no-b08/(BAND).tif",
        }
        causes = first.failed
        assert "not tiled" in causes["scenes/20240502/stripped/(BAND).tif"]
        assert "JPEG" in causes["scenes/20240503/jpeg/(BAND).tif"]
        assert "missing" in causes["scenes/20240504/no-b08/(BAND).tif"]
        assert first.ingestion is not None
        assert len(first.ingestion.ingested) == GOOD
        assert {event.stage for event in events} >= {"plan", "upload", "register", "wait"}
        tile = client.tiles.find(collection, "scenes/20240507/scene-06/(BAND).tif")
        assert tile is not None
        assert tile.sensing_time is not None
        assert tile.sensing_time.isoformat().startswith("2024-05-07")

        again = run()
        assert (again.uploaded, again.created, again.reingested, again.deleted) == ((), (), (), ())
        assert len(again.skipped) == GOOD + 3
        assert set(again.failed_before) == set(causes)
        assert again.failed == {}

        later = time.time() + 2
        touched = [folder / "20240501" / "scene-00" / "B04.tif", folder / "20240505" / "scene-13" / "B08.tif"]
        for path in touched:
            os.utime(path, (later, later))
        third = run()
        assert sorted(third.uploaded) == [
            "scenes/20240501/scene-00/B04.tif",
            "scenes/20240505/scene-13/B08.tif",
        ]
        assert sorted(third.reingested) == [
            "scenes/20240501/scene-00/(BAND).tif",
            "scenes/20240505/scene-13/(BAND).tif",
        ]
        assert third.created == ()
        assert third.failed == {}
        assert third.ingestion is not None
        assert len(third.ingestion.ingested) == 2
        tiles = list(client.tiles.list(collection))
        assert len(tiles) == GOOD + 3
        assert len({t.path for t in tiles}) == len(tiles)


def test_sync_of_an_s3_prefix_reingests_what_was_put_again(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any
) -> None:
    bucket = _bucket(s3_client)
    local = tmp_path / "scenes"
    for index in range(3):
        write_scene(local / f"s{index}", index=index)
    for path in sorted(local.rglob("*.tif")):
        s3_client.upload_file(str(path), bucket, f"in/{path.relative_to(local).as_posix()}")
    s3_client.put_object(Bucket=bucket, Key="in/readme.txt", Body=b"not a band")
    collection = s3_server.emulator.create_collection("s3-source", bucket, bands=BANDS)
    with client_for(s3_server) as client:
        first = workflows.sync(client, collection, f"s3://{bucket}/in", s3_client=s3_client, timeout=60)
        assert first.created == ("in/s0/(BAND).tif", "in/s1/(BAND).tif", "in/s2/(BAND).tif")
        assert first.ok
        assert first.plan.unmatched == ("in/readme.txt",)
        # S3 keeps whole seconds: the new copy must be a second younger than the ingestion.
        time.sleep(1.1)
        s3_client.upload_file(str(local / "s1" / "B04.tif"), bucket, "in/s1/B04.tif")
        second = workflows.sync(client, collection, f"s3://{bucket}/in/", s3_client=s3_client, timeout=60)
        assert second.reingested == ("in/s1/(BAND).tif",)
        assert second.created == ()
        assert second.ok


def test_a_failed_upload_fails_its_tile_and_registers_nothing_of_it(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any
) -> None:
    class CorruptingOneFile:
        """An S3 client whose copy of one key is not what was sent (nothing real corrupts here)."""

        def __getattr__(self, name: str) -> Any:
            return getattr(s3_client, name)

        def head_object(self, **kwargs: Any) -> dict[str, Any]:
            head = dict(s3_client.head_object(**kwargs))
            if kwargs["Key"].endswith("s1/B08.tif"):
                head["ETag"] = '"0000"'
            return head

    local = tmp_path / "scenes"
    for index in range(3):
        write_scene(local / f"s{index}", index=index)
    bucket = _bucket(s3_client)
    collection = s3_server.emulator.create_collection("corrupt", bucket, bands=BANDS)
    with client_for(s3_server) as client:
        report = workflows.sync(
            client,
            collection,
            local,
            upload_to=f"s3://{bucket}/up",
            s3_client=CorruptingOneFile(),
            timeout=60,
        )
        assert report.created == ("up/s0/(BAND).tif", "up/s2/(BAND).tif")
        assert list(report.failed) == ["up/s1/(BAND).tif"]
        assert report.failed["up/s1/(BAND).tif"].startswith("upload failed: ")
        assert "transfer was corrupted" in report.failed["up/s1/(BAND).tif"]
        assert client.tiles.find(collection, "up/s1/(BAND).tif") is None
        # The bad copy was removed, so a run with a sound client uploads it again.
        again = workflows.sync(client, collection, local, upload_to=f"s3://{bucket}/up", s3_client=s3_client)
        assert again.uploaded == ("up/s1/B08.tif",)
        assert again.created == ("up/s1/(BAND).tif",)
        assert again.ok
