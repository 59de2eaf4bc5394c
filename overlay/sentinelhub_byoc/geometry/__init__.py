"""CRS-aware tile and cover geometries that work with shapely, pyproj, GeoJSON and geopandas.

Everything that takes a geometry goes through :func:`as_geometry`, which accepts GeoJSON
dicts, Features, shapely and geopandas objects, WKT, API models and :class:`Geometry`
values. :func:`validate` checks what the service requires before anything is sent.

>>> from sentinelhub_byoc.geometry import as_geometry, validate
>>> cover = validate({"type": "Polygon", "coordinates": [[[14, 46], [15, 46], [15, 47], [14, 46]]]},
...                  cover=True)
>>> cover.to_geojson()["crs"]["properties"]["name"]
'urn:ogc:def:crs:OGC:1.3:CRS84'

shapely and pyproj (extra ``geo``) and rasterio (extra ``raster``) are imported only when
a feature needs them. The names below are imported on first use, so that reading an answer
loads only the geometry value it needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentinelhub_byoc._lazy import lazy_getattr

if TYPE_CHECKING:
    from sentinelhub_byoc.geometry._checks import MAX_COVER_POINTS
    from sentinelhub_byoc.geometry._cover import cover_geometry_from_cogs
    from sentinelhub_byoc.geometry._crs import (
        CDSE_ONLY_CRS,
        SUPPORTED_CRS,
        crs_urn,
        is_supported_crs,
        parse_crs,
    )
    from sentinelhub_byoc.geometry._errors import GeometryError, MissingExtraError
    from sentinelhub_byoc.geometry._export import (
        TileLike,
        feature_for_tile,
        iter_features,
        tile_collection_geo_interface,
        to_feature_collection,
    )
    from sentinelhub_byoc.geometry._geometry import Geometry, SimplifyResult
    from sentinelhub_byoc.geometry._inputs import as_geometry, validate
    from sentinelhub_byoc.geometry._plot import plot_footprints

_EXPORTS = {
    "cover_geometry_from_cogs": "sentinelhub_byoc.geometry._cover",
    "CDSE_ONLY_CRS": "sentinelhub_byoc.geometry._crs",
    "SUPPORTED_CRS": "sentinelhub_byoc.geometry._crs",
    "crs_urn": "sentinelhub_byoc.geometry._crs",
    "is_supported_crs": "sentinelhub_byoc.geometry._crs",
    "parse_crs": "sentinelhub_byoc.geometry._crs",
    "GeometryError": "sentinelhub_byoc.geometry._errors",
    "MissingExtraError": "sentinelhub_byoc.geometry._errors",
    "TileLike": "sentinelhub_byoc.geometry._export",
    "feature_for_tile": "sentinelhub_byoc.geometry._export",
    "iter_features": "sentinelhub_byoc.geometry._export",
    "tile_collection_geo_interface": "sentinelhub_byoc.geometry._export",
    "to_feature_collection": "sentinelhub_byoc.geometry._export",
    "as_geometry": "sentinelhub_byoc.geometry._inputs",
    "plot_footprints": "sentinelhub_byoc.geometry._plot",
    "SimplifyResult": "sentinelhub_byoc.geometry._geometry",
    "MAX_COVER_POINTS": "sentinelhub_byoc.geometry._checks",
    "validate": "sentinelhub_byoc.geometry._inputs",
    "Geometry": "sentinelhub_byoc.geometry._geometry",
}

__all__ = [
    "CDSE_ONLY_CRS",
    "MAX_COVER_POINTS",
    "SUPPORTED_CRS",
    "Geometry",
    "GeometryError",
    "MissingExtraError",
    "SimplifyResult",
    "TileLike",
    "as_geometry",
    "cover_geometry_from_cogs",
    "crs_urn",
    "feature_for_tile",
    "is_supported_crs",
    "iter_features",
    "parse_crs",
    "plot_footprints",
    "tile_collection_geo_interface",
    "to_feature_collection",
    "validate",
]


__getattr__ = lazy_getattr(globals(), _EXPORTS)


def __dir__() -> list[str]:
    return __all__
