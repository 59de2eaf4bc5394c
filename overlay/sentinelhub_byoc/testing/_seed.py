"""Seed files: clients, bucket folders, collections and tiles an emulator starts with.

A seed is a YAML or JSON mapping (relative folders are relative to the seed file)::

    clients:
      - clientId: my-client
        clientSecret: my-secret
        accountId: 1b639ce6-eb3e-494c-9cb4-2eab3569b121   # optional
    buckets:
      deliveries: ./planet-deliveries      # bucket name -> local folder
    collections:
      - name: Planet order 1
        s3Bucket: deliveries
        id: 0b3f2b5c-0d43-4a4e-9a3a-6a8f5c1e2d10   # optional; derived from client and name
        clientId: my-client                   # optional; the first client
        planet: true                          # a Planet-delivered collection, with files
        noData: 0                             # optional
        bands: {B1: {bitDepth: 16, sampleFormat: UINT}}   # optional
        tiles:
          - path: order1                      # a new tile: WAITING, then ingested
            sensingTime: "2024-05-01T10:30:00Z"           # optional

A collection entry may also be exactly what the service answered for it (the ``data`` of its
``GET``, as ``byoc emulator dump`` writes it), and a tile entry with a ``status`` is what the
service answered for that tile. Such records are served back member for member (see
:mod:`._recorded`); ``clientId``, ``planet``, ``bands`` and ``tiles`` are the seed's own members.

Everything is checked before anything is applied; a mistake is one line naming the entry.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from ._answers import Json
from ._auth import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from ._geojson import vertex_bounds
from ._replay import (
    RecordedTile,
    RecordError,
    additional_data,
    checked,
    read_tile,
    recorded_bands,
    timestamp_ms,
)
from ._validation import bands as check_bands
from ._validation import bucket_name, meters_override, parse_uuid, sensing_time, storage_identifier, tile_path

# Seeded collections without an id get one derived from their client and name, so that seeding
# an emulator with kept state again finds them instead of adding copies.
_ID_NAMESPACE = uuid.UUID("6f1f6f3e-5b7a-4c55-9d0e-8a4c2f0b9e21")


class SeedError(ValueError):
    """A seed file that cannot be used; the message is one line naming the entry."""


@attrs.frozen
class SeedTile:
    """A tile of a seeded collection: a new one (``recorded`` is None) or the service's answer for one."""

    path: str
    sensing_time: str | None
    recorded: RecordedTile | None = None


@attrs.frozen
class SeedCollection:
    """A collection to create, with its tiles.

    ``recorded`` holds the members of the entry the service answers with (all but the seed's own
    ``clientId``, ``planet``, ``bands`` and ``tiles``): they are served back as they are.
    """

    id: str
    name: str
    s3_bucket: str
    client_id: str
    planet: bool
    no_data: float | None
    bands: dict[str, Any]
    tiles: tuple[SeedTile, ...]
    recorded: Json = attrs.field(factory=dict)
    created_ms: float | None = None
    max_meters_per_pixel_override: float | None = None
    storage_identifier: str | None = None


@attrs.frozen
class Seed:
    """What a seed file asks for, checked.

    ``accounts`` gives clients the account ids their recorded collections name (``accountId``).
    """

    clients: dict[str, str]
    """Client id to secret, as listed (none: the emulator's own, the demo client by default)."""
    buckets: dict[str, Path]
    """Bucket name to the folder that holds it."""
    collections: tuple[SeedCollection, ...]
    """The collections, with their tiles."""
    accounts: dict[str, str] = attrs.field(factory=dict)
    """Client id to the account id its entry or its recorded collections give."""


