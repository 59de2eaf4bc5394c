# generated from openapi.yaml by openapi-python-client 0.29.1; do not edit, run `nox -s generate` instead
"""Contains all the data models used in inputs/outputs"""

from .boom import Boom
from .boom_code import BoomCode
from .boom_errors import BoomErrors
from .byoc_collection import BYOCCollection
from .byoc_collection_additional_data import BYOCCollectionAdditionalData
from .byoc_collection_additional_data_bands import BYOCCollectionAdditionalDataBands
from .byoc_collection_additional_data_has_sensing_times import (
    BYOCCollectionAdditionalDataHasSensingTimes,
)
from .byoc_collection_response import BYOCCollectionResponse
from .byoc_collection_update_payload import BYOCCollectionUpdatePayload
from .byoc_collections_response import BYOCCollectionsResponse
from .byoc_format import BYOCFormat
from .byoc_format_bit_depth import BYOCFormatBitDepth
from .byoc_format_sample_format import BYOCFormatSampleFormat
from .byoc_global_collection import BYOCGlobalCollection
from .byoc_global_collections_response import BYOCGlobalCollectionsResponse
from .byoc_tile import BYOCTile
from .byoc_tile_additional_data import BYOCTileAdditionalData
from .byoc_tile_response import BYOCTileResponse
from .byoc_tile_status import BYOCTileStatus
from .byoc_tile_update_payload import BYOCTileUpdatePayload
from .byoc_tiles_response import BYOCTilesResponse
from .get_byoc_collection_tiles_sort import GetByocCollectionTilesSort
from .multi_polygon import MultiPolygon
from .multi_polygon_type import MultiPolygonType
from .polygon import Polygon
from .polygon_type import PolygonType
from .rest_error_wrapper import RestErrorWrapper
from .service_location import ServiceLocation
from .service_locations_type_1 import ServiceLocationsType1
from .view import View

__all__ = (
    "BYOCCollection",
    "BYOCCollectionAdditionalData",
    "BYOCCollectionAdditionalDataBands",
    "BYOCCollectionAdditionalDataHasSensingTimes",
    "BYOCCollectionResponse",
    "BYOCCollectionUpdatePayload",
    "BYOCCollectionsResponse",
    "BYOCFormat",
    "BYOCFormatBitDepth",
    "BYOCFormatSampleFormat",
    "BYOCGlobalCollection",
    "BYOCGlobalCollectionsResponse",
    "BYOCTile",
    "BYOCTileAdditionalData",
    "BYOCTileResponse",
    "BYOCTileStatus",
    "BYOCTileUpdatePayload",
    "BYOCTilesResponse",
    "Boom",
    "BoomCode",
    "BoomErrors",
    "GetByocCollectionTilesSort",
    "MultiPolygon",
    "MultiPolygonType",
    "Polygon",
    "PolygonType",
    "RestErrorWrapper",
    "ServiceLocation",
    "ServiceLocationsType1",
    "View",
)
