"""Converting any raster GDAL reads into COGs the service ingests: :func:`convert`.

**Engine.** GDAL's COG driver, through rasterio (``rasterio.shutil.copy(..., driver="COG")``):
GDAL's own COG layout (every IFD before the image data, overviews with the same block size
down to one block), written in C in one pass with no Python loop over windows, so a
conversion costs what ``gdal_translate -of COG`` costs. rio-cogeo's ``cog_translate`` does
the same job through a Python window loop; it is used in the tests, to validate outputs.
The source is first described by a small in-memory VRT (the bands, type, noData, colour
interpretation and CRS to write), as ``gdal_translate`` does internally.

**Defaults**, each one a :class:`ConvertOptions` field: 1024-pixel blocks (the service's
recommendation with DEFLATE or ZSTD; 256 to 2048 in powers of two, which GDAL's overview
builder needs), DEFLATE, predictor 2 for integers and 3 for floats (as
Sinergise's byoc-tool), overviews resampled ``nearest`` for integers (classes stay classes)
and ``average`` for floats, noData kept.

**Data types** change only when the rules require it or the caller asks (``dtype=``):
float64 becomes float32, with a warning; int64 and uint64 become int32 or uint32 when every
value fits (the values are read to know), otherwise the file is refused with a reason; 1, 2
and 4-bit files become 8-bit for ``"sentinel-hub"`` and stay as they are for ``"cdse"``,
which reads them. Warnings are returned in :attr:`Conversion.warnings`, never printed and
never raised through :mod:`warnings`: a batch of thousands of files would repeat them.

**Colours.** A palette or MINISWHITE band is written MINISBLACK with its values unchanged
(the indices, the raw samples): the service reads band values and applies no colour model.
Internal masks are not carried over (noData is).

**CRS.** A CRS the rules refuse, or a rotated geotransform, is an error unless
``reproject`` is set: ``True`` warps such files into the WGS 84 UTM zone of their centre,
an EPSG code warps every file into that CRS (which the rules must accept). Warping uses
``nearest`` for integers and ``bilinear`` for floats. A file without a CRS or geotransform
cannot be converted.

**Interleaving.** CDSE refuses pixel-interleaved files of more than 10 bands. GDAL's COG
driver writes band-interleaved files only from GDAL 3.11, so before that such files are
written with byoc-tool's recipe: a tiled band-interleaved GeoTIFF, its overviews, and a copy
with ``COPY_SRC_OVERVIEWS=YES`` (which also puts every IFD first).

**Files.** Each output is written under a temporary name in the destination's folder
(``.name.tif.<random>.partial``), checked with :func:`~sentinelhub_byoc.cog.check_cog`
under the chosen rules (an output that does not pass is a ConversionError and is removed),
flushed to disk and renamed. Outputs record the source's size and modification time and a
digest of the options in their GDAL metadata (``BYOC_SOURCE_SIZE``,
``BYOC_SOURCE_MTIME_NS``, ``BYOC_OPTIONS``): a rerun finds them up to date and writes
nothing. ``split_bands`` names the files ``B1``, ``B2``... after GDAL's band numbers.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping, Sequence

from sentinelhub_byoc.cog._convert_options import Conversion, ConvertOptions, options_digest
from sentinelhub_byoc.cog._crs_rules import describe_supported, supported_epsg
from sentinelhub_byoc.cog._layout import BAND
from sentinelhub_byoc.cog._problems import RuleSet, check_rules
from sentinelhub_byoc.errors import ConversionError, ValidationError

__all__ = ["Conversion", "ConvertOptions", "convert", "needs_conversion"]

SOURCE_SIZE = "BYOC_SOURCE_SIZE"
SOURCE_MTIME = "BYOC_SOURCE_MTIME_NS"
OPTIONS = "BYOC_OPTIONS"


def _path(value: object, what: str) -> str:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value:
        raise ValidationError(f"{what} must be a local file path (str or os.PathLike), got {value!r}")
    if "://" in value:
        raise ValidationError(f"{what} must be a local file path, not a URL: {value}")
    return value


def _arguments(
    source: object, destination: object, rules: object, options: object
) -> tuple[str, str, RuleSet, ConvertOptions]:
    source_text = _path(source, "source")
    destination_text = _path(destination, "destination")
    chosen = check_rules(rules)
    if options is None:
        options = ConvertOptions()
    if not isinstance(options, ConvertOptions):
        raise ValidationError(f"options must be a ConvertOptions, got {type(options).__name__}")
    holds_band = destination_text.count(BAND)
    if options.split_bands and holds_band != 1:
        raise ValidationError(
            f"with split_bands=True the destination must hold {BAND} once (replaced by B1, B2...), "
            f"got {destination_text!r}"
        )
    if not options.split_bands and holds_band:
        raise ValidationError(f"the destination {destination_text!r} holds {BAND}: pass split_bands=True")
    target = options.target_epsg
    cdse = chosen == "cdse"
    if target is not None and target not in supported_epsg(cdse=cdse):
        raise ValidationError(
            f"reproject names EPSG:{target}, which the {chosen} rules do not accept; use one of "
            f"{describe_supported(cdse=cdse)}"
        )
    if os.path.abspath(source_text) == os.path.abspath(destination_text):
        raise ValidationError(f"the destination {destination_text} is the source; write somewhere else")
    return source_text, destination_text, chosen, options


def _up_to_date(outputs: Sequence[str], tags: Mapping[str, str]) -> bool:
    from sentinelhub_byoc.cog._convert_gdal import read_tags

    for output in outputs:
        if not os.path.isfile(output):
            return False
        found = read_tags(output)
        if found is None or any(found.get(key) != value for key, value in tags.items()):
            return False
    return True


def _remove(temporary: str) -> None:
    folder, name = os.path.split(temporary)
    # GDAL's own side files start with the temporary name (.ovr.tmp, .aux.xml...).
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return
    for found in names:
        if found.startswith(name):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(folder, found))


def _temporary(destination: str) -> str:
    folder, name = os.path.split(destination)
    return os.path.join(folder, f".{name}.{secrets.token_hex(6)}.partial")


def _check(source: str, temporary: str, final: str, rules: RuleSet) -> list[str]:
    """Return the check's warnings; raise ConversionError if the output breaks the rules."""
    from sentinelhub_byoc.cog._check import check_cog

    report = check_cog(temporary, rules=rules)
    if not report.ok:
        found = "; ".join(f"[{p.rule}] {p.message.replace(temporary, final)}" for p in report.errors)
        raise ConversionError(
            source, f"the converted file does not pass the {rules} rules, so it was not kept: {found}"
        )
    return [p.message.replace(temporary, final) for p in report.warnings]


