"""The rules the files of one tile must meet together: one CRS, one extent, a place on the globe."""

from __future__ import annotations

import shlex
from collections import Counter
from collections.abc import Sequence

import attrs

from sentinelhub_byoc.cog._problems import Problem, convert_command, convert_fix, error
from sentinelhub_byoc.cog._rules import FileFacts
from sentinelhub_byoc.cog._transforms import BBox, pole_inside, wgs84_bounds

__all__ = ["TilePlace", "band_type_problem", "check_together", "show_bbox"]

# The GDAL names of the data types a band may have, by (bit depth, sample format).
_DTYPES = {
    (8, "UINT"): "uint8",
    (8, "INT"): "int8",
    (16, "UINT"): "uint16",
    (16, "INT"): "int16",
    (32, "UINT"): "uint32",
    (32, "INT"): "int32",
    (32, "FLOAT"): "float32",
}


@attrs.frozen
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


def _crop(key: str, bbox: BBox) -> str:
    """Return the GDAL command that crops ``key`` to ``bbox`` (-projwin takes ulx uly lrx lry)."""
    corners = " ".join(f"{v:.10g}" for v in (bbox[0], bbox[3], bbox[2], bbox[1]))
    return f"gdal_translate -of COG -projwin {corners} {shlex.quote(key)} out.tif"


def _extent_problems(facts: Sequence[FileFacts], bbox: BBox) -> list[Problem]:
    problems = []
    for f in facts:
        size_x, size_y = f.pixel_size
        # A relative slack keeps rounding in far-off coordinates from failing aligned files.
        slack_x, slack_y = size_x * (1 + 1e-9), size_y * (1 + 1e-9)
        gaps = [abs(a - b) for a, b in zip(f.bbox, bbox, strict=True)]
        if max(gaps[0], gaps[2]) > slack_x or max(gaps[1], gaps[3]) > slack_y:
            message = (
                f"{f.key} covers {show_bbox(f.bbox)}, more than a pixel beyond {show_bbox(bbox)}, "
                "the area all the tile's files cover"
            )
            problems.append(error(f.key, "bounds", message, _crop(f.key, bbox)))
    return problems


def _one_crs(facts: Sequence[FileFacts], tile: str) -> Problem:
    """The problem of files in different CRSs: convert the odd ones into the CRS most files have."""
    epsg = Counter(f.epsg for f in facts).most_common(1)[0][0]
    listing = ", ".join(f"{f.key} is in EPSG:{f.epsg}" for f in facts)
    message = f"the tile's files are in different CRSs ({listing})"
    fix = convert_command([f.key for f in facts if f.epsg != epsg], {"--reproject": f"EPSG:{epsg}"})
    return error(tile, "crs", message, fix)


def check_together(facts: Sequence[FileFacts], tile: str) -> tuple[list[Problem], TilePlace | None]:
    """Apply the tile rules to the facts of a tile's files (each file met the file rules).

    Returns the problems, in the order the service reports them, and the tile's place when
    there are none. ``tile`` names the tile in problems that are not about one file.
    """
    if not facts:
        return [], None
    crss = {f.epsg for f in facts}
    if len(crss) > 1:
        return [_one_crs(facts, tile)], None
    epsg = crss.pop()
    bbox = _common_box(facts)
    problems = _extent_problems(facts, bbox)
    if problems:
        return problems, None
    pole = pole_inside(bbox, epsg)
    if pole is not None:
        message = f"the tile {show_bbox(bbox)} in EPSG:{epsg} crosses the {pole} Pole"
        fix = "split the tile at the pole into tiles that do not cross it (gdal_translate -projwin)"
        return [error(tile, "bounds", message, fix)], None
    try:
        bounds = wgs84_bounds(bbox, epsg)
    except ValueError as problem:
        message = f"the tile cannot be placed on the globe: {problem}"
        fix = "check the files' CRS and georeferencing with gdalinfo"
        return [error(tile, "bounds", message, fix)], None
    return [], TilePlace(epsg, bbox, bounds)


def band_type_problem(
    key: str, band: str, found: tuple[int, str], wanted: tuple[object, object]
) -> Problem | None:
    """Return a ``bit-depth`` problem unless the file's (bit depth, sample format) is the band's."""
    if tuple(found) == tuple(wanted):
        return None
    message = (
        f"{key} holds {found[0]}-bit {found[1]} data but band {band} is {wanted[0]}-bit {wanted[1]}; "
        "every file of a band must have its data type"
    )
    # The band's type comes from the collection: compared, never hashed (it may be any JSON value).
    dtype = next((name for kind, name in _DTYPES.items() if kind == tuple(wanted)), None)
    if dtype is None:
        # The band's own type is not one a file can have: the collection's bands need fixing.
        return error(key, "bit-depth", message, f"fix the bitDepth and sampleFormat of band {band}")
    return error(key, "bit-depth", message, convert_fix(key, dtype=dtype), fixed_by_convert=True)
