"""COG checks: the service's ingestion rules, applied before ingesting.

Names are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentinelhub_byoc._lazy import lazy_getattr

if TYPE_CHECKING:
    from sentinelhub_byoc.cog._layout import BAND, DEFAULT_LAYOUT, TileFiles, group_band_files

_EXPORTS = {
    "BAND": "sentinelhub_byoc.cog._layout",
    "DEFAULT_LAYOUT": "sentinelhub_byoc.cog._layout",
    "TileFiles": "sentinelhub_byoc.cog._layout",
    "group_band_files": "sentinelhub_byoc.cog._layout",
}

__all__ = ["BAND", "DEFAULT_LAYOUT", "TileFiles", "group_band_files"]

__getattr__ = lazy_getattr(globals(), _EXPORTS)


def __dir__() -> list[str]:
    return __all__
