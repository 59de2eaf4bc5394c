"""The COG rules one file must meet, applied to its header; the facts ingestion keeps.

Every rule is applied, so one pass finds every problem of a file; the order of the rules is
the order in which the service reports them, so the first error is the failure cause.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sentinelhub_byoc.cog._crs_rules import describe_supported, supported_epsg
from sentinelhub_byoc.cog._problems import (
    MAKE_COG,
    Problem,
    ProblemError,
    RuleSet,
    convert_fix,
    error,
    warning,
)
from sentinelhub_byoc.cog._storage import Storage, StorageError
from sentinelhub_byoc.cog._tiff import HEADER_LIMIT, ImageLayout, TiffHeader, read_header
from sentinelhub_byoc.cog._transforms import BBox

__all__ = ["CDSE_MAX_CHUNKY_BANDS", "FileCheck", "FileFacts", "check_file", "check_header"]

MIN_TILE = 256
MAX_TILE = 2048
CDSE_MAX_CHUNKY_BANDS = 10
"""The most bands CDSE reads from a pixel-interleaved (chunky) file."""

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
_CHUNKY = 1
# CDSE: "Photometric interpretation must be 1 (0 is imaged as black) or 2 (RGB)". Palette
# indices, masks, CMYK, YCbCr and CIE colours need a colour model to become band values,
# which the service does not apply; MINISWHITE grey levels would be imaged inverted.
_PHOTOMETRIC_VALUES = {1: "MINISBLACK", 2: "RGB"}
_PHOTOMETRIC_NAMES = {
    0: "MINISWHITE",
    3: "PALETTE",
    4: "MASK",
    5: "SEPARATED (CMYK)",
    6: "YCBCR",
    8: "CIELAB",
}
_MINISWHITE = 0
_PALETTE = 3
_MAKE_COG = "gdal_translate -of COG -co BLOCKSIZE=1024 -co COMPRESS=DEFLATE"
# CDSE also reads unsigned 1, 2 and 4-bit samples (GDAL's NBITS), as bytes.
_CDSE_LOW_BITS = (1, 2, 4)
_CONVERT_TYPE = "gdal_translate -of COG -ot UInt16 -co COMPRESS=DEFLATE in.tif out.tif"
_SET_CRS = "gdal_edit.py -a_srs EPSG:<code> in.tif"
_WARP = "gdalwarp -of COG -t_srs EPSG:4326 -co COMPRESS=DEFLATE in.tif out.tif"
_NORTH_UP = "gdalwarp -of COG -co COMPRESS=DEFLATE in.tif out.tif"


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


@dataclass(frozen=True)
class FileCheck:
    """Every problem of one file, and what could be learnt from it.

    ``facts`` is set when the file has no errors. The other fields hold what could be read
    even from a file with errors (None where its rule failed).
    """

    problems: tuple[Problem, ...]
    facts: FileFacts | None
    epsg: int | None = None
    bbox: BBox | None = None
    pixel_size: tuple[float, float] | None = None
    samples: int | None = None
    bit_depth: int | None = None
    sample_format: str | None = None
    nodata: int | float | None = None

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that make ingestion fail, in the order the service checks them."""
        return tuple(p for p in self.problems if p.is_error)


def _convert(key: str, gdal: str | None = MAKE_COG, *, reproject: bool = False) -> str:
    return convert_fix(key, gdal, reproject=reproject)


def _main_tiles(header: TiffHeader) -> list[Problem]:
    key = header.key
    if not header.tiled:
        return [
            error(
                key,
                "not-tiled",
                f"{key} is not tiled (it is stored in strips); convert it to a COG, e.g. {_MAKE_COG}",
                _convert(key),
                fixed_by_convert=True,
            )
        ]
    if not all(MIN_TILE <= side <= MAX_TILE for side in (header.tile_width, header.tile_height)):
        return [
            error(
                key,
                "tile-size",
                f"{key} has {header.tile_width}x{header.tile_height} pixel tiles; tiles must be "
                f"{MIN_TILE} to {MAX_TILE} pixels on a side (1024 is recommended); rewrite it "
                f"with {_MAKE_COG}",
                _convert(key),
                fixed_by_convert=True,
            )
        ]
    return []


