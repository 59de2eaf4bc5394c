"""Mapping between the API's camelCase JSON and the overlay's attrs models.

Each model field declares its API name and, where needed, how to decode and encode its value.
Fields the model does not know yet are kept in ``extra`` (API names), so nothing a newer server
sends is lost and ``to_dict()`` gives back what came in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Self, TypeVar

import attrs

_KEY = "sentinelhub_byoc.api"
T = TypeVar("T")


@attrs.frozen
class _FieldInfo:
    name: str
    read_only: bool
    decode: Callable[[Any], Any] | None
    encode: Callable[[Any], Any] | None


def api_field(
    name: str,
    *,
    read_only: bool = False,
    decode: Callable[[Any], Any] | None = None,
    encode: Callable[[Any], Any] | None = None,
    default: Any = None,
) -> Any:
    """An attrs field stored in the API under *name*."""
    return attrs.field(
        default=default, metadata={_KEY: _FieldInfo(name, read_only, decode, encode)}, kw_only=True
    )


def extra_field() -> Any:
    """The field holding API members the model does not know (read-only mapping)."""
    return attrs.field(factory=dict, kw_only=True, converter=dict, repr=False)


def _infos(cls: type) -> list[tuple[str, _FieldInfo]]:
    return [(field.name, field.metadata[_KEY]) for field in attrs.fields(cls) if _KEY in field.metadata]


def decode(cls: type[T], data: Mapping[str, Any]) -> T:
    """Build a *cls* model from an API JSON object."""
    if not isinstance(data, Mapping):
        raise TypeError(f"expected a JSON object for {cls.__name__}, got {type(data).__name__}")
    remaining = dict(data)
    values: dict[str, Any] = {}
    for attribute, info in _infos(cls):
        if info.name in remaining:
            raw = remaining.pop(info.name)
            values[attribute] = info.decode(raw) if (info.decode and raw is not None) else raw
    factory: Callable[..., T] = cls
    return factory(**values, extra=remaining)


def _is_model(value: Any) -> bool:
    """Whether *value* is one of the API models (an attrs class with API fields)."""
    cls = type(value)
    return attrs.has(cls) and any(_KEY in field.metadata for field in attrs.fields(cls))


def _encode_value(value: Any, info: _FieldInfo, request: bool) -> Any:
    if _is_model(value):
        return encode(value, request=request)
    if isinstance(value, Mapping) and value and all(_is_model(item) for item in value.values()):
        return {key: encode(item, request=request) for key, item in value.items()}
    return info.encode(value) if info.encode else value


def encode(model: Any, *, request: bool = False) -> dict[str, Any]:
    """The API JSON object for *model*; nested models are encoded the same way.

    With ``request=True`` (what is sent to the server) read-only fields and unknown members are
    left out at every level, and so is every ``None``: requests never carry padding nulls. A
    nested object left with nothing to send (only read-only members) is left out too, since an
    empty object can mean "clear it" to the service.
    """
    result: dict[str, Any] = {} if request else dict(model.extra)
    for attribute, info in _infos(type(model)):
        value = getattr(model, attribute)
        if value is None or (request and info.read_only):
            continue
        encoded = _encode_value(value, info, request)
        if request and _is_model(value) and not encoded:
            continue
        result[info.name] = encoded
    return result


class ApiModel:
    """Base of the overlay models: conversion from and to the API's camelCase JSON."""

    extra: Mapping[str, Any]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Build from the API's camelCase JSON; unknown members are kept in ``extra``."""
        return decode(cls, data)

    def to_dict(self) -> dict[str, Any]:
        """The API's camelCase JSON, unknown members included."""
        return encode(self)


def parse_datetime(value: Any) -> datetime:
    """An ISO 8601 timestamp as an aware datetime (UTC when no offset is given)."""
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with millisecond precision at most, as the service stores sensing times."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    text = value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")
    return text.replace("+00:00", "Z")
