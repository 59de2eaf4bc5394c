"""COG checks: the service's ingestion rules, applied before ingesting.

:func:`check_cog` checks one file, :func:`check_tile` the band files of one tile and
:func:`check_prefix` every tile under a local folder or an ``s3://`` prefix. Each reports every
problem at once, as a :class:`Problem` with a rule id, a message, a command that fixes it and a
severity. These are the rules the emulator (:mod:`sentinelhub_byoc.testing`) ingests with, so
the two cannot disagree. :func:`convert` makes a file that passes them from any raster GDAL
reads (:class:`ConvertOptions` says how, :class:`Conversion` what it did);
:func:`needs_conversion` says whether a file needs it.

>>> from sentinelhub_byoc.cog import check_cog
>>> report = check_cog("scene/B04.tif")  # doctest: +SKIP
>>> report.ok, [problem.rule for problem in report.problems]  # doctest: +SKIP
(False, ['not-tiled', 'compression'])

Names are imported on first use; tifffile, numpy and pyproj (the ``cog`` extra) and boto3 (the
``s3`` extra) only when a file is read, rasterio (the ``convert`` extra) only by :func:`convert`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentinelhub_byoc._lazy import lazy_getattr

if TYPE_CHECKING:
    from sentinelhub_byoc.cog._check import CogReport, Source, TileCheck, check_cog, check_prefix, check_tile
    from sentinelhub_byoc.cog._convert import Conversion, ConvertOptions, convert, needs_conversion
    from sentinelhub_byoc.cog._layout import BAND, DEFAULT_LAYOUT, TileFiles, group_band_files
    from sentinelhub_byoc.cog._problems import Problem, RuleSet, Severity

_EXPORTS = {
    "BAND": "sentinelhub_byoc.cog._layout",
    "DEFAULT_LAYOUT": "sentinelhub_byoc.cog._layout",
    "TileFiles": "sentinelhub_byoc.cog._layout",
    "group_band_files": "sentinelhub_byoc.cog._layout",
    "CogReport": "sentinelhub_byoc.cog._check",
    "Source": "sentinelhub_byoc.cog._check",
    "TileCheck": "sentinelhub_byoc.cog._check",
    "check_cog": "sentinelhub_byoc.cog._check",
    "check_prefix": "sentinelhub_byoc.cog._check",
    "check_tile": "sentinelhub_byoc.cog._check",
    "Conversion": "sentinelhub_byoc.cog._convert",
    "ConvertOptions": "sentinelhub_byoc.cog._convert",
    "convert": "sentinelhub_byoc.cog._convert",
    "needs_conversion": "sentinelhub_byoc.cog._convert",
    "Problem": "sentinelhub_byoc.cog._problems",
    "RuleSet": "sentinelhub_byoc.cog._problems",
    "Severity": "sentinelhub_byoc.cog._problems",
}

__all__ = [
    "BAND",
    "DEFAULT_LAYOUT",
    "CogReport",
    "Conversion",
    "ConvertOptions",
    "Problem",
    "RuleSet",
    "Severity",
    "Source",
    "TileCheck",
    "TileFiles",
    "check_cog",
    "check_prefix",
    "check_tile",
    "convert",
    "group_band_files",
    "needs_conversion",
]

__getattr__ = lazy_getattr(globals(), _EXPORTS)


def __dir__() -> list[str]:
    return __all__
