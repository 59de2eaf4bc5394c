"""Mapping between the API's camelCase JSON and the overlay's attrs models.

Each model field declares its API name and, where needed, how to decode and encode its value.
Fields the model does not know yet are kept in ``extra`` (API names), so nothing a newer server
sends is lost and ``to_dict()`` gives back what came in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Self, TypeVar
from uuid import UUID

import attrs

from sentinelhub_byoc.geometry._value import Geometry

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


class DecodeError(ValueError):
    """JSON that does not fit a model: ``path`` says where (``"additionalData.bands.B01.bitDepth"``).

    ``str(error)`` reads ``"<path>: <reason>"``.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.path = path
        self.reason = reason

    def under(self, prefix: str) -> DecodeError:
        """The same problem, one level further down: ``prefix`` comes before the path."""
        if not self.path:
            return DecodeError(prefix, self.reason)
        joiner = "" if self.path.startswith("[") else "."
        return DecodeError(f"{prefix}{joiner}{self.path}", self.reason)


def describe(value: Any) -> str:
    """A JSON value's kind and a short glimpse of it, for messages: ``"a number (12)"``."""
    kinds = {str: "a string", bool: "a boolean", int: "a number", float: "a number", list: "an array"}
    kind = kinds.get(type(value), "an object" if isinstance(value, Mapping) else type(value).__name__)
    text = repr(value)
    return f"{kind} ({text[:40]}{'…' if len(text) > 40 else ''})"


_Reader = Callable[[Any], Any] | None
_PLANS: dict[type, dict[str, tuple[str, _Reader]]] = {}


def _plan(cls: type) -> dict[str, tuple[str, _Reader]]:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = {info.name: (attribute, info.decode) for attribute, info in _infos(cls)}
        _PLANS[cls] = plan
    return plan


def decode(cls: type[T], data: Any) -> T:
    """Build a *cls* model from an API JSON object, checking the type of every member it knows.

    Members it does not know go to ``extra``; ``null`` is kept as ``None``. Raises
    :class:`DecodeError` (a :class:`ValueError`) naming the member that does not fit.
    """
    if not isinstance(data, Mapping):
        raise DecodeError("", f"expected a JSON object, got {describe(data)}")
    plan = _plan(cls)
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, raw in data.items():
        field = plan.get(key)
        if field is None:
            extra[key] = raw
            continue
        attribute, read = field
        if raw is None or read is None:
            values[attribute] = raw
            continue
        try:
            values[attribute] = read(raw)
        except DecodeError as error:
            raise error.under(key) from None
        except (TypeError, ValueError, AttributeError, OverflowError) as error:
            raise DecodeError(key, f"cannot read {describe(raw)}: {error}") from None
    factory: Callable[..., T] = cls
    return factory(**values, extra=extra)


def read_str(value: Any) -> str:
    """A JSON string, else :class:`DecodeError`."""
    if type(value) is not str:
        raise DecodeError("", f"expected a string, got {describe(value)}")
    return value


def read_bool(value: Any) -> bool:
    """A JSON boolean, else :class:`DecodeError`."""
    if type(value) is not bool:
        raise DecodeError("", f"expected true or false, got {describe(value)}")
    return value


def read_int(value: Any) -> int:
    """A JSON integer, else :class:`DecodeError`."""
    if type(value) is not int:
        raise DecodeError("", f"expected an integer, got {describe(value)}")
    return value


def read_number(value: Any) -> float | int:
    """A JSON number, else :class:`DecodeError`."""
    if type(value) is not int and type(value) is not float:
        raise DecodeError("", f"expected a number, got {describe(value)}")
    return value


def read_uuid(value: Any) -> UUID:
    """A UUID string, else :class:`DecodeError`."""
    if type(value) is not str:
        raise DecodeError("", f"expected a UUID string, got {describe(value)}")
    try:
        return UUID(value)
    except ValueError:
        raise DecodeError("", f"expected a UUID string, got {describe(value)}") from None


def read_datetime(value: Any) -> datetime:
    """An ISO 8601 timestamp string as an aware datetime (UTC when it has no offset)."""
    if type(value) is not str:
        raise DecodeError("", f"expected an ISO 8601 timestamp string, got {describe(value)}")
    try:
        return parse_datetime(value)
    except ValueError:
        raise DecodeError("", f"expected an ISO 8601 timestamp string, got {describe(value)}") from None


def read_str_tuple(value: Any) -> tuple[str, ...]:
    """A JSON array of strings as a tuple."""
    if type(value) is not list:
        raise DecodeError("", f"expected an array of strings, got {describe(value)}")
    for index, item in enumerate(value):
        if type(item) is not str:
            raise DecodeError(f"[{index}]", f"expected a string, got {describe(item)}")
    return tuple(value)


def read_geometry(value: Any) -> Geometry:
    """A GeoJSON geometry object the service sent, read leniently (see :class:`Geometry`)."""
    if not isinstance(value, Mapping):
        raise DecodeError("", f"expected a GeoJSON geometry object, got {describe(value)}")
    return Geometry._from_answer(value)


def write_geometry(value: Geometry) -> dict[str, Any]:
    """The GeoJSON of a geometry, with its ``crs`` member."""
    return value.to_geojson()


def read_object(value: Any) -> Mapping[str, Any]:
    """A JSON object, else :class:`DecodeError`."""
    if not isinstance(value, Mapping):
        raise DecodeError("", f"expected a JSON object, got {describe(value)}")
    return value


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
        """Build from the API's camelCase JSON; unknown members are kept in ``extra``.

        Raises :class:`ValueError` naming the member whose value does not fit.
        """
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