def _sync_folder(folder: str) -> None:
    try:
        descriptor = os.open(folder or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # not every platform or file system syncs folders
    finally:
        os.close(descriptor)


def _publish(temporaries: Sequence[str], finals: Sequence[str]) -> None:
    for temporary in temporaries:
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
    for temporary, final in zip(temporaries, finals, strict=True):
        os.replace(temporary, final)
        _remove(temporary)
    for folder in {os.path.dirname(final) for final in finals}:
        _sync_folder(folder)


def _convert(
    source: str, destination: str, rules: RuleSet, options: ConvertOptions, force: bool
) -> Conversion:
    from sentinelhub_byoc.cog._convert_gdal import gdal_errors, read_facts, write_output
    from sentinelhub_byoc.cog._convert_plan import plan_conversion

    try:
        status = os.stat(source)
    except OSError as missing:
        raise ConversionError(source, f"it cannot be read ({missing.strerror or missing})") from None
    tags = {
        SOURCE_SIZE: str(status.st_size),
        SOURCE_MTIME: str(status.st_mtime_ns),
        OPTIONS: options_digest(options, rules),
    }
    if not options.split_bands and not force and _up_to_date([destination], tags):
        return Conversion(source, (destination,), (), (), up_to_date=True)
    try:
        facts = read_facts(source)
    except gdal_errors() as failure:
        raise ConversionError(
            source, f"GDAL cannot read it as a raster ({failure}); give a GeoTIFF, JPEG 2000, VRT..."
        ) from None
    if options.split_bands:
        finals = [destination.replace(BAND, f"B{band}") for band in range(1, facts.count + 1)]
        if not force and _up_to_date(finals, tags):
            return Conversion(source, tuple(finals), (), (), up_to_date=True)
    else:
        finals = [destination]
    plan = plan_conversion(facts, rules, options)
    temporaries: list[str] = []
    warnings = list(plan.warnings)
    try:
        for output, final in zip(plan.outputs, finals, strict=True):
            folder = os.path.dirname(final)
            if folder:
                os.makedirs(folder, exist_ok=True)
            temporaries.append(_temporary(final))
            try:
                write_output(facts, plan, output, options, tags, temporaries[-1])
            except gdal_errors() as failure:
                raise ConversionError(source, f"GDAL could not write {final}: {failure}") from None
            warnings += _check(source, temporaries[-1], final, rules)
        _publish(temporaries, finals)
    except OSError as failure:
        raise ConversionError(source, f"could not write {destination}: {failure}") from None
    finally:
        for temporary in temporaries:
            _remove(temporary)
    return Conversion(source, tuple(finals), plan.changes, tuple(dict.fromkeys(warnings)))


def convert(
    source: str | os.PathLike[str],
    destination: str | os.PathLike[str],
    *,
    rules: RuleSet = "sentinel-hub",
    options: ConvertOptions | None = None,
    force: bool = False,
) -> Conversion:
    """Convert one raster into a COG that passes :func:`~sentinelhub_byoc.cog.check_cog` under ``rules``.

    ``source`` is a local file GDAL reads (a GeoTIFF in strips, tiles or JPEG, a JPEG 2000, a
    VRT...); ``destination`` a local file path (its folders are created), holding ``(BAND)``
    with ``options.split_bands`` (replaced by ``B1``, ``B2``...). ``rules`` is
    ``"sentinel-hub"`` or ``"cdse"``; ``options`` a :class:`ConvertOptions` (the defaults
    are those a GIS engineer would pick; see the module's documentation for each choice).

    When every output exists and records the same source size, modification time and
    options, nothing is written and the result has ``up_to_date=True``; ``force`` converts
    anyway. A lossless conversion (no warp, no narrowing of the data type) is pixel-identical
    to the source, with the same bounds and CRS.

    Raises :class:`~sentinelhub_byoc.errors.ValidationError` for bad arguments before any
    work; :class:`~sentinelhub_byoc.errors.ConversionError` (its ``reason`` says what to do)
    for a file that cannot be converted: GDAL cannot read it, it has no CRS, its CRS is
    refused and ``reproject`` is not set, the output cannot be written or would not pass the
    rules (no output is left behind); ImportError naming the ``convert`` extra without
    rasterio. Nothing is printed.

    >>> result = convert("scene.jp2", "cogs/scene.tif", rules="cdse")  # doctest: +SKIP
    >>> result.changes  # doctest: +SKIP
    ('JPEG 2000 -> GeoTIFF', 'strips -> 1024x1024 tiles', 'JPEG2000 -> DEFLATE', ...)
    """
    source_text, destination_text, chosen, chosen_options = _arguments(source, destination, rules, options)
    from sentinelhub_byoc.cog._convert_gdal import gdal_env, require_rasterio

    require_rasterio()
    with gdal_env():
        return _convert(source_text, destination_text, chosen, chosen_options, force)


def needs_conversion(source: str | os.PathLike[str], *, rules: RuleSet = "sentinel-hub") -> bool:
    """Return True unless ``check_cog(source, rules=rules).ok``: whether the service would refuse it.

    A file that is not a TIFF (a JPEG 2000, a VRT) always needs converting. Raises as
    :func:`~sentinelhub_byoc.cog.check_cog` does.

    >>> needs_conversion("scene/B04.tif")  # doctest: +SKIP
    True
    """
    from sentinelhub_byoc.cog._check import check_cog

    return not check_cog(source, rules=rules).ok
