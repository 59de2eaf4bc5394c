"""``byoc cog check``: files, folders and S3 prefixes against the ingestion rules; exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from sentinelhub_byoc.testing.cogs import write_cog

from tests.cli._cli_helpers import Byoc, write_scene
from tests.cli._terminal import byoc_script, cli_environment, in_terminal, lines
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
    # The fix is the command that repairs the file, given once; GDAL's own is in the docs.
    assert result.stdout.count("fix: ") == 1
    assert f"  fix: byoc cog convert {folder / 'strips' / 'B04.tif'} --out DIR\n" in result.stdout
    assert "gdal_translate" not in result.stdout
    assert f"{folder / 'good' / 'B08.tif'}: OK" in result.stdout
    summary = [
        "2 checked: 1 with errors, 0 with warnings only, 1 OK",
        "byoc cog convert can fix 1 of the 1 with errors",
    ]
    assert result.stderr.splitlines()[-2:] == summary


def test_a_folder_is_checked_tile_by_tile(run: Byoc, folder: Path) -> None:
    result = run.bare("cog", "check", str(folder))
    assert result.exit_code == 4
    assert f"tile {folder / 'good' / '(BAND).tif'}: OK" in result.stdout
    assert f"tile {folder / 'strips' / '(BAND).tif'}: 2 errors" in result.stdout
    # Both files are fixed by one command, given once for the tile.
    both = f"{folder / 'strips' / 'B04.tif'} {folder / 'strips' / 'B08.tif'}"
    assert result.stdout.count("fix: ") == 1
    assert f"  fix: byoc cog convert {both} --out DIR\n" in result.stdout
    checked = json.loads(run.bare("-o", "json", "cog", "check", str(folder)).stdout)
    assert [tile["ok"] for tile in checked] == [True, False]
    assert {problem["rule"] for problem in checked[1]["problems"]} == {"not-tiled"}
    assert checked[1]["problems"][0]["fix"].startswith("byoc cog convert")
    assert [problem["fixed_by_convert"] for problem in checked[1]["problems"]] == [True, True]
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


def _break_tile_width(path: Path) -> None:
    """Give the TileWidth tag of the file's first IFD a count of 2: a header no reader expects."""
    import struct

    data = bytearray(path.read_bytes())
    assert data[:4] == b"II*\x00"
    (offset,) = struct.unpack_from("<I", data, 4)
    (entries,) = struct.unpack_from("<H", data, offset)
    for index in range(entries):
        entry = offset + 2 + 12 * index
        if struct.unpack_from("<H", data, entry)[0] == 322:
            struct.pack_into("<I", data, entry + 4, 2)
            break
    else:
        raise AssertionError("no TileWidth tag")
    path.write_bytes(bytes(data))


