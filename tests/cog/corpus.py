"""A corpus of odd rasters, written by GDAL through rasterio as users' tools write them.

:func:`build_corpus` writes each file and says what converting it should give: for which rule
sets it converts as it is, whether it converts with ``reproject=True``, whether the
conversion is lossless, and what a refusal says. Not written with
``sentinelhub_byoc.testing.cogs``: the point is files that our own writers would not make.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import rasterio.shutil
from rasterio.enums import Resampling
from rasterio.transform import Affine

RULES = ("sentinel-hub", "cdse")
BOTH = frozenset(RULES)
NONE: frozenset[str] = frozenset()


def from_origin(west: float, north: float, size_x: float, size_y: float) -> Affine:
    """The north-up geotransform of pixels ``size_x`` by ``size_y`` from (west, north)."""
    return Affine(size_x, 0.0, west, 0.0, -size_y, north)


@dataclass(frozen=True)
class CorpusFile:
    """One odd file and what converting it gives."""

    name: str
    path: Path
    convertible: frozenset[str]
    """The rule sets it converts for without reprojecting."""
    lossless: bool
    """Whether the output holds the very pixels GDAL reads from the source."""
    reprojectable: bool = True
    """Whether it converts with ``reproject=True`` (for every rule set)."""
    refusal: str | None = None
    """Words of the ConversionError's reason when it does not convert without reprojecting."""


# No side (nor an overview's) is exactly 1024 pixels: rio-cogeo's cog_validate takes a block
# as wide as the image for a strip, and would call such a tiled file "not tiled".


def _pattern(shape: tuple[int, ...], dtype: str, seed: int = 0) -> Any:
    """Smooth gradients with noise: compressible like imagery, but every pixel counts."""
    rng = np.random.default_rng(seed)
    *bands, height, width = shape
    rows, columns = np.mgrid[0:height, 0:width]
    base = (rows * 3 + columns * 2) % 251
    stack = [
        base + rng.integers(0, 5, size=(height, width)) + 7 * index
        for index in range(bands[0] if bands else 1)
    ]
    values = np.stack(stack) if bands else stack[0]
    if np.dtype(dtype).kind == "f":
        return (values * 1.37).astype(dtype)
    return values.astype(dtype)


def _write(
    path: Path, data: Any, *, crs: str | None = "EPSG:32633", transform: Affine | None = None, **profile: Any
) -> Path:
    data = data if data.ndim == 3 else data[np.newaxis]
    count, height, width = data.shape
    options = {"driver": "GTiff", "width": width, "height": height, "count": count, "dtype": data.dtype.name}
    if crs is not None:
        options["crs"] = crs
    options["transform"] = transform if transform is not None else from_origin(500_000, 5_100_000, 10, 10)
    options.update(profile)
    with rasterio.open(path, "w", **options) as dataset:
        dataset.write(data)
    return path


def _strips(folder: Path) -> Path:
    return _write(folder / "strips.tif", _pattern((1200, 1000), "uint16"), nodata=0)


def _jpeg(folder: Path) -> Path:
    return _write(
        folder / "jpeg.tif",
        _pattern((3, 760, 1000), "uint8"),
        tiled=True,
        blockxsize=256,
        blockysize=256,
        compress="JPEG",
        photometric="YCBCR",
    )


def _no_overviews(folder: Path) -> Path:
    return _write(
        folder / "no_overviews.tif",
        _pattern((1500, 2000), "int16"),
        crs="EPSG:4326",
        transform=from_origin(14.0, 46.0, 0.0001, 0.0001),
        tiled=True,
        blockxsize=512,
        blockysize=512,
        compress="DEFLATE",
    )


def _overviews_after_data(folder: Path) -> Path:
    path = _write(
        folder / "overviews_after_data.tif",
        _pattern((1600, 1400), "uint16"),
        tiled=True,
        blockxsize=256,
        blockysize=256,
        compress="DEFLATE",
    )
    with rasterio.open(path, "r+") as dataset:
        dataset.build_overviews([2, 4, 8], Resampling.average)
    return path


def _tiles_128(folder: Path) -> Path:
    return _write(
        folder / "tiles_128.tif",
        _pattern((900, 1100), "float32"),
        crs="EPSG:3857",
        transform=from_origin(1_600_000, 5_800_000, 10, 10),
        tiled=True,
        blockxsize=128,
        blockysize=128,
        compress="LZW",
        nodata=-1.0,
    )


def _tiles_4096(folder: Path) -> Path:
    return _write(
        folder / "tiles_4096.tif",
        _pattern((256, 4100), "uint8"),
        tiled=True,
        blockxsize=4096,
        blockysize=256,
        compress="DEFLATE",
    )


def _float64(folder: Path) -> Path:
    data = _pattern((600, 800), "float64") + 0.123456789012345
    data[:10, :10] = np.nan
    return _write(
        folder / "float64.tif",
        data,
        crs="EPSG:3035",
        transform=from_origin(4_500_000, 2_600_000, 20, 20),
        nodata=float("nan"),
    )


