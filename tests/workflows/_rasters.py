"""Rasters written by GDAL itself (through rasterio) for the conversion tests: strips, JPEG, COGs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS

SIZE = 512


def pixels(index: int, size: int = SIZE) -> Any:
    """A uint16 band with a pattern of its own per *index* (never 0, the nodata value)."""
    return (np.arange(size * size, dtype=np.uint16).reshape(size, size) * (index + 1) % 997) + 1


def write_raster(
    path: Path,
    *,
    index: int = 0,
    driver: str = "GTiff",
    crs: str | None = "EPSG:32633",
    size: int = SIZE,
    bands: int = 1,
    **creation: Any,
) -> Path:
    """Write a *size* x *size* UTM 33N raster with GDAL's *driver* and *creation* options.

    GDAL's GTiff default is a striped, uncompressed file: what ingestion refuses. Neighbouring
    *index* values sit side by side.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    west = 500_000.0 + index * size * 10.0
    profile: dict[str, Any] = {
        "driver": driver,
        "width": size,
        "height": size,
        "count": bands,
        "dtype": "uint16",
        "transform": Affine(10.0, 0.0, west, 0.0, -10.0, 5_200_000.0),
        "nodata": 0,
    }
    if crs is not None:
        profile["crs"] = CRS.from_string(crs)
    profile.update(creation)
    with rasterio.open(path, "w", **profile) as dataset:
        for band in range(1, bands + 1):
            dataset.write(pixels(index + band - 1, size), band)
    return path


def write_good_cog(path: Path, *, index: int = 0) -> Path:
    """A COG as GDAL's COG driver makes it, with 256-pixel blocks and DEFLATE: ingestion takes it."""
    return write_raster(path, index=index, driver="COG", BLOCKSIZE="256", COMPRESS="DEFLATE")


def write_jpeg_tiff(path: Path, *, index: int = 0) -> Path:
    """A tiled GeoTIFF compressed with JPEG (8-bit), which ingestion refuses."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=SIZE,
        height=SIZE,
        count=1,
        dtype="uint8",
        crs=CRS.from_epsg(32633),
        transform=Affine(10.0, 0.0, 500_000.0 + index * SIZE * 10.0, 0.0, -10.0, 5_200_000.0),
        tiled=True,
        blockxsize=256,
        blockysize=256,
        compress="JPEG",
    ) as dataset:
        dataset.write((pixels(index) % 250 + 1).astype("uint8"), 1)
    return path


def write_unreadable(path: Path) -> Path:
    """A file named like a GeoTIFF that no driver reads."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a raster at all\n" * 10)
    return path


def read(path: str | Path) -> Any:
    """Every band of *path* as an array."""
    with rasterio.open(path) as dataset:
        return dataset.read()
