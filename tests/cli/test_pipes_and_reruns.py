"""``byoc`` in a pipeline that stops reading, and ``byoc demo`` run again into the same folder.

The pipelines are real: ``bash -c 'byoc ... | head -1'`` with the installed script, against an
``--emulator-state`` folder filled beforehand.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from sentinelhub_byoc.cli import _demo
from sentinelhub_byoc.cli._app import byoc
from sentinelhub_byoc.cli._demo_folder import MARKER, OUTPUTS, prepare
from sentinelhub_byoc.testing import Emulator

from tests.cli._terminal import byoc_script, cli_environment

# Long enough that every output format outgrows a pipe's buffer (64 KiB) many times over.
TILES = 1200
CLOSED_PIPE = 141


@pytest.fixture(scope="module")
def listing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A state folder with one collection of many tiles, and the collection's id."""
    folder = tmp_path_factory.mktemp("pipes")
    with Emulator(state_dir=folder / "emu") as emulator:
        collection = emulator.create_collection("long", "pipe-bucket")
        paths = [
            f"2024/05/{index % 28 + 1:02d}/S2B_MSIL2A_20240501T101559_N0510_R065_{index:05d}/(BAND).tif"
            for index in range(TILES)
        ]
        emulator.add_tiles(collection, paths)
    return folder, collection


