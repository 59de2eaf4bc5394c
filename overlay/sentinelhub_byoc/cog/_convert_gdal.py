"""GDAL's side of a conversion, through rasterio: reading a source, writing a COG, reading tags.

Every source is first described by a small VRT (in GDAL's memory) holding the bands to write,
their data type, noData, colour interpretation and CRS, and the tags that record what the
output was made from; GDAL then writes the COG from it in C, in one pass. This is what
``gdal_translate`` does internally, so nothing is added on the way.
"""

from __future__ import annotations

import importlib
import math
import re
import threading
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from sentinelhub_byoc.cog._convert_options import ConvertOptions
from sentinelhub_byoc.cog._convert_plan import Output, Plan, SourceFacts

__all__ = [
    "gdal_env",
    "gdal_errors",
    "overview_factors",
    "read_facts",
    "read_tags",
    "require_rasterio",
    "vrt_xml",
    "write_output",
]

_GDAL_TYPES = {
    "uint8": "Byte",
    "int8": "Int8",
    "uint16": "UInt16",
    "int16": "Int16",
    "uint32": "UInt32",
    "int32": "Int32",
    "float32": "Float32",
}
_COG_PREDICTORS = {1: "NO", 2: "STANDARD", 3: "FLOATING_POINT"}
_GTIFF_LEVELS = {"DEFLATE": "ZLEVEL", "ZSTD": "ZSTD_LEVEL"}
_WKT_NAME = re.compile(r'^\s*\w+\[\s*"([^"]{1,200})"')
# rasterio.open warns (NotGeoreferencedWarning) about a file without a geotransform, and
# Python's default filters print it on stderr. Opens are serialised so that the filter's
# temporary change cannot interleave with another thread's.
_OPEN_LOCK = threading.Lock()


def _module(name: str) -> Any:
    # rasterio ships without type information: its modules are used as Any.
    return importlib.import_module(name)


def require_rasterio() -> None:
    """Raise ImportError naming the ``convert`` extra unless rasterio can be imported."""
    try:
        _module("rasterio")
    except ImportError as missing:
        raise ImportError(
            "converting rasters needs rasterio (GDAL): pip install 'sentinelhub-byoc[convert]'"
        ) from missing


def gdal_errors() -> tuple[type[Exception], ...]:
    """Return the exception classes rasterio raises for GDAL's failures."""
    return (_module("rasterio.errors").RasterioError, _module("rasterio._err").CPLE_BaseError)


@contextmanager
def gdal_env() -> Iterator[None]:
    """GDAL's configuration for one conversion (thread-local in worker threads, as rasterio does)."""
    rasterio = _module("rasterio")
    with rasterio.Env(CPL_DEBUG=False):
        yield


def _open(path: str) -> Any:
    rasterio = _module("rasterio")
    with _OPEN_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", _module("rasterio.errors").NotGeoreferencedWarning)
        return rasterio.open(path)


def _centre(dataset: Any) -> tuple[float, float] | None:
    transform = _module("rasterio.warp").transform
    t = dataset.transform
    column, row = dataset.width / 2, dataset.height / 2
    x, y = t.c + t.a * column + t.b * row, t.f + t.d * column + t.e * row
    try:
        lons, lats = transform(dataset.crs, "EPSG:4326", [x], [y])
    except Exception:  # any failure means the same: the centre cannot be placed
        return None
    lon, lat = float(lons[0]), float(lats[0])
    return (lon, lat) if math.isfinite(lon) and math.isfinite(lat) else None


def _value_range(dataset: Any) -> tuple[float, float] | None:
    """Return the smallest and largest valid value of every band (64-bit integer sources only)."""
    low, high = math.inf, -math.inf
    for band in range(1, dataset.count + 1):
        for _, window in dataset.block_windows(band):
            values = dataset.read(band, window=window, masked=True)
            if values.count():
                low, high = min(low, float(values.min())), max(high, float(values.max()))
    return None if low > high else (low, high)


def _block(dataset: Any) -> tuple[int, int] | None:
    rows, columns = dataset.block_shapes[0]
    if dataset.driver != "GTiff":
        return (columns, rows) if rows > 1 and columns > 1 else None
    # GDAL reports a strip as a block as wide as the image.
    if columns == dataset.width and rows < dataset.height:
        return None
    return (columns, rows)


