"""``byoc --emulator-state``: a command run later sees the ingestion that went on meanwhile.

Each command starts its own emulator on the state folder; the wall clock is stood in for, so
that "later" is exact: ten seconds between two commands, with the emulator's usual delays
(a fraction of a second in all), leave no tile waiting.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sentinelhub_byoc.cli._app import byoc
from sentinelhub_byoc.testing import IngestionDelays
from sentinelhub_byoc.testing._clock import SystemClock

from tests.cli._cli_helpers import write_scene

START = 1_767_225_600.0


@pytest.fixture
def wall_clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The wall clock the emulators read; set it to move time on between commands."""
    now = [START]
    monkeypatch.setattr(SystemClock, "now", lambda self: now[0])
    return now


def _byoc(state: Path, *args: str, input: str | None = None) -> str:
    result = CliRunner().invoke(
        byoc, ["--emulator-state", str(state), "-o", "ndjson", *args], input=input, prog_name="byoc"
    )
    assert result.exit_code in (0, 4), result.output
    return result.stdout


def _statuses(state: Path, collection: str) -> dict[str, str]:
    lines = _byoc(state, "tiles", "list", collection).splitlines()
    return {tile["path"]: tile["status"] for tile in map(json.loads, lines)}


def test_tiles_move_on_between_commands_by_the_time_gone_by(tmp_path: Path, wall_clock: list[float]) -> None:
    state = tmp_path / "emu"
    bucket = state / "buckets" / "my-bucket"
    write_scene(bucket, "good")
    write_scene(bucket, "strips", tiled=False)
    collection = json.loads(_byoc(state, "collections", "create", "--name", "c", "--bucket", "my-bucket"))[
        "id"
    ]
    tiles = '{"path": "good/(BAND).tif"}\n{"path": "strips/(BAND).tif"}\n'
    created = [
        json.loads(line)["status"]
        for line in _byoc(state, "tiles", "create", collection, "--json", "-", input=tiles).splitlines()
    ]
    assert created == ["WAITING", "WAITING"]
    delays = IngestionDelays()
    # Still waiting, then queued, then ingesting: each command sees the step the clock has reached.
    wall_clock[0] = START + delays.waiting / 2
    assert set(_statuses(state, collection).values()) == {"WAITING"}
    wall_clock[0] = START + delays.waiting + delays.queued / 2
    assert set(_statuses(state, collection).values()) == {"QUEUED"}
    wall_clock[0] = START + delays.waiting + delays.queued + delays.ingesting / 2
    assert set(_statuses(state, collection).values()) == {"INGESTING"}
    # Before, every command started the runs again: tiles stayed WAITING/QUEUED until `tiles wait`.
    wall_clock[0] = START + 10
    assert _statuses(state, collection) == {"good/(BAND).tif": "INGESTED", "strips/(BAND).tif": "FAILED"}
    assert _byoc(state, "tiles", "reingest", collection, "--failed")
    # The new run is timed from the reingest, not from the tile's creation.
    wall_clock[0] = START + 10 + delays.waiting / 2
    assert _statuses(state, collection)["strips/(BAND).tif"] == "WAITING"
    wall_clock[0] = START + 20
    assert _statuses(state, collection)["strips/(BAND).tif"] == "FAILED"


def test_a_state_folder_another_command_holds_is_one_line_saying_so(tmp_path: Path) -> None:
    from sentinelhub_byoc.testing import Emulator

    state = tmp_path / "emu"
    with Emulator(state_dir=state):
        result = CliRunner().invoke(
            byoc, ["--emulator-state", str(state), "collections", "list"], prog_name="byoc"
        )
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"byoc: error: --emulator-state {state}: another byoc command or emulator"
    )
    assert "write the first one's output to a file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
