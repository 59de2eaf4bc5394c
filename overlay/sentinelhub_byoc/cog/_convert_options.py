"""What a conversion may be asked to do (:class:`ConvertOptions`) and what it did (:class:`Conversion`).

Pure values, picklable, so that a batch can send them to other processes; nothing here needs
rasterio.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Literal

import attrs

from sentinelhub_byoc.errors import ValidationError

__all__ = [
    "BLOCKSIZES",
    "COMPRESSIONS",
    "DTYPES",
    "RESAMPLINGS",
    "Conversion",
    "ConvertOptions",
    "options_digest",
    "parse_epsg",
]

BLOCKSIZES = (256, 512, 1024, 2048)
"""The block sizes a conversion writes: powers of two, as GDAL's overview builder needs them."""

COMPRESSIONS = ("DEFLATE", "ZSTD", "LZW")
"""The lossless codecs a conversion writes; each one is accepted by the service."""

DTYPES = ("uint8", "int8", "uint16", "int16", "uint32", "int32", "float32")
"""The data types the service ingests: 8, 16 and 32-bit integers and 32-bit floats."""

RESAMPLINGS = ("nearest", "average", "bilinear", "cubic", "cubicspline", "lanczos", "mode", "rms", "gauss")
"""GDAL's overview resampling methods."""

_LEVELS = {"DEFLATE": (1, 12), "ZSTD": (1, 22)}
_EPSG = re.compile(r"(?i)^\s*epsg:(\d{1,6})\s*$")
# Raised when what is stored in outputs changes meaning, so old outputs are converted again.
_DIGEST_VERSION = 1


def parse_epsg(value: object, what: str = "reproject") -> int:
    """Return the EPSG code named by an int or an ``"EPSG:N"`` string; ValidationError otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        code = value
    elif isinstance(value, str) and (match := _EPSG.match(value)):
        code = int(match.group(1))
    else:
        raise ValidationError(
            f"{what} must be False, True (the UTM zone of the file's centre), an EPSG code such as "
            f"32633 or a string such as 'EPSG:32633', got {value!r}"
        )
    if code <= 0:
        raise ValidationError(f"{what} names EPSG:{code}, which is not an EPSG code")
    return code


@attrs.frozen
class ConvertOptions:
    """How :func:`~sentinelhub_byoc.cog.convert` writes a COG; every default can be overridden.

    ``blocksize``: the internal tile size, 256, 512, 1024 or 2048 (GDAL builds overviews in
    blocks of a power of two); 1024 is what the service recommends with DEFLATE or ZSTD (fewer,
    larger reads per request). Overviews use the same block size and go down to one block.

    ``compression``: ``"DEFLATE"``, ``"ZSTD"`` or ``"LZW"`` (lossless codecs only); ``level``
    the codec's level (DEFLATE 1-12, ZSTD 1-22; None is GDAL's default; LZW has none).

    ``predictor``: None picks 2 (horizontal differencing) for integers and 3 (floating point)
    for floats, as byoc-tool does; 1 turns it off. Files of 1, 2 or 4 bits get none.

    ``resampling``: how overviews are computed; None picks ``"nearest"`` for integers (classes
    and counts stay values that exist) and ``"average"`` for floats.

    ``nodata``: ``"keep"`` the source's, None to unset it, or a number to set it.

    ``dtype``: the output data type (one of :data:`DTYPES`); None keeps the source's unless
    the rules require a change (float64 becomes float32, with a warning).

    ``reproject``: False refuses a CRS the rules do not accept; True warps files whose CRS is
    refused, or whose geotransform is rotated, into the UTM zone of their centre; an EPSG
    code (``32633`` or ``"EPSG:32633"``) warps every file into that CRS.

    ``split_bands``: one file per band, the destination holding ``(BAND)`` (replaced by
    ``B1``, ``B2``...). ``threads``: GDAL's threads for one conversion (compression,
    overviews); batches run files in parallel instead.

    >>> ConvertOptions(blocksize=512, compression="ZSTD").predictor is None
    True
    """

    blocksize: int = 1024
    """The internal tile size in pixels: 256, 512, 1024 or 2048 (a power of two); overviews use it too."""
    compression: str = "DEFLATE"
    """The codec: ``"DEFLATE"``, ``"ZSTD"`` or ``"LZW"`` (lossless codecs only)."""
    level: int | None = None
    """The codec's level (DEFLATE 1-12, ZSTD 1-22); None is GDAL's default, and LZW has none."""
    predictor: int | None = None
    """1 (none), 2 (horizontal differencing) or 3 (floating point); None picks 2 for integers and 3
    for floats."""
    resampling: str | None = None
    """How overviews are computed: one of GDAL's methods, ``"nearest"``, ``"average"``, ``"bilinear"``,
    ``"cubic"``, ``"cubicspline"``, ``"lanczos"``, ``"mode"``, ``"rms"`` or ``"gauss"``; None picks
    ``"nearest"`` for integers and ``"average"`` for floats."""
    nodata: float | Literal["keep"] | None = "keep"
    """The output's noData value: ``"keep"`` the source's, None to unset it, or a number to set it."""
    dtype: str | None = None
    """The output data type: ``"uint8"``, ``"int8"``, ``"uint16"``, ``"int16"``, ``"uint32"``, ``"int32"``
    or ``"float32"``; None keeps the source's unless the rules require a change (float64 becomes
    float32, with a warning)."""
    reproject: bool | int | str = False
    """False refuses a CRS the rules do not accept; True warps such files (and rotated ones) into the
    UTM zone of their centre; an EPSG code (``32633`` or ``"EPSG:32633"``) warps every file into it."""
    split_bands: bool = False
    """Whether to write one file per band, the destination holding ``(BAND)`` (``B1``, ``B2``...)."""
    threads: int = 1
    """GDAL's threads for one conversion (compression, overviews), at least 1."""

    def __attrs_post_init__(self) -> None:
        self._check_layout()
        self._check_values()

    def _check_layout(self) -> None:
        blocksize = self.blocksize
        if not isinstance(blocksize, int) or isinstance(blocksize, bool):
            raise ValidationError(f"blocksize must be an int, got {blocksize!r}")
        if blocksize not in BLOCKSIZES:
            raise ValidationError(
                f"blocksize must be one of {', '.join(map(str, BLOCKSIZES))} pixels (the service reads "
                f"tiles of 256 to 2048, 1024 is recommended; GDAL builds overviews in blocks of a "
                f"power of two), got {blocksize}"
            )
        if self.compression not in COMPRESSIONS:
            raise ValidationError(
                f"compression must be one of {', '.join(COMPRESSIONS)} (lossless codecs the service "
                f"accepts), got {self.compression!r}"
            )
        if self.level is not None:
            bounds = _LEVELS.get(self.compression)
            if bounds is None:
                raise ValidationError(f"{self.compression} has no level; leave level=None")
            if not isinstance(self.level, int) or isinstance(self.level, bool):
                raise ValidationError(f"level must be an int or None, got {self.level!r}")
            if not bounds[0] <= self.level <= bounds[1]:
                raise ValidationError(
                    f"level must be {bounds[0]} to {bounds[1]} for {self.compression}, got {self.level}"
                )
        if self.predictor is not None and (
            isinstance(self.predictor, bool) or self.predictor not in (1, 2, 3)
        ):
            raise ValidationError(
                "predictor must be None (2 for integers, 3 for floats), 1 (none), 2 or 3, "
                f"got {self.predictor!r}"
            )
        if self.resampling is not None and self.resampling not in RESAMPLINGS:
            raise ValidationError(
                f"resampling must be None or one of {', '.join(RESAMPLINGS)}, got {self.resampling!r}"
            )
        if not isinstance(self.threads, int) or isinstance(self.threads, bool) or self.threads < 1:
            raise ValidationError(f"threads must be an int of at least 1, got {self.threads!r}")
        if not isinstance(self.split_bands, bool):
            raise ValidationError(f"split_bands must be True or False, got {self.split_bands!r}")

    def _check_values(self) -> None:
        nodata = self.nodata
        if (nodata != "keep" and nodata is not None) and (
            isinstance(nodata, bool) or not isinstance(nodata, int | float)
        ):
            raise ValidationError(f"nodata must be 'keep', None or a number, got {nodata!r}")
        if self.dtype is not None and self.dtype not in DTYPES:
            raise ValidationError(
                f"dtype must be None (keep) or one of {', '.join(DTYPES)} (the types the service "
                f"ingests), got {self.dtype!r}"
            )
        if self.reproject is not False and self.reproject is not True:
            parse_epsg(self.reproject)

    @property
    def target_epsg(self) -> int | None:
        """The EPSG code named by ``reproject``, or None for False and True."""
        if isinstance(self.reproject, bool):
            return None
        return parse_epsg(self.reproject)


