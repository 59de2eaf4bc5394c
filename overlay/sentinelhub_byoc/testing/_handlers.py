"""The 15 BYOC operations, answered from :class:`State` for one authenticated account."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import httpx

from sentinelhub_byoc.deployments import DEFAULT_PATH_PREFIX, OPENAPI_PATH_PREFIX

from . import _validation as check
from ._answers import ApiError, Json, bad_payload, empty_response, file_response, json_response, not_found
from ._band_changes import updated_bands
from ._collections import State
from ._directory import Directory, lookup_entry
from ._geojson import to_crs84
from ._recorded import forget
from ._records import Collection, Tile, collection_json, tile_json
from ._routing import NoRoute, Router
from ._spec_routes import ROUTES
from ._view_tokens import decode_token, links, page_body, take

PREFIXES = (DEFAULT_PATH_PREFIX, OPENAPI_PATH_PREFIX)

_ROUTER = Router(ROUTES)

_BAND_PLACEHOLDER = "(BAND)"


def is_byoc_path(path: str) -> bool:
    """Return whether ``path`` is under one of the BYOC API prefixes."""
    return any(path == prefix or path.startswith(prefix + "/") for prefix in PREFIXES)


def is_locations_path(path: str) -> bool:
    """Return whether ``path`` is the service's location list (``/api/v1/metadata/location/``)."""
    return path.rstrip("/") == LOCATIONS_PATH


LOCATIONS_PATH = "/api/v1/metadata/location"


@attrs.frozen
class Place:
    """Which deployment the emulator stands for, and the directory of the others, if any."""

    location: str
    directory: Directory | None = None


@attrs.frozen
class _Call:
    request: httpx.Request
    account_id: str
    cid: str | None
    tid: str | None
    file: str | None


_Handler = Callable[["Api", _Call], httpx.Response]