def test_a_malformed_header_is_reported_and_the_other_files_still_checked(
    run: Byoc, folder: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.tif"
    bad.write_bytes((folder / "good" / "B04.tif").read_bytes())
    _break_tile_width(bad)
    good = folder / "good" / "B08.tif"
    result = run.bare("cog", "check", str(bad), str(good))
    assert result.exit_code == 4
    assert "Traceback" not in result.output
    assert f"{bad}: 1 error" in result.stdout
    assert "[unreadable]" in result.stdout
    assert f"{good}: OK" in result.stdout
    assert "2 checked: 1 with errors, 0 with warnings only, 1 OK" in result.stderr


def test_a_check_that_raises_does_not_stop_the_others(
    run: Byoc, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sentinelhub_byoc.cog

    real = sentinelhub_byoc.cog.check_cog
    strips = str(folder / "strips" / "B04.tif")

    def failing(path: str, **options: object) -> object:
        if path == strips:
            raise TypeError("unsupported operand type(s) for //: 'tuple' and 'int'")
        return real(path, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(sentinelhub_byoc.cog, "check_cog", failing)
    good = str(folder / "good" / "B04.tif")
    # A fault in the checks themselves (they turn files they cannot parse into "unreadable"
    # problems): said on its own line, and the other paths are still checked.
    result = run.bare("-o", "json", "cog", "check", strips, good)
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout) == [{"file": good, "ok": True, "problems": []}]
    said = f"byoc: error: {strips} could not be checked (TypeError: unsupported operand"
    assert result.stderr.splitlines()[0].startswith(said)

    def broken_listing(path: str, **options: object) -> object:
        raise RuntimeError("listing went wrong")

    monkeypatch.setattr(sentinelhub_byoc.cog, "check_prefix", broken_listing)
    folders = run.bare("cog", "check", str(folder / "strips"), good)
    assert folders.exit_code == 1, folders.output
    assert folders.stdout == f"{good}: OK\n"
    said = f"byoc: error: {folder / 'strips'} could not be checked (RuntimeError: listing went wrong)"
    assert folders.stderr.splitlines()[0] == said


def test_each_problem_says_whether_convert_fixes_it(run: Byoc, folder: Path, tmp_path: Path) -> None:
    strips = json.loads(run.bare("-o", "json", "cog", "check", str(folder / "strips" / "B04.tif")).stdout)
    assert [problem["fixed_by_convert"] for problem in strips[0]["problems"]] == [True]
    # Band files that do not line up are not something converting one file fixes.
    write_scene(tmp_path / "mixed", "scene")
    write_scene(tmp_path / "shifted", "scene", west=600_000.0)
    (tmp_path / "mixed" / "scene" / "B08.tif").write_bytes(
        (tmp_path / "shifted" / "scene" / "B08.tif").read_bytes()
    )
    mixed = run.bare("-o", "json", "cog", "check", str(tmp_path / "mixed"))
    assert mixed.exit_code == 4
    problems = json.loads(mixed.stdout)[0]["problems"]
    assert {(problem["rule"], problem["fixed_by_convert"]) for problem in problems} == {("bounds", False)}
    assert not any(problem["fix"].startswith("byoc cog convert") for problem in problems)
    table = run.bare("cog", "check", str(tmp_path / "mixed"))
    assert table.stderr.splitlines()[-1] == "byoc cog convert can fix 0 of the 1 with errors"


def test_an_unreadable_s3_object_is_said_and_the_other_paths_still_checked(
    run: Byoc, folder: Path, moto_endpoint: str
) -> None:
    client = s3_client(moto_endpoint)
    bucket = new_bucket(client, "partly")
    client.upload_file(str(folder / "good" / "B04.tif"), bucket, "good/B04.tif")
    env = {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }
    result = run.bare("cog", "check", f"s3://{bucket}/gone/B04.tif", f"s3://{bucket}/good/B04.tif", env=env)
    assert result.exit_code == 1, result.output
    assert result.stdout == f"s3://{bucket}/good/B04.tif: OK\n"
    first, summary = result.stderr.splitlines()
    assert first.startswith("byoc: error:")
    assert f"s3://{bucket}/gone/B04.tif" in first
    assert summary == "1 checked: 0 with errors, 0 with warnings only, 1 OK"


def _many_problems(path: Path) -> None:
    """A file breaking five rules: strips, no compression, 64-bit floats, EPSG:2056, GDAL_NODATA text."""
    write_cog(
        path,
        np.ones((600, 300), np.float64),
        epsg=2056,
        bounds=(2_600_000.0, 1_200_000.0, 2_603_000.0, 1_206_000.0),
        tiled=False,
        compression=None,
        extra_tags=[(42113, "s", 0, "abc", True)],
    )


@pytest.mark.parametrize("columns", [80, 100, 120])
def test_at_a_terminal_each_problem_is_one_line_and_each_fix_is_given_once(
    tmp_path: Path, columns: int
) -> None:
    work = tmp_path / "work"
    _many_problems(work / "scenes" / "T33TVM" / "B04.tif")
    command = [byoc_script(), "cog", "check", "scenes/T33TVM/B04.tif"]
    env = cli_environment(tmp_path)
    for _ in range(2):
        screen, status = in_terminal(command, work, env, columns)
        assert status == 4, screen
        shown = lines(screen)
        assert [line for line in shown if len(line) > columns] == []
        problems = [line for line in shown if line.startswith(("  error [", "  warning ["))]
        assert [line.split("]")[0].split("[")[1] for line in problems] == [
            "not-tiled",
            "compression",
            "data-type",
            "crs",
            "nodata",
        ]
        fixes = [line for line in shown if line.startswith("  fix")]
        assert fixes == [
            "  fix: gdal_edit.py -a_nodata <value> scenes/T33TVM/B04.tif",
            "  fix: byoc cog convert scenes/T33TVM/B04.tif --out DIR --reproject utm",
        ]
        assert "gdal_translate" not in screen
    # Piped, nothing is cut: each problem's line holds its whole message, as -o json gives it.
    piped = subprocess.run(command, cwd=work, capture_output=True, text=True, env=env, timeout=120)
    assert piped.returncode == 4
    checked = json.loads(
        subprocess.run(
            [byoc_script(), "-o", "json", *command[1:]],
            cwd=work,
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        ).stdout
    )
    messages = [problem["message"] for problem in checked[0]["problems"]]
    assert len(messages) == 5
    for message in messages:
        detail = message.removeprefix("scenes/T33TVM/B04.tif").lstrip(": ")
        assert sum(line.endswith(f"] {detail}") for line in piped.stdout.splitlines()) == 1
    assert "…" not in piped.stdout
