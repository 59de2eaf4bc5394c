"""What creating a resource decides without sending: the new collection, and whose conflict a 409 is."""

from __future__ import annotations

from typing import Any

from sentinelhub_byoc._transport.extensions import EARLIER_ATTEMPT_MAY_HAVE_ACTED_EXTENSION
from sentinelhub_byoc.errors import ConflictError
from sentinelhub_byoc.models import Collection


def new_collection(
    collection: Collection | None, name: str | None, s3_bucket: str | None, **fields: Any
) -> Collection:
    """*collection* itself, or a collection made from its fields (those given as ``None`` left out)."""
    if collection is not None:
        return collection
    return Collection(
        name=name or "", s3_bucket=s3_bucket or "", **{k: v for k, v in fields.items() if v is not None}
    )


def own_retried_creation(error: ConflictError) -> bool:
    """Whether a 409 answered a *retried* creation whose earlier attempt may have created the tile.

    Not when every earlier attempt was throttled (429) or never connected: then the tile existed
    before this call, and the conflict is the caller's to see.
    """
    response = error.response
    return response is not None and response.extensions.get(EARLIER_ATTEMPT_MAY_HAVE_ACTED_EXTENSION) is True
