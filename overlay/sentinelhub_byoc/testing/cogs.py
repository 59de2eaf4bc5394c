"""Writing real GeoTIFFs for tests and demos: good COGs, and broken ones on purpose.

:func:`write_cog` writes a tiled, compressed GeoTIFF with overviews laid out as a Cloud
Optimized GeoTIFF (every IFD first, then the image data, smallest overview first, as GDAL's
COG driver writes it), using tifffile (no GDAL needed). Its keywords can also break each
rule ingestion checks (strips, JPEG, odd tile sizes, no CRS, no overviews...), so tests can
see each failure. :func:`write_cog_bytes` gives the same file as bytes, for uploading.

numpy, tifffile and pyproj are imported when a file is written, not when this module is.
Codecs other than zlib/DEFLATE and LZMA (ZSTD, LZW, PACKBITS, JPEG...) need the
``imagecodecs`` package.
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from sentinelhub_byoc._replacing import replacing

__all__ = ["write_cog", "write_cog_bytes"]

_GEO_KEY_DIRECTORY = 34735
_MODEL_PIXEL_SCALE = 33550
_MODEL_TIEPOINT = 33922
_MODEL_TRANSFORMATION = 34264
_GDAL_NODATA = 42113
_MODEL_TYPE_KEY = 1024
_RASTER_TYPE_KEY = 1025
_GEOGRAPHIC_TYPE_KEY = 2048
_PROJECTED_TYPE_KEY = 3072
_SUBFILE_REDUCED = 1
# GDAL names DEFLATE what TIFF calls Adobe Deflate (code 8); tifffile spells it "zlib".
_COMPRESSION_ALIASES = {"deflate": "adobe_deflate", "none": None}


def _geokeys(epsg: int | None, overrides: Mapping[int, int] | None) -> list[int]:
    keys: dict[int, int] = {}
    if epsg is not None:
        from pyproj import CRS

        geographic = CRS.from_epsg(epsg).is_geographic
        keys[_MODEL_TYPE_KEY] = 2 if geographic else 1
        keys[_RASTER_TYPE_KEY] = 1
        keys[_GEOGRAPHIC_TYPE_KEY if geographic else _PROJECTED_TYPE_KEY] = epsg
    keys.update(overrides or {})
    directory = [1, 1, 0, len(keys)]
    for key_id, value in sorted(keys.items()):
        directory += [key_id, 0, 1, value]
    return directory


def _georeference_tags(
    bounds: tuple[float, float, float, float] | None,
    shape: tuple[int, int],
    georeference: Literal["tiepoint", "transformation"],
) -> list[tuple[int, str, int, Any, bool]]:
    if bounds is None:
        return []
    min_x, min_y, max_x, max_y = (float(v) for v in bounds)
    height, width = shape
    size_x, size_y = (max_x - min_x) / width, (max_y - min_y) / height
    if georeference == "transformation":
        matrix = [size_x, 0, 0, min_x, 0, -size_y, 0, max_y, 0, 0, 0, 0, 0, 0, 0, 1]
        return [(_MODEL_TRANSFORMATION, "d", 16, [float(v) for v in matrix], True)]
    return [
        (_MODEL_PIXEL_SCALE, "d", 3, [size_x, size_y, 0.0], True),
        (_MODEL_TIEPOINT, "d", 6, [0.0, 0.0, 0.0, min_x, max_y, 0.0], True),
    ]


def _nodata_text(nodata: float) -> str:
    value = float(nodata)
    # GDAL writes integral values without a decimal point, and readers compare the text.
    return str(int(value)) if value.is_integer() else repr(value)


_Entry = tuple[int, int, int, bytes]


def _cog_layout(content: bytes) -> bytes:
    """Return the classic little-endian TIFF ``content`` with every IFD first, data after.

    As GDAL's COG driver lays a file out: the header, each IFD with its out-of-line tag
    values, then the image data of the smallest overview first and of the full image last.
    """
    import tifffile

    # tifffile writes each IFD before its own data, so overview IFDs follow the image data;
    # GDAL, rio-cogeo and the service's 1 MB header want every IFD first.
    pages: list[tuple[list[_Entry], list[bytes], int]] = []
    with tifffile.TiffFile(io.BytesIO(content)) as tif:
        if tif.is_bigtiff or tif.byteorder != "<":
            return content
        for page in tif.pages:
            if not isinstance(page, tifffile.TiffPage):
                return content
            entries: list[_Entry] = []
            for tag in page.tags:
                size = tag.valuebytecount
                start = tag.valueoffset if size > 4 else tag.offset + 8
                entries.append((tag.code, tag.dtype, tag.count, content[start : start + size]))
            spans = zip(page.dataoffsets, page.databytecounts, strict=True)
            chunks = [content[offset : offset + count] for offset, count in spans]
            pages.append((sorted(entries), chunks, 324 if page.is_tiled else 273))
    sizes = [
        2 + 12 * len(entries) + 4 + sum(len(raw) + len(raw) % 2 for *_, raw in entries if len(raw) > 4)
        for entries, _, _ in pages
    ]
    # The data goes after every IFD, the last page's (the smallest overview's) first.
    position = 8 + sum(sizes)
    offsets: list[list[int]] = [[] for _ in pages]
    for index in reversed(range(len(pages))):
        for chunk in pages[index][1]:
            offsets[index].append(position)
            position += len(chunk)
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    start = 8
    for index, (entries, _, offsets_code) in enumerate(pages):
        values_at = start + 2 + 12 * len(entries) + 4
        table = bytearray(struct.pack("<H", len(entries)))
        values = bytearray()
        for code, dtype, count, raw in entries:
            if code == offsets_code:
                raw, dtype = struct.pack(f"<{len(offsets[index])}I", *offsets[index]), 4
            if len(raw) > 4:
                field = struct.pack("<I", values_at + len(values))
                values += raw + b"\x00" * (len(raw) % 2)
            else:
                field = raw.ljust(4, b"\x00")
            table += struct.pack("<HHI", code, dtype, count) + field
        following = start + sizes[index] if index + 1 < len(pages) else 0
        out += table + struct.pack("<I", following) + values
        start += sizes[index]
    for index in reversed(range(len(pages))):
        for chunk in pages[index][1]:
            out += chunk
    return bytes(out)


def write_cog_bytes(
    array: Any,
    *,
    epsg: int | None,
    bounds: tuple[float, float, float, float] | None,
    tile_size: int | tuple[int, int] = 256,
    compression: str | None = "zlib",
    nodata: float | None = None,
    overviews: bool = True,
    tiled: bool = True,
    georeference: Literal["tiepoint", "transformation"] = "tiepoint",
    geokeys: Mapping[int, int] | None = None,
    extra_tags: Sequence[tuple[Any, ...]] = (),
) -> bytes:
    """Return a GeoTIFF of ``array`` as bytes; see :func:`write_cog` for the arguments."""
    import numpy as np
    import tifffile

    data = np.asarray(array)
    if data.ndim not in (2, 3):
        raise ValueError(f"array must be (rows, cols) or (bands, rows, cols), not {data.shape}")
    tile = (tile_size, tile_size) if isinstance(tile_size, int) else tuple(tile_size)
    codec = _COMPRESSION_ALIASES.get(compression.lower(), compression) if compression else None
    shape = data.shape[-2:]
    tags = _georeference_tags(bounds, shape, georeference)
    directory = _geokeys(epsg, geokeys)
    if len(directory) > 4:
        tags.append((_GEO_KEY_DIRECTORY, "H", len(directory), directory, True))
    if nodata is not None:
        tags.append((_GDAL_NODATA, "s", 0, _nodata_text(nodata), True))
    tags.extend(extra_tags)
    layout: dict[str, Any] = {
        "photometric": "minisblack",
        "planarconfig": "separate" if data.ndim == 3 else None,
        "compression": codec,
        "metadata": None,
    }
    if tiled:
        layout["tile"] = tile
    else:
        layout["rowsperstrip"] = tile[0]
    buffer = io.BytesIO()
    with tifffile.TiffWriter(buffer) as writer:
        writer.write(data, extratags=tags, **layout)
        level = data
        # Halve (nearest neighbour) until a level fits one tile, as gdaladdo's levels do.
        while overviews and (level.shape[-2] > tile[0] or level.shape[-1] > tile[1]):
            level = level[..., ::2, ::2]
            writer.write(level, subfiletype=_SUBFILE_REDUCED, **layout)
    return _cog_layout(buffer.getvalue())


def write_cog(
    path: str | os.PathLike[str],
    array: Any,
    *,
    epsg: int | None,
    bounds: tuple[float, float, float, float] | None,
    tile_size: int | tuple[int, int] = 256,
    compression: str | None = "zlib",
    nodata: float | None = None,
    overviews: bool = True,
    tiled: bool = True,
    georeference: Literal["tiepoint", "transformation"] = "tiepoint",
    geokeys: Mapping[int, int] | None = None,
    extra_tags: Sequence[tuple[Any, ...]] = (),
) -> Path:
    """Write ``array`` as a GeoTIFF at ``path`` (atomically) and return the path.

    ``array`` is (rows, cols) for one band or (bands, rows, cols); its dtype is the file's.
    ``bounds`` is (min x, min y, max x, max y) of the image's outer edges in ``EPSG:epsg``,
    north up. The image is cut into ``tile_size`` tiles (an int, or (rows, cols)) and
    compressed with ``compression``: a tifffile codec name ("zlib" and "deflate" are
    DEFLATE; "zstd", "lzw", "packbits", "jpeg"...) or None for none. ``nodata`` goes in the
    GDAL_NODATA tag. With ``overviews`` the image is halved (nearest neighbour) into
    reduced-resolution subfiles until a level fits one tile.

    To write files that break the COG rules: ``tiled=False`` stores strips of ``tile_size``
    rows; ``epsg=None`` leaves out the GeoKeys and ``bounds=None`` the georeferencing;
    ``georeference="transformation"`` uses ModelTransformation instead of ModelPixelScale and
    ModelTiepoint; ``geokeys`` adds or replaces GeoKeys ({key id: short value}); and
    ``extra_tags`` are more tags in tifffile's ``extratags`` form.
    """
    target = Path(path)
    content = write_cog_bytes(
        array,
        epsg=epsg,
        bounds=bounds,
        tile_size=tile_size,
        compression=compression,
        nodata=nodata,
        overviews=overviews,
        tiled=tiled,
        georeference=georeference,
        geokeys=geokeys,
        extra_tags=extra_tags,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    # Readers polling the folder (an emulator ingesting) must never see half a file.
    # A written COG is as readable as any other file.
    with replacing(target, binary=True, permissions=0o644) as file:
        file.write(content)
    return target
