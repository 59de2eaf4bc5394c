"""Helpers of the workflow tests: real COG scenes, fast ingestion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sentinelhub_byoc.testing import IngestionDelays

BANDS = {
    "B04": {"bandIndex": 1, "bitDepth": 16, "sampleFormat": "UINT"},
    "B08": {"bandIndex": 1, "bitDepth": 16, "sampleFormat": "UINT"},
}
# Fast ingestion: the tests wait for tiles by the dozen.
FAST = IngestionDelays(waiting=0.01, queued=0.01, ingesting=0.02)


def write_scene(folder: Path, *, index: int, bands: tuple[str, ...] = ("B04", "B08"), **options: Any) -> None:
    """Write one 256x256 UTM 33N scene, side by side with its neighbours, one COG per band."""
    import numpy as np
    from sentinelhub_byoc.testing.cogs import write_cog

    west = 500_000.0 + index * 2_560.0
    data = (np.arange(256 * 256, dtype=np.uint16).reshape(256, 256) % 1000) + 1
    for band in bands:
        write_cog(
            folder / f"{band}.tif",
            data,
            epsg=32633,
            bounds=(west, 5_100_000.0, west + 2_560.0, 5_102_560.0),
            **options,
        )
