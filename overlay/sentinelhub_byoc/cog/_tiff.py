"""Reading the facts ingestion checks from a TIFF's header, with tifffile, in ranges.

Every IFD is read: the main image, its overviews and masks, further pages and SubIFDs. Each
tag value the rules use is checked to be of the kind the TIFF specification gives it (one
whole number for TileWidth, numbers for ModelPixelScale, ...), so a malformed header is an
``unreadable`` problem and never a Python exception further on.

tifffile reports what it finds odd in a header through the ``tifffile`` logger; a
:class:`logging.NullHandler` on that logger keeps Python's last-resort handler from printing
those records on stderr, while an application's own logging configuration still gets them.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any, Literal, cast

import attrs

from sentinelhub_byoc.cog._problems import ProblemError, convert_fix, error
from sentinelhub_byoc.storage._errors import StorageError
from sentinelhub_byoc.storage._protocol import Storage
from sentinelhub_byoc.storage._ranges import ReadBudgetExceededError, StorageFile

if TYPE_CHECKING:
    from tifffile import TiffFile, TiffPage

__all__ = [
    "HEADER_LIMIT",
    "ImageLayout",
    "TiffHeader",
    "UnreadableTiffError",
    "read_header",
    "require_tifffile",
]

HEADER_LIMIT = 1024 * 1024
"""The most bytes the IFDs and their tag values may take: the service's "1 MB"."""

# Parsing may fetch somewhat more than the header itself (whole blocks, IFDs spread out), so
# the fetch limit is looser than the rule; it only stops runaway reads.
_FETCH_BUDGET = 4 * HEADER_LIMIT
# More IFDs than any real COG has (a level per halving of 2**32 pixels, a mask each, pages):
# a chain this long is broken, and walking it only costs reads.
_MAX_IFDS = 1024

_GDAL_NODATA = 42113
_MODEL_PIXEL_SCALE = 33550
_MODEL_TIEPOINT = 33922
_MODEL_TRANSFORMATION = 34264
_SUBFILE_REDUCED = 0b001
_SUBFILE_MASK = 0b100

_TAG_NAMES = {
    254: "NewSubfileType",
    256: "ImageWidth",
    257: "ImageLength",
    258: "BitsPerSample",
    259: "Compression",
    262: "PhotometricInterpretation",
    273: "StripOffsets",
    277: "SamplesPerPixel",
    279: "StripByteCounts",
    284: "PlanarConfiguration",
    322: "TileWidth",
    323: "TileLength",
    324: "TileOffsets",
    325: "TileByteCounts",
    339: "SampleFormat",
}

ImageKind = Literal["image", "overview", "mask", "page"]


class UnreadableTiffError(ProblemError):
    """The object is not a TIFF that tifffile can parse, or its header is too large."""


class _MalformedError(ValueError):
    """A tag whose value is not of the kind the TIFF specification gives it."""


def _unreadable(key: str, message: str, rule: str = "unreadable") -> UnreadableTiffError:
    # GDAL reads many files tifffile does not (JPEG 2000, TIFFs with odd tags), so converting
    # may still fix them; whether it can is up to GDAL.
    fix = convert_fix(key) if rule == "header-size" else convert_fix(key, note="if GDAL reads it")
    return UnreadableTiffError(error(key, rule, message, fix, fixed_by_convert=True))


def require_tifffile() -> None:
    """Raise ImportError naming the ``cog`` extra unless tifffile can be imported."""
    try:
        import tifffile  # noqa: F401
    except ImportError as missing:
        raise ImportError(
            "reading COG headers needs tifffile, numpy and pyproj: pip install 'sentinelhub-byoc[cog]'"
        ) from missing
    _quiet_tifffile()


def _quiet_tifffile() -> None:
    log = logging.getLogger("tifffile")
    if not any(isinstance(handler, logging.NullHandler) for handler in log.handlers):
        log.addHandler(logging.NullHandler())


@attrs.frozen
class ImageLayout:
    """How one IFD stores its image: its place among the file's IFDs, size and tiles.

    ``index`` counts the file's IFDs in order (0 is the full-resolution image; SubIFDs come
    right after their parent), as the service's messages do ("tiles of image at index 1").
    ``kind`` is ``"image"`` (index 0), ``"overview"`` (a reduced-resolution IFD), ``"mask"``
    (a transparency mask) or ``"page"`` (another full-resolution image). ``tile_width`` and
    ``tile_height`` are 0 for an image stored in strips.
    """

    index: int
    kind: ImageKind
    offset: int
    width: int
    height: int
    tile_width: int
    tile_height: int
    compression: int

    @property
    def tiled(self) -> bool:
        """Whether the image is stored in tiles rather than strips."""
        return self.tile_width > 0 and self.tile_height > 0