@attrs.frozen
class Conversion:
    """What :func:`~sentinelhub_byoc.cog.convert` did with one source.

    ``outputs`` are the files written (or found up to date), ``changes`` what differs from the
    source in words (``"strips -> 1024x1024 tiles"``, ``"JPEG -> DEFLATE"``), ``warnings``
    what the caller should know (``"float64 -> float32 may lose precision"``); ``up_to_date``
    is True when the outputs already matched the source and the options, and nothing was
    written.

    >>> Conversion("in.tif", ("out.tif",), ("strips -> 1024x1024 tiles",), ()).up_to_date
    False
    """

    source: str
    """The file converted, as given: a local path."""
    outputs: tuple[str, ...]
    """The files written, or found up to date: one, or one per band with ``split_bands``."""
    changes: tuple[str, ...]
    """What differs from the source, in words (``"strips -> 1024x1024 tiles"``); empty when up to date."""
    warnings: tuple[str, ...]
    """What the caller should know (``"float64 -> float32 may lose precision"``), each once."""
    up_to_date: bool = False
    """Whether the outputs already matched the source and the options, so that nothing was written."""

    def format(self) -> str:
        """Return a readable summary: source, outputs, then each change and warning on its own line.

        >>> print(Conversion("in.tif", ("out.tif",), ("JPEG -> DEFLATE",), ()).format())
        in.tif -> out.tif
          JPEG -> DEFLATE
        """
        note = " (up to date)" if self.up_to_date else ""
        lines = [f"{self.source} -> {', '.join(self.outputs)}{note}"]
        lines += [f"  {change}" for change in self.changes]
        lines += [f"  warning: {warning}" for warning in self.warnings]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()


def options_digest(options: ConvertOptions, rules: str) -> str:
    """Return a short digest of everything that shapes an output (``threads`` does not)."""
    values = attrs.asdict(options, recurse=False)
    del values["threads"]
    nodata = values["nodata"]
    if isinstance(nodata, float) and math.isnan(nodata):
        values["nodata"] = "nan"
    text = json.dumps({"version": _DIGEST_VERSION, "rules": rules, **values}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]
