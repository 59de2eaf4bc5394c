# generated from openapi.yaml by `python -m codegen generate`; do not edit, run `nox -s generate` instead
"""The BYOC operations of openapi.yaml, for the emulator's router.

``ROUTES`` holds, per operation, its method, its path template under both API prefixes (or, for
another service of the deployment such as the location list, its own path), its
operationId, the path parameter that may hold slashes (``greedy``) and the members its JSON
request body may carry (dotted names; ``*`` stands for any key of a map).
"""

from __future__ import annotations

from typing import Final

from ._routing import Member, Operation

PREFIXES: Final = ("/api/v1/byoc", "/byoc/v1")

_ADDITIONAL_DATA: Final[tuple[Member, ...]] = (
    Member("additionalData", ("object",), False),
    Member("additionalData.bands", ("object",), False),
    Member("additionalData.bands.*.source", ("string",), False),
    Member("additionalData.bands.*.bandIndex", ("integer",), False),
    Member("additionalData.bands.*.bitDepth", ("integer",), False),
    Member("additionalData.bands.*.sampleFormat", ("string",), False),
    Member("additionalData.bands.*.noData", ("number",), False),
    Member("additionalData.bands.*.aliases", ("array",), True),
    Member("additionalData.maxMetersPerPixel", ("number",), True),
    Member("additionalData.extent", ("object",), True),
    Member("additionalData.extent.type", ("string",), False),
    Member("additionalData.extent.coordinates", ("array",), False),
    Member("additionalData.hasSensingTimes", ("string",), True),
    Member("additionalData.fromSensingTime", ("string",), True),
    Member("additionalData.toSensingTime", ("string",), True),
    Member("additionalData.maxMetersPerPixelOverride", ("number",), False),
)

ROUTES: Final[tuple[Operation, ...]] = (
    Operation(
        "GET",
        ("/api/v1/byoc/collections/{collectionId}/tiles", "/byoc/v1/collections/{collectionId}/tiles"),
        "getByocCollectionTiles",
        "",
        (),
    ),
    Operation(
        "POST",
        ("/api/v1/byoc/collections/{collectionId}/tiles", "/byoc/v1/collections/{collectionId}/tiles"),
        "createByocCollectionTile",
        "",
        (
            Member("id", ("string",), True),
            Member("path", ("string",), False),
            Member("tileGeometry", ("object",), True),
            Member("tileGeometry.type", ("string",), False),
            Member("tileGeometry.coordinates", ("array",), False),
            Member("coverGeometry", ("object",), False),
            Member("sensingTime", ("string", "null"), False),
            Member("status", ("string",), True),
            Member("additionalData", ("object",), False),
            Member("additionalData.failedIngestionCause", ("string", "null"), False),
            Member("additionalData.warnings", ("string", "null"), False),
            Member("additionalData.minMetersPerPixel", ("number",), True),
            Member("additionalData.maxMetersPerPixel", ("number",), True),
            Member("created", ("string",), True),
        ),
    ),
    Operation(
        "GET",
        (
            "/api/v1/byoc/collections/{collectionId}/tiles/{tileId}",
            "/byoc/v1/collections/{collectionId}/tiles/{tileId}",
        ),
        "getByocCollectionTileById",
        "",
        (),
    ),
    Operation(
        "PUT",
        (
            "/api/v1/byoc/collections/{collectionId}/tiles/{tileId}",
            "/byoc/v1/collections/{collectionId}/tiles/{tileId}",
        ),
        "updateByocCollectionTileById",
        "",
        (Member("coverGeometry", ("object",), False), Member("sensingTime", ("string", "null"), False)),
    ),
    Operation(
        "DELETE",
        (
            "/api/v1/byoc/collections/{collectionId}/tiles/{tileId}",
            "/byoc/v1/collections/{collectionId}/tiles/{tileId}",
        ),
        "deleteByocCollectionTileById",
        "",
        (),
    ),
    Operation(
        "POST",
        (
            "/api/v1/byoc/collections/{collectionId}/tiles/{tileId}/reingest",
            "/byoc/v1/collections/{collectionId}/tiles/{tileId}/reingest",
        ),
        "reingestByocCollectionTileById",
        "",
        (),
    ),
    Operation(
        "GET",
        (
            "/api/v1/byoc/collections/{collectionId}/tiles/{tileId}/files",
            "/byoc/v1/collections/{collectionId}/tiles/{tileId}/files",
        ),
        "listByocTileFiles",
        "",
        (),
    ),
    Operation(
        "GET",
        (
            "/api/v1/byoc/collections/{collectionId}/tiles/{tileId}/files/{path}",
            "/byoc/v1/collections/{collectionId}/tiles/{tileId}/files/{path}",
        ),
        "getByocTileFile",
        "path",
        (),
    ),
    Operation(
        "HEAD",
        (
            "/api/v1/byoc/collections/{collectionId}/tiles/{tileId}/files/{path}",
            "/byoc/v1/collections/{collectionId}/tiles/{tileId}/files/{path}",
        ),
        "headByocTileFile",
        "path",
        (),
    ),
    Operation("GET", ("/api/v1/byoc/collections", "/byoc/v1/collections"), "getByocCollections", "", ()),
    Operation(
        "POST",
        ("/api/v1/byoc/collections", "/byoc/v1/collections"),
        "createByocCollection",
        "",
        (
            Member("id", ("string",), True),
            Member("accountId", ("string",), True),
            Member("name", ("string",), False),
            Member("s3Bucket", ("string",), False),
            Member("isConfigured", ("boolean",), False),
            Member("created", ("string", "null"), True),
            Member("noData", ("number",), False),
            Member("requiresMetadataUpdate", ("boolean",), True),
            *_ADDITIONAL_DATA,
        ),
    ),
    Operation(
        "GET",
        ("/api/v1/byoc/collections/{collectionId}", "/byoc/v1/collections/{collectionId}"),
        "getByocCollectionById",
        "",
        (),
    ),
    Operation(
        "PUT",
        ("/api/v1/byoc/collections/{collectionId}", "/byoc/v1/collections/{collectionId}"),
        "updateByocCollectionById",
        "",
        (
            Member("name", ("string",), False),
            Member("s3Bucket", ("string",), False),
            Member("noData", ("number",), False),
            *_ADDITIONAL_DATA,
        ),
    ),
    Operation(
        "DELETE",
        ("/api/v1/byoc/collections/{collectionId}", "/byoc/v1/collections/{collectionId}"),
        "deleteByocCollectionById",
        "",
        (),
    ),
    Operation(
        "POST",
        (
            "/api/v1/byoc/collections/{collectionId}/copyTiles",
            "/byoc/v1/collections/{collectionId}/copyTiles",
        ),
        "copyByocCollectionTiles",
        "",
        (),
    ),
    Operation("GET", ("/api/v1/byoc/global", "/byoc/v1/global"), "getByocGlobalCollections", "", ()),
    Operation("GET", ("/api/v1/metadata/location",), "getServiceLocations", "", ()),
)