def _what(image: ImageLayout) -> str:
    kind = {"overview": "an overview", "mask": "a mask", "page": "a further image"}.get(
        image.kind, "the image"
    )
    return f"{kind} of {image.width}x{image.height} pixels"


def _describe_image(image: ImageLayout) -> str:
    return f"image at index {image.index} ({_what(image)})"


def _level_tiles(header: TiffHeader) -> list[Problem]:
    """The tile rules of every IFD after the first: overviews, masks and further pages."""
    key = header.key
    problems = []
    for image in header.images[1:]:
        # The docs say nothing of masks; the service's message names overviews ("image at index 1").
        make = warning if image.kind == "mask" else error
        if not image.tiled:
            if header.tiled:
                problems.append(
                    make(
                        key,
                        "not-tiled",
                        f"{key}: {_describe_image(image)} is not tiled (it is stored in strips); "
                        f"every image of a COG must be tiled: rewrite it with {_MAKE_COG}",
                        _convert(key),
                        fixed_by_convert=True,
                    )
                )
        elif not all(MIN_TILE <= side <= MAX_TILE for side in (image.tile_width, image.tile_height)):
            problems.append(
                make(
                    key,
                    "tile-size",
                    f"{key}: tiles of image at index {image.index} have {image.tile_width}x"
                    f"{image.tile_height} pixels ({_what(image)}); tiles of every image, "
                    f"overviews included, must be {MIN_TILE} to {MAX_TILE} pixels on a side: rewrite it "
                    f"with {_MAKE_COG} (or build overviews with --config GDAL_TIFF_OVR_BLOCKSIZE 1024)",
                    _convert(key),
                    fixed_by_convert=True,
                )
            )
    sizes = {(i.tile_width, i.tile_height) for i in header.images if i.tiled}
    if len(sizes) > 1 and not any(p.rule == "tile-size" and p.is_error for p in problems):
        listing = ", ".join(f"{i.index}: {i.tile_width}x{i.tile_height}" for i in header.images if i.tiled)
        problems.append(
            warning(
                key,
                "tile-size",
                f"{key}'s images have tiles of different sizes (by image index: {listing}); "
                "an earlier revision of the service's documentation requires one tile size for all "
                "overview levels: rewrite it with one block size for all of them.",
                _convert(key),
                fixed_by_convert=True,
            )
        )
    for image in header.images[1:]:
        if image.compression not in _ACCEPTED_COMPRESSION and image.compression != header.compression:
            problems.append(
                warning(
                    key,
                    "compression",
                    f"{key}: {_describe_image(image)} uses compression code {image.compression}, "
                    "which ingestion does not list; compress every image with DEFLATE, ZSTD, LZW, "
                    "PACKBITS or PIXTIFF_ZIP.",
                    _convert(key),
                    fixed_by_convert=True,
                )
            )
    return problems


