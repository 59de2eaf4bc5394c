"""Collections: a bucket of COG tiles with a common set of bands."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import attrs

from sentinelhub_byoc.geometry._value import Geometry
from sentinelhub_byoc.models._codec import (
    ApiModel,
    DecodeError,
    api_field,
    decode,
    extra_field,
    format_datetime,
    read_bool,
    read_datetime,
    read_geometry,
    read_int,
    read_number,
    read_object,
    read_str,
    read_str_tuple,
    read_uuid,
    write_geometry,
)


@attrs.frozen
class Band(ApiModel):
    """One band of a collection: where its data comes from and its data type."""

    bit_depth: int | None = api_field("bitDepth", decode=read_int)
    sample_format: str | None = api_field("sampleFormat", decode=read_str)
    source: str | None = api_field("source", decode=read_str)
    band_index: int | None = api_field("bandIndex", decode=read_int)
    no_data: float | None = api_field("noData", decode=read_number)
    aliases: tuple[str, ...] | None = api_field("aliases", read_only=True, decode=read_str_tuple, encode=list)
    extra: Mapping[str, Any] = extra_field()


def _bands(value: Any) -> dict[str, Band]:
    bands: dict[str, Band] = {}
    for name, band in read_object(value).items():
        try:
            bands[name] = decode(Band, band)
        except DecodeError as error:
            raise error.under(name) from None
    return bands


@attrs.frozen
class CollectionAdditionalData(ApiModel):
    """A collection's bands and the metadata the service derives from its tiles."""

    bands: Mapping[str, Band] | None = api_field("bands", decode=_bands)
    max_meters_per_pixel: float | None = api_field("maxMetersPerPixel", read_only=True, decode=read_number)
    extent: Geometry | None = api_field("extent", read_only=True, decode=read_geometry, encode=write_geometry)
    has_sensing_times: str | None = api_field("hasSensingTimes", read_only=True, decode=read_str)
    from_sensing_time: datetime | None = api_field(
        "fromSensingTime", read_only=True, decode=read_datetime, encode=format_datetime
    )
    to_sensing_time: datetime | None = api_field(
        "toSensingTime", read_only=True, decode=read_datetime, encode=format_datetime
    )
    extra: Mapping[str, Any] = extra_field()


@attrs.frozen
class Collection(ApiModel):
    """A BYOC collection.

    >>> collection = Collection.from_dict({"id": "0b2c3d4e-0000-4000-8000-000000000001",
    ...                                    "name": "my-cogs", "s3Bucket": "my-bucket"})
    >>> collection.s3_bucket
    'my-bucket'
    """

    name: str = api_field("name", default="", decode=read_str)
    s3_bucket: str = api_field("s3Bucket", default="", decode=read_str)
    id: UUID | None = api_field("id", read_only=True, decode=read_uuid, encode=str)
    account_id: UUID | None = api_field("accountId", read_only=True, decode=read_uuid, encode=str)
    is_configured: bool | None = api_field("isConfigured", decode=read_bool)
    created: datetime | None = api_field(
        "created", read_only=True, decode=read_datetime, encode=format_datetime
    )
    no_data: float | None = api_field("noData", decode=read_number)
    requires_metadata_update: bool | None = api_field(
        "requiresMetadataUpdate", read_only=True, decode=read_bool
    )
    additional_data: CollectionAdditionalData | None = api_field(
        "additionalData", decode=CollectionAdditionalData.from_dict
    )
    extra: Mapping[str, Any] = extra_field()

    @property
    def bands(self) -> Mapping[str, Band]:
        """The collection's bands (empty until the first tile is ingested or bands are set)."""
        data = self.additional_data
        return data.bands or {} if data else {}
