"""The adapter: the one module that imports the generated client ``sentinelhub_byoc_api``.

Each function here binds one operation's arguments with the generated endpoint's public request
builder (``build_request``) and returns a :class:`~sentinelhub_byoc._transport.calls.Call`:
method, path below the API prefix, query, headers and JSON body, as plain data. The overlay sends
calls through its own send path and reads answers with its own decoders; the generated parsers
are never on the call path. When the generated package is regenerated, only this module can need
attention; the public API does not change.

The generated endpoint modules are imported on first use, so importing the client stays cheap.
"""

from __future__ import annotations

import enum
import functools
import importlib
import inspect
import math
import typing
from collections.abc import Mapping
from types import ModuleType
from typing import Any
from uuid import UUID

from sentinelhub_byoc._transport.calls import Call
from sentinelhub_byoc.errors import ValidationError

#: The path prefix the OpenAPI document uses; the send path puts the deployment's prefix instead.
SPEC_PATH_PREFIX = "/byoc/v1"

_GENERATED = "sentinelhub_byoc_api"


_TAGS = ("byoc_collection", "byoc_tile", "service_metadata")


@functools.cache
def _endpoint(name: str) -> ModuleType:
    for tag in _TAGS:
        try:
            return importlib.import_module(f"{_GENERATED}.api.{tag}.{name}")
        except ModuleNotFoundError:
            continue
    raise ModuleNotFoundError(f"the generated client has no operation {name!r}")


@functools.cache
def _parameter_types(name: str) -> dict[str, type[enum.Enum] | None]:
    """For each keyword of a generated request builder: the enum it is typed with, if any."""
    builder = _endpoint(name).build_request
    hints = typing.get_type_hints(builder)
    found: dict[str, type[enum.Enum] | None] = {}
    for parameter in inspect.signature(builder).parameters:
        enums = [
            arg
            for arg in typing.get_args(hints.get(parameter))
            if isinstance(arg, type) and issubclass(arg, enum.Enum)
        ]
        found[parameter] = enums[0] if enums else None
    return found


@functools.cache
def _model(name: str) -> Any:
    return getattr(importlib.import_module(f"{_GENERATED}.models"), name)


def _bind(name: str, *path_arguments: Any, **arguments: Any) -> Call:
    """Bind URL path *path_arguments* and other *arguments* with endpoint *name*'s request builder.

    ``None`` arguments are left unset; strings for enum-typed parameters become that enum.
    """
    declared = _parameter_types(name)
    other: dict[str, Any] = {}
    extra_query: dict[str, str] = {}
    for key, value in arguments.items():
        if value is None:
            continue
        if key not in declared:
            extra_query[key] = str(value)
            continue
        kind = declared[key]
        other[key] = kind(value) if kind is not None and not isinstance(value, kind) else value
    built = _endpoint(name).build_request(*path_arguments, **other)
    url: str = built["url"]
    # Paths outside the BYOC prefix belong to another service of the deployment (the location list).
    below_api = url.startswith(SPEC_PATH_PREFIX)
    path = url[len(SPEC_PATH_PREFIX) :] if below_api else url
    params: dict[str, Any] | None = built.get("params")
    if extra_query:
        params = {**(params or {}), **extra_query}
    return Call(
        name,
        built["method"].upper(),
        path,
        params or None,
        built.get("json"),
        built.get("headers"),
        from_root=not below_api,
    )


def _body(model: str, payload: Mapping[str, Any]) -> Any:
    _check_json_values(payload)
    # Through the generated model, so a body the document does not describe fails before sending.
    try:
        return _model(model).from_dict(dict(payload))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ValidationError(
            f"the request body does not fit the API's {model} ({type(error).__name__}: {error}); "
            "check the types of the fields you set"
        ) from None


#: Deeper than any body of the API nests; a value nested further is a mistake, not data.
_MAX_BODY_DEPTH = 32


def _check_json_values(payload: Mapping[str, Any]) -> None:
    """Refuse NaN, infinities and runaway nesting anywhere in a request body, naming the member.

    JSON has no NaN or infinity (``json.dumps`` would fail or write invalid JSON), and a body
    nested thousands deep would end in a ``RecursionError``. Walked without recursion.
    """
    stack: list[tuple[str, Any, int]] = [(key, value, 1) for key, value in payload.items()]
    while stack:
        where, value, depth = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError(
                f"{where} is {value}, which JSON cannot carry; give a finite number or leave it unset"
            )
        if isinstance(value, Mapping | list | tuple) and depth >= _MAX_BODY_DEPTH:
            raise ValidationError(
                f"{where} is nested more than {_MAX_BODY_DEPTH} levels deep; no member of the API's "
                "request bodies nests that far"
            )
        if isinstance(value, Mapping):
            stack.extend((f"{where}.{key}", item, depth + 1) for key, item in value.items())
        elif isinstance(value, list | tuple):
            stack.extend((f"{where}[{index}]", item, depth + 1) for index, item in enumerate(value))


def generated_tile_statuses() -> frozenset[str]:
    """The tile statuses the generated client knows (the specification's list)."""
    return frozenset(member.value for member in _model("BYOCTileStatus"))


