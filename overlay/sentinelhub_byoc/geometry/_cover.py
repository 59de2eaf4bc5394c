"""Cover geometries traced from the valid pixels of COG files (needs the ``raster`` extra)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from typing import IO, Any, TypeAlias

from sentinelhub_byoc.geometry import _deps, _shapes
from sentinelhub_byoc.geometry._crs import parse_crs
from sentinelhub_byoc.geometry._errors import GeometryError
from sentinelhub_byoc.geometry._geometry import Geometry
from sentinelhub_byoc.geometry._shapes import Shape

#: An open rasterio dataset (rasterio ships without type information).
RasterDataset: TypeAlias = Any
#: Where a band file comes from: a path or URL rasterio opens, the file's bytes, a binary
#: file object (read whole into memory), or a dataset already opened with rasterio.
RasterSource: TypeAlias = "str | os.PathLike[str] | bytes | bytearray | IO[bytes] | RasterDataset"


def cover_geometry_from_cogs(
    sources: Iterable[RasterSource] | str | os.PathLike[str] | bytes,
    *,
    max_points: int = 100,
    buffer: float = -0.5,
    max_size: int | None = 1024,
) -> Geometry:
    """Trace the outline of a tile's valid data from its band files, as the service wants it.

    For each file the valid-data mask (GDAL's dataset mask: noData values, internal masks
    or alpha bands) is read, at most ``max_size`` pixels along its longer side (GDAL then
    reads an overview when the COG has one; ``None`` reads full resolution). The valid
    pixels are polygonised and merged per file, the files' areas intersected, the result
    grown by ``buffer`` pixels of the resolution read (negative shrinks it, so the outline
    stays inside the data despite the coarser read) and simplified to at most
    ``max_points`` positions. The geometry is in the first file's CRS.

    >>> cover = cover_geometry_from_cogs(["B02.tif", "B03.tif"])  # doctest: +SKIP
    >>> cover.num_points <= 100  # doctest: +SKIP
    True

    Raises :class:`~sentinelhub_byoc.geometry.GeometryError` when the files hold no valid
    pixel in common or a file's CRS has no EPSG code.
    """
    if isinstance(sources, str | bytes | bytearray | os.PathLike) or hasattr(sources, "read"):
        sources = [sources]
    rasterio = _deps.rasterio("Computing a cover geometry from COG files")
    area: Shape | None = None
    crs: int | None = None
    pixel = 0.0
    for index, source in enumerate(sources):
        with _open(rasterio, source) as dataset:
            file_crs = _epsg(dataset, index)
            file_area, file_pixel = _valid_area(rasterio, dataset, max_size)
        if crs is None:
            crs = file_crs
        elif file_crs != crs:
            file_area = Geometry.from_shape(file_area, crs=file_crs).to_crs(crs).shape
        pixel = max(pixel, file_pixel)
        area = file_area if area is None else _shapes.intersection(area, file_area)
        if bool(area.is_empty):
            raise GeometryError(f"the files have no valid (non-noData) pixels in common (after file {index})")
    if area is None or crs is None:
        raise GeometryError("no raster files were given to trace a cover geometry from")
    if buffer:
        area = _shapes.buffer(area, buffer * pixel)
    area = _shapes.polygonal_part(area)
    if bool(area.is_empty):
        raise GeometryError(
            f"the valid area vanished after buffering by {buffer} pixels; use a smaller buffer"
        )
    return Geometry.from_shape(area, crs=crs).simplify_to(max_points).geometry


@contextlib.contextmanager
def _open(rasterio: Any, source: RasterSource) -> Iterator[RasterDataset]:
    if hasattr(source, "dataset_mask"):
        yield source  # opened by the caller, who closes it
        return
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes | bytearray | memoryview):
        with rasterio.io.MemoryFile(bytes(source)) as memory, memory.open() as dataset:
            yield dataset
        return
    with rasterio.open(source) as dataset:
        yield dataset


def _epsg(dataset: RasterDataset, index: int) -> int:
    if dataset.crs is None:
        raise GeometryError(f"file {index} ({dataset.name}) has no CRS; a COG must have one")
    return parse_crs(dataset.crs)


def _valid_area(rasterio: Any, dataset: RasterDataset, max_size: int | None) -> tuple[Shape, float]:
    """Return the union of the valid pixels, and the size of a pixel as read."""
    height, width = int(dataset.height), int(dataset.width)
    scale = 1.0
    if max_size is not None and max(height, width) > max_size:
        scale = max(height, width) / max_size
    out_height, out_width = max(1, round(height / scale)), max(1, round(width / scale))
    mask = dataset.dataset_mask(out_shape=(out_height, out_width))
    transform = _compose(
        dataset.transform, type(dataset.transform).scale(width / out_width, height / out_height)
    )
    pieces = [
        _shapes.from_mapping(shape)
        for shape, _ in rasterio.features.shapes(mask, mask=mask > 0, transform=transform)
    ]
    pixel = max(abs(float(transform.a)), abs(float(transform.e)))
    return _shapes.union_all(pieces), pixel


def _compose(first: Any, second: Any) -> Any:
    # affine 2.4+ composes with "@" and deprecates "*"; older releases know only "*".
    try:
        return first @ second
    except TypeError:
        return first * second
