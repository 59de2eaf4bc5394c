"""Each COG rule of ingestion, met and broken, on real files in a local bucket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sentinelhub_byoc.testing.cogs import write_cog
from sentinelhub_byoc.testing.ingestion import (
    IngestionOutcome,
    LocalStorage,
    Storage,
    ingest_tile,
)

from tests.cog_cases import by_tifffile

UTM_BOUNDS = (500000.0, 5000000.0, 506000.0, 5005000.0)


class Bucket:
    """A local bucket in a temporary folder, with a way to put COGs in it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.storage = LocalStorage(root)
        root.mkdir()

    def put(self, key: str, array: Any = None, **options: Any) -> Path:
        data = np.ones((300, 300), np.uint16) if array is None else array
        options.setdefault("epsg", 32633)
        options.setdefault("bounds", UTM_BOUNDS)
        return write_cog(self.root / key, data, **options)

    def ingest(self, path: str = "tile", bands: Any = None) -> IngestionOutcome:
        return ingest_tile(self.storage, path, bands)


@pytest.fixture
def bucket(tmp_path: Path) -> Bucket:
    return Bucket(tmp_path / "bkt")


def _fails(outcome: IngestionOutcome, *fragments: str) -> None:
    assert not outcome.ok
    assert outcome.failure_cause is not None
    for fragment in fragments:
        assert fragment in outcome.failure_cause
    # One line saying what is wrong, short: no GDAL command, no fix given again and again.
    assert "\n" not in outcome.failure_cause
    assert len(outcome.failure_cause) <= 200
    assert "gdal_translate" not in outcome.failure_cause
    assert outcome.bands is None
    assert outcome.tile_geometry is None
    assert outcome.crs_epsg is None
    assert outcome.wgs84_bounds is None


def test_a_good_cog_is_ingested(bucket: Bucket) -> None:
    bucket.put("tile/B04.tiff", nodata=0)
    outcome = bucket.ingest()
    assert outcome.ok
    assert outcome.failure_cause is None
    assert outcome.warnings is None
    assert outcome.crs_epsg == 32633
    assert outcome.bands == {"B04": {"bandIndex": 1, "bitDepth": 16, "sampleFormat": "UINT", "noData": 0}}


def test_strips_fail(bucket: Bucket) -> None:
    bucket.put("tile/B04.tif", tiled=False)
    _fails(bucket.ingest(), "tile/B04.tif is not tiled (it is stored in strips)")


@pytest.mark.parametrize("tile_size", [128, (256, 128), 2064, (2064, 256)])
def test_tiles_outside_256_to_2048_fail(bucket: Bucket, tile_size: Any) -> None:
    bucket.put("tile/B04.tif", np.ones((64, 64), np.uint8), tile_size=tile_size)
    _fails(bucket.ingest(), "tile/B04.tif has", "pixel tiles", "256 to 2048")


@pytest.mark.parametrize("tile_size", [256, 2048, (256, 512), (1024, 256)])
def test_tiles_from_256_to_2048_pass_square_or_not(bucket: Bucket, tile_size: Any) -> None:
    bucket.put("tile/B04.tif", np.ones((64, 64), np.uint8), tile_size=tile_size)
    assert bucket.ingest().ok


@pytest.mark.parametrize("compression", ["zlib", "deflate"])
def test_deflate_passes(bucket: Bucket, compression: str) -> None:
    bucket.put("tile/B04.tif", compression=compression)
    assert bucket.ingest().ok


@pytest.mark.parametrize("compression", ["zstd", "lzw", "packbits", "pixtiff"])
def test_other_accepted_compressions_pass(bucket: Bucket, compression: str) -> None:
    pytest.importorskip("imagecodecs")
    bucket.put("tile/B04.tif", compression=compression)
    assert bucket.ingest().ok


def test_jpeg_fails(bucket: Bucket) -> None:
    pytest.importorskip("imagecodecs")
    bucket.put("tile/B04.tif", np.ones((300, 300), np.uint8), compression="jpeg")
    _fails(bucket.ingest(), "tile/B04.tif uses compression JPEG, not DEFLATE")