@attrs.frozen
class TiffHeader:
    """What one TIFF file's header says, as found, before any rule is applied.

    ``header_bytes`` is the size of every IFD and its out-of-line tag values together;
    ``header_end`` the byte where the last of them ends; ``first_data`` the offset of the
    first byte of image data (None when no tile or strip holds data). A COG keeps its whole
    header before its image data: ``header_end <= first_data``.
    """

    key: str
    width: int
    height: int
    samples: int
    bits_per_sample: int
    sample_format: int
    compression: int
    compression_name: str
    tile_width: int
    tile_height: int
    photometric: int
    planar_config: int
    nodata: str | None
    geokeys: dict[str, Any]
    pixel_scale: tuple[float, ...] | None
    tiepoint: tuple[float, ...] | None
    transformation: tuple[float, ...] | None
    overviews: tuple[tuple[int, int], ...]
    header_bytes: int
    images: tuple[ImageLayout, ...] = ()
    header_end: int = 0
    first_data: int | None = None

    @property
    def tiled(self) -> bool:
        """Whether the image is stored in tiles rather than strips."""
        return self.tile_width > 0 and self.tile_height > 0

    @property
    def late_image(self) -> ImageLayout | None:
        """The first IFD that starts after image data, if any (a file that is not a COG)."""
        if self.first_data is None:
            return None
        return next((image for image in self.images if image.offset > self.first_data), None)


def _whole(value: object, code: int, *, low: int = 0) -> int:
    """Return ``value`` as one whole number of at least ``low``; raise _MalformedError otherwise."""
    name = _TAG_NAMES.get(code, f"tag {code}")
    if isinstance(value, tuple | list):
        raise _MalformedError(f"its {name} tag holds {len(value)} values where the TIFF format has one")
    if not isinstance(value, bool) and not isinstance(value, int):
        import numpy as np

        # tifffile gives enums (ints) for known codes, ints or numpy integers for numbers.
        if isinstance(value, np.integer):
            value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _MalformedError(f"its {name} tag holds {value!r}, not a whole number")
    if value < low:
        raise _MalformedError(f"its {name} tag holds {value}, less than {low}")
    return int(value)


def _per_sample(value: object, code: int, samples: int) -> int:
    """Return the one value a per-sample tag (BitsPerSample, SampleFormat) has for all samples."""
    values = tuple(value) if isinstance(value, tuple | list) else (value,)
    numbers = {_whole(v, code) for v in values}
    if len(values) not in (1, samples):
        name = _TAG_NAMES.get(code, f"tag {code}")
        raise _MalformedError(f"its {name} tag holds {len(values)} values for {samples} samples")
    if len(numbers) != 1:
        name = _TAG_NAMES.get(code, f"tag {code}")
        raise _MalformedError(
            f"its {name} tag differs between samples ({', '.join(map(str, values))}); "
            "a file's bands must share one data type"
        )
    return numbers.pop()


def _numbers(page: TiffPage, code: int) -> tuple[float, ...] | None:
    import numpy as np

    value = page.tags.valueof(code)
    if value is None:
        return None
    values = value if isinstance(value, tuple | list) else (value,)
    numbers = []
    for v in values:
        if isinstance(v, bool | str | bytes) or not isinstance(v, int | float | np.number):
            raise _MalformedError(f"its tag {code} holds {v!r}, not a number")
        numbers.append(float(v))
    return tuple(numbers)


def _geokeys(page: TiffPage) -> dict[str, Any]:
    keys: object = page.geotiff_tags or {}
    if not isinstance(keys, dict):
        return {}
    # The rules read plain values; tifffile gives enums, numbers, strings or tuples.
    return {str(name): value for name, value in keys.items() if isinstance(value, int | float | str | tuple)}


def _nodata(page: TiffPage) -> str | None:
    value = page.tags.valueof(_GDAL_NODATA)
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return str(value).strip("\0 ")


