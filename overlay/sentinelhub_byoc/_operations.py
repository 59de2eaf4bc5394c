"""Every client operation as data: what to call, which statuses mean success, how to read the answer.

Nothing here does I/O. :class:`~sentinelhub_byoc.client.BYOCClient` and
:class:`~sentinelhub_byoc.client.AsyncBYOCClient` run the same :class:`Operation` objects, the
first by calling, the second by awaiting, so the two clients cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

import attrs
import httpx

from sentinelhub_byoc import _api
from sentinelhub_byoc._error_mapping import error_from_response
from sentinelhub_byoc._pagination import next_page_token
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.models import Collection, Page, Tile, TileStatus
from sentinelhub_byoc.models._codec import encode, format_datetime

T = TypeVar("T")
MAX_PAGE_SIZE = 100


@attrs.frozen
class Operation(Generic[T]):
    """One API call and how to read its successful answer."""

    call: _api.Call
    success: frozenset[int]
    read: Callable[[httpx.Response], T]
    retry_safe: bool = False


def _nothing(response: httpx.Response) -> None:
    return None


def _collection(response: httpx.Response) -> Collection:
    return Collection.from_dict(response.json()["data"])


def _tile(response: httpx.Response) -> Tile:
    return Tile.from_dict(response.json()["data"])


def _page(parse: Callable[[Mapping[str, Any]], T]) -> Callable[[httpx.Response], Page[T]]:
    def read(response: httpx.Response) -> Page[T]:
        body = response.json()
        links = body.get("links") or {}
        return Page([parse(item) for item in body.get("data") or []], next_page_token(links), links)

    return read


def check_page_size(count: int | None) -> int | None:
    """Refuse a page size the service would reject (it takes 1 to 100)."""
    if count is not None and not (isinstance(count, int) and 1 <= count <= MAX_PAGE_SIZE):
        raise ValidationError(f"page_size must be an integer from 1 to {MAX_PAGE_SIZE}, got {count!r}")
    return count


# Collections


def list_collections(
    *, page_size: int | None, token: str | None, search: str | None
) -> Operation[Page[Collection]]:
    """One page of collections."""
    call = _api.list_collections(count=check_page_size(page_size), viewtoken=token, search=search)
    return Operation(call, frozenset({200}), _page(Collection.from_dict))


def get_collection(collection_id: UUID) -> Operation[Collection]:
    """One collection."""
    return Operation(_api.get_collection(collection_id), frozenset({200}), _collection)


def create_collection(collection: Collection) -> Operation[Collection]:
    """Create *collection* (read-only fields are not sent)."""
    _require(collection.name, "a collection needs a name")
    _require(collection.s3_bucket, "a collection needs s3_bucket, the bucket holding its COG files")
    return Operation(
        _api.create_collection(encode(collection, request=True)), frozenset({201, 200}), _collection
    )


def update_collection(collection_id: UUID, collection: Collection) -> Operation[None]:
    """Replace the collection's writable settings with *collection*'s (PUT semantics)."""
    _require(collection.name, "a collection needs a name")
    _require(collection.s3_bucket, "a collection needs s3_bucket")
    payload = encode(collection, request=True)
    payload.pop("isConfigured", None)
    call = _api.update_collection(collection_id, payload)
    return Operation(call, frozenset({204, 200}), _nothing, retry_safe=True)


def delete_collection(collection_id: UUID) -> Operation[None]:
    """Delete a collection."""
    return Operation(_api.delete_collection(collection_id), frozenset({204, 200}), _nothing)


def copy_tiles(collection_id: UUID, to_collection: UUID) -> Operation[None]:
    """Copy ingested tiles whose paths the target lacks; repeating it copies nothing twice."""
    call = _api.copy_tiles(collection_id, to_collection)
    return Operation(call, frozenset({204, 200}), _nothing, retry_safe=True)


# Tiles


def list_tiles(
    collection_id: UUID,
    *,
    page_size: int | None,
    token: str | None,
    status: TileStatus | str | None,
    path: str | None,
    sort: str | None,
) -> Operation[Page[Tile]]:
    """One page of a collection's tiles, optionally filtered."""
    if sort is not None and sort not in _api.TILE_SORT_ORDERS:
        raise ValidationError(f"sort must be one of {', '.join(_api.TILE_SORT_ORDERS)}, got {sort!r}")
    call = _api.list_tiles(
        collection_id,
        count=check_page_size(page_size),
        viewtoken=token,
        sort=sort,
        path=path,
        status=None if status is None else str(status),
    )
    return Operation(call, frozenset({200}), _page(Tile.from_dict))


def get_tile(collection_id: UUID, tile_id: UUID) -> Operation[Tile]:
    """One tile."""
    return Operation(_api.get_tile(collection_id, tile_id), frozenset({200}), _tile)