def _header(header: TiffHeader) -> list[Problem]:
    key = header.key
    late = header.late_image
    if header.header_bytes > HEADER_LIMIT:
        message = (
            f"{key} has a {header.header_bytes} byte header (IFDs and tag values); it may be at "
            f"most {HEADER_LIMIT} bytes: use larger tiles, e.g. {_MAKE_COG}"
        )
        return [error(key, "header-size", message, _convert(key), fixed_by_convert=True)]
    if header.first_data is not None and header.header_end > header.first_data:
        where = (
            f"the IFD of image at index {late.index} starts at byte {late.offset}"
            if late is not None
            else f"its tag values reach byte {header.header_end}"
        )
        message = (
            f"{key} is not a cloud optimized GeoTIFF: {where}, after the image data that starts at "
            f"byte {header.first_data}; a COG keeps every IFD and its tag values before the image "
            f"data, within the first {HEADER_LIMIT} bytes, which the service reads as the header "
            "(overviews added after the image data, e.g. by gdaladdo, break this): rewrite it as a "
            f"COG, e.g. {_MAKE_COG}"
        )
        return [error(key, "ifd-order", message, _convert(key), fixed_by_convert=True)]
    if header.header_end > HEADER_LIMIT:
        message = (
            f"{key}'s header (IFDs and tag values) reaches byte {header.header_end}; it must lie in "
            f"the first {HEADER_LIMIT} bytes: rewrite it as a COG, e.g. {_MAKE_COG}"
        )
        return [error(key, "header-size", message, _convert(key), fixed_by_convert=True)]
    return []


def _check_layout(header: TiffHeader) -> list[Problem]:
    key = header.key
    problems = _main_tiles(header)
    if header.compression not in _ACCEPTED_COMPRESSION:
        found = (
            "is not compressed" if header.compression == 1 else f"uses compression {header.compression_name}"
        )
        problems.append(
            error(
                key,
                "compression",
                f"{key} {found}, which ingestion does not accept; use DEFLATE, "
                f"ZSTD, LZW, PACKBITS or PIXTIFF_ZIP, e.g. {_MAKE_COG}",
                _convert(key),
                fixed_by_convert=True,
            )
        )
    problems.extend(_header(header))
    problems.extend(_level_tiles(header))
    return problems


def _data_type(header: TiffHeader, rules: RuleSet, problems: list[Problem]) -> tuple[int, str] | None:
    bits = header.bits_per_sample
    sample_format = _SAMPLE_FORMATS.get(header.sample_format)
    if rules == "cdse" and sample_format == "UINT" and bits in _CDSE_LOW_BITS:
        # Read as 8-bit unsigned samples: the band a collection gets is UINT8.
        return 8, sample_format
    if sample_format is None or bits not in (8, 16, 32) or (sample_format == "FLOAT" and bits != 32):
        found = f"{bits}-bit {sample_format or f'sample format {header.sample_format}'}"
        accepted = "8, 16 or 32-bit unsigned or signed integers and 32-bit floats"
        if rules == "cdse":
            accepted += " (and 1, 2 or 4-bit unsigned integers)"
        target = "Float32" if sample_format == "FLOAT" else "Byte" if bits < 8 else "UInt16"
        gdal = _CONVERT_TYPE.replace("UInt16", target)
        problems.append(
            error(
                header.key,
                "data-type",
                f"{header.key} holds {found} data; ingestion accepts {accepted}: convert it with "
                "gdal_translate -ot (Byte, UInt16, Int16, UInt32, Int32 or Float32)",
                _convert(header.key, gdal),
                fixed_by_convert=True,
            )
        )
        return None
    return bits, sample_format


def _cdse_layout(header: TiffHeader) -> list[Problem]:
    key = header.key
    problems = []
    if header.photometric not in _PHOTOMETRIC_VALUES:
        name = _PHOTOMETRIC_NAMES.get(header.photometric, f"code {header.photometric}")
        if header.photometric == _MINISWHITE:
            why = "MINISWHITE samples would be imaged inverted: rewrite them as MINISBLACK"
            gdal = "gdal_translate -of COG -co PHOTOMETRIC=MINISBLACK -co COMPRESS=DEFLATE in.tif out.tif"
        elif header.photometric == _PALETTE:
            why = "expand it to plain bands with gdal_translate -expand"
            gdal = "gdal_translate -of COG -expand rgb -co COMPRESS=DEFLATE in.tif out.tif"
        else:
            why = "expand it to plain bands with gdal_translate"
            gdal = "gdal_translate -of COG -co PHOTOMETRIC=MINISBLACK -co COMPRESS=DEFLATE in.tif out.tif"
        problems.append(
            error(
                key,
                "photometric",
                f"{key} has photometric interpretation {name}; ingestion reads only MINISBLACK (1) "
                f"or RGB (2) samples: {why}",
                _convert(key, gdal),
                fixed_by_convert=True,
            )
        )
    if header.planar_config == _CHUNKY and header.samples > CDSE_MAX_CHUNKY_BANDS:
        problems.append(
            error(
                key,
                "band-count",
                f"{key} holds {header.samples} pixel-interleaved bands; a pixel-interleaved (chunky) "
                f"file may hold at most {CDSE_MAX_CHUNKY_BANDS}: store the bands separately "
                "(INTERLEAVE=BAND) or split the file",
                _convert(
                    key, "gdal_translate -of COG -co INTERLEAVE=BAND -co COMPRESS=DEFLATE in.tif out.tif"
                ),
                fixed_by_convert=True,
            )
        )
    return problems


