"""Sample answers and geometries: what the service sends, as the tests that script a server use it.

The identifiers are fixed, so a failing example names the same collection and tile every run.
:func:`tile_json` and :func:`collection_json` give an answer's ``data`` as the service writes it;
a test changes the members it is about. :func:`json_values` is any JSON at all, for the fuzzers
that put it where an answer's members should be.
"""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import strategies as st
from sentinelhub_byoc import Deployment

BASE_URL = "https://byoc.test"
DEPLOYMENT = Deployment.custom(base_url=BASE_URL, token_url=BASE_URL + "/token", path_prefix="/api/v1/byoc")

COLLECTION_ID = uuid.UUID("0b2c3d4e-0000-4000-8000-000000000001")
OTHER_COLLECTION_ID = uuid.UUID("0b2c3d4e-0000-4000-8000-000000000002")
TILE_ID = uuid.UUID("0b2c3d4e-0000-4000-8000-0000000000a1")
OTHER_TILE_ID = uuid.UUID("0b2c3d4e-0000-4000-8000-0000000000a2")
THIRD_TILE_ID = uuid.UUID("0b2c3d4e-0000-4000-8000-0000000000a3")
#: A Planet file name, as a tile's file list has it.
FILE_NAME = "20241230_100706_56_24fd_ortho_udm2.tif"

# ---------------------------------------------------------------------------------------------
# Geometries


def square_ring(west: float, south: float, size: float) -> list[list[float]]:
    """The closed ring of a square, anticlockwise from its south-west corner."""
    east, north = west + size, south + size
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


#: One degree square in Slovenia, longitude first (no ``crs`` member: CRS84).
SQUARE: dict[str, Any] = {
    "type": "Polygon",
    "coordinates": [[[14, 46], [15, 46], [15, 47], [14, 47], [14, 46]]],
}
#: Ten kilometres square in UTM zone 33N, with the ``crs`` member the service writes.
UTM_BOX: dict[str, Any] = {
    "type": "Polygon",
    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}},
    "coordinates": [
        [[500000, 5100000], [510000, 5100000], [510000, 5110000], [500000, 5110000], [500000, 5100000]]
    ],
}
#: Spec-valid (the document only says "arrays of [x, y]") but not valid GeoJSON.
OPEN_RING: dict[str, Any] = {"type": "Polygon", "coordinates": [[[14, 46], [15, 46], [15, 47], [14, 47]]]}
SHORT_RING: dict[str, Any] = {"type": "Polygon", "coordinates": [[[14, 46], [15, 46], [14, 46]]]}

# ---------------------------------------------------------------------------------------------
# Answers


def tile_json(tile_id: uuid.UUID = TILE_ID, **members: Any) -> dict[str, Any]:
    """A tile as the service sends it; *members* replace or add members."""
    tile: dict[str, Any] = {
        "id": str(tile_id),
        "path": f"2024/{tile_id.hex[-2:]}/(BAND).tif",
        "status": "INGESTED",
        "tileGeometry": UTM_BOX,
        "coverGeometry": UTM_BOX,
        "sensingTime": "2024-05-01T10:00:00Z",
        "created": "2024-05-02T08:00:00.123Z",
    }
    tile.update(members)
    return tile


def collection_json(**members: Any) -> dict[str, Any]:
    """A configured collection as the service sends it; *members* replace or add members."""
    collection: dict[str, Any] = {
        "id": str(COLLECTION_ID),
        "accountId": "0b2c3d4e-0000-4000-8000-00000000ac01",
        "name": "my-cogs",
        "s3Bucket": "my-bucket",
        "isConfigured": True,
        "created": "2024-05-01T08:00:00.000Z",
        "noData": 0,
        "requiresMetadataUpdate": False,
        "additionalData": {
            "bands": {
                "B01": {"bitDepth": 16, "sampleFormat": "UINT", "source": "B01", "bandIndex": 1, "noData": 0}
            },
            "maxMetersPerPixel": 10.0,
            "extent": SQUARE,
            "hasSensingTimes": "YES",
            "fromSensingTime": "2024-05-01T10:00:00Z",
            "toSensingTime": "2024-05-01T10:00:00Z",
        },
    }
    collection.update(members)
    return collection


# ---------------------------------------------------------------------------------------------
# Any JSON


def json_values(
    *, odd_numbers: bool, text_size: int, width: int, key_size: int, max_leaves: int
) -> st.SearchStrategy[Any]:
    """Any JSON value: scalars, and lists and objects of at most *width* items, nested.

    With *odd_numbers*, integers beyond 64 bits, NaN and the infinities too (Python's ``json``
    reads and writes them).
    """
    if odd_numbers:
        numbers = [st.integers(min_value=-(2**70), max_value=2**70), st.floats()]
    else:
        numbers = [st.integers(), st.floats(allow_nan=False, allow_infinity=False)]
    leaves = st.one_of(st.none(), st.booleans(), *numbers, st.text(max_size=text_size))
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=width),
            st.dictionaries(st.text(max_size=key_size), children, max_size=width),
        ),
        max_leaves=max_leaves,
    )
