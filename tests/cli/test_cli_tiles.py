"""``byoc tiles ...``: registering, listing (table, JSON, NDJSON, GeoJSON), fixing and piping ids."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas
import pytest

from tests.cli._cli_helpers import Byoc

COVER = {
    "type": "Polygon",
    "coordinates": [[[15.0, 46.06], [15.05, 46.06], [15.05, 46.09], [15.0, 46.09], [15.0, 46.06]]],
}


def _tiles(run: Byoc, collection: str, *options: str) -> list[dict[str, Any]]:
    result = run("-o", "json", "tiles", "list", collection, *options)
    assert result.exit_code == 0, result.stderr
    return list(json.loads(result.stdout))


@pytest.fixture
def ingested(run: Byoc, scenes: Path) -> str:
    """A collection with two INGESTED tiles and one FAILED one."""
    collection = run.collection()
    lines = "\n".join(
        json.dumps(tile)
        for tile in (
            {"path": "2024/05/01/a/(BAND).tif", "sensingTime": "2024-05-01T10:00:00Z"},
            {"path": "2024/05/01/b/(BAND).tif", "coverGeometry": COVER},
            {"path": "2024/05/02/strips/(BAND).tif"},
        )
    )
    result = run("tiles", "create", collection, "--json", "-", input=lines)
    assert result.exit_code == 0, result.stderr
    run.emulator.wait_idle()
    return collection


def test_create_one_tile_from_a_path(run: Byoc, scenes: Path) -> None:
    collection = run.collection()
    result = run(
        "-o",
        "json",
        "tiles",
        "create",
        collection,
        "2024/05/01/a/(BAND).tif",
        "--sensing-time",
        "2024-05-01T10:00:00Z",
    )
    assert result.exit_code == 0, result.stderr
    tile = json.loads(result.stdout)
    assert tile["path"] == "2024/05/01/a/(BAND).tif"
    assert tile["status"] == "WAITING"
    assert tile["sensingTime"].startswith("2024-05-01T10:00:00")


def test_create_with_a_cover_geometry_from_a_file(run: Byoc, scenes: Path, tmp_path: Path) -> None:
    collection = run.collection()
    cover = tmp_path / "cover.geojson"
    cover.write_text(json.dumps(COVER))
    result = run(
        "-o",
        "json",
        "tiles",
        "create",
        collection,
        "2024/05/01/b/(BAND).tif",
        "--cover-geometry",
        f"@{cover}",
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["coverGeometry"]["type"] == "Polygon"


def test_create_many_from_ndjson_and_list_them(run: Byoc, ingested: str) -> None:
    tiles = _tiles(run, ingested)
    statuses = {tile["path"]: tile["status"] for tile in tiles}
    assert statuses == {
        "2024/05/01/a/(BAND).tif": "INGESTED",
        "2024/05/01/b/(BAND).tif": "INGESTED",
        "2024/05/02/strips/(BAND).tif": "FAILED",
    }
    table = run("tiles", "list", ingested).stdout
    assert table.splitlines()[0].split() == [
        "id",
        "path",
        "status",
        "sensing",
        "time",
        "created",
        "failure",
        "cause",
    ]
    assert "FAILED" in table
    assert "INGESTED" in table


def test_list_filters(run: Byoc, ingested: str) -> None:
    assert [tile["status"] for tile in _tiles(run, ingested, "--status", "failed")] == ["FAILED"]
    assert [tile["path"] for tile in _tiles(run, ingested, "--path", "2024/05/01/a/(BAND).tif")] == [
        "2024/05/01/a/(BAND).tif"
    ]
    assert len(_tiles(run, ingested, "--limit", "2")) == 2
    newest_first = _tiles(run, ingested, "--sort", "created:desc")
    assert [tile["created"] for tile in newest_first] == sorted(
        (tile["created"] for tile in newest_first), reverse=True
    )
    lines = run("-o", "ndjson", "tiles", "list", ingested).stdout.splitlines()
    assert len(lines) == 3
    assert all(json.loads(line)["id"] for line in lines)


def test_geojson_loads_in_geopandas(run: Byoc, ingested: str, tmp_path: Path) -> None:
    result = run("-o", "geojson", "tiles", "list", ingested, "--status", "INGESTED")
    assert result.exit_code == 0, result.stderr
    path = tmp_path / "tiles.geojson"
    path.write_text(result.stdout)
    frame = geopandas.read_file(path)
    assert len(frame) == 2
    assert frame.crs.to_epsg() == 4326
    assert set(frame["path"]) == {"2024/05/01/a/(BAND).tif", "2024/05/01/b/(BAND).tif"}
    west, south, east, north = frame.total_bounds
    # The scenes lie in UTM zone 33N just east of 15°E, around 46°N.
    assert 14.9 < west < east < 15.2
    assert 45.9 < south < north < 46.2
    covered = frame[frame["path"] == "2024/05/01/b/(BAND).tif"].geometry.iloc[0]
    assert covered.bounds == pytest.approx((15.0, 46.06, 15.05, 46.09))


def test_get_and_update(run: Byoc, ingested: str) -> None:
    tile = next(tile for tile in _tiles(run, ingested) if tile["path"].startswith("2024/05/01/b"))
    shown = json.loads(run("-o", "json", "tiles", "get", ingested, tile["id"]).stdout)
    assert shown == tile
    feature = json.loads(run("-o", "geojson", "tiles", "get", ingested, tile["id"]).stdout)
    assert feature["type"] == "Feature"
    assert feature["properties"]["id"] == tile["id"]
    result = run(
        "-o", "json", "tiles", "update", ingested, tile["id"], "--sensing-time", "2024-05-03T00:00:00Z"
    )
    assert result.exit_code == 0, result.stderr
    updated = json.loads(result.stdout)
    assert updated["sensingTime"].startswith("2024-05-03T00:00:00")
    # The cover geometry was not given, so it is kept rather than cleared.
    kept, before = updated["coverGeometry"], tile["coverGeometry"]
    assert kept["crs"] == before["crs"]
    for corner, was in zip(kept["coordinates"][0], before["coordinates"][0], strict=True):
        assert corner == pytest.approx(was)


def test_update_refuses_other_members(run: Byoc, ingested: str) -> None:
    tile = _tiles(run, ingested)[0]
    result = run("tiles", "update", ingested, tile["id"], "--json", '{"path": "elsewhere"}')
    assert result.exit_code == 2
    assert "sensingTime and coverGeometry" in result.stderr


def test_failures_lists_the_cause_and_exits_4(run: Byoc, ingested: str) -> None:
    result = run("tiles", "failures", ingested)
    assert result.exit_code == 4
    assert "2024/05/02/strips/(BAND).tif" in result.stdout
    assert "FAILED" in result.stdout
    failed = json.loads(run("-o", "json", "tiles", "failures", ingested).stdout)
    assert [tile["path"] for tile in failed] == ["2024/05/02/strips/(BAND).tif"]
    assert failed[0]["additionalData"]["failedIngestionCause"]


def test_no_failures_exits_0(run: Byoc, scenes: Path) -> None:
    collection = run.collection()
    result = run("tiles", "failures", collection)
    assert result.exit_code == 0
    assert "no failed tiles" in result.stderr
    assert run("-o", "ndjson", "tiles", "failures", collection).stdout == ""


def test_failures_pipe_into_reingest(run: Byoc, ingested: str) -> None:
    piped = run("-o", "ndjson", "tiles", "failures", ingested).stdout
    result = run("tiles", "reingest", ingested, "-", input=piped)
    assert result.exit_code == 0, result.stderr
    failed = json.loads(piped)
    assert f"reingested tile {failed['id']}" in result.stderr
    again = json.loads(run("-o", "json", "tiles", "get", ingested, failed["id"]).stdout)
    assert again["status"] != "FAILED"


def test_delete_by_argument_and_by_stdin_ids(run: Byoc, ingested: str) -> None:
    first, second, third = (tile["id"] for tile in _tiles(run, ingested))
    assert run("tiles", "delete", ingested, first, "--yes").exit_code == 0
    result = run("tiles", "delete", ingested, "-", "--yes", input=f"{second}\n\n{third}\n")
    assert result.exit_code == 0, result.stderr
    assert _tiles(run, ingested) == []


def test_a_failed_id_among_many_is_reported_and_the_rest_done(run: Byoc, ingested: str) -> None:
    first, second, _ = (tile["id"] for tile in _tiles(run, ingested))
    missing = "0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"
    result = run("tiles", "delete", "--yes", ingested, first, missing, second)
    assert result.exit_code == 1
    assert f"tile {missing}: 404" in result.stderr
    assert "1 of 3 tile(s) could not be deleted" in result.stderr
    assert len(_tiles(run, ingested)) == 1


def test_malformed_json_on_stdin_is_one_line_and_exit_2(run: Byoc, scenes: Path) -> None:
    collection = run.collection()
    result = run("tiles", "create", collection, "--json", "-", input='{"path": "a/(BAND).tif",')
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("byoc: error: --json: malformed JSON in stdin")
    assert "Traceback" not in result.stderr
    ndjson = run("tiles", "reingest", collection, "-", input='{"id": "x"}\n{"id": \n')
    assert ndjson.exit_code == 2
    assert "line 2 of stdin" in ndjson.stderr


def test_ids_are_required(run: Byoc, scenes: Path) -> None:
    result = run("tiles", "reingest", run.collection())
    assert result.exit_code == 2
    assert "give tile ids" in result.stderr


def test_path_or_json_not_both(run: Byoc, scenes: Path) -> None:
    collection = run.collection()
    assert run("tiles", "create", collection).exit_code == 2
    both = run("tiles", "create", collection, "a/(BAND).tif", "--json", '{"path": "b"}')
    assert both.exit_code == 2
    no_path = run("tiles", "create", collection, "--json", '{"sensingTime": "2024-05-01T00:00:00Z"}')
    assert no_path.exit_code == 2
    assert 'needs a "path"' in no_path.stderr


def test_an_invalid_cover_geometry_is_refused_before_sending(run: Byoc, scenes: Path) -> None:
    collection = run.collection()
    bad = '{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]}'
    result = run("tiles", "create", collection, "2024/05/01/a/(BAND).tif", "--cover-geometry", bad)
    assert result.exit_code == 2
    assert result.stderr.startswith("byoc: error:")
    assert not [
        record for record in run.emulator.requests if record.method == "POST" and "/tiles" in record.path
    ]


def test_tiles_created_before_a_failure_are_shown(run: Byoc, scenes: Path) -> None:
    collection = run.collection()
    assert run("tiles", "create", collection, "2024/05/01/a/(BAND).tif").exit_code == 0
    lines = '{"path": "2024/05/01/b/(BAND).tif"}\n{"path": "2024/05/01/a/(BAND).tif"}\n'
    result = run("-o", "ndjson", "tiles", "create", collection, "--json", "-", input=lines)
    assert result.exit_code == 1
    assert [json.loads(line)["path"] for line in result.stdout.splitlines()] == ["2024/05/01/b/(BAND).tif"]
    assert result.stderr.startswith("byoc: error: 409")


def test_a_cover_geometry_nested_past_geojson_is_a_geometry_error(run: Byoc, tmp_path: Path) -> None:
    collection = run.collection()
    deep = tmp_path / "deep.json"
    deep.write_text('{"type": "Polygon", "coordinates": ' + "[" * 100_000 + "]" * 100_000 + "}")
    nested_features = '{"type": "Feature", "geometry": ' * 5_000 + '{"type": "Polygon"}' + "}" * 5_000
    for geometry in (f"@{deep}", nested_features):
        result = run("tiles", "create", collection, "a/(BAND).tif", "--cover-geometry", geometry)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert "RecursionError" not in result.output
        assert "geometry" in result.stderr.lower()