def _fix_crs(rules: RuleSet) -> str:
    return (
        f"reproject it with gdalwarp -t_srs EPSG:<code> to one of {describe_supported(cdse=rules == 'cdse')}"
    )


def _epsg(header: TiffHeader, rules: RuleSet, problems: list[Problem]) -> int | None:
    keys = header.geokeys
    projected = keys.get("ProjectedCSTypeGeoKey")
    geographic = keys.get("GeographicTypeGeoKey")
    model = keys.get("GTModelTypeGeoKey")
    code = geographic if projected is None or model == _MODEL_GEOGRAPHIC else projected
    key = header.key
    if code is None:
        problems.append(
            error(
                key,
                "crs",
                f"{key} has no CRS (its GeoKeys name neither ProjectedCSTypeGeoKey nor "
                "GeographicTypeGeoKey); set one, e.g. gdal_edit.py -a_srs EPSG:<code>",
                _SET_CRS,
            )
        )
        return None
    try:
        epsg = int(code)
    except (TypeError, ValueError, OverflowError):
        epsg = _USER_DEFINED
    if epsg == _USER_DEFINED:
        message = f"{key} has a user-defined CRS, not an EPSG code; {_fix_crs(rules)}"
    elif epsg not in supported_epsg(cdse=rules == "cdse"):
        message = f"{key} is in EPSG:{epsg}, which is not supported; {_fix_crs(rules)}"
    else:
        return epsg
    problems.append(error(key, "crs", message, _convert(key, _WARP, reproject=True), fixed_by_convert=True))
    return None