def _compression_name(code: int) -> str:
    from tifffile import COMPRESSION

    try:
        return COMPRESSION(code).name
    except ValueError:
        return f"code {code}"


def _kind(page: TiffPage, index: int) -> ImageKind:
    subfiletype = _whole(page.subfiletype, 254)
    if subfiletype & _SUBFILE_MASK:
        return "mask"
    if subfiletype & _SUBFILE_REDUCED:
        return "overview"
    return "image" if index == 0 else "page"


def _layout(page: TiffPage, index: int) -> ImageLayout:
    return ImageLayout(
        index=index,
        kind=_kind(page, index),
        offset=_whole(page.offset, 0),
        width=_whole(page.imagewidth, 256, low=1),
        height=_whole(page.imagelength, 257, low=1),
        tile_width=_whole(page.tilewidth, 322),
        tile_height=_whole(page.tilelength, 323),
        compression=_whole(page.compression, 259),
    )


def _all_pages(pages: Iterable[object], found: list[TiffPage], depth: int = 0) -> None:
    """Add every page of ``pages`` and, right after each, its SubIFDs (depth first)."""
    from tifffile import TiffPage

    if depth > 8:
        raise _MalformedError("its SubIFDs nest deeper than any image has levels")
    for page in pages:
        if len(found) >= _MAX_IFDS:
            raise _MalformedError(f"it has more than {_MAX_IFDS} IFDs")
        if not isinstance(page, TiffPage):
            continue
        if any(page.offset == seen.offset for seen in found):
            raise _MalformedError(f"its IFDs form a loop (the IFD at byte {page.offset} comes again)")
        found.append(page)
        if page.pages is not None:
            _all_pages(page.pages, found, depth + 1)


def _header_extent(file: StorageFile, pages: list[TiffPage], bigtiff: bool) -> tuple[int, int]:
    """Return the bytes the IFDs and their out-of-line values take, and where the last one ends.

    The raw entries are read too: a tag the rules need must have a numeric type and, for
    the one-number tags, one value, or the header is malformed (tifffile drops such values).
    """
    count_format, count_size, entry_format, inline, next_size = (
        ("Q", 8, "HHQ8x", 8, 8) if bigtiff else ("H", 2, "HHI4x", 4, 4)
    )
    entry = struct.calcsize("<" + entry_format)
    file.seek(0)
    byteorder = ">" if file.read(2) == b"MM" else "<"
    total = 16 if bigtiff else 8
    end = total
    for page in pages:
        file.seek(page.offset)
        raw = file.read(count_size)
        if len(raw) != count_size:
            raise _MalformedError(f"its IFD at byte {page.offset} lies beyond the end of the file")
        (entries,) = struct.unpack(byteorder + count_format, raw)
        table = file.read(entry * entries)
        if len(table) != entry * entries:
            raise _MalformedError(f"its IFD at byte {page.offset} runs past the end of the file")
        for code, dtype, count in struct.iter_unpack(byteorder + entry_format, table):
            _check_entry(page, code, dtype, count)
        size = count_size + entry * entries + next_size
        total += size
        end = max(end, page.offset + size)
        for tag in page.tags:
            length = tag.valuebytecount
            if length > inline and tag.valueoffset >= 8:
                total += length
                end = max(end, tag.valueoffset + length)
    return total, end


# Tags that hold one number, and tags that hold numbers, which the rules read.
_ONE_NUMBER = frozenset({254, 256, 257, 259, 262, 277, 284, 322, 323})
_NUMBERS = _ONE_NUMBER | {258, 273, 279, 324, 325, 339}
# BYTE, SHORT, LONG, LONG8 (BigTIFF): the integer types these tags may have.
_INTEGER_TYPES = frozenset({1, 3, 4, 16})


def _check_entry(page: TiffPage, code: int, dtype: int, count: int) -> None:
    if code not in _NUMBERS:
        return
    name = _TAG_NAMES.get(code, f"tag {code}")
    if dtype not in _INTEGER_TYPES:
        raise _MalformedError(f"its {name} tag has TIFF type {dtype}, not a whole number type")
    if code in _ONE_NUMBER and count != 1:
        raise _MalformedError(f"its {name} tag holds {count} values where the TIFF format has one")
    tag = page.tags.get(code)
    if tag is None or tag.value is None:
        raise _MalformedError(f"its {name} tag ({count} values) points outside the file")