@pytest.mark.parametrize(("compression", "shown"), [(None, "not compressed"), ("lzma", "compression LZMA")])
def test_other_compressions_fail(bucket: Bucket, compression: str | None, shown: str) -> None:
    bucket.put("tile/B04.tif", compression=compression)
    _fails(bucket.ingest(), shown, "DEFLATE, ZSTD, LZW, PACKBITS or PIXTIFF_ZIP")


@pytest.mark.parametrize(
    ("epsg", "bounds"),
    [
        (4326, (14.0, 45.0, 15.0, 46.0)),
        (3857, (1500000.0, 5600000.0, 1503000.0, 5603000.0)),
        (3035, (4500000.0, 2600000.0, 4503000.0, 2603000.0)),
        (32601, UTM_BOUNDS),
        (32660, UTM_BOUNDS),
        (32701, (500000.0, 5000000.0, 503000.0, 5003000.0)),
        (32760, (500000.0, 5000000.0, 503000.0, 5003000.0)),
    ],
)
def test_supported_crs_pass(bucket: Bucket, epsg: int, bounds: tuple[float, float, float, float]) -> None:
    bucket.put("tile/B04.tif", epsg=epsg, bounds=bounds)
    outcome = bucket.ingest()
    assert outcome.ok, outcome.failure_cause
    assert outcome.crs_epsg == epsg


@pytest.mark.parametrize(
    ("epsg", "bounds"),
    [
        (2056, (2600000.0, 1200000.0, 2603000.0, 1203000.0)),
        (4258, (14.0, 45.0, 15.0, 46.0)),
        (3395, (1500000.0, 5600000.0, 1503000.0, 5603000.0)),
        (6933, (1000000.0, 5000000.0, 1003000.0, 5003000.0)),
    ],
)
def test_unsupported_crs_fail(bucket: Bucket, epsg: int, bounds: tuple[float, float, float, float]) -> None:
    bucket.put("tile/B04.tif", epsg=epsg, bounds=bounds)
    _fails(bucket.ingest(), f"tile/B04.tif is in EPSG:{epsg}, not one of EPSG:4326")


def test_missing_crs_fails(bucket: Bucket) -> None:
    bucket.put("tile/B04.tif", epsg=None)
    _fails(bucket.ingest(), "tile/B04.tif has no CRS", "GeographicTypeGeoKey")


def test_user_defined_crs_fails(bucket: Bucket) -> None:
    bucket.put("tile/B04.tif", epsg=None, geokeys={1024: 1, 1025: 1, 3072: 32767})
    _fails(bucket.ingest(), "user-defined CRS, not one of EPSG:4326")


def test_missing_georeferencing_fails(bucket: Bucket) -> None:
    bucket.put("tile/B04.tif", bounds=None)
    _fails(bucket.ingest(), "tile/B04.tif is not georeferenced")


def test_model_transformation_gives_the_same_box(bucket: Bucket) -> None:
    bucket.put("tile/B04.tif", georeference="transformation")
    outcome = bucket.ingest()
    assert outcome.ok
    assert outcome.tile_geometry is not None
    assert outcome.tile_geometry["coordinates"][0][0] == pytest.approx([500000.0, 5000000.0])
    assert outcome.tile_geometry["coordinates"][0][2] == pytest.approx([506000.0, 5005000.0])


def test_rotated_transformation_fails(bucket: Bucket) -> None:
    matrix = [10.0, 0.5, 0, 500000.0, 0.5, -10.0, 0, 5005000.0, 0, 0, 0, 0, 0, 0, 0, 1]
    bucket.put("tile/B04.tif", bounds=None, extra_tags=[(34264, "d", 16, matrix, True)])
    _fails(bucket.ingest(), "tile/B04.tif is rotated")