def _pipeline(folder: Path, arguments: str) -> tuple[str, int, str]:
    """``byoc --emulator-state ./emu ARGUMENTS | head -1``: what head printed, byoc's status and stderr."""
    script = (
        f'"$BYOC" --emulator-state ./emu {arguments} 2>stderr.txt | head -1; echo "status=${{PIPESTATUS[0]}}"'
    )
    environment = {**cli_environment(folder / "config"), "BYOC": byoc_script()}
    done = subprocess.run(
        ["bash", "-c", script], cwd=folder, env=environment, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    *printed, status = done.stdout.splitlines()
    assert status.startswith("status=")
    return "\n".join(printed), int(status.removeprefix("status=")), (folder / "stderr.txt").read_text()


def test_a_long_ndjson_listing_into_head_ends_quietly_with_the_status_of_a_closed_pipe(
    listing: tuple[Path, str],
) -> None:
    folder, collection = listing
    first, status, stderr = _pipeline(folder, f"-o ndjson tiles list {collection}")
    assert json.loads(first)["path"].startswith("2024/05/01/S2B_MSIL2A_")
    # Before: "byoc: error: [Errno 32] Broken pipe" and exit 1.
    assert stderr == ""
    assert status == CLOSED_PIPE


@pytest.mark.parametrize(
    ("output", "first_line"),
    [("table", "id"), ("json", "["), ("geojson", "{")],
)
def test_every_output_format_into_head_ends_quietly(
    listing: tuple[Path, str], output: str, first_line: str
) -> None:
    folder, collection = listing
    first, status, stderr = _pipeline(folder, f"-o {output} tiles list {collection}")
    assert first.split()[0] == first_line
    assert stderr == ""
    # Written in one piece, the rest may be dropped by the system without an error to see.
    assert status in (0, CLOSED_PIPE)


def test_a_short_listing_into_head_ends_quietly(listing: tuple[Path, str]) -> None:
    folder, _ = listing
    for arguments in ("collections list", "-o ndjson collections list"):
        first, status, stderr = _pipeline(folder, arguments)
        assert "long" in first or first.startswith("id")
        assert stderr == ""
        assert status in (0, CLOSED_PIPE)


def test_a_reader_gone_before_the_first_line_ends_quietly(listing: tuple[Path, str]) -> None:
    folder, collection = listing
    script = f'"$BYOC" --emulator-state ./emu -o ndjson tiles list {collection} 2>stderr.txt | true; '
    script += 'echo "status=${PIPESTATUS[0]}"'
    environment = {**cli_environment(folder / "config"), "BYOC": byoc_script()}
    done = subprocess.run(["bash", "-c", script], cwd=folder, env=environment, capture_output=True, text=True)
    assert done.stdout.strip() == f"status={CLOSED_PIPE}"
    assert (folder / "stderr.txt").read_text() == ""


def test_an_unwritable_output_file_is_still_an_error(listing: tuple[Path, str]) -> None:
    """Only a closed stdout is quiet: a full disk or a closed file is reported as before."""
    folder, collection = listing
    script = f'"$BYOC" --emulator-state ./emu -o ndjson tiles list {collection} > /dev/full'
    environment = {**cli_environment(folder / "config"), "BYOC": byoc_script()}
    done = subprocess.run(["bash", "-c", script], cwd=folder, env=environment, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.startswith("byoc: error: ")
    assert "No space left on device" in done.stderr


# The demo run again --------------------------------------------------------------------------


def test_the_demo_runs_twice_into_the_same_folder(tmp_path: Path) -> None:
    pytest.importorskip("rasterio")
    output = tmp_path / "demo-output"
    environment = cli_environment(tmp_path / "config")
    for run in (1, 2):
        done = subprocess.run(
            [byoc_script(), "demo", "--output-dir", str(output)],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"run {run}: {done.stderr}"
        assert "6 of 6 tiles ingested" in done.stdout
        assert "deleted 6 tiles and the collection" in done.stdout
    # The second run replaced the first's outputs: one download, not one per run.
    assert sorted(path.name for path in output.iterdir()) == sorted([MARKER, *OUTPUTS])
    assert len(list((output / "downloads").rglob("B04.tif"))) == 1
    assert not [path for path in output.rglob("*") if path.name.startswith(".") and path.name != MARKER]


@pytest.fixture
def story_ran(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders ``byoc demo`` told its story in (the story itself left out: the folder is the point)."""
    folders: list[Path] = []
    monkeypatch.setattr(_demo._Story, "run", lambda story: folders.append(story.output))
    return folders


def _demo_into(folder: Path) -> tuple[int, str]:
    result = CliRunner().invoke(byoc, ["demo", "--output-dir", str(folder)], prog_name="byoc")
    return result.exit_code, result.stderr


def _tree(folder: Path) -> dict[str, bytes | None]:
    return {
        str(path.relative_to(folder)): None if path.is_dir() or path.is_symlink() else path.read_bytes()
        for path in sorted(folder.rglob("*"))
    }


def _earlier_demo(folder: Path) -> None:
    """What a demo leaves: its marker and outputs, with an interrupted atomic write's temporary."""
    prepare(folder)
    (folder / "cogs" / "S2" / "scene").mkdir(parents=True)
    (folder / "cogs" / "S2" / "scene" / "B04.tif").write_bytes(b"II*\x00")
    (folder / "downloads").mkdir()
    (folder / "footprints.geojson").write_text("{}")
    (folder / ".footprints.geojson.k2j3h4").write_text("{")


def test_a_folder_holding_a_foreign_file_is_refused_and_nothing_deleted(
    tmp_path: Path, story_ran: list[Path]
) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    (foreign / "cogs").mkdir()
    before = _tree(foreign)
    status, stderr = _demo_into(foreign)
    assert status == 2
    assert stderr.startswith("byoc: error: --output-dir ")
    assert "notes.txt" in stderr
    assert "nothing was deleted" in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert _tree(foreign) == before
    assert story_ran == []


def test_a_foreign_file_beside_an_earlier_demo_is_refused_and_nothing_deleted(
    tmp_path: Path, story_ran: list[Path]
) -> None:
    folder = tmp_path / "demo-output"
    _earlier_demo(folder)
    (folder / "my-scene.tif").write_bytes(b"mine")
    (folder / "line\nbreak").write_text("x")
    before = _tree(folder)
    status, stderr = _demo_into(folder)
    assert status == 2
    assert "my-scene.tif" in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert _tree(folder) == before
    assert story_ran == []


def test_an_earlier_demo_is_cleared_and_the_demo_runs_again(tmp_path: Path, story_ran: list[Path]) -> None:
    folder = tmp_path / "demo-output"
    _earlier_demo(folder)
    status, stderr = _demo_into(folder)
    assert (status, stderr) == (0, "")
    assert story_ran == [folder]
    assert [path.name for path in folder.iterdir()] == [MARKER]


def test_earlier_outputs_without_the_marker_are_refused(tmp_path: Path, story_ran: list[Path]) -> None:
    folder = tmp_path / "demo-output"
    _earlier_demo(folder)
    (folder / MARKER).unlink()
    (folder / ".footprints.geojson.k2j3h4").unlink()
    before = _tree(folder)
    status, stderr = _demo_into(folder)
    assert status == 2
    assert "an earlier demo's cogs, downloads, footprints.geojson" in stderr
    assert f"no {MARKER} file" in stderr
    assert _tree(folder) == before


@pytest.mark.parametrize("plant", ["link to a marker", "folder", "other text"])
def test_a_marker_that_is_not_the_demos_is_not_trusted(
    tmp_path: Path, story_ran: list[Path], plant: str
) -> None:
    real = tmp_path / "real"
    prepare(real)
    folder = tmp_path / "demo-output"
    folder.mkdir()
    (folder / "cogs").mkdir()
    (folder / "cogs" / "B04.tif").write_bytes(b"somebody's")
    if plant == "link to a marker":
        (folder / MARKER).symlink_to(real / MARKER)
    elif plant == "folder":
        (folder / MARKER).mkdir()
    else:
        (folder / MARKER).write_text("something else\n")
    before = _tree(folder)
    status, _ = _demo_into(folder)
    assert status == 2
    assert _tree(folder) == before
    assert story_ran == []


def test_links_in_an_earlier_demo_are_removed_never_followed(tmp_path: Path, story_ran: list[Path]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.tif").write_bytes(b"precious")
    (outside / "footprints.png").write_bytes(b"precious")
    folder = tmp_path / "demo-output"
    prepare(folder)
    (folder / "cogs").symlink_to(outside, target_is_directory=True)
    (folder / "footprints.png").symlink_to(outside / "footprints.png")
    (folder / "downloads").mkdir()
    (folder / "downloads" / "inner").symlink_to(outside, target_is_directory=True)
    status, stderr = _demo_into(folder)
    assert (status, stderr) == (0, "")
    assert sorted(path.name for path in outside.iterdir()) == ["footprints.png", "precious.tif"]
    assert (outside / "precious.tif").read_bytes() == b"precious"
    assert [path.name for path in folder.iterdir()] == [MARKER]


def test_a_new_folder_is_marked_for_the_next_run(tmp_path: Path, story_ran: list[Path]) -> None:
    folder = tmp_path / "new" / "folder"
    assert _demo_into(folder) == (0, "")
    assert (
        (folder / MARKER)
        .read_text(encoding="utf-8")
        .startswith("This folder holds the outputs of `byoc demo`")
    )
    assert _demo_into(folder) == (0, "")
    assert story_ran == [folder, folder]
