"""Deleting asks first: a person at a terminal is shown what will go; a script must say --yes.

Without a terminal on stdin (click's runner, a pipe, CI) a delete without ``--yes`` is refused
with exit code 2 and deletes nothing. At a terminal (a real pseudo-terminal here) the question
names the collection, its id and its tile count, and only "y" deletes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

from tests.cli._cli_helpers import BUCKET, Byoc, write_scene
from tests.cli._terminal import byoc_script, cli_environment, in_terminal, lines


def _environment(tmp_path: Path) -> dict[str, str]:
    return cli_environment(
        tmp_path / "config", SH_CLIENT_ID=DEMO_CLIENT_ID, SH_CLIENT_SECRET=DEMO_CLIENT_SECRET
    )


def _with_tiles(run: Byoc, name: str, count: int) -> str:
    """A collection called *name* holding *count* tiles."""
    collection = run.collection(name)
    bucket = run.emulator.bucket_dir(BUCKET)
    for number in range(count):
        write_scene(bucket, f"{name}/{number}", west=500_000.0 + number * 5_120.0)
        created = run("tiles", "create", collection, f"{name}/{number}/(BAND).tif")
        assert created.exit_code == 0, created.stderr
    return collection


def _collections(run: Byoc) -> list[str]:
    return [item["id"] for item in json.loads(run("-o", "json", "collections", "list").stdout)]


def _tile_ids(run: Byoc, collection: str) -> list[str]:
    return [item["id"] for item in json.loads(run("-o", "json", "tiles", "list", collection).stdout)]


# -- no terminal: --yes or nothing --------------------------------------------------------------


@pytest.mark.parametrize("force", [False, True])
def test_without_a_terminal_a_collection_is_deleted_only_with_yes(run: Byoc, force: bool) -> None:
    collection = _with_tiles(run, "gis-job", 2)
    extra = ("--force",) if force else ()
    refused = run("collections", "delete", collection, *extra)
    assert refused.exit_code == 2
    assert refused.stdout == ""
    assert refused.stderr.count("\n") == 1
    assert "--yes" in refused.stderr
    assert "stdin is not a terminal" in refused.stderr
    assert "Nothing was deleted" in refused.stderr
    assert _collections(run) == [collection]
    assert len(_tile_ids(run, collection)) == 2
    done = run("collections", "delete", collection, *extra, "--yes")
    assert done.exit_code == 0, done.stderr
    assert _collections(run) == []


def test_without_a_terminal_tiles_are_deleted_only_with_yes(run: Byoc) -> None:
    collection = _with_tiles(run, "gis-job", 2)
    first, second = _tile_ids(run, collection)
    for arguments, given in (((first, second), None), (("-",), f"{first}\n{second}\n")):
        refused = run("tiles", "delete", collection, *arguments, input=given)
        assert refused.exit_code == 2, refused.stderr
        assert "add --yes to delete without asking" in refused.stderr
        assert "'byoc tiles delete'" in refused.stderr
    assert sorted(_tile_ids(run, collection)) == sorted([first, second])
    assert run("tiles", "delete", collection, first, "-y").exit_code == 0
    assert _tile_ids(run, collection) == [second]


def test_a_refused_delete_sends_no_delete_request(run: Byoc) -> None:
    collection = _with_tiles(run, "gis-job", 1)
    (tile,) = _tile_ids(run, collection)
    before = len(run.emulator.requests)
    assert run("collections", "delete", collection, "--force").exit_code == 2
    assert run("tiles", "delete", collection, tile).exit_code == 2
    assert not any(request.method == "DELETE" for request in run.emulator.requests[before:])


def test_a_mistyped_tile_id_deletes_nothing(run: Byoc) -> None:
    collection = _with_tiles(run, "gis-job", 2)
    first, second = _tile_ids(run, collection)
    result = run("tiles", "delete", "--yes", collection, first, "not-an-id", second)
    assert result.exit_code == 2
    assert "tile id 'not-an-id' (argument 2) is not a UUID" in result.stderr
    assert "uuid.UUID" not in result.stderr
    assert sorted(_tile_ids(run, collection)) == sorted([first, second])


# -- at a terminal: the question names what will go --------------------------------------------


@pytest.fixture
def terminal(run: Byoc, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    return [byoc_script(), "--base-url", run.server.base_url], _environment(tmp_path)


@pytest.mark.parametrize("columns", [80, 100, 120])
def test_at_a_terminal_yes_deletes_the_collection_named_in_the_question(
    run: Byoc, terminal: tuple[list[str], dict[str, str]], tmp_path: Path, columns: int
) -> None:
    collection = _with_tiles(run, "gis-job", 2)
    byoc, env = terminal
    screen, status = in_terminal(
        [*byoc, "collections", "delete", "gis-job"], tmp_path, env, columns, typed=b"y\n"
    )
    assert status == 0, screen
    question = f"Delete collection 'gis-job' ({collection}) and its 2 tiles? [y/N]:"
    assert question in screen
    assert f"deleted collection {collection}" in screen
    assert "Traceback" not in screen
    assert _collections(run) == []


def test_at_a_terminal_no_deletes_nothing(
    run: Byoc, terminal: tuple[list[str], dict[str, str]], tmp_path: Path
) -> None:
    collection = _with_tiles(run, "gis-job", 1)
    byoc, env = terminal
    screen, status = in_terminal([*byoc, "collections", "delete", collection], tmp_path, env, typed=b"n\n")
    assert status == 1, screen
    assert f"Delete collection 'gis-job' ({collection}) and its 1 tile? [y/N]:" in screen
    assert "byoc: nothing was deleted" in screen
    assert _collections(run) == [collection]
    assert len(_tile_ids(run, collection)) == 1


def test_at_a_terminal_just_enter_deletes_nothing(
    run: Byoc, terminal: tuple[list[str], dict[str, str]], tmp_path: Path
) -> None:
    collection = run.collection("empty")
    byoc, env = terminal
    screen, status = in_terminal([*byoc, "collections", "delete", collection], tmp_path, env, typed=b"\n")
    assert status == 1, screen
    assert f"Delete collection 'empty' ({collection}), which has no tiles? [y/N]:" in screen
    assert _collections(run) == [collection]


def test_at_a_terminal_several_collections_are_listed_one_per_line(
    run: Byoc, terminal: tuple[list[str], dict[str, str]], tmp_path: Path
) -> None:
    first = _with_tiles(run, "first", 1)
    second = run.collection("second")
    byoc, env = terminal
    screen, status = in_terminal(
        [*byoc, "collections", "delete", "first", second, "--force"], tmp_path, env, typed=b"y\n"
    )
    assert status == 0, screen
    shown = lines(screen)
    assert f"  collection 'first' ({first}): 1 tile" in shown
    assert f"  collection 'second' ({second}): no tiles" in shown
    assert any(line.startswith("Delete these 2 collections and their tiles? [y/N]:") for line in shown)
    assert _collections(run) == []


def test_at_a_terminal_tiles_are_listed_by_id_and_path(
    run: Byoc, terminal: tuple[list[str], dict[str, str]], tmp_path: Path
) -> None:
    collection = _with_tiles(run, "gis-job", 2)
    tiles = json.loads(run("-o", "json", "tiles", "list", collection).stdout)
    byoc, env = terminal
    ids = [tile["id"] for tile in tiles]
    screen, status = in_terminal([*byoc, "tiles", "delete", "gis-job", *ids], tmp_path, env, typed=b"y\n")
    assert status == 0, screen
    shown = lines(screen)
    for tile in tiles:
        assert f"  {tile['id']}  {tile['path']}" in shown
    assert any(
        line.startswith(f"Delete 2 tiles of collection 'gis-job' ({collection})? [y/N]:") for line in shown
    )
    assert _tile_ids(run, collection) == []


def test_a_name_from_the_service_cannot_drive_the_terminal(
    run: Byoc, terminal: tuple[list[str], dict[str, str]], tmp_path: Path
) -> None:
    hostile = "job\x1b[2J\x1b]0;owned\x07"
    created = run("-o", "json", "collections", "create", "--name", hostile, "--bucket", BUCKET)
    collection = json.loads(created.stdout)["id"]
    byoc, env = terminal
    command = [*byoc, "collections", "delete", collection]
    raw_screen, status = in_terminal(command, tmp_path, env, typed=b"n\n")
    assert status == 1
    assert "\\x1b[2J" in raw_screen
    assert _collections(run) == [collection]
