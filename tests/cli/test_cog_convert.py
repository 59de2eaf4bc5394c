"""``byoc cog convert``: rasters written by GDAL made into COGs the service ingests; the report,
its formats and exit codes, reruns, options, S3, Dask, a real process and a terminal of 80 columns."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sentinelhub_byoc.cog import check_cog

from tests.cli._cli_helpers import Byoc
from tests.cli._terminal import byoc_script, cli_environment, in_terminal, lines
from tests.s3_fixtures import moto_endpoint, new_bucket, s3_client

__all__ = ["moto_endpoint"]

rasterio = pytest.importorskip("rasterio")

SIZE = 512


def write_raster(
    path: Path, *, crs: str = "EPSG:32633", bands: int = 1, dtype: str = "uint16", **creation: Any
) -> Path:
    """A SIZE x SIZE raster written by GDAL's GTiff driver: by default striped and uncompressed."""
    from affine import Affine

    path.parent.mkdir(parents=True, exist_ok=True)
    data = (np.arange(bands * SIZE * SIZE).reshape(bands, SIZE, SIZE) % 251 + 1).astype(dtype)
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "width": SIZE,
        "height": SIZE,
        "count": bands,
        "dtype": dtype,
        "crs": crs,
        "transform": Affine(10.0, 0.0, 500_000.0, 0.0, -10.0, 5_100_000.0),
        **creation,
    }
    with rasterio.open(path, "w", **profile) as dataset:
        dataset.write(data)
    return path


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder as a user has it: strips, a JPEG-compressed file in a subfolder, a file GDAL cannot read."""
    folder = tmp_path_factory.mktemp("scans") / "in"
    write_raster(folder / "strips.tif")
    write_raster(
        folder / "sub" / "jpeg.tif",
        dtype="uint8",
        tiled=True,
        blockxsize=256,
        blockysize=256,
        compress="JPEG",
    )
    (folder / "broken.tif").write_bytes(b"this is not a raster")
    return folder


def _rows(result: Any) -> dict[str, dict[str, Any]]:
    return {row["source"]: row for row in json.loads(result.stdout)}


def test_a_folder_is_converted_and_reported_file_by_file(run: Byoc, scans: Path, tmp_path: Path) -> None:
    out = tmp_path / "cogs"
    result = run.bare("cog", "convert", str(scans), "--out", str(out))
    # The unreadable file fails alone: the others are converted, and the exit code says one failed.
    assert result.exit_code == 4, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["source", "outcome", "outputs", "changes", "/", "reason"]
    strips = next(line for line in lines if line.startswith(str(scans / "strips.tif")))
    assert "converted" in strips
    assert str(out / "strips.tif") in strips
    assert "strips -> 1024x1024 tiles" in strips
    assert "JPEG -> DEFLATE" in next(
        line for line in lines if line.startswith(str(scans / "sub" / "jpeg.tif"))
    )
    broken = next(line for line in lines if line.startswith(str(scans / "broken.tif")))
    assert "failed" in broken
    assert "GDAL cannot read it" in broken
    assert result.stderr.splitlines()[-1] == "2 converted, 0 up to date, 1 failed"
    for output in (out / "strips.tif", out / "sub" / "jpeg.tif"):
        assert check_cog(output).ok, check_cog(output)
    with rasterio.open(scans / "strips.tif") as source, rasterio.open(out / "strips.tif") as converted:
        assert np.array_equal(source.read(), converted.read())
        assert converted.block_shapes == [(1024, 1024)]
        assert converted.crs == source.crs
        assert converted.bounds == source.bounds


def test_a_second_run_finds_the_outputs_up_to_date(run: Byoc, scans: Path, tmp_path: Path) -> None:
    out = tmp_path / "cogs"
    args = ("-o", "json", "cog", "convert", str(scans / "strips.tif"), str(scans / "sub"), "--out", str(out))
    first = run.bare(*args)
    assert first.exit_code == 0, first.stderr
    assert {row["outcome"] for row in json.loads(first.stdout)} == {"converted"}
    written = (out / "strips.tif").stat().st_mtime_ns
    second = run.bare(*args)
    assert second.exit_code == 0, second.stderr
    rows = _rows(second)
    assert rows[str(scans / "strips.tif")] == {
        "source": str(scans / "strips.tif"),
        "outcome": "up to date",
        "outputs": [str(out / "strips.tif")],
        "changes": [],
        "warnings": [],
        "reason": None,
    }
    assert rows[str(scans / "sub" / "jpeg.tif")]["outputs"] == [str(out / "jpeg.tif")]
    assert second.stderr.splitlines()[-1] == "0 converted, 2 up to date, 0 failed"
    assert (out / "strips.tif").stat().st_mtime_ns == written
    forced = run.bare(*args, "--force")
    assert {row["outcome"] for row in json.loads(forced.stdout)} == {"converted"}


def test_ndjson_gives_one_record_per_source_with_the_whole_reason(
    run: Byoc, scans: Path, tmp_path: Path
) -> None:
    result = run.bare("-o", "ndjson", "cog", "convert", str(scans), "--out", str(tmp_path / "cogs"))
    assert result.exit_code == 4
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["source"] for record in records] == sorted(
        str(scans / name) for name in ("broken.tif", "strips.tif", "sub/jpeg.tif")
    )
    failed = records[0]
    assert failed["outcome"] == "failed"
    assert failed["outputs"] == []
    assert failed["reason"].startswith(f"cannot convert {scans / 'broken.tif'}")
    assert "…" not in failed["reason"]
    assert (
        run.bare("-o", "geojson", "cog", "convert", str(scans), "--out", str(tmp_path / "x")).exit_code == 2
    )


def test_options_reach_the_written_file(run: Byoc, scans: Path, tmp_path: Path) -> None:
    out = tmp_path / "cogs"
    options = ["--blocksize", "256", "--compression", "zstd", "--level", "9", "--predictor", "1"]
    options += ["--nodata", "7", "--dtype", "int32", "--resampling", "mode", "--concurrency", "1"]
    result = run.bare("cog", "convert", str(scans / "strips.tif"), "--out", str(out), *options)
    assert result.exit_code == 0, result.stderr
    with rasterio.open(out / "strips.tif") as converted:
        assert converted.block_shapes == [(256, 256)]
        assert converted.compression.value == "ZSTD"
        assert converted.nodata == 7
        assert converted.dtypes == ("int32",)
        assert converted.overviews(1)
    unset = run.bare("cog", "convert", str(scans / "strips.tif"), "--out", str(out), "--nodata", "none")
    assert unset.exit_code == 0, unset.stderr
    with rasterio.open(out / "strips.tif") as converted:
        assert converted.nodata is None


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [
        ("--blocksize", "100", "blocksize"),
        ("--blocksize", "big", "--blocksize"),
        ("--compression", "JPEG", "--compression"),
        ("--level", "40", "level"),
        ("--predictor", "5", "predictor"),
        ("--resampling", "sideways", "resampling"),
        ("--nodata", "lots", "--nodata"),
        ("--nodata", "inf", "--nodata"),
        ("--dtype", "float64", "dtype"),
        ("--reproject", "mars", "--reproject"),
        ("--concurrency", "0", "--concurrency"),
    ],
)
def test_bad_values_are_usage_errors_before_any_work(
    run: Byoc, scans: Path, tmp_path: Path, option: str, value: str, named: str
) -> None:
    out = tmp_path / "cogs"
    result = run.bare("cog", "convert", str(scans), "--out", str(out), option, value)
    assert result.exit_code == 2, result.output
    assert named in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_names_with_brackets_are_shown_as_they_are(run: Byoc, scans: Path, tmp_path: Path) -> None:
    source = tmp_path / "in" / "scan [red].tif"
    source.parent.mkdir()
    source.write_bytes((scans / "strips.tif").read_bytes())
    result = run.bare("cog", "convert", str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    [row] = result.stdout.splitlines()[2:]
    assert row.startswith(f"{source}   converted   {tmp_path / 'out' / 'scan [red].tif'}   ")


def test_bad_sources_and_destinations_are_usage_errors(run: Byoc, scans: Path, tmp_path: Path) -> None:
    missing = run.bare("cog", "convert", str(tmp_path / "nowhere.tif"), "--out", str(tmp_path / "o"))
    assert missing.exit_code == 2
    assert missing.stderr.startswith("byoc: error:")
    assert "nowhere.tif" in missing.stderr
    inside = run.bare("cog", "convert", str(scans), "--out", str(scans / "cogs"))
    assert inside.exit_code == 2
    assert "inside the source folder" in inside.stderr
    assert not (scans / "cogs").exists()
    assert run.bare("cog", "convert", str(scans)).exit_code == 2
    assert run.bare("cog", "convert", "--out", str(tmp_path / "o")).exit_code == 2


def test_split_bands_writes_a_tile_folder_per_source(run: Byoc, tmp_path: Path) -> None:
    source = write_raster(tmp_path / "in" / "rgb.tif", bands=3, dtype="uint8", interleave="pixel")
    out = tmp_path / "tiles"
    result = run.bare("-o", "json", "cog", "convert", str(source), "--out", str(out), "--split-bands")
    assert result.exit_code == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert row["outputs"] == [str(out / "rgb" / f"B{band}.tif") for band in (1, 2, 3)]
    with rasterio.open(source) as original:
        for band in (1, 2, 3):
            with rasterio.open(out / "rgb" / f"B{band}.tif") as written:
                assert written.count == 1
                assert np.array_equal(written.read(1), original.read(band))
    check = run.bare("cog", "check", str(out), "--layout", "(BAND).tif")
    assert check.exit_code == 0, check.stdout


def test_only_failing_leaves_passing_files_alone(run: Byoc, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_raster(folder / "good.tif", driver="COG", BLOCKSIZE="256", COMPRESS="DEFLATE")
    write_raster(folder / "strips.tif")
    out = tmp_path / "cogs"
    result = run.bare("cog", "convert", str(folder), "--out", str(out), "--only-failing")
    assert result.exit_code == 0, result.stderr
    good = next(line for line in result.stdout.splitlines() if line.startswith(str(folder / "good.tif")))
    assert "unchanged" in good
    assert "already passes the sentinel-hub rules" in good
    assert not (out / "good.tif").exists()
    assert (out / "strips.tif").exists()
    assert "1 converted, 0 up to date, 1 unchanged, 0 failed" in result.stderr


def test_a_refused_crs_fails_with_its_reason_unless_reprojected(run: Byoc, tmp_path: Path) -> None:
    # ETRS89 / UTM 33N: in Europe, common, and not one of the CRSs the service accepts.
    source = write_raster(tmp_path / "in" / "etrs.tif", crs="EPSG:25833")
    out = tmp_path / "cogs"
    refused = run.bare("-o", "json", "cog", "convert", str(source), "--out", str(out))
    assert refused.exit_code == 4
    [row] = json.loads(refused.stdout)
    assert row["outcome"] == "failed"
    assert "25833" in row["reason"]
    assert "reproject" in row["reason"]
    to_utm = run.bare("-o", "json", "cog", "convert", str(source), "--out", str(out), "--reproject")
    assert to_utm.exit_code == 0, to_utm.stderr
    assert check_cog(out / "etrs.tif").epsg == 32633
    named = run.bare("cog", "convert", str(source), "--out", str(tmp_path / "w"), "--reproject=EPSG:3857")
    assert named.exit_code == 0, named.stderr
    assert check_cog(tmp_path / "w" / "etrs.tif").epsg == 3857


def test_cdse_rules(run: Byoc, tmp_path: Path) -> None:
    # EPSG:6933 is accepted by the Copernicus Data Space Ecosystem only.
    source = write_raster(tmp_path / "in" / "ease.tif", crs="EPSG:6933")
    assert run.bare("cog", "convert", str(source), "--out", str(tmp_path / "sh")).exit_code == 4
    cdse = run.bare("cog", "convert", str(source), "--out", str(tmp_path / "cdse"), "--rules", "cdse")
    assert cdse.exit_code == 0, cdse.stderr
    assert check_cog(tmp_path / "cdse" / "ease.tif", rules="cdse").ok


def test_from_one_s3_prefix_to_another(run: Byoc, scans: Path, moto_endpoint: str) -> None:
    client = s3_client(moto_endpoint)
    bucket = new_bucket(client, "convert")
    client.upload_file(str(scans / "strips.tif"), bucket, "raw/2024/strips.tif")
    client.upload_file(str(scans / "broken.tif"), bucket, "raw/2024/broken.tif")
    env = {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }
    args = ("-o", "json", "cog", "convert", f"s3://{bucket}/raw/", "--out", f"s3://{bucket}/cogs/")
    result = run.bare(*args, env=env)
    assert result.exit_code == 4, result.stderr
    rows = _rows(result)
    assert rows[f"s3://{bucket}/raw/2024/strips.tif"]["outputs"] == [f"s3://{bucket}/cogs/2024/strips.tif"]
    assert rows[f"s3://{bucket}/raw/2024/broken.tif"]["outcome"] == "failed"
    keys = [item["Key"] for item in client.list_objects_v2(Bucket=bucket, Prefix="cogs/")["Contents"]]
    assert keys == ["cogs/2024/strips.tif"]
    assert check_cog(f"s3://{bucket}/cogs/2024/strips.tif", s3_client=client).ok
    again = _rows(run.bare(*args, env=env))
    assert again[f"s3://{bucket}/raw/2024/strips.tif"]["outcome"] == "up to date"


# --- Dask -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a LocalCluster's scheduler, its one worker in this process."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        yield str(cluster.scheduler_address)


def test_dask_scheduler_runs_the_conversions(run: Byoc, scans: Path, tmp_path: Path, scheduler: str) -> None:
    distributed = pytest.importorskip("distributed")
    out = tmp_path / "cogs"
    result = run.bare(
        "-o", "json", "cog", "convert", str(scans), "--out", str(out), "--dask-scheduler", scheduler
    )
    assert result.exit_code == 4, result.stderr
    assert {row["outcome"] for row in json.loads(result.stdout)} == {"converted", "failed"}
    assert check_cog(out / "strips.tif").ok
    # The command's own client is closed when it ends: the scheduler sees no client left.
    with distributed.Client(scheduler) as observer:
        clients = observer.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.clients))
    assert [name for name in clients if name != "fire-and-forget"] == [observer.id]


def test_dask_scheduler_without_distributed_is_exit_3(
    run: Byoc, scans: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    out = tmp_path / "cogs"
    result = run.bare("cog", "convert", str(scans), "--out", str(out), "--dask-scheduler", "tcp://x:8786")
    assert result.exit_code == 3
    assert result.stderr.strip().endswith("pip install 'sentinelhub-byoc[dask]'")
    assert result.stderr.count("\n") == 1
    assert not out.exists()


def test_a_scheduler_that_is_no_address_is_exit_1(run: Byoc, scans: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    result = run.bare("cog", "convert", str(scans), "--out", str(tmp_path), "--dask-scheduler", "nowhere")
    assert result.exit_code == 1
    assert result.stderr.startswith("byoc: error: could not connect to the Dask scheduler at nowhere")


# --- as a real process, and in a terminal -----------------------------------------------------------


def test_the_script_converts_then_finds_the_outputs_up_to_date(scans: Path, tmp_path: Path) -> None:
    command = [byoc_script(), "cog", "convert", str(scans), "--out", str(tmp_path / "cogs")]
    env = cli_environment(tmp_path)
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 4, first.stderr
    assert first.stderr.splitlines()[-1] == "2 converted, 0 up to date, 1 failed"
    # stderr is not a terminal: no progress bars, no control characters.
    assert "\x1b[" not in first.stderr + first.stdout
    second = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    assert second.returncode == 4, second.stderr
    assert second.stderr.splitlines()[-1] == "0 converted, 2 up to date, 1 failed"
    up_to_date = [line for line in second.stdout.splitlines() if " up to date " in line]
    assert len(up_to_date) == 2
    assert str(tmp_path / "cogs" / "strips.tif") in up_to_date[0]


def test_in_a_terminal_of_80_columns_lines_fit_and_paths_are_whole(scans: Path, tmp_path: Path) -> None:
    work = tmp_path / "t"
    (work / "in").mkdir(parents=True)
    for name in ("strips.tif", "broken.tif"):
        (work / "in" / name).write_bytes((scans / name).read_bytes())
    (work / "in" / "scene-07").mkdir()
    (work / "in" / "scene-07" / "jpeg.tif").write_bytes((scans / "sub" / "jpeg.tif").read_bytes())
    env = cli_environment(tmp_path, COLUMNS="80", TERM="xterm")
    screen, _ = in_terminal([byoc_script(), "cog", "convert", "in", "--out", "out"], work, env)
    shown = lines(screen)
    assert [line for line in shown if len(line) > 80] == []
    # A table: the paths are whole, the long failure reason wraps and ends in "…".
    header = next(line for line in shown if line.startswith("source"))
    assert header.split() == ["source", "outcome", "outputs", "changes", "/", "reason"]
    assert any(line.startswith("in/scene-07/jpeg.tif") and "out/scene-07/jpeg.tif" in line for line in shown)
    assert any(line.startswith("in/strips.tif") and "out/strips.tif" in line for line in shown)
    assert any(line.rstrip().endswith("…") for line in shown)
    assert "2 converted, 0 up to date, 1 failed" in shown
    assert any(line.startswith("convert") and "3/3" in line for line in shown)

    # Absolute paths leave no room for a table: each source becomes a block, its paths whole.
    out = work / "out"
    absolute = lines(
        in_terminal([byoc_script(), "cog", "convert", str(work / "in"), "--out", str(out)], work, env)[0]
    )
    assert "0 converted, 2 up to date, 1 failed" in absolute
    for path in (out / "strips.tif", out / "scene-07" / "jpeg.tif"):
        if len(str(path)) <= 80:
            assert any(line.endswith(str(path)) and len(line) <= 80 for line in absolute), absolute
    if len(str(work / "in" / "scene-07" / "jpeg.tif")) <= 80:
        assert [line for line in absolute if len(line) > 80] == []
