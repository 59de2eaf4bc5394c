"""The header rules on GeoTIFFs written by GDAL itself (through rasterio), judged as the docs say.

Every IFD counts: overviews added after the image data make a file that is not a COG, each
overview's tiles are checked, CDSE's photometric and 1/2/4-bit rules apply, and the verdicts
agree with rio-cogeo's ``cog_validate`` on what a COG is.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sentinelhub_byoc.cog import check_cog
from sentinelhub_byoc.testing.ingestion import LocalStorage, ingest_tile

rasterio = pytest.importorskip("rasterio")
from affine import Affine  # noqa: E402
from rasterio.enums import Resampling  # noqa: E402

ORIGIN = Affine(10.0, 0.0, 500000.0, 0.0, -10.0, 5010240.0)


def _write(path: Path, data: Any, **profile: Any) -> Path:
    """Write ``data`` (bands, rows, cols) as a GeoTIFF in UTM 33N with GDAL's GTiff driver."""
    options = {
        "driver": "GTiff",
        "count": data.shape[0],
        "height": data.shape[1],
        "width": data.shape[2],
        "dtype": data.dtype.name,
        "crs": "EPSG:32633",
        "transform": ORIGIN,
        "compress": "deflate",
        **profile,
    }
    with rasterio.open(path, "w", **options) as dataset:
        dataset.write(data)
    return path


def _noise(size: int, dtype: Any = np.uint16) -> Any:
    # Random values do not compress: the image data then takes more than the first MiB.
    return np.random.default_rng(1).integers(0, 200, (1, size, size)).astype(dtype)


def _overviews_after_data(path: Path, data: Any, block: int = 256, ovr_block: int | None = None) -> Path:
    _write(path, data, tiled=True, blockxsize=block, blockysize=block)
    env = {} if ovr_block is None else {"GDAL_TIFF_OVR_BLOCKSIZE": ovr_block}
    with rasterio.Env(**env), rasterio.open(path, "r+") as dataset:
        dataset.build_overviews([2, 4], Resampling.nearest)
    return path


def _as_cog(source: Path, target: Path, **options: Any) -> Path:
    import rasterio.shutil

    rasterio.shutil.copy(source, target, driver="COG", compress="deflate", **options)
    return target


