"""A dump of an account (`byoc emulator dump`), replayed by a second emulator: the same listings."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator, ManualClock, serve

from tests.emulator._emulator_helpers import get_token
from tests.workflows._rasters import write_good_cog

pytest.importorskip("rasterio")

TILES = 2_000
COLLECTIONS = "/api/v1/byoc/collections"


def _account(emulator: Emulator, bucket: Path) -> tuple[str, str]:
    """A collection of TILES tiles in every state, with covers and sensing times, and a small one."""
    original = write_good_cog(bucket / "source" / "B01.tiff")
    big = emulator.create_collection("big", "bucket")
    paths = [f"scenes/{index:04d}" for index in range(TILES)]
    for path in paths[: TILES * 3 // 4]:
        # One GDAL-made COG under many names: ingestion reads each as its own file.
        (bucket / path).mkdir(parents=True)
        os.link(original, bucket / path / "B01.tiff")
    emulator.add_tiles(
        big,
        paths[: TILES - 10],
        sensing_times=[f"2024-05-{1 + index % 28:02d}T10:00:00Z" for index in range(500)],
    )
    small = emulator.create_collection(
        "small", "bucket", bands={"B01": {"bitDepth": 16, "sampleFormat": "UINT"}}
    )
    emulator.add_tiles(small, ["scenes/0000", "scenes/0001"])
    emulator.wait_idle()
    # Ten more are still waiting when the account is dumped.
    emulator.add_tiles(big, paths[TILES - 10 :])
    return big, small


@pytest.fixture
def dumped(tmp_path: Path) -> Iterator[tuple[Emulator, Path]]:
    emulator = Emulator(clock=ManualClock(), data_dir=tmp_path / "buckets")
    with emulator, serve(emulator) as server:
        _account(emulator, emulator.bucket_dir("bucket"))
        out = tmp_path / "seed.json"
        env = {
            **os.environ,
            "SH_CLIENT_ID": DEMO_CLIENT_ID,
            "SH_CLIENT_SECRET": DEMO_CLIENT_SECRET,
            "XDG_CONFIG_HOME": str(tmp_path),
        }
        command = [sys.executable, "-m", "sentinelhub_byoc", "--base-url", server.base_url]
        done = subprocess.run(
            [*command, "emulator", "dump", "--out", str(out)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert f"dumped 2 collections, {TILES + 2:,} tiles" in done.stderr
        yield emulator, out


def _all(api: httpx.Client, path: str) -> list[Any]:
    """Every item of a listing, following its pages."""
    items: list[Any] = []
    token = None
    while True:
        params = {"count": "100", **({"viewtoken": token} if token else {})}
        page = api.get(path, params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        items.extend(body["data"])
        token = body.get("links", {}).get("nextToken")
        if not token:
            return items


def _listings(emulator: Emulator) -> dict[str, Any]:
    with httpx.Client(transport=emulator.transport(), base_url="http://emulator.test") as api:
        api.headers["Authorization"] = f"Bearer {get_token(api)}"
        collections = _all(api, COLLECTIONS)
        answers: dict[str, Any] = {"collections": collections}
        for collection in collections:
            tiles = f"{COLLECTIONS}/{collection['id']}/tiles"
            answers[collection["id"]] = {
                "get": api.get(f"{COLLECTIONS}/{collection['id']}").json(),
                "tiles": _all(api, tiles),
                "newest": api.get(tiles, params={"sort": "created:desc", "count": "7"}).json()["data"],
                "failed": api.get(tiles, params={"status": "FAILED", "count": "5"}).json()["data"],
            }
        return answers


def test_a_second_emulator_started_from_the_dump_answers_the_same(dumped: tuple[Emulator, Path]) -> None:
    original, seed = dumped
    replay = Emulator(clock=ManualClock(), seed=seed)
    with replay:
        before, after = _listings(original), _listings(replay)
        # Time goes by; nothing recorded moves on by itself.
        replay.clock.advance(600)
        replay.wait_idle()
        later = _listings(replay)
    statuses = {
        tile["status"] for collection in before["collections"] for tile in before[collection["id"]]["tiles"]
    }
    assert statuses == {"INGESTED", "FAILED", "WAITING"}
    assert len(before[before["collections"][0]["id"]]["tiles"]) == TILES
    assert after == before
    assert later == before
