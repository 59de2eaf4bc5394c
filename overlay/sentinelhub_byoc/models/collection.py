"""Collections: a bucket of COG tiles with a common set of bands."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import attrs

from sentinelhub_byoc.geometry._geometry import Geometry
from sentinelhub_byoc.models._codec import (
    BOOL,
    DATETIME,
    GEOMETRY,
    INT,
    NUMBER,
    STR,
    STR_TUPLE,
    UUID_TEXT,
    ApiModel,
    api_field,
    extra_field,
    format_datetime,
    map_reader,
    model_reader,
    write_geometry,
)

__all__ = ["Band", "Collection", "CollectionAdditionalData"]


@attrs.frozen(slots=False)
class Band(ApiModel):
    """One band of a collection: where its data comes from and its data type."""

    bit_depth: int | None = api_field("bitDepth", read=INT)
    """Bits per sample: 8, 16 or 32."""
    sample_format: str | None = api_field("sampleFormat", read=STR)
    """How samples are stored: ``"UINT"``, ``"INT"`` or ``"FLOAT"``."""
    source: str | None = api_field("source", read=STR)
    """The text that replaces ``(BAND)`` in tile paths for this band (default: the band's name)."""
    band_index: int | None = api_field("bandIndex", read=INT)
    """Which band of the source file holds the data, counted from 1 (the service's default: 1)."""
    no_data: float | None = api_field("noData", read=NUMBER)
    """The band's no-data value; set it per band or per collection, not both."""
    aliases: tuple[str, ...] | None = api_field("aliases", read_only=True, read=STR_TUPLE, encode=list)
    """Other names the band answers to in evalscripts; set by the service for some collections."""
    extra: Mapping[str, Any] = extra_field()
    """API members the model does not know yet, under their API names (``to_dict()`` writes them back)."""


@attrs.frozen(slots=False)
class CollectionAdditionalData(ApiModel):
    """A collection's bands and the metadata the service derives from its tiles.

    ``storage_identifier`` names the storage holding the bucket on the Copernicus Data Space
    deployment (``"waw3-1"``, ``"waw3-2"`` or ``"waw4-1"``); other deployments ignore it.
    """

    bands: Mapping[str, Band] | None = api_field("bands", read=map_reader(Band))
    """The collection's bands by name; they cannot change once a tile is added."""
    storage_identifier: str | None = api_field("storageIdentifier", read=STR)
    """The storage holding the bucket on the Copernicus Data Space deployment, e.g. ``"waw3-1"``."""
    max_meters_per_pixel: float | None = api_field("maxMetersPerPixel", read_only=True, read=NUMBER)
    """The coarsest resolution requests may ask of the collection, in meters per pixel; set by the service."""
    max_meters_per_pixel_override: float | None = api_field("maxMetersPerPixelOverride", read=NUMBER)
    """Raises ``max_meters_per_pixel``: the coarsest resolution requests may ask for, set by you."""
    extent: Geometry | None = api_field("extent", read_only=True, read=GEOMETRY, encode=write_geometry)
    """The area all tiles cover together, in WGS84; set by the service."""
    has_sensing_times: str | None = api_field("hasSensingTimes", read_only=True, read=STR)
    """Whether the tiles have sensing times: ``"YES"``, ``"PARTIALLY"`` or ``"NO"``; set by the service."""
    from_sensing_time: datetime | None = api_field(
        "fromSensingTime", read_only=True, read=DATETIME, encode=format_datetime
    )
    """The sensing time of the least recent tile; set by the service."""
    to_sensing_time: datetime | None = api_field(
        "toSensingTime", read_only=True, read=DATETIME, encode=format_datetime
    )
    """The sensing time of the most recent tile; set by the service."""
    extra: Mapping[str, Any] = extra_field()
    """API members the model does not know yet, under their API names (``to_dict()`` writes them back)."""


@attrs.frozen(slots=False)
class Collection(ApiModel):
    """A BYOC collection.

    >>> collection = Collection.from_dict({"id": "0b2c3d4e-0000-4000-8000-000000000001",
    ...                                    "name": "my-cogs", "s3Bucket": "my-bucket"})
    >>> collection.s3_bucket
    'my-bucket'
    """

    name: str = api_field("name", default="", read=STR)
    """The collection's name, as shown in the dashboard."""
    s3_bucket: str = api_field("s3Bucket", default="", read=STR)
    """The S3 bucket holding the collection's COGs."""
    id: UUID | None = api_field("id", read_only=True, read=UUID_TEXT, encode=str)
    """The collection's id, set by the service (``None`` before the collection is created)."""
    account_id: UUID | None = api_field("accountId", read_only=True, read=UUID_TEXT, encode=str)
    """The account that owns the collection; set by the service."""
    is_configured: bool | None = api_field("isConfigured", read=BOOL)
    """Whether the collection has bands."""
    created: datetime | None = api_field("created", read_only=True, read=DATETIME, encode=format_datetime)
    """When the collection was created; set by the service."""
    no_data: float | None = api_field("noData", read=NUMBER)
    """The no-data value of every band; set it per collection or per band, not both."""
    requires_metadata_update: bool | None = api_field("requiresMetadataUpdate", read_only=True, read=BOOL)
    """Whether the metadata in ``additional_data`` is being updated after tiles were added or removed."""
    additional_data: CollectionAdditionalData | None = api_field(
        "additionalData", read=model_reader(CollectionAdditionalData)
    )
    """The collection's bands and the metadata the service derives from its tiles."""
    extra: Mapping[str, Any] = extra_field()
    """API members the model does not know yet, under their API names (``to_dict()`` writes them back)."""

    @property
    def bands(self) -> Mapping[str, Band]:
        """The collection's bands (empty until the first tile is ingested or bands are set)."""
        data = self.additional_data
        return data.bands or {} if data else {}