Build = Callable[[Path], Path]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every file of this module, written once."""
    root = tmp_path_factory.mktemp("gdal")
    built: dict[str, Path] = {}
    built["late-big"] = _overviews_after_data(root / "late-big.tif", _noise(1024))
    built["late-small"] = _overviews_after_data(root / "late-small.tif", np.ones((1, 600, 600), np.uint8))
    built["cog"] = _as_cog(built["late-big"], root / "cog.tif", blocksize=256)
    built["cog-1024"] = _as_cog(built["late-small"], root / "cog-1024.tif", blocksize=1024)
    built["strips"] = _write(root / "strips.tif", np.ones((1, 300, 300), np.uint8))
    built["miniswhite"] = _write(
        root / "miniswhite.tif", np.ones((1, 300, 300), np.uint8), photometric="MINISWHITE", tiled=True
    )
    for bits in (1, 2, 4):
        built[f"nbits-{bits}"] = _write(
            root / f"nbits-{bits}.tif", np.ones((1, 300, 300), np.uint8), nbits=bits, tiled=True
        )
    for size in (128, 4096):
        built[f"tiles-{size}"] = _write(
            root / f"tiles-{size}.tif",
            np.ones((1, 300, 300), np.uint8),
            tiled=True,
            blockxsize=size,
            blockysize=size,
        )
    built["overview-tiles-128"] = _overviews_after_data(
        root / "overview-tiles-128.tif", np.ones((1, 1024, 1024), np.uint8), block=512, ovr_block=128
    )
    mixed = _overviews_after_data(
        root / "mixed-source.tif", np.ones((1, 1024, 1024), np.uint8), block=512, ovr_block=256
    )
    import rasterio.shutil

    # COPY_SRC_OVERVIEWS keeps the overviews' 256-pixel blocks and puts every IFD first.
    with rasterio.Env(GDAL_TIFF_OVR_BLOCKSIZE=256):
        rasterio.shutil.copy(
            mixed,
            root / "mixed-tiles.tif",
            driver="GTiff",
            copy_src_overviews=True,
            tiled=True,
            blockxsize=512,
            blockysize=512,
            compress="deflate",
        )
    built["mixed-tiles"] = root / "mixed-tiles.tif"
    # 391 x 391 empty 256-pixel tiles: the tile offsets and byte counts alone take 1.2 MB.
    with rasterio.open(
        root / "huge-header.tif",
        "w",
        driver="GTiff",
        width=100_000,
        height=100_000,
        count=1,
        dtype="uint8",
        crs="EPSG:32633",
        transform=ORIGIN,
        tiled=True,
        blockxsize=256,
        blockysize=256,
        compress="deflate",
        sparse_ok=True,
    ):
        pass
    built["huge-header"] = root / "huge-header.tif"
    return built


def _rules(path: Path, rules: Any = "sentinel-hub") -> list[str]:
    return [p.rule for p in check_cog(path, rules=rules).errors]


@pytest.mark.parametrize("name", ["late-big", "late-small"])
def test_overviews_added_after_the_image_data_fail(files: dict[str, Path], name: str) -> None:
    for rules in ("sentinel-hub", "cdse"):
        report = check_cog(files[name], rules=rules)
        assert [p.rule for p in report.errors] == ["ifd-order"]
        problem = report.errors[0]
        assert "image at index 1" in problem.message
        assert "not a cloud optimized GeoTIFF" in problem.message
        assert problem.fixed_by_convert
        assert problem.fix.startswith(f"byoc cog convert {files[name]} --out DIR")


def test_gdal_cogs_pass_both_rule_sets(files: dict[str, Path]) -> None:
    for name in ("cog", "cog-1024"):
        for rules in ("sentinel-hub", "cdse"):
            report = check_cog(files[name], rules=rules)
            assert report.ok, report.format()
            assert not report.problems, report.format()


def test_the_verdict_on_ifd_order_agrees_with_rio_cogeo(files: dict[str, Path]) -> None:
    cogeo = pytest.importorskip("rio_cogeo.cogeo")
    for name in ("late-big", "late-small", "cog", "cog-1024", "mixed-tiles"):
        valid, errors, _ = cogeo.cog_validate(str(files[name]))
        ours = "ifd-order" not in [p.rule for p in check_cog(files[name]).problems]
        assert ours == valid, (name, errors)


def test_the_emulator_fails_a_file_with_overviews_after_its_data(
    files: dict[str, Path], tmp_path: Path
) -> None:
    (tmp_path / "tile").mkdir()
    (tmp_path / "tile" / "B04.tif").write_bytes(files["late-big"].read_bytes())
    outcome = ingest_tile(LocalStorage(tmp_path), "tile", None)
    assert outcome.failure_cause is not None
    assert "not a cloud optimized GeoTIFF" in outcome.failure_cause


def test_miniswhite_fails_on_cdse_only(files: dict[str, Path]) -> None:
    assert check_cog(files["miniswhite"]).ok
    report = check_cog(files["miniswhite"], rules="cdse")
    assert [p.rule for p in report.errors] == ["photometric"]
    assert "MINISWHITE" in report.errors[0].message
    assert report.errors[0].fixed_by_convert


@pytest.mark.parametrize("bits", [1, 2, 4])
def test_low_bit_unsigned_files_pass_on_cdse_only(files: dict[str, Path], bits: int, tmp_path: Path) -> None:
    path = files[f"nbits-{bits}"]
    refused = check_cog(path)
    assert [p.rule for p in refused.errors] == ["data-type"]
    assert f"{bits}-bit UINT" in refused.errors[0].message
    assert refused.errors[0].fixed_by_convert
    accepted = check_cog(path, rules="cdse")
    assert accepted.ok, accepted.format()
    # Read as bytes: the band a collection gets is an 8-bit UINT, a bitDepth the API accepts.
    assert (accepted.bit_depth, accepted.sample_format) == (8, "UINT")
    (tmp_path / "tile").mkdir()
    (tmp_path / "tile" / "B04.tif").write_bytes(path.read_bytes())
    outcome = ingest_tile(LocalStorage(tmp_path), "tile", None, cdse=True)
    assert outcome.ok, outcome.failure_cause
    assert outcome.bands == {"B04": {"bandIndex": 1, "bitDepth": 8, "sampleFormat": "UINT"}}
    assert not ingest_tile(LocalStorage(tmp_path), "tile", None).ok


@pytest.mark.parametrize("size", [128, 4096])
def test_tiles_outside_256_to_2048_fail(files: dict[str, Path], size: int) -> None:
    report = check_cog(files[f"tiles-{size}"])
    assert [p.rule for p in report.errors] == ["tile-size"]
    assert f"{size}x{size} pixel tiles" in report.errors[0].message
    assert report.errors[0].fixed_by_convert


def test_strips_fail_and_convert_fixes_them(files: dict[str, Path]) -> None:
    report = check_cog(files["strips"])
    assert [p.rule for p in report.errors] == ["not-tiled"]
    assert report.errors[0].fixed_by_convert


def test_overview_tiles_are_checked_naming_the_image_index(files: dict[str, Path]) -> None:
    report = check_cog(files["overview-tiles-128"])
    tile_errors = [p for p in report.errors if p.rule == "tile-size"]
    assert [p.message.split(": ", 1)[1].split(" have")[0] for p in tile_errors] == [
        "tiles of image at index 1",
        "tiles of image at index 2",
    ]
    assert all("128x128" in p.message for p in tile_errors)


def test_tile_sizes_that_differ_between_levels_warn(files: dict[str, Path]) -> None:
    report = check_cog(files["mixed-tiles"])
    assert report.ok, report.format()
    assert [(p.rule, p.severity) for p in report.problems] == [("tile-size", "warning")]
    assert "0: 512x512, 1: 256x256" in report.problems[0].message


def test_a_header_over_a_mebibyte_fails(files: dict[str, Path]) -> None:
    report = check_cog(files["huge-header"])
    assert [p.rule for p in report.errors] == ["header-size"]
    assert report.errors[0].fixed_by_convert