class Api:
    """Routes a BYOC request to its operation. Not thread-safe: the emulator locks."""

    def __init__(self, state: State, router: Router | None = None, *, place: Place | None = None) -> None:
        self.state = state
        self.router = router if router is not None else _ROUTER
        self.place = place if place is not None else Place("aws-eu-central-1")

    def handle(self, request: httpx.Request, account_id: str) -> httpx.Response:
        """Answer one authenticated BYOC request."""
        try:
            return self._route(request, account_id)
        except ApiError as error:
            return error.to_response()

    def _route(self, request: httpx.Request, account_id: str) -> httpx.Response:
        found = self.router.match(request.method, request.url.path)
        if isinstance(found, NoRoute):
            if not found.allowed:
                raise not_found(f"No BYOC resource at {request.url.path}")
            allowed = ", ".join(found.allowed)
            raise ApiError(
                405,
                "COMMON_METHOD_NOT_ALLOWED",
                f"Method {request.method} is not allowed on {request.url.path}; use {allowed}",
                headers={"Allow": allowed},
            )
        operation_id = found.operation.operation_id
        handler = HANDLERS.get(operation_id)
        if handler is None:
            raise ApiError(
                501,
                "COMMON_EXCEPTION",
                f"Operation {operation_id} ({request.method} {request.url.path}) is documented in "
                "openapi.yaml but not emulated",
                {"operationId": operation_id},
            )
        parameters = found.parameters
        cid, tid = parameters.get("collectionId"), parameters.get("tileId")
        call = _Call(
            request,
            account_id,
            None if cid is None else check.parse_uuid(cid, "collection id"),
            None if tid is None else check.parse_uuid(tid, "tile id"),
            parameters.get("path"),
        )
        return handler(self, call)

    # Lookups -----------------------------------------------------------------------------

    def _collection(self, call: _Call, collection_id: str | None = None) -> Collection:
        wanted = collection_id or call.cid or ""
        collection = self.state.collections.get(wanted)
        # Another account's collection is reported as missing so that ids do not leak.
        if collection is None or collection.account_id != call.account_id:
            raise not_found(f"Collection {wanted} not found")
        return collection

    def _tile(self, call: _Call) -> tuple[Collection, Tile]:
        collection = self._collection(call)
        tile = collection.tile(call.tid or "")
        if tile is None:
            raise not_found(f"Tile {call.tid} not found in collection {collection.id}")
        return collection, tile

    def _collection_data(self, collection: Collection) -> Json:
        return collection_json(collection, self.state.metadata(collection))

    # Collections -------------------------------------------------------------------------

    def create_collection(self, call: _Call) -> httpx.Response:
        """POST /collections."""
        body = check.json_body(call.request)
        check.member_types(body, check.COLLECTION)
        name = check.required_string(body, "name")
        bucket = check.bucket_name(body, cdse=self.state.cdse)
        no_data = check.optional_number(body, "noData")
        bands = check.bands(body.get("additionalData"))
        storage = check.storage_identifier(body.get("additionalData"), cdse=self.state.cdse)
        check.check_no_data_once(no_data, bands)
        collection = self.state.add_collection(call.account_id, name, bucket)
        collection.no_data = no_data
        collection.bands = bands
        collection.storage_identifier = storage
        collection.max_meters_per_pixel_override = check.meters_override(body.get("additionalData"))
        return json_response(201, {"data": self._collection_data(collection)})

    def locate_collections(self, call: _Call) -> httpx.Response:
        """GET /global?ids=...: which deployment holds each of the account's collections asked for."""
        raw = call.request.url.params.get("ids")
        if raw is None:
            return json_response(200, {"data": _global_entries(self, None, call.account_id)})
        parts = raw.split(",")
        if not all(part.strip() for part in parts):
            raise bad_payload(f"Query parameter 'ids' {raw!r} has an empty id: give ids separated by commas")
        ids = [check.parse_uuid(part.strip(), "collection id") for part in parts]
        return json_response(200, {"data": _global_entries(self, ids, call.account_id)})

    def service_locations(self, call: _Call) -> httpx.Response:
        """GET /api/v1/metadata/location/: every location id and its URL, this one's included."""
        urls = self.place.directory.urls() if self.place.directory is not None else {}
        own = str(call.request.url.copy_with(path="/", query=None, fragment=None)).rstrip("/")
        urls.setdefault(self.place.location, own)
        return json_response(200, [{"id": location, "url": url} for location, url in sorted(urls.items())])

    def list_collections(self, call: _Call) -> httpx.Response:
        """GET /collections."""
        params = call.request.url.params
        count = check.count(params.get("count"))
        token = params.get("viewtoken")
        after = decode_token(token)
        matches = _search(params.get("search"))
        found = (
            c
            for c in self.state.account_collections(call.account_id)
            if (after is None or c.seq > after) and matches(c)
        )
        page, more = take(found, count)
        last = page[-1].seq if page else None
        data = [self._collection_data(c) for c in page]
        return json_response(200, page_body(data, links(call.request.url, token, last, more)))

    def get_collection(self, call: _Call) -> httpx.Response:
        """GET /collections/{id}."""
        return json_response(200, {"data": self._collection_data(self._collection(call))})

    def update_collection(self, call: _Call) -> httpx.Response:
        """PUT /collections/{id}."""
        collection = self._collection(call)
        body = check.json_body(call.request)
        check.member_types(body, check.COLLECTION_UPDATE)
        name = check.required_string(body, "name")
        bucket = check.bucket_name(body, cdse=self.state.cdse)
        no_data = check.optional_number(body, "noData")
        # Left out, the storage stays what it was, as the bands do.
        storage = check.storage_identifier(body.get("additionalData"), cdse=self.state.cdse)
        has_tiles = collection.tile_count > 0
        if bucket != collection.s3_bucket and has_tiles:
            raise bad_payload(
                f"s3Bucket can only change while the collection is empty; it has "
                f"{collection.tile_count} tiles. Delete them first or keep {collection.s3_bucket!r}"
            )
        bands = collection.bands
        override = collection.max_meters_per_pixel_override
        if "additionalData" in body and body["additionalData"] is not None:
            requested = check.bands(_echoed_formats(body["additionalData"], collection.bands))
            bands = updated_bands(collection.bands, requested, has_tiles)
            # additionalData replaces what it holds: an override left out of it is lifted.
            override = check.meters_override(body["additionalData"])
        check.check_no_data_once(no_data, bands)
        if storage is None:
            storage = collection.storage_identifier
        before = _settable(collection)
        collection.name, collection.s3_bucket, collection.no_data = name, bucket, no_data
        collection.bands = bands
        collection.max_meters_per_pixel_override = override
        collection.storage_identifier = storage
        # A recorded member stays as recorded unless this update changed it.
        after = _settable(collection)
        forget(collection.recorded, [member for member in before if before[member] != after[member]])
        return empty_response()

    def delete_collection(self, call: _Call) -> httpx.Response:
        """DELETE /collections/{id}."""
        self.state.remove_collection(self._collection(call))
        return empty_response()

    def copy_tiles(self, call: _Call) -> httpx.Response:
        """POST /collections/{id}/copyTiles?toCollection=."""
        source = self._collection(call)
        raw_target = call.request.url.params.get("toCollection")
        if not raw_target:
            raise bad_payload("Query parameter 'toCollection' is required: the id of the target collection")
        target = self._collection(call, check.parse_uuid(raw_target, "toCollection"))
        if target.bands and not _compatible(source.bands, target.bands):
            raise bad_payload(
                "The target collection must have the same band names and types as the source "
                "collection, or no bands"
            )
        copied = 0
        for tile in list(source.tiles()):
            if tile.status == "INGESTED" and target.tile_at(tile.path) is None:
                self.state.copy_tile(tile, target)
                copied += 1
        if copied and not target.bands:
            target.bands = {name: dict(band) for name, band in source.bands.items()}
        return empty_response()

    # Tiles -------------------------------------------------------------------------------

    def create_tile(self, call: _Call) -> httpx.Response:
        """POST /collections/{id}/tiles."""
        collection = self._collection(call)
        body = check.json_body(call.request)
        check.member_types(body, check.TILE)
        path = check.tile_path(body)
        cover = check.geometry(body.get("coverGeometry"), "coverGeometry")
        sensing = check.sensing_time(body)
        if collection.tile_at(path) is not None:
            raise ApiError(
                409,
                "COMMON_UNIQUE_KEY_VIOLATION",
                f"A tile with path {path!r} already exists in collection {collection.id}; "
                "look it up with GET .../tiles?path= or reingest it",
                {"path": path},
            )
        cover_crs84 = None if cover is None else to_crs84(cover, cdse=self.state.cdse)
        tile = self.state.add_tile(collection, path, cover_crs84, sensing)
        return json_response(201, {"data": tile_json(tile)})

    def list_tiles(self, call: _Call) -> httpx.Response:
        """GET /collections/{id}/tiles."""
        collection = self._collection(call)
        params = call.request.url.params
        count = check.count(params.get("count"))
        sort = params.get("sort", "created:asc")
        if sort not in ("created:asc", "created:desc"):
            raise bad_payload(f"Invalid sort {sort!r}: use created:asc or created:desc")
        status = check.status_filter(params.get("status"))
        token = params.get("viewtoken")
        after = decode_token(token)
        path = params.get("path")
        if path is not None:
            exact = collection.tile_at(path)
            candidates = iter([exact] if exact is not None else [])
        else:
            candidates = collection.tiles(after, descending=sort == "created:desc")
        found = (
            t
            for t in candidates
            if (status is None or t.status == status) and (path is None or after is None)
        )
        page, more = take(found, count)
        last = page[-1].seq if page else None
        data = [tile_json(t) for t in page]
        return json_response(200, page_body(data, links(call.request.url, token, last, more)))

    def get_tile(self, call: _Call) -> httpx.Response:
        """GET /collections/{id}/tiles/{tileId}."""
        _, tile = self._tile(call)
        return json_response(200, {"data": tile_json(tile)})

    def update_tile(self, call: _Call) -> httpx.Response:
        """PUT /collections/{id}/tiles/{tileId}."""
        collection, tile = self._tile(call)
        body = check.json_body(call.request)
        check.member_types(body, check.TILE_UPDATE)
        cover = check.geometry(body.get("coverGeometry"), "coverGeometry")
        sensing = check.sensing_time(body)
        cover_crs84 = None if cover is None else to_crs84(cover, cdse=self.state.cdse)
        self.state.update_tile(collection, tile, cover_crs84, sensing)
        return empty_response()

    def delete_tile(self, call: _Call) -> httpx.Response:
        """DELETE /collections/{id}/tiles/{tileId}."""
        collection, tile = self._tile(call)
        self.state.remove_tile(collection, tile)
        return empty_response()

    def reingest_tile(self, call: _Call) -> httpx.Response:
        """POST /collections/{id}/tiles/{tileId}/reingest."""
        collection, tile = self._tile(call)
        self.state.reingest(collection, tile)
        return empty_response()

    # Planet files ------------------------------------------------------------------------

    def _planet_folder(self, call: _Call) -> tuple[Collection, str]:
        collection, tile = self._tile(call)
        if not collection.planet:
            raise not_found(
                f"Collection {collection.id} was not created by a Planet subscription or order, "
                "so its tiles have no files to list"
            )
        folder = tile.path
        if _BAND_PLACEHOLDER in folder:
            folder = folder[: folder.index(_BAND_PLACEHOLDER)].rpartition("/")[0]
        return collection, f"{folder}/" if folder else ""

    def list_files(self, call: _Call) -> httpx.Response:
        """GET /collections/{id}/tiles/{tileId}/files."""
        collection, prefix = self._planet_folder(call)
        try:
            keys = self.state.buckets(collection.s3_bucket).list_keys(prefix)
        except (KeyError, OSError, ValueError) as error:
            raise not_found(f"Files of the tile cannot be listed: {error}") from None
        return json_response(200, [key[len(prefix) :] for key in keys])

    def get_file(self, call: _Call) -> httpx.Response:
        """GET or HEAD /collections/{id}/tiles/{tileId}/files/{path}."""
        collection, prefix = self._planet_folder(call)
        name = call.file or ""
        if any(part in ("", ".", "..") for part in name.split("/")):
            raise not_found(f"File {name!r} not found")
        key = prefix + name
        storage = self.state.buckets(collection.s3_bucket)
        try:
            size = storage.size(key)
        except (KeyError, OSError, ValueError):
            raise not_found(f"File {name!r} not found in tile {call.tid}") from None
        if call.request.method == "HEAD":
            return httpx.Response(200, headers={"Content-Length": str(size)})
        span = _byte_range(call.request.headers.get("range"), size)

        def read(start: int, end: int) -> bytes:
            return storage.read(key, start, end)

        if span is None:
            headers = {"Content-Type": "application/octet-stream", "Accept-Ranges": "bytes"}
            return file_response(200, headers, read, 0, size)
        start, end = span
        headers = {
            "Content-Type": "application/octet-stream",
            "Content-Range": f"bytes {start}-{end - 1}/{size}",
            "Accept-Ranges": "bytes",
        }
        return file_response(206, headers, read, start, end)


