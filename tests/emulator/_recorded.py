"""Answers recorded from the live service, shaped as live answers are (and as other clients' fixtures are).

Collections carry ``accountId``, ``created`` with milliseconds, ``requiresMetadataUpdate``,
``isConfigured`` and, in ``additionalData``, bands without ``sampleFormat``, ``maxMetersPerPixel``, a
WGS84 ``extent`` and ``hasSensingTimes``. The ingested tile has ``tileGeometry`` in UTM, a MultiPolygon
``coverGeometry`` with the small offsets a round trip through CRS84 leaves, ``ingestionStart`` in
microseconds, ``sensingTime: null`` and its resolutions.
"""

from __future__ import annotations

import copy
from typing import Any

ACCOUNT_ID = "5d1c3a0e-7b2f-4c11-8e6a-2f9b7c4d1e03"
COLLECTION_ID = "3f6a2c1e-94b8-4d7a-a1c2-5e8f0b7d6c41"
EMPTY_COLLECTION_ID = "a41b9e2d-0c3f-4e58-b7a6-91d2c8e0f5b7"
INGESTED_ID = "c2e7f1a9-3b4d-4f60-9a8e-7d1c5b2e4f06"
FAILED_ID = "e9b4d2c7-1a5f-4e83-b6c0-2f7a9d3e1b58"
WAITING_ID = "71f0c3e8-5d2a-4b96-8c1e-a4b7d9f2e6c3"
BUCKET = "recorded-maps"

_UTM_33N = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}}

_INGESTED: dict[str, Any] = {
    "id": INGESTED_ID,
    "path": "maps/region_(BAND).tiff",
    "status": "INGESTED",
    "tileGeometry": {
        "crs": _UTM_33N,
        "type": "Polygon",
        "coordinates": [
            [
                [400000.0, 5200000.0],
                [500000.0, 5200000.0],
                [500000.0, 5100000.0],
                [400000.0, 5100000.0],
                [400000.0, 5200000.0],
            ]
        ],
    },
    "coverGeometry": {
        "crs": _UTM_33N,
        "type": "MultiPolygon",
        "coordinates": [
            [
                [
                    [400100.00001893, 5100100.000421],
                    [499899.99998765, 5100100.000433],
                    [499899.99997652, 5199899.000571],
                    [400100.0000213, 5199899.000568],
                    [400100.00001893, 5100100.000421],
                ]
            ]
        ],
    },
    "created": "2021-03-04T08:15:42.518000Z",
    "sensingTime": None,
    "additionalData": {"minMetersPerPixel": 10.0, "maxMetersPerPixel": 160.0},
    "ingestionStart": "2023-01-10T09:01:02.123456Z",
}

_FAILED: dict[str, Any] = {
    "id": FAILED_ID,
    "path": "maps/broken_(BAND).tiff",
    "status": "FAILED",
    "created": "2021-03-05T11:00:00.250000Z",
    "sensingTime": "2021-05-01T10:00:00Z",
    "additionalData": {"failedIngestionCause": "File maps/broken_region.tiff does not exist"},
    "ingestionStart": "2021-03-05T11:00:03.000017Z",
}

_WAITING: dict[str, Any] = {
    "id": WAITING_ID,
    "path": "maps/next_(BAND).tiff",
    "status": "WAITING",
    "created": "2021-03-06T12:30:00.000001Z",
    "sensingTime": None,
    "someFutureMember": {"kept": True},
}

_COLLECTION: dict[str, Any] = {
    "id": COLLECTION_ID,
    "accountId": ACCOUNT_ID,
    "userId": "0c4e1f2a-8b3d-4a57-9e6c-1d2f3a4b5c6d",
    "name": "Recorded land cover",
    "s3Bucket": BUCKET,
    "additionalData": {
        "bands": {"region": {"bitDepth": 8, "source": "region", "bandIndex": 1}},
        "maxMetersPerPixel": 800.0,
        "extent": {
            "type": "Polygon",
            "coordinates": [
                [
                    [13.687305017, 46.047179866],
                    [13.687305017, 46.952620317],
                    [14.99870728, 46.952620317],
                    [14.99870728, 46.047179866],
                    [13.687305017, 46.047179866],
                ]
            ],
        },
        "hasSensingTimes": "NO",
    },
    "created": "2021-03-04T08:10:11.123Z",
    "requiresMetadataUpdate": False,
    "isConfigured": True,
}

_EMPTY: dict[str, Any] = {
    "id": EMPTY_COLLECTION_ID,
    "name": "Recorded, not configured",
    "s3Bucket": BUCKET,
    "additionalData": {"hasSensingTimes": "NO"},
    "created": "2022-07-01T00:00:00.5Z",
    "requiresMetadataUpdate": False,
    "isConfigured": False,
}


def collection() -> dict[str, Any]:
    """The configured collection's record."""
    return copy.deepcopy(_COLLECTION)


def empty_collection() -> dict[str, Any]:
    """An empty collection's record, without ``accountId``."""
    return copy.deepcopy(_EMPTY)


def tiles() -> list[dict[str, Any]]:
    """The configured collection's tiles, in the order the service lists them."""
    return copy.deepcopy([_INGESTED, _FAILED, _WAITING])


def seed() -> dict[str, Any]:
    """A seed of both collections, the tiles nested under theirs."""
    return {"collections": [{**collection(), "tiles": tiles()}, {**empty_collection(), "tiles": []}]}
