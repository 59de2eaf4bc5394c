"""A kept state moves ingestion on by the clock: an emulator started later shows what happened meanwhile.

The same story is told by an emulator that never stops and by emulators that stop and start
again on the same state folder (as ``byoc --emulator-state`` does for each command); the tiles
must look the same at each moment.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sentinelhub_byoc.testing import Emulator, IngestionDelays, ManualClock
from sentinelhub_byoc.testing.cogs import write_cog

from tests.emulator._emulator_helpers import get_token

START = 1_767_225_600.0
DELAYS = IngestionDelays(waiting=10, queued=10, ingesting=10)
BUCKET = "kept-bucket"


def _write_cog(buckets: Path) -> None:
    array = np.arange(256 * 256, dtype="uint16").reshape(256, 256)
    bounds = (500000.0, 5000000.0, 502560.0, 5002560.0)
    write_cog(buckets / BUCKET / "good" / "B1.tif", array, epsg=32633, bounds=bounds)


@contextmanager
def _emulator(state: Path, at: float) -> Iterator[Emulator]:
    with Emulator(state_dir=state, clock=ManualClock(START + at), delays=DELAYS) as emulator:
        yield emulator


def _tiles(emulator: Emulator, collection: str) -> dict[str, dict[str, Any]]:
    with httpx.Client(transport=emulator.transport(), base_url="http://emulator.test") as http:
        http.headers["Authorization"] = f"Bearer {get_token(http)}"
        answer = http.get(f"/api/v1/byoc/collections/{collection}/tiles")
        assert answer.status_code == 200, answer.text
        return {tile["path"]: tile for tile in answer.json()["data"]}


def _seen(tiles: dict[str, dict[str, Any]]) -> dict[str, tuple[str, str | None]]:
    return {path: (tile["status"], tile.get("ingestionStart")) for path, tile in tiles.items()}


def _reingest(emulator: Emulator, collection: str, tile_id: str) -> None:
    with httpx.Client(transport=emulator.transport(), base_url="http://emulator.test") as http:
        http.headers["Authorization"] = f"Bearer {get_token(http)}"
        answer = http.post(f"/api/v1/byoc/collections/{collection}/tiles/{tile_id}/reingest")
        assert answer.status_code == 204, answer.text


def test_a_restarted_emulator_shows_what_happened_meanwhile(tmp_path: Path) -> None:
    state = tmp_path / "state"
    _write_cog(state / "buckets")
    with _emulator(state, 0) as first:
        collection = first.create_collection("kept", BUCKET)
        first.add_tiles(collection, ["good/(BAND).tif", "missing/(BAND).tif"])
    # The same tiles on an emulator that never stops, for comparison.
    clock = ManualClock(START)
    with Emulator(clock=clock, delays=DELAYS, data_dir=state / "buckets") as steady:
        twin = steady.create_collection("kept", BUCKET)
        steady.add_tiles(twin, ["good/(BAND).tif", "missing/(BAND).tif"])
        for at, statuses in (
            (5, {"WAITING"}),
            (15, {"QUEUED"}),
            (25, {"INGESTING"}),
            (1000, {"INGESTED", "FAILED"}),
        ):
            clock.advance(START + at - clock.now())
            expected = _seen(_tiles(steady, twin))
            with _emulator(state, at) as later:
                seen = _seen(_tiles(later, collection))
            assert {status for status, _ in seen.values()} == statuses, at
            assert seen == expected, at
    assert seen["good/(BAND).tif"][0] == "INGESTED"
    assert seen["missing/(BAND).tif"][0] == "FAILED"
    # The run started at creation: INGESTING after the waiting and queued delays.
    assert seen["good/(BAND).tif"][1] == "2026-01-01T00:00:20.000000Z"


def test_a_reingested_tile_moves_on_from_the_reingest(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with _emulator(state, 0) as first:
        collection = first.create_collection("kept", BUCKET)
        first.add_tiles(collection, ["missing/(BAND).tif"])
    with _emulator(state, 100) as second:
        (tile,) = _tiles(second, collection).values()
        assert tile["status"] == "FAILED"
        _reingest(second, collection, tile["id"])
    with _emulator(state, 105) as third:
        assert [t["status"] for t in _tiles(third, collection).values()] == ["WAITING"]
    with _emulator(state, 115) as fourth:
        assert [t["status"] for t in _tiles(fourth, collection).values()] == ["QUEUED"]
    with _emulator(state, 200) as fifth:
        (again,) = _tiles(fifth, collection).values()
        assert again["status"] == "FAILED"
        assert again["ingestionStart"] == "2026-01-01T00:02:00.000000Z"


def test_a_run_kept_by_an_older_version_starts_again_now(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with _emulator(state, 0) as first:
        collection = first.create_collection("kept", BUCKET)
        first.add_tiles(collection, ["missing/(BAND).tif"])
    # A record written before runs kept their start: the member is absent.
    database = sqlite3.connect(state / "emulator.sqlite3")
    with database:
        ((tile_id, text),) = database.execute("SELECT id, record FROM tiles").fetchall()
        record = json.loads(text)
        assert record.pop("run_started_ms") == START * 1000
        database.execute("UPDATE tiles SET record = ? WHERE id = ?", (json.dumps(record), tile_id))
    database.close()
    with _emulator(state, 100) as second:
        assert [t["status"] for t in _tiles(second, collection).values()] == ["WAITING"]


def test_a_run_kept_from_a_later_time_starts_now_not_in_the_future(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with _emulator(state, 1000) as first:
        collection = first.create_collection("kept", BUCKET)
        first.add_tiles(collection, ["missing/(BAND).tif"])
    # The clock was set back: the run starts again at the new now, not in 1000 s.
    with Emulator(state_dir=state, clock=(clock := ManualClock(START)), delays=DELAYS) as second:
        assert [t["status"] for t in _tiles(second, collection).values()] == ["WAITING"]
        clock.advance(30)
        assert [t["status"] for t in _tiles(second, collection).values()] == ["FAILED"]
