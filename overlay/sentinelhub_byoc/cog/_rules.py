"""The COG rules one file must meet, applied to its header; the facts ingestion keeps.

Every rule is applied, so one pass finds every problem of a file; the order of the rules is
the order in which the service reports them, so the first error is the failure cause.
"""

from __future__ import annotations

import math
import shlex

import attrs

from sentinelhub_byoc.cog._crs_rules import describe_supported, supported_epsg
from sentinelhub_byoc.cog._problems import (
    Problem,
    ProblemError,
    RuleSet,
    convert_fix,
    error,
    for_rules,
    warning,
)
from sentinelhub_byoc.cog._tiff import HEADER_LIMIT, ImageLayout, TiffHeader, read_header
from sentinelhub_byoc.cog._transforms import BBox
from sentinelhub_byoc.storage._errors import StorageError
from sentinelhub_byoc.storage._protocol import Storage

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
# CDSE also reads unsigned 1, 2 and 4-bit samples (GDAL's NBITS), as bytes.
_CDSE_LOW_BITS = (1, 2, 4)
_ACCEPTED_CODECS = "DEFLATE, ZSTD, LZW, PACKBITS or PIXTIFF_ZIP"
# A value read from a file is shown at most this long in a message (a tag can hold megabytes).
_SHOWN = 40
# An unforeseen failure's own text is cut to this length: the message is one line.
_DETAIL = 120


def _shown(value: object) -> str:
    """Return ``value``'s repr for a message, shortened: tag values are the file's, not ours."""
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _gdal_edit(key: str, options: str) -> str:
    return f"gdal_edit.py {options} {shlex.quote(key)}"


@attrs.frozen
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
    coarsest_pixel_size: tuple[float, float] | None = None
    """The pixel size of the smallest overview (``pixel_size`` itself for a file without any)."""


def _coarsest_pixel_size(
    pixel_size: tuple[float, float], width: int, height: int, overviews: tuple[tuple[int, int], ...]
) -> tuple[float, float]:
    """The pixel size of the smallest image: the full one scaled by how many times it shrinks."""
    if not overviews or width <= 0 or height <= 0:
        return pixel_size
    smallest = min(overviews, key=lambda size: size[0] * size[1])
    return (pixel_size[0] * width / max(1, smallest[0]), pixel_size[1] * height / max(1, smallest[1]))


@attrs.frozen
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


def _convert(key: str, *, reproject: bool = False) -> str:
    return convert_fix(key, reproject=reproject)


def _main_tiles(header: TiffHeader) -> list[Problem]:
    key = header.key
    if not header.tiled:
        message = f"{key} is not tiled (it is stored in strips)"
        return [error(key, "not-tiled", message, _convert(key), fixed_by_convert=True)]
    if not all(MIN_TILE <= side <= MAX_TILE for side in (header.tile_width, header.tile_height)):
        message = (
            f"{key} has {header.tile_width}x{header.tile_height} pixel tiles; tiles must be "
            f"{MIN_TILE} to {MAX_TILE} pixels on a side (1024 is recommended)"
        )
        return [error(key, "tile-size", message, _convert(key), fixed_by_convert=True)]
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
    fix = _convert(key)
    problems = []
    for image in header.images[1:]:
        # The docs say nothing of masks; the service's message names overviews ("image at index 1").
        make = warning if image.kind == "mask" else error
        if not image.tiled:
            if header.tiled:
                message = f"{key}: {_describe_image(image)} is not tiled; every image of a COG must be"
                problems.append(make(key, "not-tiled", message, fix, fixed_by_convert=True))
        elif not all(MIN_TILE <= side <= MAX_TILE for side in (image.tile_width, image.tile_height)):
            message = (
                f"{key}: tiles of image at index {image.index} have {image.tile_width}x"
                f"{image.tile_height} pixels ({_what(image)}); every image's tiles must be "
                f"{MIN_TILE} to {MAX_TILE} pixels on a side"
            )
            problems.append(make(key, "tile-size", message, fix, fixed_by_convert=True))
    sizes = {(i.tile_width, i.tile_height) for i in header.images if i.tiled}
    if len(sizes) > 1 and not any(p.rule == "tile-size" and p.is_error for p in problems):
        listing = ", ".join(f"{i.index}: {i.tile_width}x{i.tile_height}" for i in header.images if i.tiled)
        message = (
            f"{key} has tiles of different sizes by image index ({listing}); an earlier revision "
            "of the service's documentation asks for one size in all overview levels"
        )
        problems.append(warning(key, "tile-size", message, fix, fixed_by_convert=True))
    for image in header.images[1:]:
        if image.compression not in _ACCEPTED_COMPRESSION and image.compression != header.compression:
            message = (
                f"{key}: {_describe_image(image)} uses compression code {image.compression}, which "
                f"ingestion does not list ({_ACCEPTED_CODECS})"
            )
            problems.append(warning(key, "compression", message, fix, fixed_by_convert=True))
    return problems