def test_south_up_fails(bucket: Bucket) -> None:
    matrix = [10.0, 0, 0, 500000.0, 0, 10.0, 0, 5000000.0, 0, 0, 0, 0, 0, 0, 0, 1]
    bucket.put("tile/B04.tif", bounds=None, extra_tags=[(34264, "d", 16, matrix, True)])
    _fails(bucket.ingest(), "is not north-up")


def test_pixel_is_point_shifts_the_box_by_half_a_pixel(bucket: Bucket) -> None:
    # 10 m pixels: the tiepoint is the centre of the top-left pixel.
    bucket.put("tile/B04.tif", np.ones((500, 600), np.uint16), geokeys={1025: 2})
    outcome = bucket.ingest()
    assert outcome.tile_geometry is not None
    ring = outcome.tile_geometry["coordinates"][0]
    assert ring[0] == pytest.approx([500000.0 - 5, 5000000.0 + 5])
    assert ring[2] == pytest.approx([506000.0 - 5, 5005000.0 + 5])


@pytest.mark.parametrize(
    ("dtype", "bit_depth", "sample_format"),
    [
        (np.uint8, 8, "UINT"),
        (np.int8, 8, "INT"),
        (np.uint16, 16, "UINT"),
        (np.int16, 16, "INT"),
        (np.uint32, 32, "UINT"),
        (np.int32, 32, "INT"),
        (np.float32, 32, "FLOAT"),
    ],
)
def test_data_types_give_bit_depth_and_sample_format(
    bucket: Bucket, dtype: Any, bit_depth: int, sample_format: str
) -> None:
    bucket.put("tile/B04.tif", np.ones((300, 300), dtype))
    outcome = bucket.ingest()
    assert outcome.bands == {"B04": {"bandIndex": 1, "bitDepth": bit_depth, "sampleFormat": sample_format}}


@pytest.mark.parametrize(
    ("dtype", "shown"),
    [(np.float64, "64-bit FLOAT"), (np.float16, "16-bit FLOAT"), (np.uint64, "64-bit UINT")],
)
def test_other_data_types_fail(bucket: Bucket, dtype: Any, shown: str) -> None:
    bucket.put("tile/B04.tif", np.ones((300, 300), dtype))
    _fails(
        bucket.ingest(), f"tile/B04.tif holds {shown} data", "not 8, 16 or 32-bit integers or 32-bit floats"
    )


@pytest.mark.parametrize(
    ("dtype", "nodata", "expected"),
    [
        (np.uint16, 0, 0),
        (np.int16, -9999, -9999),
        (np.float32, -9999, -9999.0),
        (np.float32, 0.5, 0.5),
    ],
)
def test_nodata_comes_from_the_gdal_nodata_tag(
    bucket: Bucket, dtype: Any, nodata: float, expected: float
) -> None:
    bucket.put("tile/B04.tif", np.ones((300, 300), dtype), nodata=nodata)
    outcome = bucket.ingest()
    assert outcome.bands is not None
    value = outcome.bands["B04"]["noData"]
    assert value == expected
    assert type(value) is type(expected)


def test_nan_nodata_is_left_out_with_a_warning(bucket: Bucket) -> None:
    bucket.put("tile/B04.tif", np.ones((300, 300), np.float32), nodata=float("nan"))
    outcome = bucket.ingest()
    assert outcome.ok
    assert outcome.bands is not None
    assert "noData" not in outcome.bands["B04"]
    assert outcome.warnings is not None
    assert "noData nan" in outcome.warnings


def test_unreadable_nodata_fails(bucket: Bucket) -> None:
    bucket.put("tile/B04.tif", extra_tags=[(42113, "s", 0, "abc", True)])
    _fails(bucket.ingest(), "GDAL_NODATA 'abc'", "not a number")


def test_missing_overviews_warn_but_pass(bucket: Bucket) -> None:
    bucket.put("tile/B04.tif", np.ones((600, 300), np.uint8), overviews=False)
    outcome = bucket.ingest()
    assert outcome.ok
    assert outcome.warnings is not None
    assert "tile/B04.tif is 300x600 pixels but has no overviews" in outcome.warnings


