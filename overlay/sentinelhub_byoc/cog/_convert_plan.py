"""What converting one raster takes, decided from what GDAL says about it (pure: no I/O).

:func:`plan_conversion` turns a source's :class:`SourceFacts`, the rule set and the
:class:`~sentinelhub_byoc.cog.ConvertOptions` into a :class:`Plan`: the output's data type,
predictor, resampling, noData and CRS, the files to write, and the changes and warnings to
report, or a :class:`~sentinelhub_byoc.errors.ConversionError` saying why it cannot be done.
"""

from __future__ import annotations

import math

import attrs

from sentinelhub_byoc.cog._convert_options import DTYPES, ConvertOptions
from sentinelhub_byoc.cog._crs_rules import describe_supported, supported_epsg
from sentinelhub_byoc.cog._problems import RuleSet
from sentinelhub_byoc.cog._rules import CDSE_MAX_CHUNKY_BANDS
from sentinelhub_byoc.errors import ConversionError

__all__ = ["Output", "Plan", "SourceFacts", "plan_conversion", "utm_epsg"]

_INT_RANGES = {
    "uint8": (0, 2**8 - 1),
    "int8": (-(2**7), 2**7 - 1),
    "uint16": (0, 2**16 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "uint32": (0, 2**32 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "uint64": (0, 2**64 - 1),
    "int64": (-(2**63), 2**63 - 1),
}
_BITS = {"uint8": 8, "int8": 8, "uint16": 16, "int16": 16, "uint32": 32, "int32": 32, "float32": 32}
_FLOAT32_MAX = 3.4028234663852886e38
_CDSE_NBITS = (1, 2, 4)
# Colour interpretations a band keeps: the rest (palette, CMYK, HSL...) need a colour model
# that the service does not apply, so those bands are written as plain values.
_KEPT_INTERPRETATIONS = ("gray", "red", "green", "blue", "alpha", "undefined")
_DRIVER_NAMES = {
    "JP2OpenJPEG": "JPEG 2000",
    "VRT": "VRT",
    "JPEG": "JPEG",
    "PNG": "PNG",
    "HFA": "Erdas Imagine",
}


@attrs.frozen
class SourceFacts:
    """What GDAL reports about a source raster, as the plan needs it."""

    path: str
    driver: str
    width: int
    height: int
    dtypes: tuple[str, ...]
    nodata: float | None
    epsg: int | None
    crs_name: str | None
    crs_wkt: str | None
    geotransform: tuple[float, ...]
    georeferenced: bool
    north_up: bool
    centre_lonlat: tuple[float, float] | None
    colorinterp: tuple[str, ...]
    has_colormap: bool = False
    miniswhite: bool = False
    nbits: int | None = None
    block: tuple[int, int] | None = None
    compression: str | None = None
    overviews: int = 0
    value_range: tuple[float, float] | None = None

    @property
    def count(self) -> int:
        """The number of bands."""
        return len(self.dtypes)


@attrs.frozen
class Output:
    """One file to write: the source bands it holds (1-based) and their colour interpretations."""

    bands: tuple[int, ...]
    colorinterp: tuple[str, ...]
    band_interleave: bool


@attrs.frozen
class Plan:
    """How to write the outputs of one source; see :func:`plan_conversion`."""

    dtype: str
    nbits: int | None
    predictor: int
    resampling: str
    warp_resampling: str
    nodata: float | None
    epsg: int
    warp: bool
    outputs: tuple[Output, ...]
    changes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def utm_epsg(lon: float, lat: float) -> int:
    """Return the EPSG code of the WGS 84 UTM zone holding (lon, lat): 326zz north, 327zz south.

    >>> utm_epsg(15.0, 46.0), utm_epsg(-70.6, -33.4)
    (32633, 32719)
    """
    zone = math.floor((lon + 180.0) / 6.0) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


def _is_float(dtype: str) -> bool:
    return dtype.startswith("float")


def _fits(value: float, dtype: str) -> bool:
    if _is_float(dtype):
        return not math.isfinite(value) or abs(value) <= _FLOAT32_MAX
    low, high = _INT_RANGES[dtype]
    return math.isfinite(value) and value.is_integer() and low <= value <= high


def _text(value: float | None) -> str:
    if value is None:
        return "none"
    return str(int(value)) if math.isfinite(value) and float(value).is_integer() else str(value)


def _same(one: float | None, other: float | None) -> bool:
    if one is None or other is None:
        return one is other
    return one == other or (math.isnan(one) and math.isnan(other))


class _Planner:
    def __init__(self, facts: SourceFacts, rules: RuleSet, options: ConvertOptions) -> None:
        self.facts = facts
        self.rules = rules
        self.options = options
        self.changes: list[str] = []
        self.warnings: list[str] = []

    def fail(self, reason: str) -> ConversionError:
        return ConversionError(self.facts.path, reason)

    def dtype(self) -> tuple[str, int | None]:
        facts, options = self.facts, self.options
        if len(set(facts.dtypes)) > 1 and options.dtype is None:
            raise self.fail(
                f"its bands have different data types ({', '.join(facts.dtypes)}); a GeoTIFF has one: "
                "pass dtype="
            )
        source = facts.dtypes[0]
        if source.startswith("complex"):
            raise self.fail(
                f"it holds complex ({source}) values; the service reads real numbers: write the "
                "amplitude or the parts as bands first"
            )
        if options.dtype is not None:
            target = options.dtype
            if target != source or facts.nbits is not None:
                self.changes.append(f"{f'{facts.nbits}-bit' if facts.nbits else source} -> {target}")
            if not self._widens(source, target):
                self.warnings.append(f"{source} -> {target} clamps values outside the {target} range")
            return target, None
        if source in ("int64", "uint64"):
            return self._narrow_64(source), None
        if source == "float64":
            self.changes.append("float64 -> float32")
            self.warnings.append("float64 -> float32 may lose precision")
            return "float32", None
        if source not in DTYPES:
            raise self.fail(
                f"it holds {source} values, which GDAL cannot write as a type the service ingests"
            )
        if facts.nbits is not None and facts.nbits != _BITS[source]:
            # CDSE reads unsigned 1, 2 and 4-bit files; Sentinel Hub only whole bytes and more.
            if self.rules == "cdse" and source == "uint8" and facts.nbits in _CDSE_NBITS:
                return source, facts.nbits
            self.changes.append(f"{facts.nbits}-bit -> {_BITS[source]}-bit")
        return source, None

    @staticmethod
    def _widens(source: str, target: str) -> bool:
        if source == target:
            return True
        if _is_float(target):
            return source in ("uint8", "int8", "uint16", "int16") or source == "float32"
        if _is_float(source) or source not in _INT_RANGES:
            return False
        low, high = _INT_RANGES[source]
        return _fits(float(low), target) and _fits(float(high), target)

    def _narrow_64(self, source: str) -> str:
        value_range = self.facts.value_range
        low, high = value_range if value_range is not None else (0.0, 0.0)
        for target in ("int32", "uint32") if source == "int64" else ("uint32",):
            if _fits(low, target) and _fits(high, target):
                self.changes.append(f"{source} -> {target} (every value fits)")
                return target
        raise self.fail(
            f"its {source} values ({_text(low)} to {_text(high)}) do not fit a 32-bit integer, the "
            "widest integer the service ingests; pass dtype='float32' (large values are rounded) "
            "or rescale the data"
        )

    def nodata(self, dtype: str) -> float | None:
        facts, wanted = self.facts, self.options.nodata
        value = facts.nodata if wanted == "keep" else None if wanted is None else float(wanted)
        if not _same(value, facts.nodata):
            self.changes.append(f"nodata {_text(facts.nodata)} -> {_text(value)}")
        if value is not None and not _fits(value, dtype):
            raise self.fail(
                f"its noData value {_text(value)} cannot be stored as {dtype}; pass nodata= with a "
                f"{dtype} value, or nodata=None to unset it"
            )
        return value

    def crs(self) -> tuple[int, bool]:
        facts, options = self.facts, self.options
        if not facts.georeferenced:
            raise self.fail(
                "it is not georeferenced (no geotransform); give it one, e.g. gdal_edit.py -a_ullr "
                "<ulx> <uly> <lrx> <lry> -a_srs EPSG:<code>"
            )
        if facts.crs_name is None:
            raise self.fail(
                "it has no CRS, so it cannot be placed or reprojected; set it first with "
                "gdal_edit.py -a_srs EPSG:<code>"
            )
        accepted = supported_epsg(cdse=self.rules == "cdse")
        target = options.target_epsg
        refused = facts.epsg not in accepted
        if target is None and options.reproject is True and (refused or not facts.north_up):
            if facts.centre_lonlat is None:
                raise self.fail(
                    "its centre cannot be placed in WGS 84 to pick a UTM zone; pass reproject='EPSG:<code>'"
                )
            target = utm_epsg(*facts.centre_lonlat)
        if target is not None and (target != facts.epsg or not facts.north_up):
            what = "warped north-up" if target == facts.epsg else f"{facts.crs_name} -> EPSG:{target}"
            self.changes.append(what)
            self.warnings.append(
                f"{what}: pixels are resampled, the output is not pixel-identical to the source"
            )
            return target, True
        if refused:
            shown = facts.crs_name if facts.epsg is None else f"EPSG:{facts.epsg}"
            raise self.fail(
                f"it is in {shown}, which the {self.rules} rules do not accept "
                f"({describe_supported(cdse=self.rules == 'cdse')}); pass reproject=True to warp it "
                "into the UTM zone of its centre, or reproject='EPSG:<code>'"
            )
        if not facts.north_up:
            raise self.fail(
                "its geotransform is rotated or not north-up, which the service does not read; pass "
                "reproject=True (or reproject='EPSG:<code>') to warp it north-up"
            )
        assert facts.epsg is not None
        return facts.epsg, False

    def outputs(self) -> tuple[Output, ...]:
        facts = self.facts
        if self.options.split_bands:
            self.changes.append(f"split into {facts.count} single-band files")
            return tuple(Output((band,), ("gray",), False) for band in range(1, facts.count + 1))
        interpretations = []
        for index, name in enumerate(facts.colorinterp):
            recoloured = index == 0 and (facts.has_colormap or facts.miniswhite)
            interpretations.append(name if name in _KEPT_INTERPRETATIONS and not recoloured else "gray")
        if facts.miniswhite:
            self.changes.append("MINISWHITE -> MINISBLACK (values kept)")
        elif facts.has_colormap and facts.nbits != 1:
            # (GDAL gives every 1-bit band a black and white colour table of its own.)
            self.changes.append("palette -> MINISBLACK (indices kept, colour table dropped)")
        interleave = self.rules == "cdse" and facts.count > CDSE_MAX_CHUNKY_BANDS
        if interleave:
            self.changes.append(f"{facts.count} bands: pixel-interleaved -> band-interleaved")
        return (Output(tuple(range(1, facts.count + 1)), tuple(interpretations), interleave),)

    def layout(self) -> None:
        facts, options = self.facts, self.options
        size = options.blocksize
        tiles = f"{size}x{size} tiles"
        if facts.driver != "GTiff":
            self.changes.append(f"{_DRIVER_NAMES.get(facts.driver, facts.driver)} -> GeoTIFF in {tiles}")
        else:
            if facts.block is None:
                self.changes.append(f"strips -> {tiles}")
            elif facts.block != (size, size):
                self.changes.append(f"{facts.block[0]}x{facts.block[1]} tiles -> {tiles}")
            if (facts.compression or "").upper() != options.compression:
                self.changes.append(f"{facts.compression or 'uncompressed'} -> {options.compression}")
        if max(facts.width, facts.height) > size:
            before = "no overviews" if facts.overviews == 0 else f"{facts.overviews} overview levels"
            self.changes.append(f"{before} -> overviews down to one {size}-pixel block")


def plan_conversion(facts: SourceFacts, rules: RuleSet, options: ConvertOptions) -> Plan:
    """Decide how to convert the source ``facts`` describe, or raise ConversionError saying why not."""
    planner = _Planner(facts, rules, options)
    epsg, warp = planner.crs()
    dtype, nbits = planner.dtype()
    nodata = planner.nodata(dtype)
    outputs = planner.outputs()
    planner.layout()
    integer = not _is_float(dtype)
    predictor = options.predictor if options.predictor is not None else (1 if nbits else 2 if integer else 3)
    if nbits and predictor != 1:
        raise planner.fail(f"predictor {predictor} cannot be used with {nbits}-bit data; pass predictor=1")
    return Plan(
        dtype=dtype,
        nbits=nbits,
        predictor=predictor,
        resampling=options.resampling or ("nearest" if integer else "average"),
        warp_resampling="nearest" if integer else "bilinear",
        nodata=nodata,
        epsg=epsg,
        warp=warp,
        outputs=outputs,
        changes=tuple(planner.changes),
        warnings=tuple(planner.warnings),
    )
