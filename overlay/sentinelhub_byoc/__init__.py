"""sentinelhub-byoc: a typed client for Sentinel Hub's Bring Your Own COG (BYOC) API.

>>> from sentinelhub_byoc import BYOCClient
>>> with BYOCClient() as client:  # doctest: +SKIP
...     collection = client.collections.create(name="my-cogs", s3_bucket="my-bucket")
...     tile = client.tiles.create(collection, "2024/05/01/(BAND).tif")

Credentials come from the arguments, ``SH_CLIENT_ID`` / ``SH_CLIENT_SECRET``, or the Sentinel Hub
profiles file. :mod:`sentinelhub_byoc.testing` holds a local emulator of the service;
:mod:`sentinelhub_byoc.geometry` the CRS-aware geometry helpers. Names are imported on first use,
so ``import sentinelhub_byoc`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentinelhub_byoc._deprecation import deprecated_import
from sentinelhub_byoc._lazy import lazy_getattr
from sentinelhub_byoc._version import __version__

if TYPE_CHECKING:
    from sentinelhub_byoc.auth import ClientCredentialsAuth, StaticTokenAuth
    from sentinelhub_byoc.client import AsyncBYOCClient, BYOCClient
    from sentinelhub_byoc.config import Credentials
    from sentinelhub_byoc.deployments import CDSE, CDSE_OTC, CREODIAS, EU, GCP, US_WEST, Deployment
    from sentinelhub_byoc.errors import (
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        BYOCError,
        ConfigurationError,
        ConflictError,
        NotFoundError,
        PaginationError,
        PermissionDeniedError,
        RateLimitError,
        ServerError,
        ValidationError,
    )
    from sentinelhub_byoc.geometry import Geometry
    from sentinelhub_byoc.models import (
        Band,
        Collection,
        CollectionAdditionalData,
        Page,
        Tile,
        TileSort,
        TileStatus,
    )
    from sentinelhub_byoc.ratelimit import RateLimiter
    from sentinelhub_byoc.retries import RetryPolicy
    from sentinelhub_byoc.shared_ratelimit import SharedRateLimiter

_EXPORTS = {
    "ClientCredentialsAuth": "sentinelhub_byoc.auth",
    "StaticTokenAuth": "sentinelhub_byoc.auth",
    "AsyncBYOCClient": "sentinelhub_byoc.client",
    "BYOCClient": "sentinelhub_byoc.client",
    "Credentials": "sentinelhub_byoc.config",
    "CDSE": "sentinelhub_byoc.deployments",
    "CDSE_OTC": "sentinelhub_byoc.deployments",
    "CREODIAS": "sentinelhub_byoc.deployments",
    "EU": "sentinelhub_byoc.deployments",
    "GCP": "sentinelhub_byoc.deployments",
    "US_WEST": "sentinelhub_byoc.deployments",
    "Deployment": "sentinelhub_byoc.deployments",
    "APIConnectionError": "sentinelhub_byoc.errors",
    "APIError": "sentinelhub_byoc.errors",
    "APIResponseValidationError": "sentinelhub_byoc.errors",
    "APITimeoutError": "sentinelhub_byoc.errors",
    "AuthenticationError": "sentinelhub_byoc.errors",
    "BadRequestError": "sentinelhub_byoc.errors",
    "BYOCError": "sentinelhub_byoc.errors",
    "ConfigurationError": "sentinelhub_byoc.errors",
    "ConflictError": "sentinelhub_byoc.errors",
    "NotFoundError": "sentinelhub_byoc.errors",
    "PaginationError": "sentinelhub_byoc.errors",
    "PermissionDeniedError": "sentinelhub_byoc.errors",
    "RateLimitError": "sentinelhub_byoc.errors",
    "ServerError": "sentinelhub_byoc.errors",
    "ValidationError": "sentinelhub_byoc.errors",
    "Geometry": "sentinelhub_byoc.geometry",
    "Band": "sentinelhub_byoc.models",
    "Collection": "sentinelhub_byoc.models",
    "CollectionAdditionalData": "sentinelhub_byoc.models",
    "Page": "sentinelhub_byoc.models",
    "Tile": "sentinelhub_byoc.models",
    "TileSort": "sentinelhub_byoc.models",
    "TileStatus": "sentinelhub_byoc.models",
    "RateLimiter": "sentinelhub_byoc.ratelimit",
    "RetryPolicy": "sentinelhub_byoc.retries",
    "SharedRateLimiter": "sentinelhub_byoc.shared_ratelimit",
}

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APITimeoutError",
    "AsyncBYOCClient",
    "AuthenticationError",
    "BYOCClient",
    "BYOCError",
    "BadRequestError",
    "Band",
    "CDSE",
    "CDSE_OTC",
    "CREODIAS",
    "ClientCredentialsAuth",
    "Collection",
    "CollectionAdditionalData",
    "ConfigurationError",
    "ConflictError",
    "Credentials",
    "Deployment",
    "EU",
    "GCP",
    "Geometry",
    "NotFoundError",
    "Page",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimiter",
    "RetryPolicy",
    "SharedRateLimiter",
    "ServerError",
    "StaticTokenAuth",
    "Tile",
    "TileSort",
    "TileStatus",
    "US_WEST",
    "ValidationError",
    "__version__",
]


__getattr__ = lazy_getattr(globals(), _EXPORTS)
deprecated_import(
    globals(),
    "GCP_US_CENTRAL",
    "sentinelhub_byoc.deployments",
    instead="use the 'gcp' deployment (https://services-gcp.sentinel-hub.com) instead; this one still "
    "points at the obsolete host https://services-gcp-us-central1.sentinel-hub.com",
    since="0.1",
    remove_in="0.2",
)


def __dir__() -> list[str]:
    return __all__
