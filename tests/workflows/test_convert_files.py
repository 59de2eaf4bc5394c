"""workflows.convert_files: folders, files and S3 prefixes of real GDAL rasters into COGs."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sentinelhub_byoc import workflows
from sentinelhub_byoc.cog import check_cog
from sentinelhub_byoc.cog._convert_options import ConvertOptions
from sentinelhub_byoc.errors import ValidationError

from tests.s3_fixtures import new_bucket
from tests.workflows._rasters import read, write_good_cog, write_jpeg_tiff, write_raster, write_unreadable


def _corpus(root: Path) -> Path:
    """A folder of odd rasters: strips, JPEG, JPEG 2000, a good COG, a file with no CRS, junk."""
    folder = root / "scans"
    write_raster(folder / "2024" / "stripped.tif", index=0)
    write_jpeg_tiff(folder / "2024" / "jpeg.TIF", index=1)
    write_raster(folder / "2025" / "deep" / "lzw.tiff", index=2, compress="LZW")
    write_raster(
        folder / "2025" / "scene.jp2", index=3, driver="JP2OpenJPEG", QUALITY="100", REVERSIBLE="YES"
    )
    write_good_cog(folder / "good.tif", index=4)
    (folder / "notes.txt").write_text("not a raster, not converted")
    return folder


def _names(folder: Path) -> set[str]:
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}


def test_a_folder_is_converted_keeping_relative_paths_then_found_up_to_date(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    out = tmp_path / "cogs"
    events: list[workflows.Progress] = []

    report = workflows.convert_files(folder, out, concurrency=2, on_progress=events.append)

    assert report.ok, str(report)
    assert _names(out) == {
        "2024/stripped.tif",
        "2024/jpeg.tif",
        "2025/deep/lzw.tif",
        "2025/scene.tif",
        "good.tif",
    }
    assert len(report.converted) == 5
    assert report.up_to_date == ()
    assert report.unchanged == ()
    for conversion in report.converted:
        assert conversion.source.startswith(str(folder))
        (output,) = conversion.outputs
        assert check_cog(output).ok, str(check_cog(output))
    # Lossless: the stripped source's pixels come through unchanged.
    np.testing.assert_array_equal(read(out / "2024" / "stripped.tif"), read(folder / "2024" / "stripped.tif"))
    assert {event.stage for event in events} == {"convert"}
    assert events[-1].done == events[-1].total == 5
    assert all(event.unit == "files" for event in events)
    assert str(report).startswith("5 converted, 0 up to date, 0 already passing, 0 failed")

    again = workflows.convert_files(folder, out, concurrency=2)
    assert again.ok
    assert again.converted == ()
    assert len(again.up_to_date) == 5
    assert all(conversion.up_to_date for conversion in again.up_to_date)

    touched = folder / "2024" / "stripped.tif"
    later = time.time() + 5
    os.utime(touched, (later, later))
    third = workflows.convert_files([folder], out)
    assert [conversion.source for conversion in third.converted] == [str(touched)]
    assert len(third.up_to_date) == 4


def test_only_failing_leaves_files_that_pass_alone(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    report = workflows.convert_files(folder, tmp_path / "cogs", only_failing=True)
    assert report.unchanged == (str(folder / "good.tif"),)
    assert len(report.converted) == 4
    assert not (tmp_path / "cogs" / "good.tif").exists()


def test_files_that_cannot_be_converted_fail_alone_with_their_reason(tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    write_raster(folder / "fine.tif", index=0)
    write_raster(folder / "no-crs.tif", index=1, crs=None)
    write_unreadable(folder / "junk.tif")
    events: list[workflows.Progress] = []

    report = workflows.convert_files(folder, tmp_path / "cogs", on_progress=events.append)

    assert not report.ok
    assert [conversion.source for conversion in report.converted] == [str(folder / "fine.tif")]
    assert set(report.failed) == {str(folder / "no-crs.tif"), str(folder / "junk.tif")}
    assert "CRS" in report.failed[str(folder / "no-crs.tif")]
    assert "FAILED" in str(report)
    assert sum(1 for event in events if event.message) == 2


def test_single_files_and_split_bands_name_one_tile_folder_per_source(tmp_path: Path) -> None:
    source = write_raster(tmp_path / "in" / "multi.tif", bands=3)
    report = workflows.convert_files(
        [str(source)], tmp_path / "tiles", options=ConvertOptions(split_bands=True), concurrency=1
    )
    assert report.ok, str(report)
    assert _names(tmp_path / "tiles") == {"multi/B1.tif", "multi/B2.tif", "multi/B3.tif"}
    np.testing.assert_array_equal(read(tmp_path / "tiles" / "multi" / "B2.tif")[0], read(source)[1])


def test_links_out_of_a_source_folder_are_not_followed(tmp_path: Path) -> None:
    outside = write_raster(tmp_path / "elsewhere" / "secret.tif")
    folder = tmp_path / "scans"
    write_raster(folder / "inside.tif", index=1)
    (folder / "link.tif").symlink_to(outside)
    (folder / "same.tif").symlink_to(folder / "inside.tif")

    report = workflows.convert_files(folder, tmp_path / "cogs")

    assert "symbolic link out of the folder" in report.failed[str(folder / "link.tif")]
    assert _names(tmp_path / "cogs") == {"inside.tif", "same.tif"}


def test_bad_arguments_are_refused_before_any_work(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    (tmp_path / "a-file").write_text("")
    bad: list[tuple[dict[str, Any], str]] = [
        ({"sources": tmp_path / "missing", "out": tmp_path / "o"}, "does not exist"),
        ({"sources": folder, "out": folder / "out"}, "inside the source folder"),
        ({"sources": folder, "out": tmp_path / "a-file"}, "is a file"),
        ({"sources": [], "out": tmp_path / "o"}, "empty"),
        ({"sources": folder, "out": tmp_path / "o", "concurrency": 0}, "concurrency"),
        ({"sources": folder, "out": tmp_path / "o", "executor": object()}, "executor"),
        ({"sources": folder, "out": tmp_path / "o", "rules": "gdal"}, "rules"),
        ({"sources": folder, "out": tmp_path / "o", "options": {"blocksize": 512}}, "ConvertOptions"),
        ({"sources": folder / "good.tif", "out": folder}, "overwrite"),
    ]
    for arguments, words in bad:
        with pytest.raises(ValidationError, match=words):
            workflows.convert_files(**arguments)
    write_raster(folder / "good.jp2", driver="JP2OpenJPEG")
    with pytest.raises(ValidationError, match="both be written"):
        workflows.convert_files(folder, tmp_path / "o")
    assert not (tmp_path / "o").exists()


def test_an_s3_prefix_is_converted_into_a_prefix_and_found_up_to_date_there(
    tmp_path: Path, s3_client: Any
) -> None:
    bucket = new_bucket(s3_client, "convert")
    for name, path in {
        "raw/a/stripped.tif": write_raster(tmp_path / "stripped.tif", index=0),
        "raw/b/jpeg.tif": write_jpeg_tiff(tmp_path / "jpeg.tif", index=1),
        "raw/notes.txt": write_unreadable(tmp_path / "notes.txt"),
    }.items():
        s3_client.upload_file(str(path), bucket, name)

    report = workflows.convert_files(f"s3://{bucket}/raw", f"s3://{bucket}/cogs/", s3_client=s3_client)

    assert report.ok, str(report)
    outputs = sorted(output for conversion in report.converted for output in conversion.outputs)
    assert outputs == [f"s3://{bucket}/cogs/a/stripped.tif", f"s3://{bucket}/cogs/b/jpeg.tif"]
    assert {conversion.source for conversion in report.converted} == {
        f"s3://{bucket}/raw/a/stripped.tif",
        f"s3://{bucket}/raw/b/jpeg.tif",
    }
    for output in outputs:
        assert check_cog(output, s3_client=s3_client).ok

    again = workflows.convert_files(f"s3://{bucket}/raw/", f"s3://{bucket}/cogs", s3_client=s3_client)
    assert again.converted == ()
    assert sorted(o for c in again.up_to_date for o in c.outputs) == outputs

    forced = workflows.convert_files(
        f"s3://{bucket}/raw/a/stripped.tif", f"s3://{bucket}/cogs/a", s3_client=s3_client, force=True
    )
    assert [c.outputs for c in forced.converted] == [(f"s3://{bucket}/cogs/a/stripped.tif",)]

    local = workflows.convert_files(f"s3://{bucket}/raw/b/jpeg.tif", tmp_path / "local", s3_client=s3_client)
    assert local.ok
    assert [c.source for c in local.converted] == [f"s3://{bucket}/raw/b/jpeg.tif"]
    assert check_cog(tmp_path / "local" / "jpeg.tif").ok
    # The download keeps the object's time, so the local output is found up to date next time.
    rerun = workflows.convert_files(f"s3://{bucket}/raw/b/jpeg.tif", tmp_path / "local", s3_client=s3_client)
    assert len(rerun.up_to_date) == 1

    with pytest.raises(ValidationError, match="names no object"):
        workflows.convert_files(f"s3://{bucket}/nothing-here", tmp_path / "x", s3_client=s3_client)


def test_an_executor_runs_the_conversions(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    with ProcessPoolExecutor(max_workers=2) as pool:
        report = workflows.convert_files(folder, tmp_path / "processes", executor=pool)
    assert report.ok, str(report)
    assert len(report.converted) == 5
    with ThreadPoolExecutor(max_workers=2) as threads:
        again = workflows.convert_files(folder, tmp_path / "processes", executor=threads)
    assert len(again.up_to_date) == 5


@pytest.mark.anyio
async def test_the_asyncio_form_reports_progress_on_the_event_loop(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    loop_thread = threading.get_ident()
    threads: set[int] = set()

    def seen(event: workflows.Progress) -> None:
        threads.add(threading.get_ident())

    report = await workflows.async_convert_files(folder, tmp_path / "cogs", on_progress=seen)
    assert len(report.converted) == 5
    assert threads == {loop_thread}


def test_nothing_imports_dask_unless_a_client_is_passed(tmp_path: Path) -> None:
    source = write_raster(tmp_path / "in" / "scene.tif")
    script = (
        "import sys\n"
        "from sentinelhub_byoc import workflows\n"
        f"report = workflows.convert_files({str(source)!r}, {str(tmp_path / 'out')!r})\n"
        "assert report.ok, str(report)\n"
        "assert not [name for name in sys.modules if name.split('.')[0] in ('dask', 'distributed')]\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)


def _vrt_of(source: Path, vrt: Path, name: str, *, relative: bool) -> Path:
    """A VRT over *source* whose one band names its file as *name*."""
    import rasterio.shutil

    rasterio.shutil.copy(source, vrt, driver="VRT")
    text = vrt.read_text(encoding="utf-8")
    start = text.index("<SourceFilename")
    end = text.index("</SourceFilename>") + len("</SourceFilename>")
    flag = "1" if relative else "0"
    vrt.write_text(
        text[:start] + f'<SourceFilename relativeToVRT="{flag}">{name}</SourceFilename>' + text[end:],
        encoding="utf-8",
    )
    return vrt


def test_vrts_naming_files_out_of_the_folder_are_not_read(tmp_path: Path, s3_client: Any) -> None:
    outside = write_raster(tmp_path / "elsewhere" / "secret.tif")
    folder = tmp_path / "scans"
    inside = write_raster(folder / "inside.tif", index=1)
    _vrt_of(inside, folder / "mosaic.vrt", "inside.tif", relative=True)
    _vrt_of(inside, folder / "escape.vrt", "../elsewhere/secret.tif", relative=True)
    _vrt_of(inside, folder / "absolute.vrt", str(outside), relative=False)
    _vrt_of(inside, folder / "remote.vrt", "/vsicurl/http://127.0.0.1:9/secret.tif", relative=False)
    (folder / "broken.vrt").write_text("<VRTDataset", encoding="utf-8")

    report = workflows.convert_files(folder, tmp_path / "cogs")

    assert _names(tmp_path / "cogs") == {"inside.tif", "mosaic.tif"}
    assert "outside the folder" in report.failed[str(folder / "escape.vrt")]
    assert "outside the folder" in report.failed[str(folder / "absolute.vrt")]
    assert "not a file in" in report.failed[str(folder / "remote.vrt")]
    assert "cannot be read as XML" in report.failed[str(folder / "broken.vrt")]

    # In S3 a VRT's names would resolve on the converting machine: it is not converted at all.
    bucket = new_bucket(s3_client, "vrt-source")
    s3_client.upload_file(str(folder / "mosaic.vrt"), bucket, "scans/mosaic.vrt")
    s3_client.upload_file(str(inside), bucket, "scans/inside.tif")
    from_s3 = workflows.convert_files(f"s3://{bucket}/scans/", tmp_path / "from-s3", s3_client=s3_client)
    assert [c.source for c in from_s3.converted] == [f"s3://{bucket}/scans/inside.tif"]
    assert "VRT from S3" in from_s3.failed[f"s3://{bucket}/scans/mosaic.vrt"]