def _parse(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SeedError(f"cannot read seed file {path}: {error}") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except ValueError as error:
            raise SeedError(f"seed file {path} is not valid JSON: {error}") from None
    try:
        import yaml
    except ImportError:
        try:
            return json.loads(text)
        except ValueError:
            raise SeedError(
                f"seed file {path} needs PyYAML to be read (pip install 'sentinelhub-byoc[emulator]'), "
                "or write it as JSON"
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise SeedError(f"seed file {path} is not valid YAML{where}") from None


def _mapping(value: Any, where: str, allowed: Mapping[str, bool]) -> dict[str, Any]:
    """Check that ``value`` is a mapping with only ``allowed`` keys (``True``: required)."""
    if not isinstance(value, dict):
        raise SeedError(f"{where}: must be a mapping, got {type(value).__name__}")
    unknown = sorted(str(key) for key in value if key not in allowed)
    if unknown:
        raise SeedError(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(allowed)})")
    for key, required in allowed.items():
        if required and key not in value:
            raise SeedError(f"{where}: missing {key!r}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SeedError(f"{where}: must be a list, got {type(value).__name__}")
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SeedError(f"{where}: must be a non-empty string, got {value!r}")
    return value


def _checked(where: str, check: Any, *args: Any, **kwargs: Any) -> Any:
    """Run one of the service's own payload checks, reporting its message against ``where``."""
    try:
        return checked(where, check, *args, **kwargs)
    except RecordError as error:
        raise SeedError(str(error)) from None


def _clients(raw: Any) -> tuple[dict[str, str], dict[str, str]]:
    clients: dict[str, str] = {}
    accounts: dict[str, str] = {}
    for index, entry in enumerate(_list(raw, "clients")):
        where = f"clients[{index}]"
        entry = _mapping(entry, where, {"clientId": True, "clientSecret": True, "accountId": False})
        client_id = _string(entry["clientId"], f"{where}.clientId")
        if client_id in clients:
            raise SeedError(f"{where}.clientId: {client_id!r} is listed twice")
        clients[client_id] = _string(entry["clientSecret"], f"{where}.clientSecret")
        if "accountId" in entry:
            account = _string(entry["accountId"], f"{where}.accountId")
            accounts[client_id] = _checked(f"{where}.accountId", parse_uuid, account, "accountId")
    return clients, accounts


def _buckets(raw: Any, base: Path) -> dict[str, Path]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SeedError(f"buckets: must be a mapping of bucket name to folder, got {type(raw).__name__}")
    folders: dict[str, Path] = {}
    for name, folder in raw.items():
        where = f"buckets.{name}"
        _checked(where, bucket_name, {"s3Bucket": name})
        folder_path = Path(_string(folder, where)).expanduser()
        if not folder_path.is_absolute():
            folder_path = base / folder_path
        if not folder_path.is_dir():
            raise SeedError(f"{where}: {folder_path} is not a folder")
        folders[str(name)] = folder_path.resolve()
    return folders


def _sensing(value: Any, where: str) -> str | None:
    if value is None:
        return None
    # YAML reads an unquoted timestamp as a datetime.
    if isinstance(value, _dt.datetime | _dt.date):
        value = value.isoformat()
    _checked(where, sensing_time, {"sensingTime": value})
    return str(value)


def _tiles(raw: Any, where: str, collection_id: str, seen_ids: dict[str, str]) -> tuple[SeedTile, ...]:
    tiles: list[SeedTile] = []
    paths: set[str] = set()
    for index, entry in enumerate(_list(raw, where)):
        here = f"{where}[{index}]"
        if isinstance(entry, str):
            entry = {"path": entry}
        if isinstance(entry, dict) and "status" in entry:
            recorded = _recorded_tile(entry, here, collection_id)
            if recorded.id in seen_ids:
                raise SeedError(f"{here}.id: {recorded.id} is also the id of {seen_ids[recorded.id]}")
            seen_ids[recorded.id] = here
            tile = SeedTile(recorded.path, None, recorded)
        else:
            entry = _mapping(entry, here, {"path": True, "sensingTime": False})
            path = _checked(f"{here}.path", tile_path, {"path": entry["path"]})
            tile = SeedTile(path, _sensing(entry.get("sensingTime"), f"{here}.sensingTime"))
        if tile.path in paths:
            raise SeedError(f"{here}.path: {tile.path!r} is listed twice in this collection")
        paths.add(tile.path)
        tiles.append(tile)
    return tuple(tiles)


def _recorded_tile(entry: Json, where: str, collection_id: str) -> RecordedTile:
    record = _plain_json(entry, where)
    # Tiles recorded without an id get one from their place, the same each time the seed is read.
    stand_in = str(uuid.uuid5(_ID_NAMESPACE, f"{collection_id}\n{record.get('path')}"))
    try:
        return read_tile(record, stand_in)
    except RecordError as error:
        raise SeedError(f"{where}.{error}") from None


_OWN_KEYS = ("clientId", "planet", "bands", "tiles")


def _collections(
    raw: Any, clients: Mapping[str, str], accounts: dict[str, str]
) -> tuple[SeedCollection, ...]:
    found: list[SeedCollection] = []
    ids: set[str] = set()
    tile_ids: dict[str, str] = {}
    account_of: dict[str, str] = {
        client: f"clients' accountId {account}" for client, account in accounts.items()
    }
    default_client = next(iter(clients), DEMO_CLIENT_ID)
    for index, entry in enumerate(_list(raw, "collections")):
        where = f"collections[{index}]"
        if not isinstance(entry, dict):
            raise SeedError(f"{where}: must be a mapping, got {type(entry).__name__}")
        entry = _plain_json(entry, where)
        for key in ("name", "s3Bucket"):
            if key not in entry:
                raise SeedError(f"{where}: missing {key!r}")
        name = _string(entry["name"], f"{where}.name")
        bucket = _checked(f"{where}.s3Bucket", bucket_name, {"s3Bucket": entry["s3Bucket"]}, cdse=True)
        client_id = entry.get("clientId", default_client)
        if client_id not in clients:
            known = ", ".join(sorted(clients))
            raise SeedError(f"{where}.clientId: {client_id!r} is not among the seed's clients ({known})")
        planet = entry.get("planet", False)
        if not isinstance(planet, bool):
            raise SeedError(f"{where}.planet: must be true or false, got {planet!r}")
        no_data = entry.get("noData")
        if no_data is not None and (isinstance(no_data, bool) or not isinstance(no_data, int | float)):
            raise SeedError(f"{where}.noData: must be a number, got {no_data!r}")
        try:
            extra = additional_data(entry)
            band_map = recorded_bands(extra.get("bands"))
        except RecordError as error:
            raise SeedError(f"{where}.{error}") from None
        if "bands" in entry:
            if band_map:
                raise SeedError(f"{where}.bands: give bands here or in additionalData.bands, not both")
            band_map = _checked(f"{where}.bands", check_bands, {"bands": entry.get("bands") or {}})
        if no_data is not None and any("noData" in band for band in band_map.values()):
            raise SeedError(f"{where}.noData: set noData on the collection or on its bands, not both")
        if "id" in entry:
            collection_id = _checked(f"{where}.id", parse_uuid, _string(entry["id"], f"{where}.id"), "id")
        else:
            collection_id = str(uuid.uuid5(_ID_NAMESPACE, f"{client_id}\n{name}"))
        if collection_id in ids:
            raise SeedError(
                f"{where}: collection id {collection_id} is used twice (give one of them another name or id)"
            )
        ids.add(collection_id)
        if "accountId" in entry:
            account = _checked(
                f"{where}.accountId",
                parse_uuid,
                _string(entry["accountId"], f"{where}.accountId"),
                "accountId",
            )
            if accounts.setdefault(client_id, account) != account:
                raise SeedError(
                    f"{where}.accountId: {account} differs from the {account_of[client_id]} of client "
                    f"{client_id!r}: give collections of other accounts their own clientId"
                )
            account_of.setdefault(client_id, f"accountId of {where}")
        try:
            created_ms = timestamp_ms(entry.get("created"), "created")
        except RecordError as error:
            raise SeedError(f"{where}.{error}") from None
        override = _checked(f"{where}.additionalData", meters_override, extra)
        storage = _checked(f"{where}.additionalData", storage_identifier, extra, cdse=True)
        tiles = _tiles(entry.get("tiles"), f"{where}.tiles", collection_id, tile_ids)
        record = {key: value for key, value in entry.items() if key not in _OWN_KEYS}
        _check_extent(record, extra, tiles, where)
        found.append(
            SeedCollection(
                collection_id,
                name,
                bucket,
                client_id,
                planet,
                no_data,
                band_map,
                tiles,
                recorded=record,
                created_ms=created_ms,
                max_meters_per_pixel_override=override,
                storage_identifier=storage,
            )
        )
    return tuple(found)


# How far (in degrees, about a decimetre) a tile may reach past its collection's recorded extent:
# the service shows extents to nine decimals, worked out from covers it keeps in CRS84.
_EXTENT_TOLERANCE = 1e-6


def _check_extent(record: Json, extra: Json, tiles: tuple[SeedTile, ...], where: str) -> None:
    """Refuse an ingested tile recorded outside its collection's recorded extent."""
    extent = extra.get("extent")
    # requiresMetadataUpdate: the service says itself that the extent is not up to date.
    if not isinstance(extent, dict) or record.get("requiresMetadataUpdate") is True:
        return
    box = vertex_bounds(extent)
    if box is None:
        return
    west, south, east, north = box
    for index, tile in enumerate(tiles):
        recorded = tile.recorded
        if recorded is None or recorded.status != "INGESTED":
            continue
        bounds = vertex_bounds(recorded.cover_crs84) if recorded.cover_crs84 else recorded.wgs84_bounds
        if bounds is None:
            continue
        if (
            bounds[0] < west - _EXTENT_TOLERANCE
            or bounds[1] < south - _EXTENT_TOLERANCE
            or bounds[2] > east + _EXTENT_TOLERANCE
            or bounds[3] > north + _EXTENT_TOLERANCE
        ):
            shown = ", ".join(f"{value:.6f}" for value in bounds)
            raise SeedError(
                f"{where}.tiles[{index}]: the tile ({shown}) lies outside its collection's extent "
                f"({west:.6f}, {south:.6f}, {east:.6f}, {north:.6f}): it belongs to another collection, "
                "or the extent was recorded before it was ingested"
            )


def _plain_json(value: Any, where: str) -> Any:
    """``value`` with YAML's timestamps as ISO 8601 text; anything JSON has no type for is refused."""
    if isinstance(value, _dt.datetime | _dt.date):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise SeedError(f"{where}: key {key!r} must be a string")
        return {key: _plain_json(item, f"{where}.{key}") for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain_json(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        raise SeedError(f"{where}: {value} is not a JSON number")
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise SeedError(f"{where}: {type(value).__name__} is not a JSON value")


def parse_seed(document: Any, base: Path, source: str = "seed") -> Seed:
    """Check a seed already read into Python values; ``base`` is where relative folders start.

    Raises :class:`SeedError` naming the first bad entry.
    """
    if document is None:
        document = {}
    document = _mapping(document, source, {"clients": False, "buckets": False, "collections": False})
    clients, accounts = _clients(document.get("clients"))
    buckets = _buckets(document.get("buckets"), base)
    # Without clients of its own, the seed's collections belong to the demo client.
    owners = clients or {DEMO_CLIENT_ID: DEMO_CLIENT_SECRET}
    collections = _collections(document.get("collections"), owners, accounts)
    return Seed(clients, buckets, collections, accounts)


def load_seed(path: Path | str) -> Seed:
    """Read and check a seed file; raise :class:`SeedError` naming the first bad entry."""
    path = Path(path)
    return parse_seed(_parse(path), path.resolve().parent, f"seed file {path}")
