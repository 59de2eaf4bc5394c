"""Every client operation as data: what to call, which statuses mean success, how to read the answer.

Nothing here does I/O. :class:`~sentinelhub_byoc.client.BYOCClient` and
:class:`~sentinelhub_byoc.client.AsyncBYOCClient` send the same
:class:`~sentinelhub_byoc._transport.calls.Operation` objects, the first by calling, the second by
awaiting, so the two clients cannot drift apart. Arguments are checked here, once per call.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import unquote
from uuid import UUID

import httpx

from sentinelhub_byoc import _adapter, _decoders
from sentinelhub_byoc._pagination import first_page_size
from sentinelhub_byoc._paths import has_unsafe_segment
from sentinelhub_byoc._transport.calls import Operation
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.models import Collection, CollectionLocation, Page, Tile, TileStatus
from sentinelhub_byoc.models._codec import encode, format_datetime
from sentinelhub_byoc.models.enums import TileSort

_OK = frozenset({200})
_CREATED = frozenset({201, 200})
_NO_CONTENT = frozenset({204, 200})
_collection = _decoders.data_of(Collection)
_tile = _decoders.data_of(Tile)
_collection_page = _decoders.page_of(Collection)
_tile_page = _decoders.page_of(Tile)


def check_text(value: str | None, what: str) -> str | None:
    """Refuse a non-string where the API takes text (``None`` passes: the argument is unset)."""
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"{what} must be a string, got {type(value).__name__} {value!r}")
    return value


# Collections


def list_collections(
    *, page_size: int | None, limit: int | None = None, token: str | None, search: str | None
) -> Operation[Page[Collection]]:
    """The first page of collections from *token* on (no more than *limit* in it, if given)."""
    call = _adapter.list_collections(
        count=first_page_size(page_size, limit),
        viewtoken=check_text(token, "start_token"),
        search=check_text(search, "search"),
    )
    return Operation(call, _OK, _collection_page)


def get_collection(collection_id: UUID) -> Operation[Collection]:
    """One collection."""
    return Operation(_adapter.get_collection(collection_id), _OK, _collection)


def _check_collection(collection: Collection) -> None:
    if not isinstance(collection, Collection):
        raise ValidationError(
            f"expected a Collection (or name= and s3_bucket=), got {type(collection).__name__}"
        )
    for value, what in ((collection.name, "name"), (collection.s3_bucket, "s3_bucket")):
        if not isinstance(value, str) or not value:
            raise ValidationError(
                f"a collection needs a {what} (a non-empty string; s3_bucket is the bucket holding its "
                f"COG files), got {value!r}"
            )
    no_data = collection.no_data
    if no_data is not None and (isinstance(no_data, bool) or not isinstance(no_data, int | float)):
        raise ValidationError(f"no_data must be a number, got {type(no_data).__name__} {no_data!r}")
    if no_data is not None and not math.isfinite(no_data):
        raise ValidationError(
            f"no_data must be a finite number, got {no_data}; JSON cannot carry NaN or infinity. "
            "Leave no_data unset when the files have no noData value"
        )


def new_collection(
    collection: Collection | None, name: str | None, s3_bucket: str | None, **fields: Any
) -> Collection:
    """*collection* itself, or a collection made from its fields (those given as ``None`` left out)."""
    if collection is not None:
        return collection
    return Collection(
        name=name or "", s3_bucket=s3_bucket or "", **{k: v for k, v in fields.items() if v is not None}
    )


def create_collection(collection: Collection) -> Operation[Collection]:
    """Create *collection* (read-only fields are not sent)."""
    _check_collection(collection)
    return Operation(_adapter.create_collection(encode(collection, request=True)), _CREATED, _collection)


def update_collection(collection_id: UUID, collection: Collection) -> Operation[None]:
    """Replace the collection's writable settings with *collection*'s (PUT semantics)."""
    _check_collection(collection)
    payload = encode(collection, request=True)
    payload.pop("isConfigured", None)
    call = _adapter.update_collection(collection_id, payload)
    return Operation(call, _NO_CONTENT, _decoders.nothing, retry_safe=True)


def delete_collection(collection_id: UUID) -> Operation[None]:
    """Delete a collection."""
    return Operation(_adapter.delete_collection(collection_id), _NO_CONTENT, _decoders.nothing)


def copy_tiles(collection_id: UUID, to_collection: UUID) -> Operation[None]:
    """Copy ingested tiles whose paths the target lacks; repeating it copies nothing twice."""
    call = _adapter.copy_tiles(collection_id, to_collection)
    return Operation(call, _NO_CONTENT, _decoders.nothing, retry_safe=True)


def locate_collections(collection_ids: list[UUID]) -> Operation[Page[CollectionLocation]]:
    """Which deployment holds each of *collection_ids* (the global lookup; any deployment answers)."""
    call = _adapter.locate_collections(ids=",".join(str(found) for found in collection_ids))
    return Operation(call, _OK, _decoders.page_of(CollectionLocation))


def service_locations() -> Operation[dict[str, str]]:
    """The service's location ids and the URL of each (asked of the deployment's root)."""
    return Operation(_adapter.service_locations(), _OK, _decoders.service_locations)


# Tiles


def list_tiles(
    collection_id: UUID,
    *,
    page_size: int | None,
    limit: int | None = None,
    token: str | None,
    status: TileStatus | str | None,
    path: str | None,
    sort: TileSort | str | None,
) -> Operation[Page[Tile]]:
    """The first page of a collection's tiles from *token* on, optionally filtered.

    With *limit*, the page holds no more than that many; later pages are
    :meth:`~sentinelhub_byoc._transport.calls.Operation.at_page` of this one.
    """
    if sort is not None and (not isinstance(sort, str) or sort not in _SORT_ORDERS):
        orders = ", ".join(sorted(_SORT_ORDERS))
        raise ValidationError(f"sort must be one of {orders}, got {sort!r}")
    if status is not None and not isinstance(status, str):
        raise ValidationError(
            f"status must be a TileStatus or its name (e.g. 'FAILED'), got {type(status).__name__} {status!r}"
        )
    call = _adapter.list_tiles(
        collection_id,
        count=first_page_size(page_size, limit),
        viewtoken=check_text(token, "start_token"),
        sort=None if sort is None else str(sort),
        path=check_text(path, "path"),
        status=None if status is None else str(status),
    )
    return Operation(call, _OK, _tile_page)


_SORT_ORDERS = frozenset(member.value for member in TileSort)


def get_tile(collection_id: UUID, tile_id: UUID) -> Operation[Tile]:
    """One tile."""
    return Operation(_adapter.get_tile(collection_id, tile_id), _OK, _tile)


def tile_payload(
    path: str | None,
    cover_geometry: Any | None,
    sensing_time: datetime | str | None,
    *,
    cdse: bool = False,
) -> dict[str, Any]:
    """The JSON body of a tile creation or update, checked before anything is sent.

    ``cdse`` applies the Copernicus Data Space deployment's rules (EPSG:6933 covers too).
    """
    payload: dict[str, Any] = {}
    if path is not None:
        check_tile_path(path)
        payload["path"] = path
    if cover_geometry is not None:
        from sentinelhub_byoc.geometry import validate

        payload["coverGeometry"] = validate(cover_geometry, cover=True, cdse=cdse).to_geojson()
    if sensing_time is not None:
        moment = _as_datetime(sensing_time)
        try:
            payload["sensingTime"] = format_datetime(moment)
        except OverflowError:
            raise ValidationError(
                f"sensing_time {sensing_time!r} is out of range once converted to UTC; "
                "give a time between years 1 and 9999 in UTC"
            ) from None
    return payload


def create_tile(collection_id: UUID, payload: Mapping[str, Any]) -> Operation[Tile]:
    """Create a tile. Safe to retry: ``tiles.create`` resolves a 409 after its own earlier attempt."""
    return Operation(_adapter.create_tile(collection_id, payload), _CREATED, _tile, retry_safe=True)


def update_tile(collection_id: UUID, tile_id: UUID, payload: Mapping[str, Any]) -> Operation[None]:
    """Replace a tile's cover geometry and sensing time."""
    call = _adapter.update_tile(collection_id, tile_id, payload)
    return Operation(call, _NO_CONTENT, _decoders.nothing, retry_safe=True)


