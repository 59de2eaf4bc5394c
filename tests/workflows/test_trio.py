"""The async workflows on trio: they use anyio throughout, so they run on either event loop.

Skipped where trio is not installed (the ``tests`` session of noxfile.py installs it).
"""

from __future__ import annotations

import threading
from pathlib import Path

import anyio
import pytest
from sentinelhub_byoc import workflows
from sentinelhub_byoc.testing import EmulatorServer, async_client_for
from sentinelhub_byoc.workflows import _tasks

from tests.workflows._rasters import write_raster
from tests.workflows._workflow_helpers import BANDS, write_scene

pytest.importorskip("trio")


def on_trio(function: object) -> object:
    """Run *function* (an async function of no arguments) on trio, to its end."""
    return anyio.run(function, backend="trio")  # type: ignore[arg-type]


def test_run_bounded_and_the_worker_threads_run_on_trio() -> None:
    async def run() -> tuple[list[int], int]:
        async def square(item: int) -> int:
            await _tasks.sleep(0)
            return item * item

        squares = await _tasks.run_bounded(range(6), square, concurrency=2)
        other = await _tasks.in_thread(threading.get_ident)
        return squares, other

    squares, other = on_trio(run)  # type: ignore[misc]
    assert squares == [0, 1, 4, 9, 16, 25]
    assert other != threading.get_ident()


def test_sync_wait_and_reingest_run_on_trio(local_server: EmulatorServer) -> None:
    bucket = local_server.emulator.bucket_dir("trio-bucket")
    for index in range(3):
        write_scene(bucket / "2024" / f"s{index:02d}", index=index, tiled=index != 0)
    collection = local_server.emulator.create_collection("trio", "trio-bucket", bands=BANDS)

    async def run() -> None:
        async with async_client_for(local_server) as client:
            report = await workflows.async_sync(
                client, collection, bucket, bucket_dir=True, concurrency=2, timeout=30
            )
            assert len(report.created) == 3
            assert list(report.failed) == ["2024/s00/(BAND).tif"]
            result = await workflows.async_wait(client, collection, poll_interval=0.05)
            assert len(result.ingested) == 2
            again = await workflows.async_reingest(client, collection, timeout=30)
            assert again.reingested == ("2024/s00/(BAND).tif",)

    on_trio(run)


def test_convert_files_reports_progress_on_the_trio_loop(tmp_path: Path) -> None:
    for index in range(2):
        write_raster(tmp_path / "in" / f"scene{index}.tif", index=index)
    loop_thread = threading.get_ident()
    threads: set[int] = set()

    def seen(event: workflows.Progress) -> None:
        threads.add(threading.get_ident())

    async def run() -> workflows.ConvertReport:
        return await workflows.async_convert_files(tmp_path / "in", tmp_path / "out", on_progress=seen)

    report = on_trio(run)
    assert isinstance(report, workflows.ConvertReport)
    assert len(report.converted) == 2, str(report)
    assert threads == {loop_thread}
