"""Resource groups of the clients: ``client.collections``, ``client.tiles``, ``client.files``."""

from sentinelhub_byoc.resources.collections import AsyncCollections, Collections
from sentinelhub_byoc.resources.files import AsyncTileFiles, TileFiles
from sentinelhub_byoc.resources.tiles import AsyncTiles, Tiles

__all__ = ["AsyncCollections", "AsyncTileFiles", "AsyncTiles", "Collections", "TileFiles", "Tiles"]
