from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
from rasterio.enums import Resampling
from sentinelhub_byoc.geometry import GeometryError, cover_geometry_from_cogs, validate

PIXEL = 10.0  # metres
ORIGIN = (500_000.0, 5_000_000.0)  # UTM 33N
TRANSFORM = rasterio.Affine(PIXEL, 0.0, ORIGIN[0], 0.0, -PIXEL, ORIGIN[1])


def _write(path: Path, valid: np.ndarray, *, overviews: bool = False, crs: str = "EPSG:32633") -> Path:
    data = np.where(valid, 1000, 0).astype("uint16")
    profile = {
        "driver": "GTiff",
        "width": data.shape[1],
        "height": data.shape[0],
        "count": 1,
        "dtype": "uint16",
        "crs": crs,
        "transform": TRANSFORM,
        "nodata": 0,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
    }
    with rasterio.open(path, "w", **profile) as dataset:
        dataset.write(data, 1)
        if overviews:
            dataset.build_overviews([2, 4, 8], Resampling.nearest)
    return path


def _valid_region(valid: np.ndarray) -> shapely.Geometry:
    """The exact union of the valid pixels, built row by row (independently of rasterio)."""
    boxes = []
    for row in range(valid.shape[0]):
        columns = np.flatnonzero(valid[row])
        if columns.size:
            # Each test mask has one run of valid pixels per row.
            assert columns[-1] - columns[0] + 1 == columns.size
            x0 = ORIGIN[0] + columns[0] * PIXEL
            x1 = ORIGIN[0] + (columns[-1] + 1) * PIXEL
            boxes.append(shapely.box(x0, ORIGIN[1] - (row + 1) * PIXEL, x1, ORIGIN[1] - row * PIXEL))
    return shapely.union_all(boxes)


def _framed(size: int = 512, frame: int = 64) -> np.ndarray:
    valid = np.zeros((size, size), dtype=bool)
    valid[frame:-frame, frame:-frame] = True
    return valid


def _diamond(size: int = 512, radius: int = 200) -> np.ndarray:
    rows, columns = np.mgrid[0:size, 0:size]
    centre = (size - 1) / 2
    diamond: np.ndarray = np.abs(rows - centre) + np.abs(columns - centre) <= radius
    return diamond


def _assert_matches(cover: shapely.Geometry, truth: shapely.Geometry, *, pixels: float) -> None:
    # Stated tolerances: symmetric difference under 1% of the true area, Hausdorff distance
    # under `pixels` pixels.
    assert shapely.symmetric_difference(cover, truth).area < 0.01 * truth.area
    assert shapely.hausdorff_distance(cover, truth) < pixels * PIXEL


@pytest.mark.parametrize("mask", [_framed(), _diamond()], ids=["64-pixel-frame", "diamond"])
def test_cover_matches_the_valid_data_area(tmp_path: Path, mask: np.ndarray) -> None:
    path = _write(tmp_path / "B01.tif", mask)
    cover = cover_geometry_from_cogs([path])
    assert cover.crs == 32633
    assert cover.num_points <= 100
    validate(cover, cover=True, thorough=True)
    _assert_matches(cover.shape, _valid_region(mask), pixels=2)
    # The negative buffer keeps the outline inside the data.
    assert _valid_region(mask).buffer(1e-6).contains(cover.shape)


def test_frame_gives_the_exact_square_shrunk_by_half_a_pixel(tmp_path: Path) -> None:
    cover = cover_geometry_from_cogs(str(_write(tmp_path / "B01.tif", _framed())))
    inner = shapely.box(
        ORIGIN[0] + 64 * PIXEL, ORIGIN[1] - 448 * PIXEL, ORIGIN[0] + 448 * PIXEL, ORIGIN[1] - 64 * PIXEL
    )
    expected = inner.buffer(-PIXEL / 2, join_style="mitre")
    assert shapely.equals_exact(shapely.normalize(cover.shape), shapely.normalize(expected), tolerance=1e-6)


def test_band_files_are_intersected(tmp_path: Path) -> None:
    first, second = _framed(), _framed()
    second[:, :200] = False  # the second band has no data in its left part
    paths = [_write(tmp_path / "B01.tif", first), _write(tmp_path / "B02.tif", second)]
    cover = cover_geometry_from_cogs(paths, buffer=0)
    truth = _valid_region(first & second)
    assert shapely.symmetric_difference(cover.shape, truth).area < 1e-6
    assert shapely.hausdorff_distance(cover.shape, truth) < 1e-6


def test_bytes_file_objects_and_open_datasets_give_the_same_cover(tmp_path: Path) -> None:
    path = _write(tmp_path / "B01.tif", _diamond())
    from_path = cover_geometry_from_cogs([path])
    assert cover_geometry_from_cogs([path.read_bytes()]) == from_path
    with path.open("rb") as handle:
        assert cover_geometry_from_cogs([handle]) == from_path
    with rasterio.open(path) as dataset:
        assert cover_geometry_from_cogs([dataset]) == from_path
        assert not dataset.closed  # the caller's dataset is left open


def test_decimated_read_uses_overviews_within_a_read_pixel(tmp_path: Path) -> None:
    mask = _framed(2048, 256)
    path = _write(tmp_path / "big.tif", mask, overviews=True)
    cover = cover_geometry_from_cogs([path], max_size=512)  # reads 4x4 source pixels as one
    assert cover.num_points <= 100
    _assert_matches(cover.shape, _valid_region(mask), pixels=4)


def test_files_in_another_crs_are_reprojected_to_the_first(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.tif", _framed())
    second = _write(tmp_path / "b.tif", np.ones((512, 512), dtype=bool), crs="EPSG:32634")
    with rasterio.open(second) as dataset:
        # The same transform in zone 34 lies about 6 degrees further east: no overlap.
        assert dataset.crs.to_epsg() == 32634
    with pytest.raises(GeometryError, match="no valid"):
        cover_geometry_from_cogs([first, second])


def test_no_valid_pixels_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "empty.tif", np.zeros((256, 256), dtype=bool))
    with pytest.raises(GeometryError, match="no valid"):
        cover_geometry_from_cogs([path])
