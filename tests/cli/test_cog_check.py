"""``byoc cog check``: files, folders and S3 prefixes against the ingestion rules; exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from _cli_helpers import Byoc, write_scene
from sentinelhub_byoc.testing.cogs import write_cog

from tests.s3_fixtures import moto_endpoint, new_bucket, s3_client

__all__ = ["moto_endpoint"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A good scene and one stored in strips."""
    scenes = tmp_path / "scenes"
    write_scene(scenes, "good")
    write_scene(scenes, "strips", west=505_120.0, tiled=False)
    return scenes


def test_a_good_file_exits_0(run: Byoc, folder: Path) -> None:
    result = run.bare("cog", "check", str(folder / "good" / "B04.tif"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{folder / 'good' / 'B04.tif'}: OK\n"
    assert "1 checked: 0 with errors, 0 with warnings only, 1 OK" in result.stderr


def test_a_broken_file_shows_the_problem_and_its_fix_and_exits_4(run: Byoc, folder: Path) -> None:
    result = run.bare("cog", "check", str(folder / "strips" / "B04.tif"), str(folder / "good" / "B08.tif"))
    assert result.exit_code == 4
    assert "error [not-tiled]" in result.stdout
    assert "fix: gdal_translate -of COG" in result.stdout
    assert f"{folder / 'good' / 'B08.tif'}: OK" in result.stdout
    assert "2 checked: 1 with errors" in result.stderr


def test_a_folder_is_checked_tile_by_tile(run: Byoc, folder: Path) -> None:
    result = run.bare("cog", "check", str(folder))
    assert result.exit_code == 4
    assert f"tile {folder / 'good' / '(BAND).tif'}: OK" in result.stdout
    assert f"tile {folder / 'strips' / '(BAND).tif'}: 2 errors" in result.stdout
    checked = json.loads(run.bare("-o", "json", "cog", "check", str(folder)).stdout)
    assert [tile["ok"] for tile in checked] == [True, False]
    assert {problem["rule"] for problem in checked[1]["problems"]} == {"not-tiled"}
    assert checked[1]["problems"][0]["fix"].startswith("gdal_translate")
    assert checked[0]["files"] == ["B04", "B08"]
    lines = run.bare("-o", "ndjson", "cog", "check", str(folder / "good")).stdout.splitlines()
    assert [json.loads(line)["ok"] for line in lines] == [True]


def test_layout_and_rules(run: Byoc, tmp_path: Path) -> None:
    flat = tmp_path / "flat"
    for band in ("B04", "B08"):
        write_cog(
            flat / f"S2_20240501_{band}.tif",
            np.ones((256, 256), dtype=np.uint16),
            epsg=6933,
            bounds=(0.0, 0.0, 2_560.0, 2_560.0),
        )
    by_layout = run.bare(
        "-o", "json", "cog", "check", str(flat), "--layout", "*_(BAND).tif", "--rules", "cdse"
    )
    assert by_layout.exit_code == 0, by_layout.stdout
    assert [tile["tile"] for tile in json.loads(by_layout.stdout)] == [str(flat / "S2_20240501_(BAND).tif")]
    # EPSG:6933 is accepted by the Copernicus Data Space Ecosystem only.
    sentinel_hub = run.bare("cog", "check", str(flat), "--layout", "*_(BAND).tif")
    assert sentinel_hub.exit_code == 4
    assert "[crs]" in sentinel_hub.stdout


def test_bad_input(run: Byoc, folder: Path, tmp_path: Path) -> None:
    missing = run.bare("cog", "check", str(folder / "good" / "B04.tif"), str(tmp_path / "nowhere"))
    assert missing.exit_code == 2
    assert missing.stderr == f"byoc: error: {tmp_path / 'nowhere'}: no such file or folder\n"
    assert missing.stdout == ""
    layout = run.bare("cog", "check", str(folder), "--layout", "**/*.tif")
    assert layout.exit_code == 2
    assert layout.stderr.count("\n") == 1
    assert layout.stderr.startswith("byoc: error: layout must be a path pattern")
    assert run.bare("cog", "check", str(folder), "--rules", "planet").exit_code == 2
    assert run.bare("cog", "check").exit_code == 2
    assert run.bare("-o", "geojson", "cog", "check", str(folder)).exit_code == 2
    not_a_tiff = tmp_path / "notes.tif"
    not_a_tiff.write_text("hello")
    unreadable = run.bare("cog", "check", str(not_a_tiff))
    assert unreadable.exit_code == 4
    assert "[unreadable]" in unreadable.stdout


def test_s3_files_and_prefixes(run: Byoc, folder: Path, moto_endpoint: str) -> None:
    client = s3_client(moto_endpoint)
    bucket = new_bucket(client, "cogs")
    for scene in ("good", "strips"):
        for band in ("B04", "B08"):
            client.upload_file(str(folder / scene / f"{band}.tif"), bucket, f"scenes/{scene}/{band}.tif")
    env = {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }
    one = run.bare("cog", "check", f"s3://{bucket}/scenes/good/B04.tif", env=env)
    assert one.exit_code == 0, one.stderr
    assert one.stdout == f"s3://{bucket}/scenes/good/B04.tif: OK\n"
    prefix = run.bare("-o", "json", "cog", "check", f"s3://{bucket}/scenes/", env=env)
    assert prefix.exit_code == 4
    assert [(tile["tile"], tile["ok"]) for tile in json.loads(prefix.stdout)] == [
        (f"s3://{bucket}/scenes/good/(BAND).tif", True),
        (f"s3://{bucket}/scenes/strips/(BAND).tif", False),
    ]
    gone = run.bare("cog", "check", "s3://no-such-bucket/x.tif", env=env)
    assert gone.exit_code == 1
    assert gone.stderr.startswith("byoc: error:")
    assert gone.stderr.count("\n") == 1