def _header(header: TiffHeader) -> list[Problem]:
    key = header.key
    late = header.late_image
    if header.header_bytes > HEADER_LIMIT:
        message = (
            f"{key} has a {header.header_bytes} byte header (IFDs and tag values); "
            f"it may have at most {HEADER_LIMIT} bytes"
        )
        return [error(key, "header-size", message, _convert(key), fixed_by_convert=True)]
    if header.first_data is not None and header.header_end > header.first_data:
        where = (
            f"the IFD of image at index {late.index} starts at byte {late.offset}"
            if late is not None
            else f"its tag values reach byte {header.header_end}"
        )
        message = (
            f"{key} is not a cloud optimized GeoTIFF: {where}, after the image data at byte "
            f"{header.first_data} (a COG's header comes first)"
        )
        return [error(key, "ifd-order", message, _convert(key), fixed_by_convert=True)]
    if header.header_end > HEADER_LIMIT:
        message = (
            f"{key} has its header (IFDs and tag values) up to byte {header.header_end}; "
            f"it must lie in the first {HEADER_LIMIT} bytes"
        )
        return [error(key, "header-size", message, _convert(key), fixed_by_convert=True)]
    return []


def _check_layout(header: TiffHeader) -> list[Problem]:
    key = header.key
    problems = _main_tiles(header)
    if header.compression not in _ACCEPTED_COMPRESSION:
        if header.compression == 1:
            message = f"{key} is not compressed ({_ACCEPTED_CODECS})"
        else:
            message = f"{key} uses compression {header.compression_name}, not {_ACCEPTED_CODECS}"
        problems.append(error(key, "compression", message, _convert(key), fixed_by_convert=True))
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
        accepted = "8, 16 or 32-bit integers or 32-bit floats"
        if rules == "cdse":
            accepted = "1, 2 or 4-bit unsigned integers, " + accepted
        message = f"{header.key} holds {found} data, not {accepted}"
        problems.append(error(header.key, "data-type", message, _convert(header.key), fixed_by_convert=True))
        return None
    return bits, sample_format


def _cdse_layout(header: TiffHeader) -> list[Problem]:
    key = header.key
    problems = []
    if header.photometric not in _PHOTOMETRIC_VALUES:
        name = _PHOTOMETRIC_NAMES.get(header.photometric, f"code {header.photometric}")
        why = " (it would be imaged inverted)" if header.photometric == _MINISWHITE else ""
        message = (
            f"{key} has photometric interpretation {name}{why}; ingestion reads only MINISBLACK (1) "
            "or RGB (2) samples"
        )
        problems.append(error(key, "photometric", message, _convert(key), fixed_by_convert=True))
    if header.planar_config == _CHUNKY and header.samples > CDSE_MAX_CHUNKY_BANDS:
        message = (
            f"{key} holds {header.samples} pixel-interleaved bands; a pixel-interleaved (chunky) "
            f"file may hold at most {CDSE_MAX_CHUNKY_BANDS}"
        )
        problems.append(error(key, "band-count", message, _convert(key), fixed_by_convert=True))
    return problems


def _epsg(header: TiffHeader, rules: RuleSet, problems: list[Problem]) -> int | None:
    keys = header.geokeys
    projected = keys.get("ProjectedCSTypeGeoKey")
    geographic = keys.get("GeographicTypeGeoKey")
    model = keys.get("GTModelTypeGeoKey")
    code = geographic if projected is None or model == _MODEL_GEOGRAPHIC else projected
    key = header.key
    if code is None:
        message = (
            f"{key} has no CRS (its GeoKeys name neither ProjectedCSTypeGeoKey nor GeographicTypeGeoKey)"
        )
        problems.append(error(key, "crs", message, _gdal_edit(key, "-a_srs EPSG:<code>")))
        return None
    try:
        epsg = int(code)
    except (TypeError, ValueError, OverflowError):
        epsg = _USER_DEFINED
    supported = describe_supported(cdse=rules == "cdse")
    if epsg == _USER_DEFINED:
        message = f"{key} has a user-defined CRS, not one of {supported}"
    elif epsg not in supported_epsg(cdse=rules == "cdse"):
        message = f"{key} is in EPSG:{epsg}, not one of {supported}"
    else:
        return epsg
    fix = _convert(key, reproject=True)
    problems.append(error(key, "crs", message, fix, fixed_by_convert=True))
    return None


