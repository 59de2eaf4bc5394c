"""A picture of tiles' footprints on a longitude/latitude grid, coloured by status (matplotlib)."""

from __future__ import annotations

import math
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sentinelhub_byoc.geometry._errors import MissingExtraError
from sentinelhub_byoc.geometry._export import TileLike, enum_text
from sentinelhub_byoc.geometry._geometry import Geometry

__all__ = ["plot_footprints"]

_COLOURS = {
    "INGESTED": "#2e8b57",
    "FAILED": "#d62728",
    "WAITING": "#ff9f1c",
    "QUEUED": "#ff9f1c",
    "INGESTING": "#ff9f1c",
}
_OTHER = "#7f7f7f"
# Tiles are named on the map while there are few enough for the names to be readable.
_NAMED = 40


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as error:
        raise MissingExtraError(
            "Drawing a footprint map needs matplotlib, which is not installed; install it with: "
            'pip install "sentinelhub-byoc[plot]"'
        ) from error
    # Files only, never a window: this also works on machines without a display.
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as pyplot

    return pyplot


def _short(path: str) -> str:
    parts = [part for part in path.replace("(BAND)", "").strip("/").split("/") if part and part != ".tif"]
    return "/".join(parts[-2:]) if parts else path


def _footprint(tile: TileLike) -> Geometry | None:
    return tile.cover_geometry or tile.tile_geometry


def plot_footprints(
    tiles: Iterable[TileLike],
    destination: str | os.PathLike[str],
    *,
    title: str = "Tile footprints",
    dpi: int = 120,
) -> Path:
    """Draw the tiles' footprints in WGS84 to a PNG (or any format matplotlib knows) at *destination*.

    Each tile's cover geometry (else its bounding box) is filled in its status's colour:
    green INGESTED, red FAILED, orange while ingesting. Failed tiles are labelled with their
    path; tiles with no footprint at all (a tile that failed before the service placed it)
    are listed in a box. The file is written whole or not at all. Needs the ``plot`` extra
    (matplotlib) and, for tiles not in EPSG:4326, the ``geo`` extra.

    >>> plot_footprints(client.tiles.list(collection), "footprints.png")  # doctest: +SKIP
    PosixPath('footprints.png')
    """
    pyplot = _pyplot()
    target = Path(destination)
    listed = list(tiles)
    figure, axes = pyplot.subplots(figsize=(9, 7))
    try:
        counts: Counter[str] = Counter()
        unplaced: list[str] = []
        latitudes: list[float] = []
        for tile in listed:
            status = enum_text(tile.status) or "UNKNOWN"
            counts[status] += 1
            footprint = _footprint(tile)
            path = str(tile.path or tile.id)
            if footprint is None:
                unplaced.append(f"{status} {path}")
                continue
            colour = _COLOURS.get(status, _OTHER)
            wgs84 = footprint.to_wgs84()
            for polygon in wgs84.polygons:
                xs = [point[0] for point in polygon[0]]
                ys = [point[1] for point in polygon[0]]
                latitudes.extend(ys)
                axes.fill(xs, ys, facecolor=colour, alpha=0.35, edgecolor=colour, linewidth=1.2)
            west, south, east, north = wgs84.bounds
            named = status == "FAILED" or len(listed) <= _NAMED
            if named:
                weight = "bold" if status == "FAILED" else "normal"
                label = f"{_short(path)}\n{status}" if status == "FAILED" else _short(path)
                axes.annotate(
                    label,
                    ((west + east) / 2, (south + north) / 2),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="#222222" if status != "FAILED" else _COLOURS["FAILED"],
                    fontweight=weight,
                )
        handles = [
            pyplot.Rectangle((0, 0), 1, 1, facecolor=_COLOURS.get(s, _OTHER), alpha=0.5, label=f"{s} ({n})")
            for s, n in sorted(counts.items())
        ]
        if handles:
            axes.legend(handles=handles, loc="upper right", fontsize=8)
        if unplaced:
            shown = unplaced[:8] + ([f"... and {len(unplaced) - 8} more"] if len(unplaced) > 8 else [])
            # Below the map, so that the list never hides a footprint.
            figure.text(
                0.01,
                0.01,
                "no footprint:\n" + "\n".join(shown),
                fontsize=7,
                va="bottom",
                color=_COLOURS["FAILED"],
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": _COLOURS["FAILED"]},
            )
        if latitudes:
            # A degree of longitude is shorter than one of latitude away from the equator.
            middle = (min(latitudes) + max(latitudes)) / 2
            axes.set_aspect(1 / max(math.cos(math.radians(middle)), 0.05))
        axes.margins(0.05)
        axes.set_xlabel("longitude (°)")
        axes.set_ylabel("latitude (°)")
        axes.grid(True, linestyle=":", linewidth=0.6)
        axes.set_title(f"{title} ({len(listed)} tiles)")
        figure.tight_layout()
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent
        )
        os.close(handle)
        try:
            figure.savefig(temporary, dpi=dpi)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    finally:
        pyplot.close(figure)
    return target
