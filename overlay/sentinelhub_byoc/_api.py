"""The adapter: the one module that imports the generated client ``sentinelhub_byoc_api``.

Everything else in the overlay talks to the API through the functions here, which take plain Python
values and JSON-shaped dicts and return a :class:`Call` (one operation with its arguments bound,
runnable sync or async). When the generated package is regenerated, only this module can need
attention; the public API does not change.
"""

from __future__ import annotations

import enum
import functools
import inspect
import typing
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol
from uuid import UUID

import attrs
import httpx
from sentinelhub_byoc_api import AuthenticatedClient
from sentinelhub_byoc_api.api.byoc_collection import (
    copy_byoc_collection_tiles,
    create_byoc_collection,
    delete_byoc_collection_by_id,
    get_byoc_collection_by_id,
    get_byoc_collections,
    update_byoc_collection_by_id,
)
from sentinelhub_byoc_api.api.byoc_tile import (
    create_byoc_collection_tile,
    delete_byoc_collection_tile_by_id,
    get_byoc_collection_tile_by_id,
    get_byoc_collection_tiles,
    get_byoc_tile_file,
    head_byoc_tile_file,
    list_byoc_tile_files,
    reingest_byoc_collection_tile_by_id,
    update_byoc_collection_tile_by_id,
)
from sentinelhub_byoc_api.models import (
    BYOCCollection,
    BYOCCollectionUpdatePayload,
    BYOCTile,
    BYOCTileStatus,
    BYOCTileUpdatePayload,
)

#: The path prefix the OpenAPI document uses; requests are rewritten to the deployment's prefix.
SPEC_PATH_PREFIX = "/byoc/v1"

#: Tile statuses as the specification lists them; unknown values parse into pseudo-members.
TileStatus = BYOCTileStatus

#: The sort orders the tile list accepts.
TILE_SORT_ORDERS: tuple[str, ...] = ("created:asc", "created:desc")

#: Request extension holding query parameters the generated functions no longer declare.
EXTRA_QUERY_EXTENSION = "sentinelhub_byoc.extra_query"


class _Detailed(Protocol):
    """What every generated ``*_detailed`` function returns."""

    status_code: int
    content: bytes
    headers: Mapping[str, str]


@attrs.frozen
class Call:
    """One API operation with its arguments bound.

    ``extra_query`` holds query parameters the regenerated client no longer declares (upstream
    dropped them from the document); they are still sent, as given, so callers keep working while
    the change report tells maintainers about the removal.
    """

    operation: str
    sync: Callable[[AuthenticatedClient], _Detailed]
    asyncio: Callable[[AuthenticatedClient], Awaitable[_Detailed]]
    request_kwargs: Callable[[], dict[str, Any]]
    extra_query: Mapping[str, str] = attrs.field(factory=dict)


@functools.cache
def _parameter_types(function: Callable[..., Any]) -> dict[str, type[enum.Enum] | None]:
    """For each keyword of a generated function: the enum it is typed with, if any."""
    hints = typing.get_type_hints(function)
    found: dict[str, type[enum.Enum] | None] = {}
    for name in inspect.signature(function).parameters:
        enums = [
            arg
            for arg in typing.get_args(hints.get(name))
            if isinstance(arg, type) and issubclass(arg, enum.Enum)
        ]
        found[name] = enums[0] if enums else None
    return found


def _bind(module: Any, *path_arguments: Any, **arguments: Any) -> Call:
    """Bind URL path *path_arguments* and other *arguments* to a generated endpoint module.

    ``None`` arguments are left unset; strings for enum-typed parameters become that enum.
    """
    declared = _parameter_types(module.sync_detailed)
    other: dict[str, Any] = {}
    extra_query: dict[str, str] = {}
    for name, value in arguments.items():
        if value is None:
            continue
        if name not in declared:
            extra_query[name] = str(value)
            continue
        kind = declared[name]
        other[name] = kind(value) if kind is not None and not isinstance(value, kind) else value

    def sync(client: AuthenticatedClient) -> _Detailed:
        return module.sync_detailed(*path_arguments, client=client, **other)  # type: ignore[no-any-return]

    async def asyncio(client: AuthenticatedClient) -> _Detailed:
        return await module.asyncio_detailed(*path_arguments, client=client, **other)  # type: ignore[no-any-return]

    def request_kwargs() -> dict[str, Any]:
        # The generated request builder; used to stream a response instead of buffering it.
        return module._get_kwargs(*path_arguments, **other)  # type: ignore[no-any-return]

    return Call(module.__name__.rsplit(".", 1)[-1], sync, asyncio, request_kwargs, extra_query)


