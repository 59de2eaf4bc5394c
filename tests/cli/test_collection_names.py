"""A COLLECTION argument takes an id or an exact name, in every command that has one."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner
from sentinelhub_byoc.cli._app import byoc

from tests.cli._cli_helpers import BUCKET, Byoc, write_scene


def _names(run: Byoc) -> list[str]:
    return sorted(item["name"] for item in json.loads(run("-o", "json", "collections", "list").stdout))


def test_get_update_and_list_tiles_by_name(run: Byoc) -> None:
    collection = run.collection("gis-job")
    run.collection("other")
    shown = json.loads(run("-o", "json", "collections", "get", "gis-job").stdout)
    assert shown["id"] == collection
    updated = run("-o", "json", "collections", "update", "gis-job", "--no-data", "3")
    assert updated.exit_code == 0, updated.stderr
    assert json.loads(updated.stdout)["id"] == collection
    write_scene(run.emulator.bucket_dir(BUCKET), "scene")
    created = run("-o", "json", "tiles", "create", "gis-job", "scene/(BAND).tif")
    assert created.exit_code == 0, created.stderr
    tile = json.loads(created.stdout)["id"]
    listed = json.loads(run("-o", "json", "tiles", "list", "gis-job").stdout)
    assert [item["id"] for item in listed] == [tile]
    assert json.loads(run("-o", "json", "tiles", "get", "gis-job", tile).stdout)["id"] == tile


def test_copy_tiles_between_collections_given_by_name(run: Byoc) -> None:
    write_scene(run.emulator.bucket_dir(BUCKET), "scene")
    source = run.collection("source")
    target = run.collection("target")
    assert run("tiles", "create", "source", "scene/(BAND).tif").exit_code == 0
    run.emulator.wait_idle()
    result = run("collections", "copy-tiles", "source", "target")
    assert result.exit_code == 0, result.stderr
    assert f"copying tiles of collection {source} into {target}" in result.stderr
    run.emulator.wait_idle()
    assert [item["path"] for item in json.loads(run("-o", "json", "tiles", "list", target).stdout)] == [
        "scene/(BAND).tif"
    ]


def test_delete_by_name(run: Byoc) -> None:
    run.collection("gone")
    kept = run.collection("kept")
    result = run("collections", "delete", "gone", "--yes")
    assert result.exit_code == 0, result.stderr
    assert _names(run) == ["kept"]
    assert kept in run("-o", "json", "collections", "list").stdout


def test_an_ambiguous_name_lists_the_candidates_and_changes_nothing(run: Byoc) -> None:
    first, second = run.collection("twin"), run.collection("twin")
    for arguments in (
        ("collections", "get", "twin"),
        ("collections", "delete", "twin", "--yes"),
        ("tiles", "list", "twin"),
    ):
        result = run(*arguments)
        assert result.exit_code == 2, arguments
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1
        assert "2 collections are named 'twin'" in result.stderr
        assert first in result.stderr
        assert second in result.stderr
        assert "give the id of the one you mean" in result.stderr
    assert _names(run) == ["twin", "twin"]
    # The id settles it.
    assert run("collections", "delete", first, "--yes").exit_code == 0
    assert json.loads(run("-o", "json", "collections", "get", "twin").stdout)["id"] == second


def test_an_unknown_name_says_so_and_how_to_search(run: Byoc) -> None:
    run.collection("gis-job")
    result = run("collections", "get", "gis-jobs")
    assert result.exit_code == 2
    assert result.stderr == (
        "byoc: error: COLLECTION: no collection is named 'gis-jobs', and it is not an id; "
        "find it with: byoc collections list --search gis-jobs\n"
    )
    quoted = run("tiles", "list", "my job; rm -rf ~")
    assert quoted.exit_code == 2
    assert "byoc collections list --search 'my job; rm -rf ~'" in quoted.stderr


def test_the_argument_names_which_collection_was_not_found(run: Byoc) -> None:
    source = run.collection("source")
    result = run("collections", "copy-tiles", source, "nowhere")
    assert result.exit_code == 2
    assert "TARGET: no collection is named 'nowhere'" in result.stderr


def test_names_are_exact(run: Byoc) -> None:
    run.collection("GIS-Job")
    assert run("collections", "get", "gis-job").exit_code == 2
    assert run("collections", "get", "GIS-Job ").exit_code == 2
    assert run("collections", "get", "GIS-Job").exit_code == 0


def test_an_id_is_never_looked_up_as_a_name(run: Byoc) -> None:
    collection = run.collection("by-id")
    run.emulator.clear_requests()
    assert run("-o", "json", "collections", "get", collection).exit_code == 0
    api = [request for request in run.emulator.requests if "/byoc/" in request.path]
    assert [(request.method, request.path.rpartition("/")[2]) for request in api] == [("GET", collection)]
    missing = run("collections", "get", "0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b")
    assert missing.exit_code == 1
    assert "404" in missing.stderr


def test_a_name_among_many_pages_is_found(run: Byoc) -> None:
    for number in range(105):
        run.emulator.create_collection(name=f"c{number}", s3_bucket=BUCKET)
    wanted = json.loads(run("-o", "json", "collections", "get", "c104").stdout)
    assert wanted["name"] == "c104"


def test_completion_looks_nothing_up(run: Byoc) -> None:
    run.emulator.clear_requests()
    environment = {
        "_BYOC_COMPLETE": "bash_complete",
        "COMP_WORDS": f"byoc --base-url {run.server.base_url} tiles list gis-job --st",
        "COMP_CWORD": "6",
    }
    result = CliRunner().invoke(byoc, [], env=environment, prog_name="byoc")
    assert "--status" in result.stdout
    assert run.emulator.requests == []


@pytest.mark.parametrize(
    "command",
    [
        ("collections", "get"),
        ("collections", "update"),
        ("collections", "delete"),
        ("collections", "copy-tiles"),
        ("tiles", "list"),
        ("tiles", "get"),
        ("tiles", "create"),
        ("tiles", "update"),
        ("tiles", "delete"),
        ("tiles", "reingest"),
        ("tiles", "failures"),
        ("tiles", "wait"),
        ("tiles", "sync"),
        ("tiles", "map"),
        ("files", "ls"),
        ("files", "get"),
        ("files", "size"),
    ],
)
def test_every_collection_argument_takes_a_name(command: tuple[str, str]) -> None:
    from sentinelhub_byoc.cli._names import COLLECTION

    group = byoc.commands[command[0]]
    assert isinstance(group, click.Group)
    leaf = group.commands[command[1]]
    takes = [param.name for param in leaf.params if param.type is COLLECTION]
    expected = ["source", "target"] if command[1] == "copy-tiles" else ["collection"]
    if command == ("collections", "delete"):
        expected = ["collections"]
    assert takes == expected
