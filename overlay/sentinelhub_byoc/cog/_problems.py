"""What a broken rule reports: a :class:`Problem`, and the exception that carries one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["MAKE_COG", "Problem", "ProblemError", "RuleSet", "Severity", "check_rules", "error", "warning"]

Severity = Literal["error", "warning"]
"""An ``"error"`` makes the service refuse the file or tile; a ``"warning"`` does not."""

RuleSet = Literal["sentinel-hub", "cdse"]
"""The rules of Sentinel Hub's BYOC service, or those of the Copernicus Data Space Ecosystem."""

MAKE_COG = "gdal_translate -of COG -co BLOCKSIZE=1024 -co COMPRESS=DEFLATE in.tif out.tif"
"""The one command that turns most rasters into a file the service ingests."""


@dataclass(frozen=True)
class Problem:
    """One broken rule of one file or tile.

    ``file`` names the file (or the tile path, for a rule of the whole tile), ``rule`` is a
    short id such as ``"not-tiled"`` or ``"crs"``, ``message`` says what is wrong as the
    service's failure cause would, ``fix`` is a concrete command or step that repairs it, and
    ``severity`` is ``"error"`` (ingestion fails) or ``"warning"`` (it succeeds).

    >>> Problem("B04.tif", "not-tiled", "B04.tif is not tiled", MAKE_COG).severity
    'error'
    """

    file: str
    rule: str
    message: str
    fix: str
    severity: Severity = "error"

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


def error(file: str, rule: str, message: str, fix: str) -> Problem:
    """Return an error :class:`Problem`."""
    return Problem(file, rule, message, fix, "error")


def warning(file: str, rule: str, message: str, fix: str) -> Problem:
    """Return a warning :class:`Problem`."""
    return Problem(file, rule, message, fix, "warning")


def check_rules(rules: object) -> RuleSet:
    """Return ``rules`` if it names a rule set; raise ValidationError otherwise."""
    if rules in ("sentinel-hub", "cdse"):
        return rules
    from sentinelhub_byoc.errors import ValidationError

    raise ValidationError(f"rules must be 'sentinel-hub' or 'cdse', got {rules!r}")
