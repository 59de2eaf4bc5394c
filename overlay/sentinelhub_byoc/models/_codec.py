"""Mapping between the API's camelCase JSON and the overlay's attrs models.

Each model field declares its API name and a :class:`Reader`: how to check a JSON value when a
model is read from an answer, and how to turn it into the field's value. Reading checks every
member it knows at once (so a wrongly typed answer fails the call, with the member's path) and
converts each field on first access, keeping the JSON object it came from: a page of 100 tiles
costs little more than its JSON. Members the model does not know are kept in ``extra`` (API
names), so nothing a newer server sends is lost and ``to_dict()`` gives back what came in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any, Self, TypeVar
from uuid import UUID

import attrs

from sentinelhub_byoc.geometry._geometry import Geometry

_KEY = "sentinelhub_byoc.api"
T = TypeVar("T")


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


@attrs.frozen
class Reader:
    """How one field is read from JSON.

    ``kinds`` are the JSON types accepted (checked when the model is read); ``check`` looks
    further into the value then, returning something false or raising to refuse it (so a C
    function such as a compiled pattern's ``fullmatch`` can serve directly); ``convert`` builds
    the field's value on first access and must not fail on a value the checks accepted.
    """

    kinds: tuple[type, ...]
    expected: str
    check: Callable[[Any], object] | None = None
    convert: Callable[[Any], Any] | None = None


@attrs.frozen
class _FieldInfo:
    name: str
    read_only: bool
    reader: Reader | None
    encode: Callable[[Any], Any] | None


def api_field(
    name: str,
    *,
    read_only: bool = False,
    read: Reader | None = None,
    encode: Callable[[Any], Any] | None = None,
    default: Any = None,
) -> Any:
    """An attrs field stored in the API under *name*, read from JSON with *read*."""
    info = _FieldInfo(name, read_only, read, encode)
    return attrs.field(default=default, metadata={_KEY: info}, kw_only=True)


def extra_field() -> Any:
    """The field holding API members the model does not know (read-only mapping)."""
    return attrs.field(factory=dict, kw_only=True, converter=dict, repr=False)


def _infos(cls: type) -> list[tuple[str, _FieldInfo]]:
    return [(field.name, field.metadata[_KEY]) for field in attrs.fields(cls) if _KEY in field.metadata]


class _Plan:
    """How to read one model class, indexed for the loop in :func:`decode`.

    Making it puts a :class:`_Lazy` on the class for each field, which fills the field in on
    first access from the JSON a model was read from.
    """

    __slots__ = ("names", "readers", "specs")

    def __init__(self, cls: type) -> None:
        infos = _infos(cls)
        defaults = {field.name: field.default for field in attrs.fields(cls)}
        self.names = frozenset(info.name for _, info in infos)
        self.readers = {info.name: info.reader for _, info in infos if info.reader is not None}
        self.specs: dict[str, tuple[tuple[type, ...], Callable[[Any], object] | None]] = {
            name: (reader.kinds, reader.check) for name, reader in self.readers.items()
        }
        for attribute, info in infos:
            convert = info.reader.convert if info.reader else None
            setattr(cls, attribute, _Lazy(attribute, info.name, convert, defaults[attribute]))
        cls.extra = _Extra(self.names)  # type: ignore[attr-defined]


_PLANS: dict[type, _Plan] = {}
# The instance attribute holding the JSON object a model was read from.
_JSON = "_json_"


def _plan(cls: type) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _Plan(cls)
    return plan


def decode(cls: type[T], data: Any) -> T:
    """Read a *cls* model from an API JSON object, checking every member it knows.

    Members it does not know go to ``extra``; ``null`` is kept as ``None``. Raises
    :class:`DecodeError` (a :class:`ValueError`) naming the member that does not fit. Fields are
    converted on first access.
    """
    _check_members(_PLANS.get(cls) or _plan(cls), data)
    # Built without __init__: the fields are filled in from the JSON on first access. The
    # instance dictionary is written directly, past the frozen class's __setattr__.
    model: Any = object.__new__(cls)
    model.__dict__[_JSON] = data
    return model  # type: ignore[no-any-return]


def _check_members(plan: _Plan, data: Any) -> bool:
    """Check each member of *data* that *plan* knows; ``True``, or :class:`DecodeError`."""
    if type(data) is not dict and not isinstance(data, Mapping):
        raise DecodeError("", f"expected a JSON object, got {describe(data)}")
    specs = plan.specs
    for key, raw in data.items():
        spec = specs.get(key)
        if spec is None or raw is None:
            continue
        accepted, check = spec
        if type(raw) not in accepted and not _fits(raw, accepted):
            raise DecodeError(key, f"expected {plan.readers[key].expected}, got {describe(raw)}")
        if check is not None:
            try:
                accepted_value = check(raw)
            except DecodeError as error:
                raise error.under(key) from None
            except (TypeError, ValueError, AttributeError, OverflowError):
                accepted_value = False
            if not accepted_value:
                raise DecodeError(key, f"expected {plan.readers[key].expected}, got {describe(raw)}")
    return True


def _fits(value: Any, accepted: tuple[type, ...]) -> bool:
    """Whether a value given to ``from_dict`` by hand is of an accepted kind after all.

    JSON gives exact types, checked first; a str subclass or any Mapping for an object passes
    here, but a bool is no number.
    """
    if isinstance(value, bool):
        return bool in accepted
    if isinstance(value, Mapping):
        return dict in accepted
    return isinstance(value, accepted)


class _Lazy:
    """A field of a model read from JSON, converted on first access and kept in the instance.

    A non-data descriptor: once the value is in the instance's ``__dict__`` (or for a model
    built by ``__init__``, from the start) it is found there first.
    """

    __slots__ = ("attribute", "convert", "default", "name")

    def __init__(self, attribute: str, name: str, convert: Callable[[Any], Any] | None, default: Any) -> None:
        self.attribute = attribute
        self.name = name
        self.convert = convert
        self.default = default

    def __get__(self, model: Any, owner: type | None = None) -> Any:
        if model is None:
            return self
        state = model.__dict__
        data = state.get(_JSON)
        if data is None:
            raise AttributeError(f"{type(model).__name__!r} object has no attribute {self.attribute!r}")
        raw = data.get(self.name, _ABSENT)
        if raw is _ABSENT:
            value = self.default
        elif raw is None or self.convert is None:
            value = raw
        else:
            value = self.convert(raw)
        state[self.attribute] = value
        return value


class _Extra:
    """The ``extra`` field of a model read from JSON: the members it does not know, on first access."""

    __slots__ = ("names",)

    def __init__(self, names: frozenset[str]) -> None:
        self.names = names

    def __get__(self, model: Any, owner: type | None = None) -> Any:
        if model is None:
            return self
        data = _json_of(model, "extra")
        value = {key: raw for key, raw in data.items() if key not in self.names}
        model.__dict__["extra"] = value
        return value


def _json_of(model: Any, attribute: str) -> Mapping[str, Any]:
    data: Mapping[str, Any] | None = model.__dict__.get(_JSON)
    if data is None:
        raise AttributeError(f"{type(model).__name__!r} object has no attribute {attribute!r}")
    return data


_ABSENT = object()


_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def parse_datetime(value: Any) -> datetime:
    """An ISO 8601 timestamp as an aware datetime (UTC when no offset is given)."""
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _check_str_list(value: list[Any]) -> bool:
    for index, item in enumerate(value):
        if type(item) is not str:
            raise DecodeError(f"[{index}]", f"expected a string, got {describe(item)}")
    return True


def model_reader(cls: type) -> Reader:
    """The reader of a field holding a nested model."""
    # The nested class is complete when a field refers to it: its plan is made once, here,
    # and checked directly, as this check runs for every model read.
    plan = _plan(cls)
    return Reader((dict,), "a JSON object", partial(_check_members, plan), partial(decode, cls))


def map_reader(cls: type) -> Reader:
    """The reader of a field holding an object of nested models (bands by name)."""

    def read(raw: Mapping[str, Any]) -> dict[str, Any]:
        models: dict[str, Any] = {}
        for name, item in raw.items():
            try:
                models[name] = decode(cls, item)
            except DecodeError as error:
                raise error.under(name) from None
        return models

    plan = _plan(cls)

    def check(raw: Mapping[str, Any]) -> bool:
        for name, item in raw.items():
            try:
                _check_members(plan, item)
            except DecodeError as error:
                raise error.under(name) from None
        return True

    return Reader((dict,), "a JSON object", check, read)


STR = Reader((str,), "a string")
BOOL = Reader((bool,), "true or false")
INT = Reader((int,), "an integer")
NUMBER = Reader((int, float), "a number")
UUID_TEXT = Reader((str,), "a UUID string", _UUID_TEXT.fullmatch, UUID)
DATETIME = Reader((str,), "an ISO 8601 timestamp string", datetime.fromisoformat, parse_datetime)
STR_TUPLE = Reader((list,), "an array of strings", _check_str_list, tuple)
#: Geometries are read leniently: any object is kept (see :class:`Geometry`).
GEOMETRY = Reader((dict,), "a GeoJSON geometry object", None, Geometry._from_answer)


def write_geometry(value: Geometry) -> dict[str, Any]:
    """The GeoJSON of a geometry, with its ``crs`` member."""
    return value.to_geojson()


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

    def as_received(self) -> dict[str, Any] | None:
        """The JSON object this model was read from, member for member; ``None`` for one made in code.

        Timestamps, geometries (with their ``crs``), numbers and unknown members come back as the
        service sent them, where :meth:`to_dict` writes its own forms of them. The result is a
        copy, nested objects and arrays included: changing it leaves the model as it was. A
        model built by its constructor or by ``attrs.evolve`` was read from nothing: ``None``.
        """
        data = self.__dict__.get(_JSON)
        return None if data is None else _copy_json(data)


def _copy_json(value: Any) -> Any:
    """A copy of a JSON value with new objects and arrays at every depth (iterative: any depth)."""
    root: list[Any] = [None]
    pending: list[tuple[Any, Any, Any]] = [(value, root, 0)]
    while pending:
        source, parent, key = pending.pop()
        copied: Any
        if isinstance(source, Mapping):
            copied = {}
            for name, item in source.items():
                copied[name] = None  # keeps the members' order; filled in below
                pending.append((item, copied, name))
        elif isinstance(source, list | tuple):
            copied = [None] * len(source)
            pending.extend((item, copied, index) for index, item in enumerate(source))
        else:
            copied = source
        parent[key] = copied
    return root[0]


def format_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with millisecond precision at most, as the service stores sensing times."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    text = value.isoformat(timespec="milliseconds" if value.microsecond else "seconds")
    return text.replace("+00:00", "Z")
