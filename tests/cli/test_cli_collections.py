"""``byoc collections ...``: each command, each output format, input from arguments, files and stdin."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli._cli_helpers import BUCKET, Byoc, write_scene


def test_list_is_empty_at_first(run: Byoc) -> None:
    assert run("-o", "json", "collections", "list").stdout.strip() == "[]"
    assert run("-o", "ndjson", "collections", "list").stdout == ""
    assert run("collections", "list").exit_code == 0


def test_create_from_options_shows_the_collection(run: Byoc) -> None:
    result = run("collections", "create", "--name", "my-cogs", "--bucket", "cli-bucket")
    assert result.exit_code == 0, result.stderr
    assert "my-cogs" in result.stdout
    assert "cli-bucket" in result.stdout
    table = run("collections", "list").stdout
    assert "my-cogs" in table
    assert "bucket" in table.splitlines()[0]


def test_create_from_json_text_file_and_stdin(run: Byoc, tmp_path: Path) -> None:
    document = tmp_path / "collection.json"
    document.write_text(json.dumps({"name": "from-file", "s3Bucket": "cli-bucket", "noData": 0}))
    given = [
        ("--json", '{"name": "from-text", "s3Bucket": "cli-bucket"}'),
        ("--json", f"@{document}"),
        ("--json", str(document)),
    ]
    for option, value in given:
        assert run("collections", "create", option, value).exit_code == 0
    piped = run(
        "collections", "create", "--json", "-", input='{"name": "from-stdin", "s3Bucket": "cli-bucket"}'
    )
    assert piped.exit_code == 0, piped.stderr
    names = sorted(item["name"] for item in json.loads(run("-o", "json", "collections", "list").stdout))
    assert names == ["from-file", "from-file", "from-stdin", "from-text"]


def test_options_override_the_json(run: Byoc) -> None:
    document = '{"name": "a", "s3Bucket": "cli-bucket"}'
    result = run("-o", "json", "collections", "create", "--json", document, "--name", "c")
    assert json.loads(result.stdout)["name"] == "c"


def test_json_output_is_the_api_object(run: Byoc) -> None:
    collection = run.collection()
    shown = json.loads(run("-o", "json", "collections", "get", collection).stdout)
    assert shown["id"] == collection
    assert shown["s3Bucket"] == "cli-bucket"
    assert {"name", "s3Bucket", "id", "created"} <= set(shown)
    lines = run("-o", "ndjson", "collections", "list").stdout.splitlines()
    assert [json.loads(line) for line in lines] == [shown]


def test_list_search_and_limit(run: Byoc) -> None:
    for name in ("alpha", "beta", "gamma"):
        run.collection(name)
    found = json.loads(run("-o", "json", "collections", "list", "--search", "beta").stdout)
    assert [item["name"] for item in found] == ["beta"]
    assert len(json.loads(run("-o", "json", "collections", "list", "--limit", "2").stdout)) == 2


def test_update_keeps_what_is_not_given(run: Byoc) -> None:
    collection = run.collection("before")
    result = run("-o", "json", "collections", "update", collection, "--name", "after")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["name"] == "after"
    assert json.loads(result.stdout)["s3Bucket"] == "cli-bucket"
    by_json = run("-o", "json", "collections", "update", collection, "--json", '{"noData": 7}')
    assert json.loads(by_json.stdout)["noData"] == 7
    assert json.loads(by_json.stdout)["name"] == "after"


def test_update_needs_a_change(run: Byoc) -> None:
    result = run("collections", "update", run.collection())
    assert result.exit_code == 2
    assert "nothing to change" in result.stderr


def test_delete(run: Byoc) -> None:
    first, second = run.collection("one"), run.collection("two")
    result = run("collections", "delete", "--yes", first, second)
    assert result.exit_code == 0, result.stderr
    assert f"deleted collection {first}" in result.stderr
    assert result.stdout == ""
    assert run("-o", "json", "collections", "list").stdout.strip() == "[]"


def test_copy_tiles(run: Byoc) -> None:
    write_scene(run.emulator.bucket_dir("cli-bucket"), "scene")
    source, target = run.collection("source"), run.collection("target")
    assert run("tiles", "create", source, "scene/(BAND).tif").exit_code == 0
    run.emulator.wait_idle()
    result = run("collections", "copy-tiles", source, target)
    assert result.exit_code == 0, result.stderr
    run.emulator.wait_idle()
    copied = json.loads(run("-o", "json", "tiles", "list", target).stdout)
    assert [tile["path"] for tile in copied] == ["scene/(BAND).tif"]


def test_unknown_collection_is_one_line_and_exit_1(run: Byoc) -> None:
    result = run("collections", "get", "0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("byoc: error: 404")
    assert "byoc collections list" in lines[0]
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(run: Byoc) -> None:
    result = run("--debug", "collections", "get", "0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b")
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "NotFoundError" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("byoc: error: 404")


def test_bad_input_is_exit_2(run: Byoc) -> None:
    not_an_id = run("collections", "get", "not-an-id")
    assert not_an_id.exit_code == 2
    assert "no collection is named 'not-an-id', and it is not an id" in not_an_id.stderr
    unknown_member = run("collections", "create", "--json", '{"name": "a", "s3Bucket": "b", "colour": 1}')
    assert unknown_member.exit_code == 2
    assert unknown_member.stderr.strip() == "byoc: error: --json: unknown member(s) colour for a collection"
    wrong_type = run("collections", "create", "--json", '{"name": 5, "s3Bucket": "b"}')
    assert wrong_type.exit_code == 2
    assert "name" in wrong_type.stderr
    incomplete = run("collections", "create", "--name", "only-a-name")
    assert incomplete.exit_code == 2
    assert "bucket" in incomplete.stderr


def test_geojson_is_for_tiles(run: Byoc) -> None:
    result = run("-o", "geojson", "collections", "list")
    assert result.exit_code == 2
    assert "-o geojson is for tiles" in result.stderr


def test_update_merges_nested_members(run: Byoc) -> None:
    created = run(
        "-o", "json", "collections", "create", "--name", "n", "--bucket", "cli-bucket", "--no-data", "1"
    )
    collection = json.loads(created.stdout)["id"]
    bands = (
        '{"additionalData": {"bands": {"B01": {"bitDepth": 16, "sampleFormat": "UINT", "source": "B01"}}}}'
    )
    result = run("-o", "json", "collections", "update", collection, "--json", bands)
    assert result.exit_code == 0, result.stderr
    updated = json.loads(result.stdout)
    assert updated["noData"] == 1
    assert updated["additionalData"]["bands"]["B01"]["bitDepth"] == 16
    assert "hasSensingTimes" in updated["additionalData"]


def test_a_missing_json_file_is_named(run: Byoc, tmp_path: Path) -> None:
    for given in (f"@{tmp_path / 'none.json'}", str(tmp_path / "none.json")):
        result = run("collections", "create", "--json", given)
        assert result.exit_code == 2
        assert (
            result.stderr.strip()
            == f"byoc: error: --json: cannot read {tmp_path / 'none.json'}: No such file or directory"
        )


def test_create_with_a_storage_identifier_on_a_cdse_service() -> None:
    from sentinelhub_byoc.testing import Emulator, serve

    with Emulator(flavour="cdse") as emulator, serve(emulator) as server:
        run = Byoc(server)
        result = run(
            "-o",
            "json",
            "collections",
            "create",
            "--name",
            "cdse",
            "--bucket",
            "project-1:cli-bucket",
            "--storage-identifier",
            "waw3-2",
        )
        assert result.exit_code == 0, result.stderr
        created = json.loads(result.stdout)
        assert created["additionalData"]["storageIdentifier"] == "waw3-2"
        shown = json.loads(run("-o", "json", "collections", "get", created["id"]).stdout)
        assert shown["additionalData"]["storageIdentifier"] == "waw3-2"


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_a_no_data_json_cannot_carry_is_refused_before_sending(run: Byoc, value: str) -> None:
    before = len(run.emulator.requests)
    result = run("collections", "create", "--name", "n", "--bucket", BUCKET, "--no-data", value)
    assert result.exit_code == 2, result.output
    assert "--no-data must be a finite number" in result.stderr
    assert "no_data" not in result.stderr
    assert "Traceback" not in result.output
    assert len(run.emulator.requests) == before


def test_a_json_body_with_nan_is_refused_before_sending(run: Byoc) -> None:
    before = len(run.emulator.requests)
    bands = '{"bands": {"B1": {"noData": NaN}}}'
    body = f'{{"name": "n", "s3Bucket": "{BUCKET}", "additionalData": {bands}}}'
    result = run("collections", "create", "--json", body)
    assert result.exit_code == 2, result.output
    assert "noData is nan" in result.stderr
    assert len(run.emulator.requests) == before
