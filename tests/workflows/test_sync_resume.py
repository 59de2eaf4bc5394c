"""A sync killed halfway (SIGKILL) and run again completes: every tile once, no duplicates."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sentinelhub_byoc.testing import Emulator, IngestionDelays, client_for, serve

TILES = 2_000

_SCRIPT = """
import asyncio, sys
from sentinelhub_byoc import AsyncBYOCClient, workflows
from sentinelhub_byoc.deployments import Deployment
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

base_url, collection, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
paths = [f"tiles/{index:05d}/(BAND).tif" for index in range(count)]

async def main():
    deployment = Deployment.custom(base_url, name="emulator")
    async with AsyncBYOCClient(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, deployment=deployment) as client:
        report = await workflows.async_sync(client, collection, paths, wait=False, concurrency=16)
    print(len(report.created), len(report.skipped), len(report.failed))

asyncio.run(main())
"""


def _created(emulator: Emulator) -> int:
    return sum(1 for record in emulator.requests if record.method == "POST" and record.status == 201)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_sync_rerun_completes_without_duplicates(tmp_path: Path) -> None:
    script = tmp_path / "run_sync.py"
    script.write_text(_SCRIPT)
    # Ingestion is not what this test is about: tiles stay WAITING.
    delays = IngestionDelays(waiting=3600)
    with Emulator(delays=delays) as emulator, serve(emulator) as server:
        collection = emulator.create_collection("resume", "resume-bucket")
        command = [sys.executable, str(script), server.base_url, collection, str(TILES)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        deadline = time.monotonic() + 120
        while _created(emulator) < TILES // 2:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the sync made too little progress"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
        made_before = _created(emulator)
        assert TILES // 2 <= made_before < TILES

        rerun = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
        assert rerun.returncode == 0, rerun.stderr
        created, skipped, failed = map(int, rerun.stdout.split())
        assert failed == 0
        # Creations answered after the kill's snapshot still count once: as skipped on the rerun.
        assert created + skipped == TILES
        assert created == TILES - skipped
        with client_for(server) as client:
            paths = [tile.path for tile in client.tiles.list(collection)]
        assert len(paths) == TILES
        assert len(set(paths)) == TILES
        assert _created(emulator) == TILES
