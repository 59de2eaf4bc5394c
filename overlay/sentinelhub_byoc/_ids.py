"""Turning what users hold (strings, UUIDs, model objects) into the ids the API takes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sentinelhub_byoc.errors import ValidationError


def as_uuid(value: Any, what: str) -> UUID:
    """The UUID of *value*: a UUID, its string form, or an object with an ``id`` (a collection, a tile).

    Raises :class:`ValidationError` before any request when it is none of those.
    """
    if isinstance(value, UUID):
        return value
    if isinstance(value, str):
        try:
            return UUID(value)
        except ValueError:
            raise ValidationError(
                f"{what} id {value!r} is not a UUID; pass the id as shown by the API "
                "(e.g. '0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b'), a uuid.UUID or the object itself"
            ) from None
    identifier = getattr(value, "id", None)
    if identifier is not None:
        return as_uuid(identifier, what)
    raise ValidationError(
        f"cannot take a {what} id from {type(value).__name__}; "
        f"pass a UUID string, a uuid.UUID or the {what} itself"
    )
