"""Where collections live: the global lookup's entries, one per collection found."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import attrs

from sentinelhub_byoc.models._codec import STR, UUID_TEXT, ApiModel, api_field, extra_field

__all__ = ["CollectionLocation"]


@attrs.frozen(slots=False)
class CollectionLocation(ApiModel):
    """Which deployment holds a collection, as the service's global lookup answers it.

    ``location`` is the service's location id (``"aws-eu-central-1"``, ``"aws-us-west-2"``,
    ``"creo"``...); :meth:`AsyncCollections.locate
    <sentinelhub_byoc.resources._async.collections.AsyncCollections.locate>` turns it into a
    :class:`~sentinelhub_byoc.deployments.Deployment`.
    """

    id: UUID | None = api_field("id", read_only=True, read=UUID_TEXT, encode=str)
    """The collection's id."""
    location: str | None = api_field("location", read_only=True, read=STR)
    """The location id of the deployment that holds the collection."""
    name: str | None = api_field("name", read_only=True, read=STR)
    """The collection's name."""
    s3_bucket: str | None = api_field("s3Bucket", read_only=True, read=STR)
    """The bucket of the collection's files."""
    extra: Mapping[str, Any] = extra_field()
    """API members the model does not know yet, under their API names (``to_dict()`` writes them back)."""
