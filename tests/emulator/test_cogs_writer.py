"""The COG writer makes files that GDAL (through rasterio) reads as intended."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tifffile
from sentinelhub_byoc.testing.cogs import write_cog, write_cog_bytes

UTM_BOUNDS = (500000.0, 5000000.0, 506000.0, 5005000.0)


@pytest.fixture(scope="module")
def rasterio() -> Any:
    return pytest.importorskip("rasterio")


def test_single_band_cog_reads_back_in_gdal(tmp_path: Path, rasterio: Any) -> None:
    data = np.arange(500 * 600, dtype=np.uint16).reshape(500, 600)
    path = write_cog(tmp_path / "B04.tif", data, epsg=32633, bounds=UTM_BOUNDS, nodata=0)
    with rasterio.open(path) as dataset:
        assert dataset.crs.to_epsg() == 32633
        assert tuple(dataset.bounds) == pytest.approx(UTM_BOUNDS)
        assert dataset.res == pytest.approx((10.0, 10.0))
        assert dataset.nodata == 0
        assert dataset.profile["tiled"]
        assert dataset.block_shapes == [(256, 256)]
        assert dataset.compression.name == "deflate"
        assert dataset.overviews(1) == [2, 4]
        assert dataset.dtypes == ("uint16",)
        assert np.array_equal(dataset.read(1), data)


def test_multi_band_float_cog_with_transformation_matrix(tmp_path: Path, rasterio: Any) -> None:
    data = np.random.default_rng(1).random((3, 300, 280), dtype=np.float32)
    bounds = (14.0, 46.0, 14.28, 46.3)
    path = write_cog(
        tmp_path / "sub" / "RGB.tif",
        data,
        epsg=4326,
        bounds=bounds,
        nodata=-9999.5,
        tile_size=(256, 512),
        georeference="transformation",
    )
    with rasterio.open(path) as dataset:
        assert dataset.crs.to_epsg() == 4326
        assert tuple(dataset.bounds) == pytest.approx(bounds)
        assert dataset.count == 3
        assert dataset.nodata == -9999.5
        assert dataset.block_shapes == [(256, 512)] * 3
        assert dataset.overviews(1) == [2]
        assert np.array_equal(dataset.read(), data)


def test_strips_without_overviews(tmp_path: Path, rasterio: Any) -> None:
    path = write_cog(
        tmp_path / "strips.tif",
        np.ones((600, 600), np.uint8),
        epsg=3857,
        bounds=(0, 0, 6000, 6000),
        tiled=False,
        overviews=False,
    )
    with rasterio.open(path) as dataset:
        assert not dataset.profile["tiled"]
        assert dataset.block_shapes == [(256, 600)]
        assert dataset.overviews(1) == []
        assert dataset.crs.to_epsg() == 3857


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_no_crs_and_no_georeferencing(tmp_path: Path, rasterio: Any) -> None:
    path = write_cog(tmp_path / "plain.tif", np.ones((64, 64), np.uint8), epsg=None, bounds=None)
    with rasterio.open(path) as dataset:
        assert dataset.crs is None
        with tifffile.TiffFile(path) as tif:
            assert tif.pages.first.geotiff_tags is None


def test_bytes_match_the_written_file(tmp_path: Path) -> None:
    data = np.zeros((300, 300), np.int16)
    kwargs: dict[str, Any] = {"epsg": 32633, "bounds": UTM_BOUNDS, "compression": "deflate"}
    path = write_cog(tmp_path / "x.tif", data, **kwargs)
    assert path.read_bytes() == write_cog_bytes(data, **kwargs)
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)


def test_write_is_atomic_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "B04.tif"
    target.write_bytes(b"old")
    with pytest.raises(ValueError, match="array must be"):
        write_cog(target, np.zeros((2, 2, 2, 2)), epsg=32633, bounds=UTM_BOUNDS)
    assert target.read_bytes() == b"old"
    write_cog(target, np.zeros((16, 16), np.uint8), epsg=32633, bounds=UTM_BOUNDS)
    assert target.read_bytes()[:2] == b"II"
    assert [p.name for p in tmp_path.iterdir()] == ["B04.tif"]


@pytest.mark.parametrize(
    ("compression", "code"),
    [("zlib", 8), ("deflate", 8), (None, 1), ("lzma", 34925)],
)
def test_compressions_without_extra_codecs(tmp_path: Path, compression: str | None, code: int) -> None:
    path = write_cog(
        tmp_path / "c.tif",
        np.ones((256, 256), np.uint8),
        epsg=32633,
        bounds=UTM_BOUNDS,
        compression=compression,
    )
    with tifffile.TiffFile(path) as tif:
        assert int(tif.pages[0].compression) == code


@pytest.mark.parametrize(
    ("compression", "code"),
    [("zstd", 50000), ("lzw", 5), ("packbits", 32773), ("jpeg", 7)],
)
def test_compressions_with_imagecodecs(tmp_path: Path, rasterio: Any, compression: str, code: int) -> None:
    pytest.importorskip("imagecodecs")
    data = np.full((300, 300), 7, np.uint8)
    path = write_cog(tmp_path / "c.tif", data, epsg=32633, bounds=UTM_BOUNDS, compression=compression)
    with tifffile.TiffFile(path) as tif:
        assert int(tif.pages[0].compression) == code
    with rasterio.open(path) as dataset:
        assert dataset.read(1).mean() == pytest.approx(7, abs=1)
