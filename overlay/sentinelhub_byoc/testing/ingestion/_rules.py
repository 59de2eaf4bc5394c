"""The COG rules one file must meet, applied to its header; the facts ingestion keeps."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sentinelhub_byoc.testing.ingestion._crs_rules import describe_supported, supported_epsg
from sentinelhub_byoc.testing.ingestion._rejection import TileRejectedError
from sentinelhub_byoc.testing.ingestion._tiff import HEADER_LIMIT, TiffHeader
from sentinelhub_byoc.testing.ingestion._transforms import BBox

__all__ = ["FileFacts", "check_file"]

MIN_TILE = 256
MAX_TILE = 2048

# tifffile's names for the accepted codecs: ADOBE_DEFLATE is what GDAL writes for DEFLATE and
# ZLIB, DEFLATE is the older code for the same, PIXTIFF is PIXTIFF_ZIP.
_ACCEPTED_COMPRESSION = {
    8: "DEFLATE",
    32946: "DEFLATE",
    50000: "ZSTD",
    50013: "PIXTIFF_ZIP",
    32773: "PACKBITS",
    5: "LZW",
}
_SAMPLE_FORMATS = {1: "UINT", 2: "INT", 3: "FLOAT"}
_USER_DEFINED = 32767
_PIXEL_IS_POINT = 2
_MODEL_GEOGRAPHIC = 2
_MAKE_COG = "gdal_translate -of COG -co BLOCKSIZE=1024 -co COMPRESS=DEFLATE"


@dataclass(frozen=True)
class FileFacts:
    """What ingestion learns from a file that meets the rules."""

    key: str
    epsg: int
    bbox: BBox
    pixel_size: tuple[float, float]
    samples: int
    bit_depth: int
    sample_format: str
    nodata: int | float | None
    warnings: tuple[str, ...] = ()


def _check_layout(header: TiffHeader) -> None:
    key = header.key
    if not header.tiled:
        raise TileRejectedError(
            f"{key} is not tiled (it is stored in strips); convert it to a COG, e.g. {_MAKE_COG}"
        )
    for side in (header.tile_width, header.tile_height):
        if not MIN_TILE <= side <= MAX_TILE:
            raise TileRejectedError(
                f"{key} has {header.tile_width}x{header.tile_height} pixel tiles; tiles must be "
                f"{MIN_TILE} to {MAX_TILE} pixels on a side (1024 is recommended); rewrite it "
                f"with {_MAKE_COG}"
            )
    if header.compression not in _ACCEPTED_COMPRESSION:
        found = "not compressed" if header.compression == 1 else header.compression_name
        raise TileRejectedError(
            f"{key} uses compression {found}, which ingestion does not accept; use DEFLATE, "
            f"ZSTD, LZW, PACKBITS or PIXTIFF_ZIP, e.g. {_MAKE_COG}"
        )
    if header.header_bytes > HEADER_LIMIT:
        raise TileRejectedError(
            f"{key} has a {header.header_bytes} byte header (IFDs and tag values); it may be at "
            f"most {HEADER_LIMIT} bytes: use larger tiles, e.g. {_MAKE_COG}"
        )


def _data_type(header: TiffHeader) -> tuple[int, str]:
    bits = header.bits_per_sample
    sample_format = _SAMPLE_FORMATS.get(header.sample_format)
    if sample_format is None or bits not in (8, 16, 32) or (sample_format == "FLOAT" and bits != 32):
        found = f"{bits}-bit {sample_format or f'sample format {header.sample_format}'}"
        raise TileRejectedError(
            f"{header.key} holds {found} data; ingestion accepts 8, 16 or 32-bit unsigned or "
            "signed integers and 32-bit floats: convert it with gdal_translate -ot "
            "(Byte, UInt16, Int16, UInt32, Int32 or Float32)"
        )
    return bits, sample_format


def _fix_crs(cdse: bool) -> str:
    return f"reproject it with gdalwarp -t_srs EPSG:<code> to one of {describe_supported(cdse=cdse)}"


def _epsg(header: TiffHeader, cdse: bool) -> int:
    keys = header.geokeys
    projected = keys.get("ProjectedCSTypeGeoKey")
    geographic = keys.get("GeographicTypeGeoKey")
    model = keys.get("GTModelTypeGeoKey")
    code = geographic if projected is None or model == _MODEL_GEOGRAPHIC else projected
    if code is None:
        raise TileRejectedError(
            f"{header.key} has no CRS (its GeoKeys name neither ProjectedCSTypeGeoKey nor "
            "GeographicTypeGeoKey); set one, e.g. gdal_edit.py -a_srs EPSG:<code>"
        )
    try:
        epsg = int(code)
    except (TypeError, ValueError):
        epsg = _USER_DEFINED
    if epsg == _USER_DEFINED:
        raise TileRejectedError(f"{header.key} has a user-defined CRS, not an EPSG code; {_fix_crs(cdse)}")
    if epsg not in supported_epsg(cdse=cdse):
        raise TileRejectedError(f"{header.key} is in EPSG:{epsg}, which is not supported; {_fix_crs(cdse)}")
    return epsg


def _georeference(header: TiffHeader) -> tuple[float, float, float, float]:
    """Return (x of the left edge, y of the top edge, pixel width, pixel height)."""
    key = header.key
    if header.transformation is not None and len(header.transformation) >= 8:
        a, b, _, x0, e, f, _, y0 = header.transformation[:8]
        if b != 0 or e != 0:
            raise TileRejectedError(
                f"{key} is rotated or sheared (its ModelTransformation has rotation terms); "
                "warp it north-up with gdalwarp"
            )
        size_x, size_y = a, -f
    elif header.pixel_scale is not None and header.tiepoint is not None:
        if len(header.pixel_scale) < 2 or len(header.tiepoint) < 6:
            raise TileRejectedError(f"{key} has malformed ModelPixelScale or ModelTiepoint tags")
        size_x, size_y = header.pixel_scale[:2]
        i, j, _, x, y, _ = header.tiepoint[:6]
        x0, y0 = x - i * size_x, y + j * size_y
    else:
        raise TileRejectedError(
            f"{key} is not georeferenced (no ModelPixelScale and ModelTiepoint, nor "
            "ModelTransformation); write it with its geotransform, e.g. gdal_translate -a_ullr"
        )
    values = (x0, y0, size_x, size_y)
    if not all(math.isfinite(v) for v in values) or size_x <= 0 or size_y <= 0:
        raise TileRejectedError(
            f"{key} is not north-up or has a zero pixel size (pixel size {size_x}, {size_y}); "
            "warp it north-up with gdalwarp"
        )
    if header.geokeys.get("GTRasterTypeGeoKey") == _PIXEL_IS_POINT:
        # As GDAL does: a point's coordinates are the pixel's centre, the box starts half out.
        x0, y0 = x0 - size_x / 2, y0 + size_y / 2
    return x0, y0, size_x, size_y


def _nodata(header: TiffHeader, sample_format: str, warnings: list[str]) -> int | float | None:
    if header.nodata is None or header.nodata == "":
        return None
    try:
        value = float(header.nodata)
    except ValueError:
        raise TileRejectedError(
            f"{header.key} has GDAL_NODATA {header.nodata!r}, which is not a number; fix it with "
            "gdal_edit.py -a_nodata <value> (or -unsetnodata)"
        ) from None
    if not math.isfinite(value):
        warnings.append(
            f"{header.key} has noData {header.nodata}, which JSON cannot carry; the band gets "
            "no noData value: set one on the collection if you need it."
        )
        return None
    if sample_format != "FLOAT" and value.is_integer():
        return int(value)
    return value


def _overview_warning(header: TiffHeader) -> str | None:
    width, height = header.width, header.height
    tile_width, tile_height = header.tile_width, header.tile_height
    if width <= tile_width and height <= tile_height:
        return None
    if not header.overviews:
        return (
            f"{header.key} is {width}x{height} pixels but has no overviews, so zoomed-out "
            "requests will be slow; add them with gdaladdo or gdal_translate -of COG."
        )
    smallest = min(header.overviews, key=lambda size: size[0] * size[1])
    if smallest[0] > 2 * tile_width or smallest[1] > 2 * tile_height:
        return (
            f"{header.key}'s smallest overview is {smallest[0]}x{smallest[1]} pixels, larger "
            "than about one tile; add overview levels down to one tile with gdaladdo."
        )
    return None


def check_file(header: TiffHeader, *, cdse: bool = False) -> FileFacts:
    """Apply the per-file COG rules to ``header``; raise TileRejectedError for the first broken.

    Missing or too few overviews are not a failure: they give a warning. ``cdse`` applies the
    rules of the Copernicus Data Space deployment, which accepts more CRSs.
    """
    _check_layout(header)
    bit_depth, sample_format = _data_type(header)
    epsg = _epsg(header, cdse)
    x0, y0, size_x, size_y = _georeference(header)
    warnings: list[str] = []
    nodata = _nodata(header, sample_format, warnings)
    overview_warning = _overview_warning(header)
    if overview_warning:
        warnings.append(overview_warning)
    bbox = (x0, y0 - header.height * size_y, x0 + header.width * size_x, y0)
    return FileFacts(
        key=header.key,
        epsg=epsg,
        bbox=bbox,
        pixel_size=(size_x, size_y),
        samples=header.samples,
        bit_depth=bit_depth,
        sample_format=sample_format,
        nodata=nodata,
        warnings=tuple(warnings),
    )
