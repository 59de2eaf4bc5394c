"""Resource groups of the clients: ``client.collections``, ``client.tiles``, ``client.files``.

The asyncio classes are written in ``_async``; the blocking ones in ``_sync`` are generated from them
by ``codegen/unasync.py``.
"""

from sentinelhub_byoc.resources._async.collections import AsyncCollections
from sentinelhub_byoc.resources._async.files import AsyncTileFiles
from sentinelhub_byoc.resources._async.tiles import AsyncTiles
from sentinelhub_byoc.resources._sync.collections import Collections
from sentinelhub_byoc.resources._sync.files import TileFiles
from sentinelhub_byoc.resources._sync.tiles import Tiles

__all__ = ["AsyncCollections", "AsyncTileFiles", "AsyncTiles", "Collections", "TileFiles", "Tiles"]