def read_facts(path: str) -> SourceFacts:
    """Describe the raster at ``path`` as GDAL reads it; GDAL's errors pass through."""
    with _open(path) as dataset:
        transform = dataset.transform
        georeferenced = not transform.is_identity
        crs = dataset.crs
        epsg = name = wkt = None
        if crs is not None:
            epsg = crs.to_epsg()
            wkt = crs.to_wkt()
            found = _WKT_NAME.match(wkt)
            name = f"EPSG:{epsg}" if epsg else (found.group(1) if found else "a CRS without an EPSG code")
        try:
            dataset.colormap(1)
            has_colormap = True
        except ValueError:
            has_colormap = False
        structure = dataset.tags(ns="IMAGE_STRUCTURE")
        nbits = dataset.tags(1, ns="IMAGE_STRUCTURE").get("NBITS")
        wide = any(dtype in ("int64", "uint64") for dtype in dataset.dtypes)
        return SourceFacts(
            path=path,
            driver=dataset.driver,
            width=dataset.width,
            height=dataset.height,
            dtypes=tuple(dataset.dtypes),
            nodata=None if dataset.nodatavals[0] is None else float(dataset.nodatavals[0]),
            epsg=epsg,
            crs_name=name,
            crs_wkt=wkt,
            geotransform=tuple(transform.to_gdal()),
            georeferenced=georeferenced,
            north_up=transform.b == 0 and transform.d == 0 and transform.a > 0 and transform.e < 0,
            centre_lonlat=_centre(dataset) if georeferenced and crs is not None else None,
            colorinterp=tuple(interpretation.name for interpretation in dataset.colorinterp),
            has_colormap=has_colormap,
            miniswhite=structure.get("MINISWHITE") == "YES",
            nbits=int(nbits) if nbits and nbits.isdigit() else None,
            block=_block(dataset),
            compression=structure.get("COMPRESSION"),
            overviews=len(dataset.overviews(1)),
            value_range=_value_range(dataset) if wide else None,
        )


def read_tags(path: str) -> dict[str, str] | None:
    """Return the dataset tags of the raster at ``path``, or None when GDAL cannot read it."""
    try:
        with _open(path) as dataset:
            return dict(dataset.tags())
    except gdal_errors():
        return None


