"""The rules the files of one tile must meet together: one CRS, one extent, a place on the globe."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sentinelhub_byoc.cog._problems import Problem, error
from sentinelhub_byoc.cog._rules import FileFacts
from sentinelhub_byoc.cog._transforms import BBox, pole_inside, wgs84_bounds

__all__ = ["TilePlace", "band_type_problem", "check_together", "show_bbox"]

_CROP = "gdal_translate -of COG -projwin <ulx> <uly> <lrx> <lry> -co COMPRESS=DEFLATE in.tif out.tif"


@dataclass(frozen=True)
class TilePlace:
    """Where a tile whose files agree lies: its CRS, the files' common box, and that box in WGS84."""

    epsg: int
    bbox: BBox
    wgs84_bounds: tuple[float, float, float, float]


def show_bbox(bbox: BBox) -> str:
    """Return ``bbox`` as the messages show it."""
    return "(" + ", ".join(f"{v:.10g}" for v in bbox) + ")"


def _common_box(facts: Sequence[FileFacts]) -> BBox:
    return (
        max(f.bbox[0] for f in facts),
        max(f.bbox[1] for f in facts),
        min(f.bbox[2] for f in facts),
        min(f.bbox[3] for f in facts),
    )


def _extent_problems(facts: Sequence[FileFacts], bbox: BBox) -> list[Problem]:
    problems = []
    for f in facts:
        size_x, size_y = f.pixel_size
        # A relative slack keeps rounding in far-off coordinates from failing aligned files.
        slack_x, slack_y = size_x * (1 + 1e-9), size_y * (1 + 1e-9)
        gaps = [abs(a - b) for a, b in zip(f.bbox, bbox, strict=True)]
        if max(gaps[0], gaps[2]) > slack_x or max(gaps[1], gaps[3]) > slack_y:
            problems.append(
                error(
                    f.key,
                    "bounds",
                    f"{f.key} covers {show_bbox(f.bbox)} but the tile's files have only "
                    f"{show_bbox(bbox)} in common, more than a pixel less; all files of a tile must "
                    "cover the same area: crop them to a common extent (gdal_translate -projwin)",
                    _CROP,
                )
            )
    return problems


def check_together(facts: Sequence[FileFacts], tile: str) -> tuple[list[Problem], TilePlace | None]:
    """Apply the tile rules to the facts of a tile's files (each file met the file rules).

    Returns the problems, in the order the service reports them, and the tile's place when
    there are none. ``tile`` names the tile in problems that are not about one file.
    """
    if not facts:
        return [], None
    crss = {f.epsg for f in facts}
    if len(crss) > 1:
        listing = ", ".join(f"{f.key} is in EPSG:{f.epsg}" for f in facts)
        message = f"the tile's files are in different CRSs ({listing}); reproject them to one CRS"
        fix = "gdalwarp -of COG -t_srs EPSG:<code> -co COMPRESS=DEFLATE in.tif out.tif"
        return [error(tile, "crs", message, fix)], None
    epsg = crss.pop()
    bbox = _common_box(facts)
    problems = _extent_problems(facts, bbox)
    if problems:
        return problems, None
    pole = pole_inside(bbox, epsg)
    if pole is not None:
        message = (
            f"the tile {show_bbox(bbox)} in EPSG:{epsg} crosses the {pole} Pole; "
            "split it into tiles that do not"
        )
        fix = "gdal_translate -projwin (or gdal_retile.py) to cut the tile at the pole"
        return [error(tile, "bounds", message, fix)], None
    try:
        bounds = wgs84_bounds(bbox, epsg)
    except ValueError as problem:
        message = f"the tile cannot be placed on the globe: {problem}"
        fix = "check the files' CRS and georeferencing (gdalinfo in.tif)"
        return [error(tile, "bounds", message, fix)], None
    return [], TilePlace(epsg, bbox, bounds)


def band_type_problem(
    key: str, band: str, found: tuple[int, str], wanted: tuple[object, object]
) -> Problem | None:
    """Return a ``bit-depth`` problem unless the file's (bit depth, sample format) is the band's."""
    if tuple(found) == tuple(wanted):
        return None
    return error(
        key,
        "bit-depth",
        f"{key} holds {found[0]}-bit {found[1]} data but band {band} "
        f"is {wanted[0]}-bit {wanted[1]}; every file of a band must have the band's "
        "data type: convert it with gdal_translate -ot",
        "gdal_translate -of COG -ot <type> -co COMPRESS=DEFLATE in.tif out.tif",
    )
