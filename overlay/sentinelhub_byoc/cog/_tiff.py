"""Reading the facts ingestion checks from a TIFF's header, with tifffile, in ranges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, cast

from sentinelhub_byoc.cog._problems import MAKE_COG, ProblemError, error
from sentinelhub_byoc.cog._rangefile import ReadBudgetExceededError, StorageFile
from sentinelhub_byoc.cog._storage import Storage, StorageError

if TYPE_CHECKING:
    from tifffile import TiffPage

__all__ = ["HEADER_LIMIT", "TiffHeader", "UnreadableTiffError", "read_header", "require_tifffile"]

HEADER_LIMIT = 1024 * 1024
"""The most bytes the IFDs and their tag values may take: the service's "1 MB"."""

# Parsing may fetch somewhat more than the header itself (whole blocks, IFDs spread out), so
# the fetch limit is looser than the rule; it only stops runaway reads.
_FETCH_BUDGET = 4 * HEADER_LIMIT

_GDAL_NODATA = 42113
_MODEL_PIXEL_SCALE = 33550
_MODEL_TIEPOINT = 33922
_MODEL_TRANSFORMATION = 34264
_SUBFILE_REDUCED = 0b001
_SUBFILE_MASK = 0b100


class UnreadableTiffError(ProblemError):
    """The object is not a TIFF that tifffile can parse, or its header is too large."""


def _unreadable(key: str, message: str, rule: str = "unreadable") -> UnreadableTiffError:
    return UnreadableTiffError(
        error(key, rule, message, f"write it as a Cloud Optimized GeoTIFF: {MAKE_COG}")
    )


def require_tifffile() -> None:
    """Raise ImportError naming the ``cog`` extra unless tifffile can be imported."""
    try:
        import tifffile  # noqa: F401
    except ImportError as missing:
        raise ImportError(
            "reading COG headers needs tifffile, numpy and pyproj: pip install 'sentinelhub-byoc[cog]'"
        ) from missing


@dataclass(frozen=True)
class TiffHeader:
    """What one TIFF file's header says, as found, before any rule is applied."""

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

    @property
    def tiled(self) -> bool:
        """Whether the image is stored in tiles rather than strips."""
        return self.tile_width > 0 and self.tile_height > 0


def _ifd_bytes(page: TiffPage, bigtiff: bool) -> int:
    entry, inline, frame = (20, 8, 16) if bigtiff else (12, 4, 6)
    size = frame + entry * len(page.tags)
    for tag in page.tags:
        if tag.valuebytecount > inline:
            size += tag.valuebytecount
    return size


def _numbers(page: TiffPage, code: int) -> tuple[float, ...] | None:
    value = page.tags.valueof(code)
    if value is None:
        return None
    return tuple(float(v) for v in value)


def _compression_name(code: int) -> str:
    from tifffile import COMPRESSION

    try:
        return COMPRESSION(code).name
    except ValueError:
        return f"code {code}"


def _reduced_pages(pages: Any) -> list[TiffPage]:
    """Return the reduced-resolution pages in ``pages`` and their SubIFDs, masks left out."""
    from tifffile import TiffPage

    found: list[TiffPage] = []
    for page in pages:
        if not isinstance(page, TiffPage):
            continue
        if page.subfiletype & _SUBFILE_REDUCED and not page.subfiletype & _SUBFILE_MASK:
            found.append(page)
        if page.pages is not None:
            found.extend(_reduced_pages(page.pages))
    return found


def _parse(file: StorageFile, key: str) -> TiffHeader:
    from tifffile import TiffFile, TiffPage

    # StorageFile has every method of a binary file that tifffile uses.
    with TiffFile(cast("IO[bytes]", file)) as tif:
        pages = list(tif.pages)
        first = pages[0] if pages else None
        if not isinstance(first, TiffPage):
            raise _unreadable(
                key,
                f"{key} is not a readable TIFF file (it holds no image); upload a Cloud Optimized GeoTIFF",
            )
        subpages = list(first.pages) if first.pages is not None else []
        header_bytes = 8 if not tif.is_bigtiff else 16
        for page in pages + subpages:
            if isinstance(page, TiffPage):
                header_bytes += _ifd_bytes(page, tif.is_bigtiff)
        nodata = first.tags.valueof(_GDAL_NODATA)
        bits = first.bitspersample
        return TiffHeader(
            key=key,
            width=first.imagewidth,
            height=first.imagelength,
            samples=first.samplesperpixel,
            bits_per_sample=int(bits if isinstance(bits, int) else max(bits)),
            sample_format=int(first.sampleformat),
            compression=int(first.compression),
            compression_name=_compression_name(int(first.compression)),
            tile_width=first.tilewidth,
            tile_height=first.tilelength,
            photometric=int(first.photometric),
            planar_config=int(first.planarconfig),
            nodata=None if nodata is None else str(nodata).strip("\0 "),
            geokeys=dict(first.geotiff_tags or {}),
            pixel_scale=_numbers(first, _MODEL_PIXEL_SCALE),
            tiepoint=_numbers(first, _MODEL_TIEPOINT),
            transformation=_numbers(first, _MODEL_TRANSFORMATION),
            overviews=tuple((p.imagewidth, p.imagelength) for p in _reduced_pages(pages[1:] + subpages)),
            header_bytes=header_bytes,
        )


def read_header(storage: Storage, key: str, *, name: str | None = None) -> TiffHeader:
    """Read the header of the TIFF at ``key``, fetching only the ranges tifffile asks for.

    ``name`` is how messages name the file (``key`` unless given). Raises
    :class:`UnreadableTiffError` for an object that is not a readable TIFF or whose header
    needs more than a few MB to parse; storage errors pass through.
    """
    require_tifffile()
    file = StorageFile(storage, key, budget=_FETCH_BUDGET)
    shown = key if name is None else name
    try:
        return _parse(file, shown)
    except StorageError:
        raise
    except ReadBudgetExceededError as exceeded:
        raise _unreadable(
            shown,
            f"{shown}: the TIFF header (IFDs and tag values) is larger than "
            f"{HEADER_LIMIT} bytes; write it as a COG with fewer or larger tiles",
            "header-size",
        ) from exceeded
    except UnreadableTiffError:
        raise
    except Exception as problem:
        # Broken bytes can make a TIFF parser fail in many ways; each one means the same here.
        raise _unreadable(
            shown, f"{shown} is not a readable TIFF file ({problem}); upload a Cloud Optimized GeoTIFF"
        ) from problem
