"""Sync with Google Cloud Storage: a folder uploaded to gs://, a gs:// prefix, the CLI; checks and conversion.

Cloud Storage is gcp-storage-emulator on loopback; the service is the emulator standing for the
GCP deployment (location ``gcp-us-central1``), over loopback, reading the same buckets.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from sentinelhub_byoc import workflows
from sentinelhub_byoc.cli._app import byoc
from sentinelhub_byoc.cog import check_cog, check_prefix
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.storage._gcs import list_gcs
from sentinelhub_byoc.storage._urls import BucketLocation
from sentinelhub_byoc.testing import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    Emulator,
    EmulatorServer,
    client_for,
    serve,
)
from sentinelhub_byoc.testing._clients import emulator_deployment

from tests.gcs_fixtures import gcs_client, gcs_endpoint, gcs_environment, new_gcs_bucket
from tests.workflows._workflow_helpers import BANDS, FAST, write_scene

__all__ = ["gcs_client", "gcs_endpoint", "gcs_environment"]


@pytest.fixture
def gcp_server(gcs_client: Any) -> Iterator[EmulatorServer]:
    """The service's GCP deployment, its buckets in the Cloud Storage emulator."""
    from sentinelhub_byoc.testing.ingestion import gcs_buckets

    with (
        Emulator(buckets=gcs_buckets(gcs_client), delays=FAST, location="gcp-us-central1") as emulator,
        serve(emulator) as server,
    ):
        yield server


def _gcp_client(server: EmulatorServer) -> Any:
    """A client of the GCP deployment, at the emulator's address."""
    deployment = attrs.evolve(emulator_deployment(server), name="gcp", location="gcp-us-central1")
    return client_for(server, deployment=deployment)


def _folder(root: Path) -> Path:
    folder = root / "cogs"
    for index in range(3):
        write_scene(folder / "20240501" / f"scene-{index}", index=index)
    return folder


def _put_folder(gcs_client: Any, bucket: str, folder: Path, prefix: str) -> Any:
    """Put the .tif files of *folder* into *bucket* under *prefix*, as someone's upload would; the bucket."""
    place = gcs_client.bucket(bucket)
    for path in sorted(folder.rglob("*.tif")):
        place.blob(prefix + path.relative_to(folder).as_posix()).upload_from_filename(str(path))
    return place


def _statuses(client: Any, collection: str) -> set[str]:
    return {str(tile.status.value) for tile in client.tiles.list(collection)}


def test_a_folder_uploaded_to_gcs_is_registered_and_ingested_and_a_rerun_does_nothing(
    tmp_path: Path, gcp_server: EmulatorServer, gcs_client: Any
) -> None:
    folder = _folder(tmp_path)
    bucket = new_gcs_bucket(gcs_client, "sync")
    collection = gcp_server.emulator.create_collection("gcs", bucket, bands=BANDS)
    upload_to = f"gs://{bucket}/scenes"
    with _gcp_client(gcp_server) as client:

        def run() -> workflows.SyncReport:
            return workflows.sync(
                client, collection, folder, upload_to=upload_to, gcs_client=gcs_client, timeout=60
            )

        first = run()
        assert first.ok, first.failed
        assert len(first.uploaded) == 6
        assert len(first.created) == 3
        assert first.ingestion is not None
        assert not first.ingestion.failed
        assert _statuses(client, collection) == {"INGESTED"}
        stored = list_gcs(gcs_client, BucketLocation(bucket, "scenes/", "gs"))
        assert sorted(stored) == sorted(first.uploaded)

        second = run()
        assert second.ok
        assert (second.uploaded, second.created, second.reingested) == ((), (), ())
        assert len(second.skipped) == 3

        # A changed file (a rewritten scene, newer than its copy) is uploaded, its tile reingested.
        changed = folder / "20240501" / "scene-1"
        write_scene(changed, index=7)
        later = time.time() + 2
        for band in ("B04", "B08"):
            os.utime(changed / f"{band}.tif", (later, later))
        third = run()
        assert third.ok, third.failed
        assert sorted(third.uploaded) == [
            "scenes/20240501/scene-1/B04.tif",
            "scenes/20240501/scene-1/B08.tif",
        ]
        assert third.reingested == ("scenes/20240501/scene-1/(BAND).tif",)
        assert third.created == ()
        assert len(third.skipped) == 2
        assert _statuses(client, collection) == {"INGESTED"}


def test_a_gcs_prefix_is_synced_and_its_hostile_keys_refused(
    tmp_path: Path, gcp_server: EmulatorServer, gcs_client: Any
) -> None:
    folder = _folder(tmp_path)
    bucket = new_gcs_bucket(gcs_client, "prefix")
    place = _put_folder(gcs_client, bucket, folder, "src/")
    # Object names a URL would read as other keys: refused by name, their tile never registered.
    place.blob("src/20240502/odd/./B04.tif").upload_from_string(b"x")
    collection = gcp_server.emulator.create_collection("prefix", bucket, bands=BANDS)
    with _gcp_client(gcp_server) as client:
        first = workflows.sync(client, collection, f"gs://{bucket}/src/", gcs_client=gcs_client, timeout=60)
        assert len(first.created) == 3
        assert first.uploaded == ()
        assert "src/20240502/odd/./B04.tif" in first.plan.refused
        assert _statuses(client, collection) == {"INGESTED"}
        again = workflows.plan_sync(client, collection, f"gs://{bucket}/src", gcs_client=gcs_client)
        assert {tile.action for tile in again.tiles} == {"skip"}
        assert len(again.tiles) == 3


