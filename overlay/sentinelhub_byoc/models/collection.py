"""Collections: a bucket of COG tiles with a common set of bands."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import attrs

from sentinelhub_byoc.geometry._value import Geometry
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
    sample_format: str | None = api_field("sampleFormat", read=STR)
    source: str | None = api_field("source", read=STR)
    band_index: int | None = api_field("bandIndex", read=INT)
    no_data: float | None = api_field("noData", read=NUMBER)
    aliases: tuple[str, ...] | None = api_field("aliases", read_only=True, read=STR_TUPLE, encode=list)
    extra: Mapping[str, Any] = extra_field()


@attrs.frozen(slots=False)
class CollectionAdditionalData(ApiModel):
    """A collection's bands and the metadata the service derives from its tiles.

    ``storage_identifier`` names the storage holding the bucket on the Copernicus Data Space
    deployment (``"waw3-1"``, ``"waw3-2"`` or ``"waw4-1"``); other deployments ignore it.
    """

    bands: Mapping[str, Band] | None = api_field("bands", read=map_reader(Band))
    storage_identifier: str | None = api_field("storageIdentifier", read=STR)
    max_meters_per_pixel: float | None = api_field("maxMetersPerPixel", read_only=True, read=NUMBER)
    extent: Geometry | None = api_field("extent", read_only=True, read=GEOMETRY, encode=write_geometry)
    has_sensing_times: str | None = api_field("hasSensingTimes", read_only=True, read=STR)
    from_sensing_time: datetime | None = api_field(
        "fromSensingTime", read_only=True, read=DATETIME, encode=format_datetime
    )
    to_sensing_time: datetime | None = api_field(
        "toSensingTime", read_only=True, read=DATETIME, encode=format_datetime
    )
    extra: Mapping[str, Any] = extra_field()


@attrs.frozen(slots=False)
class Collection(ApiModel):
    """A BYOC collection.

    >>> collection = Collection.from_dict({"id": "0b2c3d4e-0000-4000-8000-000000000001",
    ...                                    "name": "my-cogs", "s3Bucket": "my-bucket"})
    >>> collection.s3_bucket
    'my-bucket'
    """

    name: str = api_field("name", default="", read=STR)
    s3_bucket: str = api_field("s3Bucket", default="", read=STR)
    id: UUID | None = api_field("id", read_only=True, read=UUID_TEXT, encode=str)
    account_id: UUID | None = api_field("accountId", read_only=True, read=UUID_TEXT, encode=str)
    is_configured: bool | None = api_field("isConfigured", read=BOOL)
    created: datetime | None = api_field("created", read_only=True, read=DATETIME, encode=format_datetime)
    no_data: float | None = api_field("noData", read=NUMBER)
    requires_metadata_update: bool | None = api_field("requiresMetadataUpdate", read_only=True, read=BOOL)
    additional_data: CollectionAdditionalData | None = api_field(
        "additionalData", read=model_reader(CollectionAdditionalData)
    )
    extra: Mapping[str, Any] = extra_field()

    @property
    def bands(self) -> Mapping[str, Band]:
        """The collection's bands (empty until the first tile is ingested or bands are set)."""
        data = self.additional_data
        return data.bands or {} if data else {}