def _georeference(header: TiffHeader, problems: list[Problem]) -> tuple[float, float, float, float] | None:
    """Return (x of the left edge, y of the top edge, pixel width, pixel height)."""
    key = header.key

    def fail(message: str, fix: str | None = None) -> None:
        # Warping (convert's reproject) makes any finite georeferencing north-up; a GDAL step
        # given instead is one that converting cannot take.
        if fix is None:
            problems.append(
                error(
                    key,
                    "georeference",
                    message,
                    _convert(key, _NORTH_UP, reproject=True),
                    fixed_by_convert=True,
                )
            )
        else:
            problems.append(error(key, "georeference", message, fix))

    if header.transformation is not None and len(header.transformation) >= 8:
        a, b, _, x0, e, f, _, y0 = header.transformation[:8]
        if b != 0 or e != 0:
            fail(
                f"{key} is rotated or sheared (its ModelTransformation has rotation terms); "
                "warp it north-up with gdalwarp"
            )
            return None
        size_x, size_y = a, -f
    elif header.pixel_scale is not None and header.tiepoint is not None:
        if len(header.pixel_scale) < 2 or len(header.tiepoint) < 6:
            fail(
                f"{key} has malformed ModelPixelScale or ModelTiepoint tags",
                "gdal_translate -of COG -a_ullr <ulx> <uly> <lrx> <lry> in.tif out.tif",
            )
            return None
        size_x, size_y = header.pixel_scale[:2]
        i, j, _, x, y, _ = header.tiepoint[:6]
        x0, y0 = x - i * size_x, y + j * size_y
    else:
        fail(
            f"{key} is not georeferenced (no ModelPixelScale and ModelTiepoint, nor "
            "ModelTransformation); write it with its geotransform, e.g. gdal_translate -a_ullr",
            "gdal_translate -of COG -a_ullr <ulx> <uly> <lrx> <lry> -a_srs EPSG:<code> in.tif out.tif",
        )
        return None
    values = (x0, y0, size_x, size_y)
    if not all(math.isfinite(v) for v in values) or size_x == 0 or size_y == 0:
        fail(
            f"{key} has a zero or not finite pixel size or origin (pixel size {size_x}, {size_y}); "
            "write it with its geotransform, e.g. gdal_translate -a_ullr",
            "gdal_translate -of COG -a_ullr <ulx> <uly> <lrx> <lry> in.tif out.tif",
        )
        return None
    if size_x < 0 or size_y < 0:
        fail(f"{key} is not north-up (pixel size {size_x}, {size_y}); warp it north-up with gdalwarp")
        return None
    far = (x0 + header.width * size_x, y0 - header.height * size_y)
    if not all(math.isfinite(v) for v in far):
        fail(
            f"{key} reaches beyond any coordinate (pixel size {size_x}, {size_y} over "
            f"{header.width}x{header.height} pixels); write it with its geotransform",
            "gdal_translate -of COG -a_ullr <ulx> <uly> <lrx> <lry> in.tif out.tif",
        )
        return None
    if header.geokeys.get("GTRasterTypeGeoKey") == _PIXEL_IS_POINT:
        # As GDAL does: a point's coordinates are the pixel's centre, the box starts half out.
        x0, y0 = x0 - size_x / 2, y0 + size_y / 2
    return x0, y0, size_x, size_y


def _nodata(header: TiffHeader, sample_format: str | None, problems: list[Problem]) -> int | float | None:
    if header.nodata is None or header.nodata == "":
        return None
    try:
        value = float(header.nodata)
    except ValueError:
        problems.append(
            error(
                header.key,
                "nodata",
                f"{header.key} has GDAL_NODATA {header.nodata!r}, which is not a number; fix it with "
                "gdal_edit.py -a_nodata <value> (or -unsetnodata)",
                "gdal_edit.py -a_nodata <value> in.tif",
            )
        )
        return None
    if not math.isfinite(value):
        problems.append(
            warning(
                header.key,
                "nodata",
                f"{header.key} has noData {header.nodata}, which JSON cannot carry; the band gets "
                "no noData value: set one on the collection if you need it.",
                "gdal_edit.py -a_nodata <finite value> in.tif, or set noData on the collection's band",
            )
        )
        return None
    if sample_format != "FLOAT" and value.is_integer():
        return int(value)
    return value


def _overviews(header: TiffHeader) -> list[Problem]:
    width, height = header.width, header.height
    tile_width, tile_height = header.tile_width, header.tile_height
    if not header.tiled or (width <= tile_width and height <= tile_height):
        return []
    fix = _convert(header.key, "gdal_translate -of COG in.tif out.tif (or gdaladdo -r average in.tif)")
    if not header.overviews:
        message = (
            f"{header.key} is {width}x{height} pixels but has no overviews, so zoomed-out "
            "requests will be slow; add them with gdaladdo or gdal_translate -of COG."
        )
        return [warning(header.key, "overviews", message, fix, fixed_by_convert=True)]
    smallest = min(header.overviews, key=lambda size: size[0] * size[1])
    if smallest[0] > 2 * tile_width or smallest[1] > 2 * tile_height:
        message = (
            f"{header.key}'s smallest overview is {smallest[0]}x{smallest[1]} pixels, larger "
            "than about one tile; add overview levels down to one tile with gdaladdo."
        )
        return [warning(header.key, "overviews", message, fix, fixed_by_convert=True)]
    return []


