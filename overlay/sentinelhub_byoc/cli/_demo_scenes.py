"""The demo's data: Sentinel-2-like scenes written as real COGs, side by side, with noData borders.

Six 512 x 512 scenes of 10 m pixels in UTM zone 33N, three by two, each scene's extent touching
its neighbours' and overlapping none. Each has two bands (B04, B08, 16-bit) whose edges are
noData (0), as delivered scenes have: a frame, and on the swath's edge a slanted cut.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

__all__ = ["BANDS", "EPSG", "SCENES", "Scene", "write_scene"]

EPSG = 32633
BANDS = ("B04", "B08")
_SIZE = 512
_PIXEL = 10.0
_WEST, _SOUTH = 500_000.0, 5_100_000.0
_FRAME = 12


@attrs.frozen
class Scene:
    """One scene: its folder (which names its sensing time), place in the grid, and shape."""

    folder: str
    column: int
    row: int
    slanted: bool = False

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) of the scene's pixels in EPSG:32633."""
        side = _SIZE * _PIXEL
        west, south = _WEST + self.column * side, _SOUTH + self.row * side
        return west, south, west + side, south + side


SCENES = (
    Scene("S2/20240501T100031_T33TVM_A", 0, 1),
    Scene("S2/20240501T100031_T33TVM_B", 1, 1),
    Scene("S2/20240501T100031_T33TVM_C", 2, 1, slanted=True),
    Scene("S2/20240506T100029_T33TVM_D", 0, 0),
    Scene("S2/20240506T100029_T33TVM_E", 1, 0),
    Scene("S2/20240506T100029_T33TVM_F", 2, 0, slanted=True),
)
"""The demo's scenes; the sensing time is in each folder's name (``%Y%m%dT%H%M%S``)."""


def _pixels(scene: Scene, band: str) -> Any:
    import numpy as np

    rows, columns = np.mgrid[0:_SIZE, 0:_SIZE]
    # A smooth field with some texture: reflectance-like values that compress like real data.
    base = 1200 if band == "B04" else 3000
    data = base + 400 * np.sin((columns + scene.column * _SIZE) / 60.0) + 300 * np.cos(rows / 45.0)
    data += (rows * 7 + columns * 13) % 97
    values = data.astype(np.uint16)
    values[:_FRAME, :] = values[-_FRAME:, :] = 0
    values[:, :_FRAME] = values[:, -_FRAME:] = 0
    if scene.slanted:
        # The orbit's swath ends inside this scene: east of a slanted line there is no data.
        values[columns > 300 + rows // 3] = 0
    return values


def write_scene(folder: Path, scene: Scene, *, broken: bool = False) -> list[Path]:
    """Write the scene's band files under ``folder / scene.folder``; *broken* stores them in strips."""
    from sentinelhub_byoc.testing.cogs import write_cog

    return [
        write_cog(
            folder / scene.folder / f"{band}.tif",
            _pixels(scene, band),
            epsg=EPSG,
            bounds=scene.bounds,
            nodata=0,
            tile_size=256,
            tiled=not broken,
        )
        for band in BANDS
    ]