def tile_payload(
    path: str | None, cover_geometry: Any | None, sensing_time: datetime | str | None
) -> dict[str, Any]:
    """The JSON body of a tile creation or update, checked before anything is sent."""
    payload: dict[str, Any] = {}
    if path is not None:
        check_tile_path(path)
        payload["path"] = path
    if cover_geometry is not None:
        from sentinelhub_byoc.geometry import validate

        payload["coverGeometry"] = validate(cover_geometry, cover=True).to_geojson()
    if sensing_time is not None:
        payload["sensingTime"] = format_datetime(_as_datetime(sensing_time))
    return payload


def create_tile(collection_id: UUID, payload: Mapping[str, Any]) -> Operation[Tile]:
    """Create a tile. Safe to retry: the client resolves a 409 for its own path to the existing tile."""
    return Operation(_api.create_tile(collection_id, payload), frozenset({201, 200}), _tile, retry_safe=True)


def update_tile(collection_id: UUID, tile_id: UUID, payload: Mapping[str, Any]) -> Operation[None]:
    """Replace a tile's cover geometry and sensing time."""
    call = _api.update_tile(collection_id, tile_id, payload)
    return Operation(call, frozenset({204, 200}), _nothing, retry_safe=True)


def delete_tile(collection_id: UUID, tile_id: UUID) -> Operation[None]:
    """Delete a tile."""
    return Operation(_api.delete_tile(collection_id, tile_id), frozenset({204, 200}), _nothing)


def reingest_tile(collection_id: UUID, tile_id: UUID) -> Operation[None]:
    """Start ingesting a tile's files again (after they changed in the bucket)."""
    call = _api.reingest_tile(collection_id, tile_id)
    return Operation(call, frozenset({204, 200}), _nothing, retry_safe=True)


# Files of Planet-delivered tiles


def _names(response: httpx.Response) -> list[str]:
    body = response.json()
    # The documented example shows an object keyed by position; the schema says an array.
    values = body.values() if isinstance(body, Mapping) else body
    return [str(name) for name in values]


def list_tile_files(collection_id: UUID, tile_id: UUID) -> Operation[list[str]]:
    """The names of a Planet tile's files."""
    return Operation(_api.list_tile_files(collection_id, tile_id), frozenset({200}), _names)


def head_tile_file(collection_id: UUID, tile_id: UUID, path: str) -> Operation[int]:
    """A Planet tile file's size in bytes."""

    def size(response: httpx.Response) -> int:
        return int(response.headers["Content-Length"])

    return Operation(_api.head_tile_file(collection_id, tile_id, path), frozenset({200}), size)


def get_tile_file(collection_id: UUID, tile_id: UUID, path: str, *, start: int = 0) -> Operation[None]:
    """A Planet tile file's bytes from *start* (the caller streams the body).

    From an offset, 416 is let through too: the caller checks with :func:`range_past_end`
    whether *start* is exactly the file's end (nothing left to read).
    """
    if not isinstance(start, int) or start < 0:
        raise ValidationError(f"start must be a byte offset >= 0, got {start!r}")
    byte_range = f"bytes={start}-" if start else None
    call = _api.get_tile_file(collection_id, tile_id, path, byte_range=byte_range)
    return Operation(call, frozenset({200, 206, 416} if start else {200, 206}), _nothing)


def range_past_end(response: httpx.Response, start: int) -> bool:
    """Whether a 416 answer says the file has exactly *start* bytes, i.e. all were read before.

    Any other 416 (the file is shorter than *start*: it changed) raises the API error.
    """
    if response.status_code != 416:
        return False
    # "Content-Range: bytes */SIZE" gives the file's size.
    unit, _, spec = response.headers.get("content-range", "").partition(" ")
    size = spec.rpartition("/")[2]
    if unit.lower() == "bytes" and size.isdigit() and int(size) == start:
        return True
    raise error_from_response(response)


def check_tile_path(path: str) -> None:
    """Refuse a tile path the service would reject (it must be relative, without empty segments)."""
    if not isinstance(path, str) or not path:
        raise ValidationError(
            "a tile needs a path: the folder or file pattern of its COG files in the bucket"
        )
    if path.startswith("/") or path.endswith("/") or "//" in path:
        raise ValidationError(
            f"tile path {path!r} must be relative to the bucket, without a leading or trailing '/' "
            "or empty segments, e.g. 'tiles/2024-05-01/(BAND).tif'"
        )


def _as_datetime(value: datetime | str) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError(
            f"sensing_time {value!r} is not an ISO 8601 timestamp like 2024-05-01T10:20:30Z"
        ) from None


def _require(value: Any, message: str) -> None:
    if not value:
        raise ValidationError(message)