def check_header(header: TiffHeader, *, rules: RuleSet = "sentinel-hub") -> FileCheck:
    """Apply every per-file COG rule of ``rules`` to ``header``; report every problem found.

    The Sentinel Hub rules: tiled, 256 to 2048 pixel tiles in every image (overviews too:
    the service names the image index), an accepted compression, every IFD with its tag
    values in at most 1 MiB and in the first MiB of the file (where a COG keeps them, before
    the image data), an accepted data type, a supported EPSG CRS, north-up georeferencing and
    a numeric GDAL_NODATA. Missing or too few overviews, tile sizes that differ between
    levels, tiles of masks and compressions of overviews, and a noData JSON cannot carry, are
    warnings (the documentation does not make them errors). The ``"cdse"`` rules also accept
    EPSG:6933 and unsigned 1, 2 and 4-bit samples (a band of 8-bit UINT), and refuse files
    whose photometric interpretation is not MINISBLACK or RGB (MINISWHITE, palette, CMYK,
    YCbCr, CIE Lab or mask samples) and pixel-interleaved files of more than 10 bands.
    """
    problems = _check_layout(header)
    data_type = _data_type(header, rules, problems)
    if rules == "cdse":
        problems.extend(_cdse_layout(header))
    epsg = _epsg(header, rules, problems)
    place = _georeference(header, problems)
    nodata = _nodata(header, data_type[1] if data_type else None, problems)
    problems.extend(_overviews(header))
    bbox = None
    pixel_size = None
    if place is not None:
        x0, y0, size_x, size_y = place
        bbox = (x0, y0 - header.height * size_y, x0 + header.width * size_x, y0)
        pixel_size = (size_x, size_y)
    facts = None
    # Every rule that gives a fact adds an error when it cannot, so no errors means all facts.
    if (
        data_type is not None
        and epsg is not None
        and bbox is not None
        and pixel_size is not None
        and not any(p.is_error for p in problems)
    ):
        facts = FileFacts(
            key=header.key,
            epsg=epsg,
            bbox=bbox,
            pixel_size=pixel_size,
            samples=header.samples,
            bit_depth=data_type[0],
            sample_format=data_type[1],
            nodata=nodata,
            warnings=tuple(p.message for p in problems),
        )
    return FileCheck(
        problems=tuple(problems),
        facts=facts,
        epsg=epsg,
        bbox=bbox,
        pixel_size=pixel_size,
        samples=header.samples,
        bit_depth=data_type[0] if data_type else None,
        sample_format=data_type[1] if data_type else None,
        nodata=nodata,
    )


def check_file(
    storage: Storage, key: str, *, name: str | None = None, rules: RuleSet = "sentinel-hub"
) -> FileCheck:
    """Read the header of the file at ``key`` and apply every per-file rule of ``rules`` to it.

    ``name`` is how problems name the file (``key`` unless given). A file that cannot be read
    as a TIFF, or whose header is malformed, gives a check with one ``unreadable`` (or
    ``header-size``) error and no facts. Storage errors (:class:`StorageError`, and
    :class:`StorageKeyError` for a missing file) pass through; nothing else is raised.
    """
    shown = key if name is None else name
    try:
        header = read_header(storage, key, name=shown)
        return check_header(header, rules=rules)
    except StorageError:
        raise
    except ProblemError as unreadable:
        return FileCheck(problems=(unreadable.problem,), facts=None)
    except Exception as failure:
        # A header that parses but holds values no rule foresaw must still give a verdict.
        problem = error(
            shown,
            "unreadable",
            f"{shown} has a TIFF header whose values cannot be checked ({type(failure).__name__}: "
            f"{failure}); write it anew as a Cloud Optimized GeoTIFF",
            convert_fix(shown, MAKE_COG, note="if GDAL reads it"),
            fixed_by_convert=True,
        )
        return FileCheck(problems=(problem,), facts=None)