def test_too_few_overview_levels_warn(bucket: Bucket) -> None:
    data = np.ones((2100, 300), np.uint8)
    # write_cog always goes down to one tile, so this file is written by hand: one reduced
    # level (NewSubfileType 1) of 1050 rows, still five tiles tall.
    by_tifffile(data, overview=True, photometric="minisblack")(bucket.root / "tile" / "B04.tif")
    outcome = bucket.ingest()
    assert outcome.ok, outcome.failure_cause
    assert outcome.warnings is not None
    assert "overviews down to 150x1050 pixels only" in outcome.warnings


def test_small_images_need_no_overviews(bucket: Bucket) -> None:
    bucket.put("tile/B04.tif", np.ones((256, 200), np.uint8), overviews=False)
    outcome = bucket.ingest()
    assert outcome.ok
    assert outcome.warnings is None


def test_header_over_one_megabyte_fails(bucket: Bucket) -> None:
    blob = bytes(1024 * 1024)
    bucket.put("tile/B04.tif", extra_tags=[(65000, "B", len(blob), blob, True)])
    _fails(bucket.ingest(), "tile/B04.tif has a", "byte header", "at most 1048576 bytes")


def test_header_just_under_one_megabyte_passes(bucket: Bucket) -> None:
    blob = bytes(1000 * 1024)
    bucket.put("tile/B04.tif", extra_tags=[(65000, "B", len(blob), blob, True)])
    assert bucket.ingest().ok


@pytest.mark.parametrize("content", [b"", b"not a tiff at all", b"II*\x00\xff\xff\xff\x7f"])
def test_files_that_are_not_tiffs_fail(bucket: Bucket, content: bytes) -> None:
    (bucket.root / "tile").mkdir()
    (bucket.root / "tile" / "B04.tif").write_bytes(content)
    _fails(bucket.ingest(), "tile/B04.tif is not a readable TIFF file")


@pytest.mark.parametrize(
    ("epsg", "bounds", "pole"),
    [
        (4326, (0.0, 80.0, 10.0, 90.5), "North"),
        (4326, (0.0, -90.5, 10.0, -80.0), "South"),
        (32633, (400000.0, 9900000.0, 600000.0, 10100000.0), "North"),
        (32733, (400000.0, -100000.0, 600000.0, 100000.0), "South"),
    ],
)
def test_tiles_crossing_a_pole_fail(
    bucket: Bucket, epsg: int, bounds: tuple[float, float, float, float], pole: str
) -> None:
    bucket.put("tile/B04.tif", epsg=epsg, bounds=bounds)
    _fails(bucket.ingest(), f"crosses the {pole} Pole")


def test_a_tile_reaching_a_pole_without_crossing_it_passes(bucket: Bucket) -> None:
    bucket.put("tile/B04.tif", epsg=4326, bounds=(0.0, 80.0, 10.0, 90.0))
    outcome = bucket.ingest()
    assert outcome.ok
    assert outcome.wgs84_bounds == (0.0, 80.0, 10.0, 90.0)


class _CountingStorage:
    """Passes reads through, counting the bytes and calls."""

    def __init__(self, inner: Storage) -> None:
        self.inner = inner
        self.bytes_read = 0
        self.reads = 0

    def list_keys(self, prefix: str) -> list[str]:
        return self.inner.list_keys(prefix)

    def size(self, key: str) -> int:
        return self.inner.size(key)

    def read(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        data = self.inner.read(key, start, end)
        self.bytes_read += len(data)
        self.reads += 1
        return data

    def exists(self, key: str) -> bool:
        return self.inner.exists(key)


def test_only_the_header_is_read(bucket: Bucket) -> None:
    noise = np.random.default_rng(0).integers(0, 65535, (1024, 1024), dtype=np.uint16)
    path = bucket.put("tile/B04.tif", noise)
    counting = _CountingStorage(bucket.storage)
    outcome = ingest_tile(counting, "tile", None)
    assert outcome.ok
    assert path.stat().st_size > 2_000_000
    assert counting.bytes_read < 300_000
    assert counting.reads <= 4
