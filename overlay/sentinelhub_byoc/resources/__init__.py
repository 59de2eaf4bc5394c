"""Resource groups of the clients: ``client.collections``, ``client.tiles``, ``client.files``.

The asyncio classes are written in ``_async``; the blocking ones in ``_sync`` are generated from them
by ``codegen/unasync.py``. Each is imported on first use, so a blocking client never loads the
asyncio half, nor the other way round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentinelhub_byoc._lazy import lazy_getattr

if TYPE_CHECKING:
    from sentinelhub_byoc.resources._async.collections import AsyncCollections
    from sentinelhub_byoc.resources._async.files import AsyncTileFiles
    from sentinelhub_byoc.resources._async.tiles import AsyncTiles
    from sentinelhub_byoc.resources._sync.collections import Collections
    from sentinelhub_byoc.resources._sync.files import TileFiles
    from sentinelhub_byoc.resources._sync.tiles import Tiles

_EXPORTS = {
    "AsyncCollections": "sentinelhub_byoc.resources._async.collections",
    "AsyncTileFiles": "sentinelhub_byoc.resources._async.files",
    "AsyncTiles": "sentinelhub_byoc.resources._async.tiles",
    "Collections": "sentinelhub_byoc.resources._sync.collections",
    "TileFiles": "sentinelhub_byoc.resources._sync.files",
    "Tiles": "sentinelhub_byoc.resources._sync.tiles",
}

__all__ = ["AsyncCollections", "AsyncTileFiles", "AsyncTiles", "Collections", "TileFiles", "Tiles"]

__getattr__ = lazy_getattr(globals(), _EXPORTS)


def __dir__() -> list[str]:
    return __all__