def delete_tile(collection_id: UUID, tile_id: UUID) -> Operation[None]:
    """Delete a tile."""
    return Operation(_adapter.delete_tile(collection_id, tile_id), _NO_CONTENT, _decoders.nothing)


def reingest_tile(collection_id: UUID, tile_id: UUID) -> Operation[None]:
    """Start ingesting a tile's files again (after they changed in the bucket)."""
    call = _adapter.reingest_tile(collection_id, tile_id)
    return Operation(call, _NO_CONTENT, _decoders.nothing, retry_safe=True)


# Files of Planet-delivered tiles


def list_tile_files(collection_id: UUID, tile_id: UUID) -> Operation[list[str]]:
    """The names of a Planet tile's files."""
    return Operation(_adapter.list_tile_files(collection_id, tile_id), _OK, _decoders.file_names)


def head_tile_file(collection_id: UUID, tile_id: UUID, path: str) -> Operation[int]:
    """A Planet tile file's size in bytes."""
    call = _adapter.head_tile_file(collection_id, tile_id, _file_name(path))
    return Operation(call, _OK, _decoders.content_length)


def _file_name(name: str) -> str:
    if not isinstance(name, str) or not name:
        raise ValidationError(
            f"a file name must be a non-empty string as client.files.list() gives it, got {name!r}"
        )
    flat = name.replace("\\", "/")
    if has_unsafe_segment(flat) or any(_decoded_away(segment) for segment in flat.split("/")):
        # The URL would name another resource: ".." is the tile itself, "a//b" may become "a/b".
        raise ValidationError(
            f"file name {name!r} has an empty, '.' or '..' part, which a URL would resolve to "
            "another name; give a name as client.files.list() gives it"
        )
    if any(ord(character) < 32 or ord(character) == 127 for character in name):
        raise ValidationError(f"file name {name!r} contains control characters; refused")
    return name