def _echoed_formats(additional_data: Any, current: Mapping[str, Json]) -> Any:
    """``additionalData`` with a band sent back without ``sampleFormat`` taking the one it has.

    Answers about bands recorded before ``sampleFormat`` was asked for leave it out, and clients
    send back what they read: that changes nothing. A new band must still say its format.
    """
    if not isinstance(additional_data, dict) or not isinstance(additional_data.get("bands"), dict):
        return additional_data
    bands = {
        name: {**band, "sampleFormat": current[name]["sampleFormat"]}
        if isinstance(band, dict) and band.get("sampleFormat") is None and name in current
        else band
        for name, band in additional_data["bands"].items()
    }
    return {**additional_data, "bands": bands}


def _settable(collection: Collection) -> dict[str, object]:
    """What ``PUT`` sets on a collection, by the members of its answer that show it."""
    return {
        "name": collection.name,
        "s3Bucket": collection.s3_bucket,
        "noData": collection.no_data,
        "isConfigured": bool(collection.bands),
        "additionalData.bands": collection.bands,
        "additionalData.maxMetersPerPixelOverride": collection.max_meters_per_pixel_override,
        "additionalData.storageIdentifier": collection.storage_identifier,
    }


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """Return ``[start, end)`` for a single-range ``Range`` header; ``None`` to send it all."""
    if header is None:
        return None
    unit, _, spec = header.strip().partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        # Servers may ignore range forms they do not serve and answer with the whole file.
        return None
    first, sep, last = spec.strip().partition("-")
    try:
        if not sep:
            raise ValueError
        if first == "":
            length = int(last)
            start, end = max(0, size - length), size
            if length <= 0:
                raise _unsatisfiable(size)
        else:
            start = int(first)
            end = size if last == "" else min(size, int(last) + 1)
            if last != "" and int(last) < start:
                return None
    except ValueError:
        return None
    if start >= size or start < 0:
        raise _unsatisfiable(size)
    return start, end