def _first_data(pages: list[TiffPage]) -> int | None:
    first = None
    for page in pages:
        offsets = page.dataoffsets or ()
        counts = page.databytecounts or ()
        for offset, count in zip(offsets, counts, strict=False):
            # Sparse files (GDAL's SPARSE_OK) leave empty tiles at offset 0 with no bytes.
            if count and offset and (first is None or offset < first):
                first = int(offset)
    return first


def _parse(file: StorageFile, key: str) -> TiffHeader:
    from tifffile import TiffFile

    # StorageFile has every method of a binary file that tifffile uses.
    with TiffFile(cast("IO[bytes]", file)) as tif:
        return _describe(tif, file, key)


def _describe(tif: TiffFile, file: StorageFile, key: str) -> TiffHeader:
    pages: list[TiffPage] = []
    _all_pages(tif.pages, pages)
    file.raise_failure()
    if not pages:
        raise _unreadable(
            key,
            f"{key} is not a readable TIFF file (it holds no image)",
        )
    first = pages[0]
    images = tuple(_layout(page, index) for index, page in enumerate(pages))
    samples = _whole(first.samplesperpixel, 277, low=1)
    compression = images[0].compression
    header_bytes, header_end = _header_extent(file, pages, bool(tif.is_bigtiff))
    return TiffHeader(
        key=key,
        width=images[0].width,
        height=images[0].height,
        samples=samples,
        bits_per_sample=_per_sample(first.bitspersample, 258, samples),
        sample_format=_per_sample(first.sampleformat, 339, samples),
        compression=compression,
        compression_name=_compression_name(compression),
        tile_width=images[0].tile_width,
        tile_height=images[0].tile_height,
        photometric=_whole(first.photometric, 262),
        planar_config=_whole(first.planarconfig, 284),
        nodata=_nodata(first),
        geokeys=_geokeys(first),
        pixel_scale=_numbers(first, _MODEL_PIXEL_SCALE),
        tiepoint=_numbers(first, _MODEL_TIEPOINT),
        transformation=_numbers(first, _MODEL_TRANSFORMATION),
        overviews=tuple((i.width, i.height) for i in images if i.kind == "overview"),
        header_bytes=header_bytes,
        images=images,
        header_end=header_end,
        first_data=_first_data(pages),
    )


def _too_large(shown: str) -> UnreadableTiffError:
    return _unreadable(
        shown,
        f"{shown}: the TIFF header (IFDs and tag values) is larger than "
        f"{HEADER_LIMIT} bytes; write it as a COG with fewer or larger tiles",
        "header-size",
    )


def read_header(storage: Storage, key: str, *, name: str | None = None) -> TiffHeader:
    """Read the header of the TIFF at ``key``, fetching only the ranges tifffile asks for.

    ``name`` is how messages name the file (``key`` unless given). Raises
    :class:`UnreadableTiffError` for an object that is not a readable TIFF, whose tags are
    malformed, or whose header needs more than a few MB to parse; storage errors pass
    through. Any other failure while parsing is an :class:`UnreadableTiffError` too.
    """
    require_tifffile()
    file = StorageFile(storage, key, budget=_FETCH_BUDGET)
    shown = key if name is None else name
    try:
        return _parse(file, shown)
    except (StorageError, UnreadableTiffError):
        raise
    except ReadBudgetExceededError as exceeded:
        raise _too_large(shown) from exceeded
    except Exception as problem:
        failure = _failure(file, problem, shown)
    raise failure


def _failure(file: StorageFile, problem: Exception, shown: str) -> Exception:
    """Return what to raise for ``problem``, raised while parsing ``file``."""
    # tifffile may have swallowed a failed read and failed later for want of the bytes.
    if isinstance(file.failure, ReadBudgetExceededError):
        return _too_large(shown)
    if isinstance(file.failure, StorageError):
        return file.failure
    if isinstance(problem, _MalformedError):
        return _unreadable(
            shown,
            f"{shown} has a malformed TIFF header: {problem}; write it anew as a Cloud Optimized GeoTIFF",
        )
    # Broken bytes can make a TIFF parser fail in many ways; each one means the same here.
    detail = str(problem) or type(problem).__name__
    if len(detail) > 200:
        detail = detail[:200] + "..."
    return _unreadable(shown, f"{shown} is not a readable TIFF file ({detail})")