def _number(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return str(int(value)) if value.is_integer() else repr(value)


def vrt_xml(facts: SourceFacts, plan: Plan, output: Output, tags: Mapping[str, str]) -> str:
    """Return the VRT that describes ``output``: its bands, type, noData, CRS and ``tags``."""
    # Without a warp the CRS is written by its EPSG code, so the GeoKeys name the code the
    # service looks for; a warp starts from the source's own CRS.
    srs = facts.crs_wkt if plan.warp else f"EPSG:{plan.epsg}"
    lines = [
        f'<VRTDataset rasterXSize="{facts.width}" rasterYSize="{facts.height}">',
        f"  <SRS>{escape(srs or '')}</SRS>",
        f"  <GeoTransform>{', '.join(repr(float(v)) for v in facts.geotransform)}</GeoTransform>",
        "  <Metadata>",
        *(f"    <MDI key={quoteattr(key)}>{escape(value)}</MDI>" for key, value in tags.items()),
        "  </Metadata>",
    ]
    source = escape(facts.path)
    for index, (band, interpretation) in enumerate(zip(output.bands, output.colorinterp, strict=True), 1):
        lines.append(f'  <VRTRasterBand dataType="{_GDAL_TYPES[plan.dtype]}" band="{index}">')
        if plan.nodata is not None:
            lines.append(f"    <NoDataValue>{_number(plan.nodata)}</NoDataValue>")
        lines += [
            f"    <ColorInterp>{interpretation}</ColorInterp>",
            "    <SimpleSource>",
            f'      <SourceFilename relativeToVRT="0">{source}</SourceFilename>',
            f"      <SourceBand>{band}</SourceBand>",
            "    </SimpleSource>",
            "  </VRTRasterBand>",
        ]
    lines.append("</VRTDataset>")
    return "\n".join(lines)


def overview_factors(width: int, height: int, blocksize: int) -> list[int]:
    """Return the overview factors (2, 4, 8...) down to the first level that fits one block.

    >>> overview_factors(1100, 900, 256), overview_factors(200, 100, 256)
    ([2, 4, 8], [])
    """
    factors: list[int] = []
    factor = 1
    while math.ceil(max(width, height) / factor) > blocksize:
        factor *= 2
        factors.append(factor)
    return factors


def _band_interleave_in_cog_driver() -> bool:
    version = _module("rasterio.env").GDALVersion
    # GDAL's COG driver ignores INTERLEAVE=BAND before 3.11 (the file stays pixel-interleaved).
    return bool(version.runtime() >= version(3, 11))


def _cog_options(plan: Plan, options: ConvertOptions, output: Output) -> dict[str, str]:
    created = {
        "BLOCKSIZE": str(options.blocksize),
        "COMPRESS": options.compression,
        "PREDICTOR": _COG_PREDICTORS[plan.predictor],
        "OVERVIEWS": "IGNORE_EXISTING",
        "OVERVIEW_RESAMPLING": plan.resampling.upper(),
        "NUM_THREADS": str(options.threads),
        "BIGTIFF": "IF_SAFER",
    }
    if options.level is not None:
        created["LEVEL"] = str(options.level)
    if plan.nbits is not None:
        created["NBITS"] = str(plan.nbits)
    if output.band_interleave:
        created["INTERLEAVE"] = "BAND"
    if plan.warp:
        created.update(
            TARGET_SRS=f"EPSG:{plan.epsg}", WARP_RESAMPLING=plan.warp_resampling.upper(), ADD_ALPHA="NO"
        )
    return created


def _gtiff_options(plan: Plan, options: ConvertOptions) -> dict[str, str]:
    created = {
        "TILED": "YES",
        "BLOCKXSIZE": str(options.blocksize),
        "BLOCKYSIZE": str(options.blocksize),
        "INTERLEAVE": "BAND",
        "BIGTIFF": "IF_SAFER",
        "NUM_THREADS": str(options.threads),
    }
    if plan.nbits is not None:
        created["NBITS"] = str(plan.nbits)
    return created


def _write_band_interleaved(
    vrt: str, plan: Plan, options: ConvertOptions, tags: Mapping[str, str], out: str
) -> None:
    """byoc-tool's recipe: a tiled band-interleaved GTiff, its overviews, then a COG-ordered copy."""
    rasterio = _module("rasterio")
    shutil = _module("rasterio.shutil")
    resampling = _module("rasterio.enums").Resampling
    staged = out + ".bands.tif"
    try:
        with rasterio.open(vrt) as described:
            if plan.warp:
                with _module("rasterio.vrt").WarpedVRT(
                    described, crs=f"EPSG:{plan.epsg}", resampling=resampling[plan.warp_resampling]
                ) as warped:
                    shutil.copy(warped, staged, driver="GTiff", **_gtiff_options(plan, options))
            else:
                shutil.copy(described, staged, driver="GTiff", **_gtiff_options(plan, options))
        # Overviews built by the GTiff driver take this block size (GDAL otherwise takes the
        # image's, if square); it must be a power of two, or GDAL falls back to 128 pixels.
        # The COG driver sizes its overviews itself, and runs slower with it set.
        with (
            rasterio.Env(GDAL_TIFF_OVR_BLOCKSIZE=str(options.blocksize)),
            rasterio.open(staged, "r+") as dataset,
        ):
            dataset.update_tags(**tags)
            factors = overview_factors(dataset.width, dataset.height, options.blocksize)
            if factors:
                dataset.build_overviews(factors, resampling[plan.resampling])
        final = {
            **_gtiff_options(plan, options),
            "COPY_SRC_OVERVIEWS": "YES",
            "COMPRESS": options.compression,
            "PREDICTOR": str(plan.predictor),
        }
        if options.level is not None:
            final[_GTIFF_LEVELS[options.compression]] = str(options.level)
        shutil.copy(staged, out, driver="GTiff", **final)
    finally:
        if shutil.exists(staged):
            shutil.delete(staged)


def write_output(
    facts: SourceFacts, plan: Plan, output: Output, options: ConvertOptions, tags: Mapping[str, str], out: str
) -> None:
    """Write ``output`` of the source as a COG at ``out``; GDAL's errors pass through."""
    shutil = _module("rasterio.shutil")
    with _module("rasterio.io").MemoryFile(
        vrt_xml(facts, plan, output, tags).encode(), ext=".vrt"
    ) as described:
        if output.band_interleave and not _band_interleave_in_cog_driver():
            _write_band_interleaved(described.name, plan, options, tags, out)
        else:
            shutil.copy(described.name, out, driver="COG", **_cog_options(plan, options, output))