def _lambert(folder: Path) -> Path:
    return _write(
        folder / "crs_2154.tif",
        _pattern((700, 800), "uint16"),
        crs="EPSG:2154",
        transform=from_origin(650_000, 6_860_000, 10, 10),
    )


def _british(folder: Path) -> Path:
    return _write(
        folder / "crs_27700.tif",
        _pattern((600, 700), "float32"),
        crs="EPSG:27700",
        transform=from_origin(530_000, 181_000, 10, 10),
    )


def _chunky(folder: Path) -> Path:
    return _write(folder / "chunky_11.tif", _pattern((11, 600, 700), "uint16"), interleave="pixel")


def _one_bit(folder: Path) -> Path:
    data = (_pattern((800, 1000), "uint16") % 2).astype("uint8")
    return _write(folder / "bit1.tif", data, nbits=1)


def _miniswhite(folder: Path) -> Path:
    return _write(folder / "miniswhite.tif", _pattern((700, 900), "uint8"), photometric="MINISWHITE")


def _palette(folder: Path) -> Path:
    path = _write(
        folder / "palette.tif", (_pattern((500, 600), "uint8") % 4), tiled=True, photometric="PALETTE"
    )
    with rasterio.open(path, "r+") as dataset:
        dataset.write_colormap(1, {0: (0, 0, 0), 1: (255, 0, 0), 2: (0, 255, 0), 3: (0, 0, 255)})
    return path


def _huge_header(folder: Path) -> Path:
    # Over 1 MiB of GDAL metadata in the first IFD: cheap to write, and over the header limit.
    path = _write(folder / "huge_header.tif", _pattern((1000, 1000), "uint8"), tiled=True)
    with rasterio.open(path, "r+") as dataset:
        dataset.update_tags(NOTES="x" * (1100 * 1024))
    return path


def _jpeg2000(folder: Path) -> Path:
    path = folder / "scene.jp2"
    staged = _write(folder / "jp2_source.tif", _pattern((1000, 1100), "uint16"))
    rasterio.shutil.copy(staged, path, driver="JP2OpenJPEG", REVERSIBLE="YES", QUALITY="100")
    staged.unlink()
    return path


def _vrt(folder: Path) -> Path:
    under = _write(folder / "vrt_source.tif", _pattern((2, 500, 700), "int16"))
    path = folder / "mosaic.vrt"
    rasterio.shutil.copy(under, path, driver="VRT")
    return path


def _rotated(folder: Path) -> Path:
    transform = Affine.translation(500_000, 5_100_000) @ Affine.rotation(15) @ Affine.scale(10, -10)
    return _write(folder / "rotated.tif", _pattern((500, 600), "uint16"), transform=transform)


def _no_crs(folder: Path) -> Path:
    return _write(folder / "no_crs.tif", _pattern((400, 500), "uint16"), crs=None)


_WRITERS: list[tuple[str, Callable[[Path], Path], frozenset[str], bool, bool, str | None]] = [
    # name, writer, rule sets it converts for as it is, lossless, reprojectable, refusal reason
    ("strips", _strips, BOTH, True, True, None),
    ("jpeg", _jpeg, BOTH, True, True, None),
    ("no_overviews", _no_overviews, BOTH, True, True, None),
    ("overviews_after_data", _overviews_after_data, BOTH, True, True, None),
    ("tiles_128", _tiles_128, BOTH, True, True, None),
    ("tiles_4096", _tiles_4096, BOTH, True, True, None),
    ("float64", _float64, BOTH, False, True, None),
    ("crs_2154", _lambert, NONE, False, True, "pass reproject"),
    ("crs_27700", _british, NONE, False, True, "pass reproject"),
    ("chunky_11", _chunky, BOTH, True, True, None),
    ("bit1", _one_bit, BOTH, True, True, None),
    ("miniswhite", _miniswhite, BOTH, True, True, None),
    ("palette", _palette, BOTH, True, True, None),
    ("huge_header", _huge_header, BOTH, True, True, None),
    ("jpeg2000", _jpeg2000, BOTH, True, True, None),
    ("vrt", _vrt, BOTH, True, True, None),
    ("rotated", _rotated, NONE, False, True, "pass reproject"),
    ("no_crs", _no_crs, NONE, False, False, "no CRS"),
]

NAMES = tuple(entry[0] for entry in _WRITERS)
"""The names of the corpus's files, in the order they are written."""


def build_corpus(folder: Path) -> dict[str, CorpusFile]:
    """Write every odd file into ``folder``; return them by name."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = {}
    with rasterio.Env():
        for name, writer, convertible, lossless, reprojectable, refusal in _WRITERS:
            corpus[name] = CorpusFile(name, writer(folder), convertible, lossless, reprojectable, refusal)
    return corpus
