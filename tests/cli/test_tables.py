"""Tables as a person sees them: in a pseudo-terminal of 80, 100 and 120 columns, piped, and with --wide.

The data is what a GIS engineer has: UUIDs, Sentinel-2 paths of 60+ characters, the emulator's
long failure causes, tiles QUEUED and INGESTING. Ids and statuses are never cut, no line is
wider than the terminal, an id copied from the screen works in the next command, and the
whole text is there with --wide, -o json, and in a pipe.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from sentinelhub_byoc.cli._app import byoc
from sentinelhub_byoc.cli._tables import Column, fit, printable, shorten, shorten_line, wrap
from sentinelhub_byoc.testing import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    Emulator,
    EmulatorServer,
    IngestionDelays,
    ManualClock,
    serve,
)

from tests.cli._cli_helpers import BUCKET, Byoc, write_scene
from tests.cli._terminal import byoc_script, in_terminal, lines
from tests.scripted_server import TOKEN_PATH, Reply, Request, ScriptedServer

WIDTHS = (80, 100, 120)
STATUSES = {"WAITING", "QUEUED", "INGESTING", "INGESTED", "FAILED"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SCENES = (
    "2024/05/01/S2B_MSIL2A_20240501T101559_N0510_R065_T33TWM",
    "2024/05/01/S2B_MSIL2A_20240501T101559_N0510_R065_T33TWN",
    "2024/05/02/S2A_MSIL2A_20240502T100601_N0510_R022_T33TXM",
)


@dataclass
class Service:
    """An emulator whose clock stands still between commands: every run sees the same tiles."""

    server: EmulatorServer
    clock: ManualClock
    collection: str
    config: Path
    _tiles: list[dict[str, object]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        env = {
            key: value for key, value in os.environ.items() if not key.startswith(("SH_", "COLUMNS", "LINES"))
        }
        return {
            **env,
            "SH_CLIENT_ID": DEMO_CLIENT_ID,
            "SH_CLIENT_SECRET": DEMO_CLIENT_SECRET,
            "XDG_CONFIG_HOME": str(self.config),
        }

    def command(self, *args: str) -> list[str]:
        return [byoc_script(), "--base-url", self.server.base_url, *args]

    def screen(self, columns: int, *args: str) -> tuple[list[str], int]:
        """The non-blank lines ``byoc ARGS`` shows in a terminal of *columns* columns, and its exit status."""
        shown, status = in_terminal(self.command(*args), self.config, self.env, columns)
        return lines(shown), status

    def piped(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command(*args), capture_output=True, text=True, env=self.env, timeout=120)

    def tiles(self) -> list[dict[str, object]]:
        """The tiles as ``-o json`` gives them, read once: the clock stands still, they do not change."""
        if not self._tiles:
            listed = self.piped("-o", "json", "tiles", "list", self.collection)
            assert listed.returncode == 0, listed.stderr
            self._tiles.extend(json.loads(listed.stdout))
        return list(self._tiles)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """Two ingested scenes, two FAILED (one in strips, one without files), one QUEUED, one INGESTING."""
    root = tmp_path_factory.mktemp("tables")
    clock = ManualClock()
    delays = IngestionDelays(waiting=1.0, queued=1.0, ingesting=1.0)
    with (
        Emulator(clock=clock, delays=delays, data_dir=root / "buckets") as emulator,
        serve(emulator) as server,
    ):
        bucket = emulator.bucket_dir(BUCKET)
        for index, scene in enumerate(SCENES):
            write_scene(bucket, scene, west=500_000.0 + 5_120 * index, tiled=index < 2)
        collection = emulator.create_collection("gis-job", BUCKET)
        emulator.add_tiles(
            collection,
            [f"{scene}/(BAND).tif" for scene in SCENES]
            + ["2024/05/03/S2B_MSIL2A_20240503T101559_N0510_R065_T33TWM/(BAND).tif"],
            sensing_times=["2024-05-01T10:15:59Z", "2024-05-01T10:15:59Z", "2024-05-02T10:06:01Z"],
        )
        clock.advance(10)
        # A second WAITING, a second QUEUED, a second INGESTING: 2.4 s in, the first of these
        # two is INGESTING, the second (1.2 s in) QUEUED; the clock stands still from then on.
        emulator.add_tiles(collection, ["2024/05/04/S2A_MSIL2A_20240504T100601_N0510_R022_T33TXM/(BAND).tif"])
        clock.advance(1.2)
        emulator.add_tiles(collection, ["2024/05/05/S2B_MSIL2A_20240505T101559_N0510_R065_T33TWN/(BAND).tif"])
        clock.advance(1.2)
        config = root / "config"
        config.mkdir()
        yield Service(server, clock, collection, config)


def test_the_data_is_what_a_person_has(service: Service) -> None:
    tiles = service.tiles()
    statuses = sorted(str(tile["status"]) for tile in tiles)
    assert statuses == ["FAILED", "FAILED", "INGESTED", "INGESTED", "INGESTING", "QUEUED"]
    causes = [tile["additionalData"]["failedIngestionCause"] for tile in tiles if tile["status"] == "FAILED"]
    assert len(causes) == 2
    assert all(len(cause) > 80 for cause in causes)


# --- in a terminal ------------------------------------------------------------------------------


def _rows(screen: list[str], ids: set[str]) -> dict[str, str]:
    """The line of each tile, by the id it starts with."""
    found = {}
    for line in screen:
        first = line.split(" ", 1)[0]
        if first in ids:
            found[first] = line
    return found


@pytest.mark.parametrize("columns", WIDTHS)
def test_tiles_list_fits_with_ids_and_statuses_whole(service: Service, columns: int) -> None:
    tiles = {str(tile["id"]): tile for tile in service.tiles()}
    screen, status = service.screen(columns, "tiles", "list", service.collection)
    assert status == 0, screen
    assert [line for line in screen if cell_len(line) > columns] == []
    header = screen[0].split()
    assert header[:2] == ["id", "path"]
    assert "status" in header
    rows = _rows(screen, set(tiles))
    # One line per tile, each starting with its whole id; the status whole in it.
    assert set(rows) == set(tiles)
    assert len(screen) == 2 + len(tiles)
    for tile_id, line in rows.items():
        assert str(tiles[tile_id]["status"]) in line.split()
        path = str(tiles[tile_id]["path"])
        shown = line.split()[1]
        if shown != path:  # shortened: its start and its end, "…" between
            head, _, tail = shown.partition("…")
            assert path.startswith(head)
            assert path.endswith(tail)
            assert min(len(head), len(tail)) >= 8


@pytest.mark.parametrize("columns", WIDTHS)
def test_tiles_failures_shows_each_cause_on_one_line(service: Service, columns: int) -> None:
    failed = {str(tile["id"]): tile for tile in service.tiles() if tile["status"] == "FAILED"}
    screen, status = service.screen(columns, "tiles", "failures", service.collection)
    assert status == 4
    assert [line for line in screen if cell_len(line) > columns] == []
    assert "failure cause" in screen[0]
    rows = _rows(screen, set(failed))
    assert set(rows) == set(failed)
    assert len(screen) == 2 + len(failed)  # header, rule, one line per tile: no cause over 15 lines
    for tile_id, line in rows.items():
        cause = str(failed[tile_id]["additionalData"]["failedIngestionCause"])
        assert line.rstrip().endswith("…")
        shown = line.rstrip()[:-1].split("   ")[-1]
        assert len(shown) >= 16
        assert " ".join(cause.split()).startswith(shown)


@pytest.mark.parametrize("columns", WIDTHS)
def test_collections_list_and_tile_get_fit(service: Service, columns: int) -> None:
    screen, status = service.screen(columns, "collections", "list")
    assert status == 0
    assert [line for line in screen if cell_len(line) > columns] == []
    assert any(line.startswith(f"{service.collection}   gis-job") for line in screen), screen

    failed = next(tile for tile in service.tiles() if tile["status"] == "FAILED")
    screen, status = service.screen(columns, "tiles", "get", service.collection, str(failed["id"]))
    assert status == 0
    assert [line for line in screen if cell_len(line) > columns] == []
    assert screen[0].split() == ["id", str(failed["id"])]
    # The detail view wraps the cause onto at most three lines.
    start = next(index for index, line in enumerate(screen) if line.startswith("failure cause"))
    assert 1 <= len(screen) - start <= 3


def test_too_narrow_for_a_table_each_tile_is_a_block_with_its_id_whole(service: Service) -> None:
    tiles = service.tiles()
    screen, status = service.screen(40, "tiles", "list", service.collection)
    assert status == 0
    assert {str(tile["id"]) for tile in tiles} <= set(screen)
    statuses = [line.split(":", 1)[1].strip() for line in screen if line.startswith("  status:")]
    assert sorted(statuses) == sorted(str(tile["status"]) for tile in tiles)
    # A path is never cut there: it gets a line of its own, which the terminal wraps.
    assert {str(tile["path"]) for tile in tiles} <= {line.strip() for line in screen}
    failed = next(tile for tile in tiles if tile["status"] == "FAILED")
    screen, _ = service.screen(40, "tiles", "get", service.collection, str(failed["id"]))
    assert screen[0] == failed["id"]
    assert str(failed["path"]) in screen


def test_an_id_copied_from_the_screen_gets_its_tile(service: Service) -> None:
    screen, _ = service.screen(80, "tiles", "list", service.collection)
    copied = [line.split()[0] for line in screen if UUID.match(line)]
    assert len(copied) == 6
    for tile_id in copied[::2]:
        got = service.piped("-o", "json", "tiles", "get", service.collection, tile_id)
        assert got.returncode == 0, got.stderr
        assert json.loads(got.stdout)["id"] == tile_id


def test_the_same_screen_twice(service: Service) -> None:
    first = service.screen(100, "tiles", "list", service.collection)
    assert service.screen(100, "tiles", "list", service.collection) == first


def test_wide_and_json_give_the_whole_text(service: Service) -> None:
    tiles = service.tiles()
    failed = [tile for tile in tiles if tile["status"] == "FAILED"]
    screen, status = service.screen(80, "tiles", "failures", service.collection, "--wide")
    assert status == 4
    for tile in failed:
        cause = " ".join(str(tile["additionalData"]["failedIngestionCause"]).split())
        line = next(line for line in screen if line.startswith(str(tile["id"])))
        assert str(tile["path"]) in line
        assert line.rstrip().endswith(cause)
    assert not any("…" in line for line in screen)
    screen, _ = service.screen(80, "tiles", "list", service.collection, "--wide")
    assert screen[0].split() == ["id", "path", "status", "sensing", "time", "created", "failure", "cause"]
    assert all(str(tile["path"]) in "\n".join(screen) for tile in tiles)
    as_json = service.piped("-o", "json", "tiles", "failures", service.collection)
    assert {tile["id"] for tile in json.loads(as_json.stdout)} == {tile["id"] for tile in failed}


def test_piped_rows_are_whole_one_per_line(service: Service) -> None:
    tiles = service.tiles()
    piped = service.piped("tiles", "list", service.collection)
    assert piped.returncode == 0
    out = piped.stdout.splitlines()
    assert out[0].split() == ["id", "path", "status", "sensing", "time", "created", "failure", "cause"]
    assert set(out[1]) == {"─"}
    assert len(out) == 2 + len(tiles)
    assert "…" not in piped.stdout
    assert "\x1b" not in piped.stdout
    assert all(line == line.rstrip() for line in out)
    for tile in tiles:
        line = next(line for line in out if line.startswith(str(tile["id"])))
        assert line.split()[1:3] == [tile["path"], tile["status"]]
        cause = tile.get("additionalData", {}).get("failedIngestionCause")
        if cause:
            assert line.endswith(" ".join(cause.split()))


def test_a_report_line_fits_and_its_summary_stays_whole(run: Byoc, tmp_path: Path) -> None:
    bucket = run.emulator.bucket_dir(BUCKET)
    write_scene(bucket, SCENES[0])
    write_scene(bucket, SCENES[2], tiled=False)
    collection = run.collection("reports")
    run.emulator.add_tiles(collection, [f"{scene}/(BAND).tif" for scene in (SCENES[0], SCENES[2])])
    assert run("tiles", "wait", collection).exit_code == 4
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SH_", "COLUMNS", "LINES"))}
    env.update(
        SH_CLIENT_ID=DEMO_CLIENT_ID, SH_CLIENT_SECRET=DEMO_CLIENT_SECRET, XDG_CONFIG_HOME=str(tmp_path)
    )
    command = [
        byoc_script(),
        "--base-url",
        run.server.base_url,
        "tiles",
        "reingest",
        collection,
        "--failed",
        "--wait",
    ]
    screen, status = in_terminal(command, tmp_path, env, 80)
    shown = lines(screen)
    assert status == 4, shown
    failed = next(line for line in shown if line.startswith("  FAILED "))
    assert len(failed) <= 80
    assert failed.endswith("…")
    assert f"  FAILED {SCENES[2]}/(BAND).tif: " in failed
    assert "1 tile(s) reingested, 0 refused" in shown
    wide, _ = in_terminal([*command, "--wide"], tmp_path, env, 80)
    assert any(line.startswith("  FAILED ") and len(line) > 80 and "…" not in line for line in lines(wide))


# --- a hostile server ---------------------------------------------------------------------------

TILE = str(uuid.uuid4())
COLLECTION = str(uuid.uuid4())


def _hostile_listing(request: Request) -> Reply:
    tile = {
        "id": TILE,
        "path": "evil\x1b]0;pwned\x07/\u202etxt.exe/\n(BAND).tif",
        "status": "FAILED",
        "created": "2024-05-01T00:00:00Z",
        "additionalData": {"failedIngestionCause": "\x1b[2J\x1b[Hall clear [bold]markup[/bold]\r\nreally"},
    }
    if request.api_path.endswith("/tiles"):
        return Reply.json(200, {"data": [tile], "links": {}})
    return Reply.json(200, {"data": tile})


def test_a_servers_control_characters_are_shown_escaped_never_sent(tmp_path: Path) -> None:
    with ScriptedServer(_hostile_listing) as server:
        urls = ["--base-url", server.base_url, "--token-url", server.base_url + TOKEN_PATH]
        env = {"SH_CLIENT_ID": "scripted-id", "SH_CLIENT_SECRET": "scripted-secret"}
        for args in (
            ["tiles", "list", COLLECTION],
            ["tiles", "get", COLLECTION, TILE],
            ["tiles", "failures", COLLECTION],
        ):
            result = CliRunner().invoke(byoc, [*urls, *args], env=env, prog_name="byoc")
            assert result.exit_code in (0, 4), result.stderr
            for raw in ("\x1b", "\x07", "\u202e", "\r"):
                assert raw not in result.stdout
            assert "evil\\x1b]0;pwned\\x07/\\u202etxt.exe/\\x0a(BAND).tif" in result.stdout
            assert "\\x1b[2J\\x1b[Hall clear [bold]markup[/bold] really" in result.stdout
            # One row per tile: the path's newline did not start another.
            assert sum(TILE in line for line in result.stdout.splitlines()) == 1
        env = {**os.environ, **env, "XDG_CONFIG_HOME": str(tmp_path)}
        screen, status = in_terminal([byoc_script(), *urls, "tiles", "list", COLLECTION], tmp_path, env, 80)
        assert status == 0
        # Escaped, the sequence is text on the screen (a raw one would have set the window title).
        assert "evil\\x1b]0;" in screen


# --- the fitting itself -------------------------------------------------------------------------

COLUMNS = (
    Column("id"),
    Column("path", "middle", narrowest=24, comfortable=40),
    Column("status"),
    Column("created"),
    Column("failure cause", "end", narrowest=16, comfortable=40),
)
PRIORITY = ("id", "status", "path", "created", "failure cause")

cells = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=90).map(
    lambda text: printable(text, one_line=True)
)


@given(
    rows=st.lists(
        st.tuples(st.just(str(uuid.UUID(int=7))), cells, st.sampled_from(sorted(STATUSES)), cells, cells),
        max_size=5,
    ),
    width=st.integers(min_value=1, max_value=200),
)
def test_a_fitted_table_is_never_wider_than_the_terminal(rows: list[tuple[str, ...]], width: int) -> None:
    fitted = fit(COLUMNS, rows, width, priority=PRIORITY, required=("id", "status"))
    if fitted is None:
        assert width < 36 + 3 + max([6] + [len(row[2]) for row in rows])
        return
    assert fitted.width <= width
    assert {0, 2} <= set(fitted.indices)
    for index, column_width in zip(fitted.indices, fitted.widths, strict=True):
        column = COLUMNS[index]
        natural = max([cell_len(column.heading)] + [cell_len(row[index]) for row in rows])
        assert column_width <= natural
        assert column_width >= min(natural, column.narrowest)
        for row in rows:
            shown = shorten(row[index], column_width, column.fit)
            assert cell_len(shown) <= column_width
            if column.fit == "whole":
                assert shown == row[index]


@given(text=st.text(max_size=200), width=st.integers(min_value=2, max_value=120), max_lines=st.integers(1, 4))
def test_wrapped_prose_keeps_its_width_and_line_count(text: str, width: int, max_lines: int) -> None:
    wrapped = wrap(printable(text, one_line=True), width, max_lines)
    assert len(wrapped) <= max_lines
    assert all(cell_len(line) <= width for line in wrapped)


@given(before=st.text("ab c", max_size=60), after=st.text("xy", max_size=20), width=st.integers(4, 120))
def test_a_report_line_is_never_cut_inside_an_id(before: str, after: str, width: int) -> None:
    tile_id = str(uuid.UUID(int=12345))
    line = f"  {before}{tile_id}{after}"
    shown = shorten_line(line, width)
    assert cell_len(shown) <= width
    if shown != line:
        assert shown.endswith("…")
        kept = shown[:-1]
        assert tile_id in kept or tile_id[:1] not in kept[len(before) + 2 :]
