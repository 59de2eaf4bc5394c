"""What the client returns: collections, tiles, bands and pages, with Pythonic field names."""

from sentinelhub_byoc.models.collection import Band, Collection, CollectionAdditionalData
from sentinelhub_byoc.models.enums import TileSort, TileStatus
from sentinelhub_byoc.models.location import CollectionLocation
from sentinelhub_byoc.models.page import Page
from sentinelhub_byoc.models.tile import FINAL_STATUSES, Tile, TileAdditionalData

__all__ = [
    "FINAL_STATUSES",
    "Band",
    "Collection",
    "CollectionAdditionalData",
    "CollectionLocation",
    "Page",
    "Tile",
    "TileAdditionalData",
    "TileSort",
    "TileStatus",
]