def generated_sort_orders() -> frozenset[str]:
    """The tile list's sort orders the generated client knows (empty if the document has none)."""
    try:
        return frozenset(member.value for member in _model("GetByocCollectionTilesSort"))
    except AttributeError:
        return frozenset()


# Collections


def list_collections(*, count: int | None, viewtoken: str | None, search: str | None) -> Call:
    """Query collections (``getByocCollections``)."""
    return _bind("get_byoc_collections", count=count, viewtoken=viewtoken, search=search)


def get_collection(collection_id: UUID) -> Call:
    """Get a collection (``getByocCollectionById``)."""
    return _bind("get_byoc_collection_by_id", collection_id)


def create_collection(payload: Mapping[str, Any]) -> Call:
    """Create a collection (``createByocCollection``) from its API-shaped *payload*."""
    return _bind("create_byoc_collection", body=_body("BYOCCollection", payload))


def update_collection(collection_id: UUID, payload: Mapping[str, Any]) -> Call:
    """Replace a collection's settings (``updateByocCollectionById``)."""
    body = _body("BYOCCollectionUpdatePayload", payload)
    return _bind("update_byoc_collection_by_id", collection_id, body=body)


def delete_collection(collection_id: UUID) -> Call:
    """Delete a collection (``deleteByocCollectionById``)."""
    return _bind("delete_byoc_collection_by_id", collection_id)


def copy_tiles(collection_id: UUID, to_collection: UUID) -> Call:
    """Copy ingested tiles to another collection (``copyByocCollectionTiles``)."""
    return _bind("copy_byoc_collection_tiles", collection_id, to_collection=to_collection)


def locate_collections(ids: str) -> Call:
    """Find which deployment holds each collection (``getByocGlobalCollections``, our addition)."""
    return _bind("get_byoc_global_collections", ids=ids)


def service_locations() -> Call:
    """List the service's location ids and URLs (``getServiceLocations``, our addition)."""
    return _bind("get_service_locations")


# Tiles


def list_tiles(
    collection_id: UUID,
    *,
    count: int | None,
    viewtoken: str | None,
    sort: str | None,
    path: str | None,
    status: str | None,
) -> Call:
    """List a collection's tiles (``getByocCollectionTiles``)."""
    return _bind(
        "get_byoc_collection_tiles",
        collection_id,
        count=count,
        viewtoken=viewtoken,
        sort=sort,
        path=path,
        status=status,
    )


def get_tile(collection_id: UUID, tile_id: UUID) -> Call:
    """Get a tile (``getByocCollectionTileById``)."""
    return _bind("get_byoc_collection_tile_by_id", collection_id, tile_id)


def create_tile(collection_id: UUID, payload: Mapping[str, Any]) -> Call:
    """Create a tile (``createByocCollectionTile``) from its API-shaped *payload*."""
    return _bind("create_byoc_collection_tile", collection_id, body=_body("BYOCTile", payload))


def update_tile(collection_id: UUID, tile_id: UUID, payload: Mapping[str, Any]) -> Call:
    """Update a tile's cover geometry and sensing time (``updateByocCollectionTileById``)."""
    body = _body("BYOCTileUpdatePayload", payload)
    return _bind("update_byoc_collection_tile_by_id", collection_id, tile_id, body=body)


def delete_tile(collection_id: UUID, tile_id: UUID) -> Call:
    """Delete a tile (``deleteByocCollectionTileById``)."""
    return _bind("delete_byoc_collection_tile_by_id", collection_id, tile_id)


def reingest_tile(collection_id: UUID, tile_id: UUID) -> Call:
    """Start reingesting a tile (``reingestByocCollectionTileById``)."""
    return _bind("reingest_byoc_collection_tile_by_id", collection_id, tile_id)


# Planet-delivered tile files


def list_tile_files(collection_id: UUID, tile_id: UUID) -> Call:
    """List a Planet tile's files (``listByocTileFiles``)."""
    return _bind("list_byoc_tile_files", collection_id, tile_id)


def get_tile_file(collection_id: UUID, tile_id: UUID, path: str, *, byte_range: str | None = None) -> Call:
    """Download a Planet tile's file, or part of it (``getByocTileFile``)."""
    return _bind("get_byoc_tile_file", collection_id, tile_id, path, range_=byte_range)


def head_tile_file(collection_id: UUID, tile_id: UUID, path: str) -> Call:
    """Ask for a Planet tile file's size (``headByocTileFile``)."""
    return _bind("head_byoc_tile_file", collection_id, tile_id, path)


__all__ = [
    "SPEC_PATH_PREFIX",
    "Call",
    "copy_tiles",
    "create_collection",
    "create_tile",
    "delete_collection",
    "delete_tile",
    "generated_sort_orders",
    "generated_tile_statuses",
    "get_collection",
    "get_tile",
    "get_tile_file",
    "head_tile_file",
    "list_collections",
    "list_tile_files",
    "list_tiles",
    "locate_collections",
    "reingest_tile",
    "service_locations",
    "update_collection",
    "update_tile",
]