def _unsatisfiable(size: int) -> ApiError:
    return ApiError(
        416,
        "COMMON_BAD_PAYLOAD",
        f"Requested range is not satisfiable: the file has {size} bytes",
        headers={"Content-Range": f"bytes */{size}"},
    )


def _compatible(source: dict[str, Json], target: dict[str, Json]) -> bool:
    if set(source) != set(target):
        return False
    return all(
        (source[n]["bitDepth"], source[n]["sampleFormat"])
        == (target[n]["bitDepth"], target[n]["sampleFormat"])
        for n in source
    )


def _search(query: str | None) -> Callable[[Collection], bool]:
    """Return a predicate for ``search``: ``|`` is or, ``&`` is and, words match name or id."""
    if query is None or not query.strip():
        return lambda _collection: True
    alternatives = [
        [word.strip().lower() for word in part.split("&") if word.strip()] for part in query.split("|")
    ]
    alternatives = [words for words in alternatives if words]

    def matches(collection: Collection) -> bool:
        text = f"{collection.name.lower()} {collection.id}"
        return any(all(word in text for word in words) for words in alternatives)

    return matches


def _global_entries(api: Api, ids: list[str] | None, account_id: str) -> list[Mapping[str, Any]]:
    """The lookup's entries for *ids*, or for every collection of the account (``None``)."""
    directory = api.place.directory
    if directory is not None:
        return directory.find(ids, account_id)
    own = (
        api.state.account_collections(account_id)
        if ids is None
        else (api.state.collections.get(wanted) for wanted in ids)
    )
    return [
        lookup_entry(found.id, found.name, found.s3_bucket, api.place.location)
        for found in own
        if found is not None and found.account_id == account_id
    ]


HANDLERS: dict[str, _Handler] = {
    "getByocCollections": Api.list_collections,
    "createByocCollection": Api.create_collection,
    "getByocCollectionById": Api.get_collection,
    "updateByocCollectionById": Api.update_collection,
    "deleteByocCollectionById": Api.delete_collection,
    "copyByocCollectionTiles": Api.copy_tiles,
    "getByocCollectionTiles": Api.list_tiles,
    "createByocCollectionTile": Api.create_tile,
    "getByocCollectionTileById": Api.get_tile,
    "updateByocCollectionTileById": Api.update_tile,
    "deleteByocCollectionTileById": Api.delete_tile,
    "reingestByocCollectionTileById": Api.reingest_tile,
    "listByocTileFiles": Api.list_files,
    "getByocTileFile": Api.get_file,
    "headByocTileFile": Api.get_file,
    "getByocGlobalCollections": Api.locate_collections,
    "getServiceLocations": Api.service_locations,
}
"""The handler of each operationId of ``openapi.yaml``; an operation missing here answers 501."""

NOT_EMULATED: dict[str, str] = {}
"""OperationIds of ``openapi.yaml`` deliberately left without a handler, each with the reason."""