def _decoded_away(segment: str) -> bool:
    # A server decoding the (quoted) name once more would see the dots.
    return unquote(unquote(segment)) in (".", "..")


def get_tile_file(collection_id: UUID, tile_id: UUID, path: str, *, start: int = 0) -> Operation[None]:
    """A Planet tile file's bytes from *start* (the caller streams the body).

    From an offset, 416 is let through too: the caller checks with :func:`range_past_end`
    whether *start* is exactly the file's end (nothing left to read).
    """
    if type(start) is not int or start < 0:
        raise ValidationError(f"start must be a byte offset >= 0, got {start!r}")
    byte_range = f"bytes={start}-" if start else None
    call = _adapter.get_tile_file(collection_id, tile_id, _file_name(path), byte_range=byte_range)
    return Operation(call, _FROM_OFFSET if start else _WHOLE_FILE, _decoders.nothing)


_WHOLE_FILE = frozenset({200, 206})
_FROM_OFFSET = frozenset({200, 206, 416})


def range_past_end(response: httpx.Response, start: int) -> bool:
    """Whether a 416 answer says the file has exactly *start* bytes, i.e. all were read before.

    The caller decides what any other 416 means (the file is shorter than *start*: it changed).
    """
    if response.status_code != 416:
        return False
    # "Content-Range: bytes */SIZE" gives the file's size.
    span = _decoders.content_range(response)
    return span is not None and span.start is None and span.total == start


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
    if not isinstance(value, str):
        raise ValidationError(
            f"sensing_time must be a datetime or an ISO 8601 string, got {type(value).__name__} {value!r}"
        )
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            f"sensing_time {value!r} is not an ISO 8601 timestamp like 2024-05-01T10:20:30Z"
        ) from None