def test_the_cli_syncs_a_gcs_prefix_twice(
    tmp_path: Path, gcp_server: EmulatorServer, gcs_client: Any, gcs_environment: str
) -> None:
    folder = _folder(tmp_path)
    bucket = new_gcs_bucket(gcs_client, "cli")
    _put_folder(gcs_client, bucket, folder, "scenes/")
    collection = str(gcp_server.emulator.create_collection("cli", bucket, bands=BANDS))
    environment = {
        "SH_CLIENT_ID": DEMO_CLIENT_ID,
        "SH_CLIENT_SECRET": DEMO_CLIENT_SECRET,
        "STORAGE_EMULATOR_HOST": gcs_environment,
        "GOOGLE_CLOUD_PROJECT": "test",
    }
    command = ["--base-url", gcp_server.base_url, "-o", "json", "tiles", "sync", collection]
    command += [f"gs://{bucket}/scenes/", "--timeout", "60"]
    first = CliRunner().invoke(byoc, command, env=environment, prog_name="byoc")
    assert first.exit_code == 0, first.stderr
    assert len(json.loads(first.stdout)["created"]) == 3
    second = CliRunner().invoke(byoc, command, env=environment, prog_name="byoc")
    assert second.exit_code == 0, second.stderr
    report = json.loads(second.stdout)
    assert report["created"] == []
    assert report["reingested"] == []
    assert len(report["skipped"]) == 3
    converting = CliRunner().invoke(
        byoc, [*command, "--convert", "--staging", "s3://elsewhere/x"], env=environment, prog_name="byoc"
    )
    assert converting.exit_code == 2
    assert "--staging gs://bucket/prefix" in converting.stderr


def test_checks_read_gcs_objects_in_ranges(tmp_path: Path, gcs_client: Any) -> None:
    bucket = new_gcs_bucket(gcs_client, "check")
    write_scene(tmp_path / "good", index=0)
    write_scene(tmp_path / "stripped", index=1, tiled=False)
    _put_folder(gcs_client, bucket, tmp_path, "p/")
    assert check_cog(f"gs://{bucket}/p/good/B04.tif", gcs_client=gcs_client).ok
    assert not check_cog(f"gs://{bucket}/p/stripped/B04.tif", gcs_client=gcs_client).ok
    tiles = check_prefix(f"gs://{bucket}/p/", gcs_client=gcs_client)
    assert [(tile.path, tile.ok) for tile in tiles] == [
        (f"gs://{bucket}/p/good/(BAND).tif", True),
        (f"gs://{bucket}/p/stripped/(BAND).tif", False),
    ]


def test_convert_files_from_gcs_to_gcs(tmp_path: Path, gcs_client: Any) -> None:
    bucket = new_gcs_bucket(gcs_client, "convert")
    write_scene(tmp_path / "raw" / "a", index=0, tiled=False)
    place = _put_folder(gcs_client, bucket, tmp_path / "raw", "raw/")
    # A key the output name would follow elsewhere (here a "." segment, which the emulator keeps).
    place.blob("raw/b/./B04.tif").upload_from_filename(str(tmp_path / "raw" / "a" / "B04.tif"))
    report = workflows.convert_files(f"gs://{bucket}/raw/", f"gs://{bucket}/cogs", gcs_client=gcs_client)
    assert list(report.failed) == [f"gs://{bucket}/raw/b/./B04.tif"]
    assert "segment" in report.failed[f"gs://{bucket}/raw/b/./B04.tif"]
    outputs = sorted(output for conversion in report.converted for output in conversion.outputs)
    assert outputs == [f"gs://{bucket}/cogs/a/B04.tif", f"gs://{bucket}/cogs/a/B08.tif"]
    assert all(check_cog(output, gcs_client=gcs_client).ok for output in outputs)
    again = workflows.convert_files(f"gs://{bucket}/raw", f"gs://{bucket}/cogs/", gcs_client=gcs_client)
    assert len(again.up_to_date) == 2
    assert not again.converted


def test_a_gcs_source_converts_into_gcs_staging_once(
    tmp_path: Path, gcp_server: EmulatorServer, gcs_client: Any
) -> None:
    bucket = new_gcs_bucket(gcs_client, "staging")
    write_scene(tmp_path / "src" / "good", index=0)
    write_scene(tmp_path / "src" / "stripped", index=1, tiled=False)
    _put_folder(gcs_client, bucket, tmp_path / "src", "src/")
    collection = gcp_server.emulator.create_collection("staging", bucket, bands=BANDS)
    with _gcp_client(gcp_server) as client:

        def run() -> workflows.SyncReport:
            return workflows.sync(
                client,
                collection,
                f"gs://{bucket}/src/",
                convert=True,
                staging=f"gs://{bucket}/staged",
                gcs_client=gcs_client,
                timeout=60,
            )

        first = run()
        assert first.ok, first.failed
        assert first.created == ("src/good/(BAND).tif", "staged/stripped/(BAND).tif")
        assert sorted(first.uploaded) == ["staged/stripped/B04.tif", "staged/stripped/B08.tif"]
        assert _statuses(client, collection) == {"INGESTED"}
        assert check_cog(f"gs://{bucket}/staged/stripped/B04.tif", gcs_client=gcs_client).ok
        again = run()
        assert (again.uploaded, again.created, again.reingested) == ((), (), ())
        with pytest.raises(ValidationError, match="needs staging='gs://"):
            workflows.sync(
                client, collection, f"gs://{bucket}/src/", convert=True, staging=f"s3://{bucket}/x"
            )