def wrap(http: httpx.Client | httpx.AsyncClient) -> AuthenticatedClient:
    """A generated client that sends through *http* (which carries auth, retries and the base URL)."""
    client = AuthenticatedClient(base_url=str(http.base_url), token="")
    if isinstance(http, httpx.AsyncClient):
        return client.set_async_httpx_client(http)
    return client.set_httpx_client(http)


# Collections


def list_collections(*, count: int | None, viewtoken: str | None, search: str | None) -> Call:
    """Query collections (``getByocCollections``)."""
    return _bind(get_byoc_collections, count=count, viewtoken=viewtoken, search=search)


def get_collection(collection_id: UUID) -> Call:
    """Get a collection (``getByocCollectionById``)."""
    return _bind(get_byoc_collection_by_id, collection_id)


def create_collection(payload: Mapping[str, Any]) -> Call:
    """Create a collection (``createByocCollection``) from its API-shaped *payload*."""
    return _bind(create_byoc_collection, body=BYOCCollection.from_dict(dict(payload)))


def update_collection(collection_id: UUID, payload: Mapping[str, Any]) -> Call:
    """Replace a collection's settings (``updateByocCollectionById``)."""
    body = BYOCCollectionUpdatePayload.from_dict(dict(payload))
    return _bind(update_byoc_collection_by_id, collection_id, body=body)


def delete_collection(collection_id: UUID) -> Call:
    """Delete a collection (``deleteByocCollectionById``)."""
    return _bind(delete_byoc_collection_by_id, collection_id)


def copy_tiles(collection_id: UUID, to_collection: UUID) -> Call:
    """Copy ingested tiles to another collection (``copyByocCollectionTiles``)."""
    return _bind(copy_byoc_collection_tiles, collection_id, to_collection=to_collection)


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
        get_byoc_collection_tiles,
        collection_id,
        count=count,
        viewtoken=viewtoken,
        sort=sort,
        path=path,
        status=status,
    )


def get_tile(collection_id: UUID, tile_id: UUID) -> Call:
    """Get a tile (``getByocCollectionTileById``)."""
    return _bind(get_byoc_collection_tile_by_id, collection_id, tile_id)


def create_tile(collection_id: UUID, payload: Mapping[str, Any]) -> Call:
    """Create a tile (``createByocCollectionTile``) from its API-shaped *payload*."""
    return _bind(create_byoc_collection_tile, collection_id, body=BYOCTile.from_dict(dict(payload)))


def update_tile(collection_id: UUID, tile_id: UUID, payload: Mapping[str, Any]) -> Call:
    """Update a tile's cover geometry and sensing time (``updateByocCollectionTileById``)."""
    body = BYOCTileUpdatePayload.from_dict(dict(payload))
    return _bind(update_byoc_collection_tile_by_id, collection_id, tile_id, body=body)


def delete_tile(collection_id: UUID, tile_id: UUID) -> Call:
    """Delete a tile (``deleteByocCollectionTileById``)."""
    return _bind(delete_byoc_collection_tile_by_id, collection_id, tile_id)


def reingest_tile(collection_id: UUID, tile_id: UUID) -> Call:
    """Start reingesting a tile (``reingestByocCollectionTileById``)."""
    return _bind(reingest_byoc_collection_tile_by_id, collection_id, tile_id)


# Planet-delivered tile files


def list_tile_files(collection_id: UUID, tile_id: UUID) -> Call:
    """List a Planet tile's files (``listByocTileFiles``)."""
    return _bind(list_byoc_tile_files, collection_id, tile_id)


def get_tile_file(collection_id: UUID, tile_id: UUID, path: str, *, byte_range: str | None = None) -> Call:
    """Download a Planet tile's file, or part of it (``getByocTileFile``)."""
    return _bind(get_byoc_tile_file, collection_id, tile_id, path, range_=byte_range)


def head_tile_file(collection_id: UUID, tile_id: UUID, path: str) -> Call:
    """Ask for a Planet tile file's size (``headByocTileFile``)."""
    return _bind(head_byoc_tile_file, collection_id, tile_id, path)


__all__ = [
    "EXTRA_QUERY_EXTENSION",
    "SPEC_PATH_PREFIX",
    "TILE_SORT_ORDERS",
    "Call",
    "TileStatus",
    "copy_tiles",
    "create_collection",
    "create_tile",
    "delete_collection",
    "delete_tile",
    "get_collection",
    "get_tile",
    "get_tile_file",
    "head_tile_file",
    "list_collections",
    "list_tile_files",
    "list_tiles",
    "reingest_tile",
    "update_collection",
    "update_tile",
    "wrap",
]