def _georeference(header: TiffHeader, problems: list[Problem]) -> tuple[float, float, float, float] | None:
    """Return (x of the left edge, y of the top edge, pixel width, pixel height)."""
    key = header.key
    set_corners = _gdal_edit(key, "-a_ullr <ulx> <uly> <lrx> <lry>")

    def fail(message: str, fix: str | None = None) -> None:
        # Warping (convert's reproject) makes any finite georeferencing north-up; a GDAL step
        # given instead is one that converting cannot take.
        if fix is None:
            fix = _convert(key, reproject=True)
            problems.append(error(key, "georeference", message, fix, fixed_by_convert=True))
        else:
            problems.append(error(key, "georeference", message, fix))

    if header.transformation is not None and len(header.transformation) >= 8:
        a, b, _, x0, e, f, _, y0 = header.transformation[:8]
        if b != 0 or e != 0:
            fail(f"{key} is rotated or sheared (its ModelTransformation has rotation terms), not north-up")
            return None
        size_x, size_y = a, -f
    elif header.pixel_scale is not None and header.tiepoint is not None:
        if len(header.pixel_scale) < 2 or len(header.tiepoint) < 6:
            fail(f"{key} has malformed ModelPixelScale or ModelTiepoint tags", set_corners)
            return None
        size_x, size_y = header.pixel_scale[:2]
        i, j, _, x, y, _ = header.tiepoint[:6]
        x0, y0 = x - i * size_x, y + j * size_y
    else:
        fail(
            f"{key} is not georeferenced (no ModelPixelScale and ModelTiepoint, nor ModelTransformation)",
            _gdal_edit(key, "-a_ullr <ulx> <uly> <lrx> <lry> -a_srs EPSG:<code>"),
        )
        return None
    values = (x0, y0, size_x, size_y)
    if not all(math.isfinite(v) for v in values) or size_x == 0 or size_y == 0:
        fail(
            f"{key} has a zero or not finite pixel size or origin (pixel size {size_x}, {size_y})",
            set_corners,
        )
        return None
    if size_x < 0 or size_y < 0:
        fail(f"{key} is not north-up (pixel size {size_x}, {size_y})")
        return None
    far = (x0 + header.width * size_x, y0 - header.height * size_y)
    if not all(math.isfinite(v) for v in far):
        fail(
            f"{key} reaches beyond any coordinate (pixel size {size_x}, {size_y} over "
            f"{header.width}x{header.height} pixels)",
            set_corners,
        )
        return None
    if header.geokeys.get("GTRasterTypeGeoKey") == _PIXEL_IS_POINT:
        # As GDAL does: a point's coordinates are the pixel's centre, the box starts half out.
        x0, y0 = x0 - size_x / 2, y0 + size_y / 2
    return x0, y0, size_x, size_y


def _nodata(header: TiffHeader, sample_format: str | None, problems: list[Problem]) -> int | float | None:
    if header.nodata is None or header.nodata == "":
        return None
    key = header.key
    try:
        value = float(header.nodata)
    except ValueError:
        message = f"{key} has GDAL_NODATA {_shown(header.nodata)}, which is not a number"
        problems.append(error(key, "nodata", message, _gdal_edit(key, "-a_nodata <value>")))
        return None
    if not math.isfinite(value):
        message = f"{key} has noData {value}, which JSON cannot carry; the band gets no noData value"
        fix = "set noData on the collection's band, or " + _gdal_edit(key, "-a_nodata <finite value>")
        problems.append(warning(key, "nodata", message, fix))
        return None
    if sample_format != "FLOAT" and value.is_integer():
        return int(value)
    return value


def _overviews(header: TiffHeader) -> list[Problem]:
    width, height = header.width, header.height
    tile_width, tile_height = header.tile_width, header.tile_height
    if not header.tiled or (width <= tile_width and height <= tile_height):
        return []
    key = header.key
    fix = _convert(key)
    if not header.overviews:
        message = f"{key} is {width}x{height} pixels but has no overviews (zoomed-out requests will be slow)"
        return [warning(key, "overviews", message, fix, fixed_by_convert=True)]
    smallest = min(header.overviews, key=lambda size: size[0] * size[1])
    if smallest[0] > 2 * tile_width or smallest[1] > 2 * tile_height:
        message = (
            f"{key} has overviews down to {smallest[0]}x{smallest[1]} pixels only; they should "
            f"reach about one tile ({tile_width}x{tile_height})"
        )
        return [warning(key, "overviews", message, fix, fixed_by_convert=True)]
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
    problems = [for_rules(problem, rules) for problem in problems]
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
            coarsest_pixel_size=_coarsest_pixel_size(
                pixel_size, header.width, header.height, header.overviews
            ),
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
        return FileCheck(problems=(for_rules(unreadable.problem, rules),), facts=None)
    except Exception as failure:
        # A header that parses but holds values no rule foresaw must still give a verdict.
        detail = str(failure)
        if len(detail) > _DETAIL:
            detail = detail[: _DETAIL - 1] + "…"
        problem = error(
            shown,
            "unreadable",
            f"{shown} has a TIFF header whose values cannot be checked ({type(failure).__name__}: {detail})",
            convert_fix(shown, rules=rules, note="if GDAL reads it"),
            fixed_by_convert=True,
        )
        return FileCheck(problems=(problem,), facts=None)
