"""Realistic inputs: BYOC answers (INGESTED tiles in EPSG:32633) and GeoTIFFs written by GDAL."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

CRS_32633: dict[str, Any] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}}
_SIDE = 10_980.0  # a Sentinel-2 MGRS tile, in metres


def tile_geometry(index: int) -> dict[str, Any]:
    """The bounding box of tile ``index``: a closed 5-position polygon in EPSG:32633."""
    x0 = 399_960.0 + _SIDE * (index % 7)
    y0 = 5_000_040.0 + _SIDE * (index // 7 % 5)
    ring = [[x0, y0], [x0 + _SIDE, y0], [x0 + _SIDE, y0 + _SIDE], [x0, y0 + _SIDE], [x0, y0]]
    return {"type": "Polygon", "crs": CRS_32633, "coordinates": [ring]}


def cover_geometry(index: int) -> dict[str, Any]:
    """Where tile ``index`` has data: a closed 14-position polygon inside its bounding box."""
    x0, y0 = tile_geometry(index)["coordinates"][0][0]
    outline = [
        (0.02, 0.05),
        (0.35, 0.01),
        (0.71, 0.03),
        (0.98, 0.08),
        (0.99, 0.41),
        (0.97, 0.77),
        (0.93, 0.99),
        (0.58, 0.97),
        (0.24, 0.98),
        (0.03, 0.94),
        (0.01, 0.62),
        (0.04, 0.33),
        (0.02, 0.12),
    ]
    ring = [[round(x0 + fx * _SIDE, 3), round(y0 + fy * _SIDE, 3)] for fx, fy in outline]
    ring.append(ring[0])
    return {"type": "Polygon", "crs": CRS_32633, "coordinates": [ring]}


def tile(index: int) -> dict[str, Any]:
    """One INGESTED tile as the service answers it, with every member it sends."""
    day = index % 28 + 1
    return {
        "id": str(uuid.UUID(int=0x3FA85F6457174562B3FC2C963F660000 + index, version=4)),
        "path": f"sentinel-2/2024/05/{day:02d}/T33TVM_{index:06d}/(BAND).tif",
        "status": "INGESTED",
        "tileGeometry": tile_geometry(index),
        "coverGeometry": cover_geometry(index),
        "sensingTime": f"2024-05-{day:02d}T10:00:31Z",
        "created": f"2024-06-01T08:{index // 60 % 60:02d}:{index % 60:02d}.123Z",
        "ingestionStart": f"2024-06-01T08:{index // 60 % 60:02d}:{index % 60:02d}.456Z",
        "additionalData": {"warnings": None},
    }


def raster_band(height: int, width: int, dtype: str, band: int = 1, seed: int = 0) -> Any:
    """Image-like values of one band: smooth waves plus a little noise.

    Neither noise (which DEFLATE cannot shrink) nor a constant (which costs it nothing): the
    codecs and overviews do about the work they do on real imagery.
    """
    import numpy as np

    rng = np.random.default_rng(seed * 131 + band)
    y = np.arange(height, dtype=np.float32)[:, None]
    x = np.arange(width, dtype=np.float32)[None, :]
    wave = np.sin(x * (0.004 + 0.001 * band)) + np.cos(y * 0.005) + 0.5 * np.sin((x + y) * 0.0021)
    values = (wave + 2.5) / 5.0 + rng.normal(0.0, 0.005, (height, width)).astype(np.float32)
    kind = np.dtype(dtype)
    if kind.kind == "f":
        return values.astype(kind)
    info = np.iinfo(kind)
    span = min(float(info.max) - float(info.min), 10_000.0)
    return np.clip(float(max(info.min, 0)) + values * span, info.min, info.max).astype(kind)


def write_geotiff(
    path: Path,
    *,
    width: int,
    height: int,
    count: int = 1,
    dtype: str = "uint8",
    crs: str = "EPSG:32633",
    overviews: tuple[int, ...] = (),
    seed: int = 0,
    **creation: Any,
) -> Path:
    """Write a georeferenced GeoTIFF with GDAL's GTiff driver (through rasterio); return its path.

    ``creation`` holds GTiff creation options (``tiled``, ``compress``, ``photometric``, ...);
    ``overviews`` are factors built after the image data, as ``gdaladdo`` does.
    """
    import rasterio
    from rasterio.enums import Resampling
    from rasterio.transform import from_origin

    origin = (399_960.0, 5_000_040.0) if crs == "EPSG:32633" else (13.0, 46.0)
    pixel = 10.0 if crs == "EPSG:32633" else 0.0001
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": count,
        "dtype": dtype,
        "crs": crs,
        "transform": from_origin(*origin, pixel, pixel),
        **creation,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(path, "w", **profile) as dataset:
        for band in range(1, count + 1):
            dataset.write(raster_band(height, width, dtype, band, seed), band)
        if overviews:
            dataset.build_overviews(list(overviews), Resampling.average)
    return path
