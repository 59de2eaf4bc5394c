"""Converting, checking and uploading on Dask: a LocalCluster of two worker processes.

The workers make their own S3 clients from the environment (AWS_ENDPOINT_URL: moto's server);
registration stays in the test's process, against the emulator over loopback.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sentinelhub_byoc import workflows
from sentinelhub_byoc.cog import check_cog
from sentinelhub_byoc.testing import Emulator, EmulatorServer, client_for, serve
from sentinelhub_byoc.workflows._executors import is_dask_client, run_many

from tests.s3_fixtures import new_bucket
from tests.workflows._rasters import write_good_cog, write_jpeg_tiff, write_raster
from tests.workflows._workflow_helpers import BANDS, FAST

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def dask_client(moto_endpoint: str) -> Iterator[Any]:
    """A two-process LocalCluster whose workers see moto's server as their S3 endpoint."""
    with pytest.MonkeyPatch.context() as patch:
        # Set before the workers start: they inherit this environment and build S3 clients from it.
        for name, value in {
            "AWS_ENDPOINT_URL": moto_endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "eu-central-1",
        }.items():
            patch.setenv(name, value)
        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield client


@pytest.fixture
def s3_server(moto_endpoint: str) -> Iterator[EmulatorServer]:
    from sentinelhub_byoc.testing.ingestion import s3_buckets

    with Emulator(buckets=s3_buckets(moto_endpoint), delays=FAST) as emulator, serve(emulator) as server:
        yield server


def _worker_tasks(stream: Any, name: str) -> set[str]:
    """The addresses of the workers that ran tasks of the function *name*."""
    return {task["worker"] for task in stream.data if task["key"].startswith(name)}


def test_convert_files_runs_on_the_workers(tmp_path: Path, dask_client: Any, s3_client: Any) -> None:
    folder = tmp_path / "scans"
    for index in range(3):
        write_raster(folder / f"stripped-{index}.tif", index=index)
        write_jpeg_tiff(folder / "jpeg" / f"scene-{index}.tif", index=index)
    bucket = new_bucket(s3_client, "dask")
    events: list[workflows.Progress] = []

    with distributed.get_task_stream(dask_client) as stream:
        report = workflows.convert_files(
            folder,
            f"s3://{bucket}/cogs",
            executor=dask_client,
            s3_client=s3_client,
            on_progress=events.append,
        )

    assert report.ok, str(report)
    assert len(report.converted) == 6
    keys = sorted(output for conversion in report.converted for output in conversion.outputs)
    assert keys == sorted(
        [f"s3://{bucket}/cogs/stripped-{i}.tif" for i in range(3)]
        + [f"s3://{bucket}/cogs/jpeg/scene-{i}.tif" for i in range(3)]
    )
    assert all(check_cog(key, s3_client=s3_client).ok for key in keys)
    workers = _worker_tasks(stream, "run_job")
    assert workers
    assert workers <= set(dask_client.scheduler_info()["workers"])
    assert os.getpid() not in set(dask_client.run(os.getpid).values())
    assert events[-1].done == events[-1].total == 6

    again = workflows.convert_files(folder, f"s3://{bucket}/cogs", executor=dask_client, s3_client=s3_client)
    assert len(again.up_to_date) == 6


def test_sync_converts_and_uploads_on_the_workers_and_registers_here(
    tmp_path: Path, dask_client: Any, s3_server: EmulatorServer, s3_client: Any
) -> None:
    folder = tmp_path / "scenes"
    for index in range(3):
        write_raster(folder / f"s{index}" / "B04.tif", index=index)
        write_good_cog(folder / f"s{index}" / "B08.tif", index=index)
    bucket = new_bucket(s3_client, "dask-sync")
    collection = s3_server.emulator.create_collection("dask", bucket, bands=BANDS)
    with client_for(s3_server) as client, distributed.get_task_stream(dask_client) as stream:
        report = workflows.sync(
            client,
            collection,
            folder,
            upload_to=f"s3://{bucket}/up",
            convert=True,
            staging=tmp_path / "staging",
            executor=dask_client,
            s3_client=s3_client,
            timeout=60,
        )
    assert report.ok, str(report)
    assert report.created == ("up/s0/(BAND).tif", "up/s1/(BAND).tif", "up/s2/(BAND).tif")
    assert len(report.uploaded) == 6
    assert _worker_tasks(stream, "stage_file")
    assert _worker_tasks(stream, "upload_job")
    assert sorted(p.name for p in (tmp_path / "staging").rglob("*.tif")) == ["B04.tif"] * 3


def test_one_failing_call_takes_its_place_and_the_others_go_on(dask_client: Any) -> None:
    seen: list[tuple[float, object]] = []
    results = run_many(
        math.sqrt,
        [1.0, -1.0, 16.0],
        concurrency=1,
        executor=dask_client,
        on_result=lambda i, r: seen.append((i, r)),
    )
    assert results[0] == 1.0
    assert isinstance(results[1], ValueError)
    assert results[2] == 4.0
    assert sorted(item for item, _ in seen) == [-1.0, 1.0, 16.0]
    assert is_dask_client(dask_client)
    assert not is_dask_client(object())


def test_a_client_that_is_not_the_default_one_runs_the_work() -> None:
    # In a process of its own: this module's client would otherwise be the default one.
    script = """
import math, distributed
from sentinelhub_byoc.workflows._executors import run_many
with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
    with distributed.Client(cluster, set_as_default=False) as client:
        print(run_many(math.sqrt, [4.0, 9.0], concurrency=1, executor=client))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[2.0, 3.0]"
