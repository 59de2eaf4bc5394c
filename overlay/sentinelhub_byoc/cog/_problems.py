"""What a broken rule reports: a :class:`Problem`, and the exception that carries one."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CONVERT",
    "MAKE_COG",
    "Problem",
    "ProblemError",
    "RuleSet",
    "Severity",
    "check_rules",
    "convert_fix",
    "error",
    "warning",
]

Severity = Literal["error", "warning"]
"""An ``"error"`` makes the service refuse the file or tile; a ``"warning"`` does not."""

RuleSet = Literal["sentinel-hub", "cdse"]
"""The rules of Sentinel Hub's BYOC service, or those of the Copernicus Data Space Ecosystem."""

MAKE_COG = "gdal_translate -of COG -co BLOCKSIZE=1024 -co COMPRESS=DEFLATE in.tif out.tif"
"""The one GDAL command that turns most rasters into a file the service ingests."""

CONVERT = "byoc cog convert"
"""This package's command that rewrites a file so that it meets the rules."""


def convert_fix(file: str, gdal: str | None = None, *, reproject: bool = False, note: str = "") -> str:
    """Return the fix of a problem :func:`~sentinelhub_byoc.cog.convert` repairs.

    It leads with the ``byoc cog convert`` command for ``file`` (with ``--reproject utm``
    when the file must be warped), adds ``note`` (a condition, e.g. ``"if GDAL reads it"``)
    and ends with the equivalent ``gdal`` command when one is given.

    >>> convert_fix("B04.tif", "gdal_translate -of COG in.tif out.tif")
    'byoc cog convert B04.tif --out DIR, or: gdal_translate -of COG in.tif out.tif'
    """
    text = f"{CONVERT} {shlex.quote(file)} --out DIR" + (" --reproject utm" if reproject else "")
    if note:
        text += f" ({note})"
    if gdal:
        text += f", or: {gdal}"
    return text


@dataclass(frozen=True)
class Problem:
    """One broken rule of one file or tile.

    ``file`` names the file (or the tile path, for a rule of the whole tile), ``rule`` is a
    short id such as ``"not-tiled"`` or ``"crs"``, ``message`` says what is wrong as the
    service's failure cause would, ``fix`` is a concrete command or step that repairs it,
    ``severity`` is ``"error"`` (ingestion fails) or ``"warning"`` (it succeeds), and
    ``fixed_by_convert`` says whether :func:`~sentinelhub_byoc.cog.convert` (``byoc cog
    convert``) repairs it; its ``fix`` then leads with that command. Problems of a tile's files
    together (different extents, band names, a missing file) are not fixed by converting.

    >>> Problem("B04.tif", "not-tiled", "B04.tif is not tiled", MAKE_COG).severity
    'error'
    """

    file: str
    rule: str
    message: str
    fix: str
    severity: Severity = "error"
    fixed_by_convert: bool = False

    @property
    def is_error(self) -> bool:
        """Whether the problem makes ingestion fail."""
        return self.severity == "error"

    def __str__(self) -> str:
        return f"{self.severity}: [{self.rule}] {self.message}\n  fix: {self.fix}"


class ProblemError(Exception):
    """Raised where one broken rule stops the reading of a file (it cannot be parsed at all)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def error(file: str, rule: str, message: str, fix: str, *, fixed_by_convert: bool = False) -> Problem:
    """Return an error :class:`Problem`."""
    return Problem(file, rule, message, fix, "error", fixed_by_convert)


def warning(file: str, rule: str, message: str, fix: str, *, fixed_by_convert: bool = False) -> Problem:
    """Return a warning :class:`Problem`."""
    return Problem(file, rule, message, fix, "warning", fixed_by_convert)


def check_rules(rules: object) -> RuleSet:
    """Return ``rules`` if it names a rule set; raise ValidationError otherwise."""
    if rules in ("sentinel-hub", "cdse"):
        return rules
    from sentinelhub_byoc.errors import ValidationError

    raise ValidationError(f"rules must be 'sentinel-hub' or 'cdse', got {rules!r}")
