"""Seed files: clients, bucket folders, collections and tiles an emulator starts with.

A seed is a YAML or JSON mapping (relative folders are relative to the seed file)::

    clients:
      - clientId: my-client
        clientSecret: my-secret
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
          - path: order1
            sensingTime: "2024-05-01T10:30:00Z"           # optional

Everything is checked before anything is applied; a mistake is one line naming the entry.
"""

from __future__ import annotations

import datetime as _dt
import json
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from ._answers import ApiError
from ._auth import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from ._validation import bands as check_bands
from ._validation import bucket_name, parse_uuid, sensing_time, tile_path

if TYPE_CHECKING:
    from ._emulator import Emulator

# Seeded collections without an id get one derived from their client and name, so that seeding
# an emulator with kept state again finds them instead of adding copies.
_ID_NAMESPACE = uuid.UUID("6f1f6f3e-5b7a-4c55-9d0e-8a4c2f0b9e21")


class SeedError(ValueError):
    """A seed file that cannot be used; the message is one line naming the entry."""


@attrs.frozen
class SeedTile:
    """A tile to create in a seeded collection."""

    path: str
    sensing_time: str | None


@attrs.frozen
class SeedCollection:
    """A collection to create, with its tiles."""

    id: str
    name: str
    s3_bucket: str
    client_id: str
    planet: bool
    no_data: float | None
    bands: dict[str, Any]
    tiles: tuple[SeedTile, ...]


@attrs.frozen
class Seed:
    """What a seed file asks for, checked."""

    clients: dict[str, str]
    buckets: dict[str, Path]
    collections: tuple[SeedCollection, ...]


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


def _checked(where: str, check: Any, *args: Any) -> Any:
    """Run one of the service's own payload checks, reporting its message against ``where``."""
    try:
        return check(*args)
    except ApiError as error:
        raise SeedError(f"{where}: {error.message}") from None


def _clients(raw: Any) -> dict[str, str]:
    clients: dict[str, str] = {}
    for index, entry in enumerate(_list(raw, "clients")):
        where = f"clients[{index}]"
        entry = _mapping(entry, where, {"clientId": True, "clientSecret": True})
        client_id = _string(entry["clientId"], f"{where}.clientId")
        if client_id in clients:
            raise SeedError(f"{where}.clientId: {client_id!r} is listed twice")
        clients[client_id] = _string(entry["clientSecret"], f"{where}.clientSecret")
    return clients


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


def _tiles(raw: Any, where: str) -> tuple[SeedTile, ...]:
    tiles: list[SeedTile] = []
    paths: set[str] = set()
    for index, entry in enumerate(_list(raw, where)):
        here = f"{where}[{index}]"
        if isinstance(entry, str):
            entry = {"path": entry}
        entry = _mapping(entry, here, {"path": True, "sensingTime": False})
        path = _checked(f"{here}.path", tile_path, {"path": entry["path"]})
        if path in paths:
            raise SeedError(f"{here}.path: {path!r} is listed twice in this collection")
        paths.add(path)
        tiles.append(SeedTile(path, _sensing(entry.get("sensingTime"), f"{here}.sensingTime")))
    return tuple(tiles)


_COLLECTION_KEYS = {
    "name": True,
    "s3Bucket": True,
    "id": False,
    "clientId": False,
    "planet": False,
    "noData": False,
    "bands": False,
    "tiles": False,
}


def _collections(raw: Any, clients: Mapping[str, str]) -> tuple[SeedCollection, ...]:
    found: list[SeedCollection] = []
    ids: set[str] = set()
    default_client = next(iter(clients), DEMO_CLIENT_ID)
    for index, entry in enumerate(_list(raw, "collections")):
        where = f"collections[{index}]"
        entry = _mapping(entry, where, _COLLECTION_KEYS)
        name = _string(entry["name"], f"{where}.name")
        bucket = _checked(f"{where}.s3Bucket", bucket_name, {"s3Bucket": entry["s3Bucket"]})
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
        tiles = _tiles(entry.get("tiles"), f"{where}.tiles")
        found.append(SeedCollection(collection_id, name, bucket, client_id, planet, no_data, band_map, tiles))
    return tuple(found)


def load_seed(path: Path | str) -> Seed:
    """Read and check a seed file; raise :class:`SeedError` naming the first bad entry."""
    path = Path(path)
    document = _parse(path)
    if document is None:
        document = {}
    document = _mapping(
        document, f"seed file {path}", {"clients": False, "buckets": False, "collections": False}
    )
    clients = _clients(document.get("clients")) or {DEMO_CLIENT_ID: DEMO_CLIENT_SECRET}
    buckets = _buckets(document.get("buckets"), path.resolve().parent)
    return Seed(clients, buckets, _collections(document.get("collections"), clients))


def apply_seed(emulator: Emulator, seed: Seed) -> list[tuple[SeedCollection, bool]]:
    """Create the seed's collections and tiles; return each with whether it was created now.

    Collections the emulator already has (kept state from an earlier run) are left as they are.
    Clients and bucket folders are given to the :class:`Emulator` when it is made.
    """
    results: list[tuple[SeedCollection, bool]] = []
    for collection in seed.collections:
        if emulator.has_collection(collection.id):
            results.append((collection, False))
            continue
        emulator.create_collection(
            collection.name,
            collection.s3_bucket,
            client_id=collection.client_id,
            bands=collection.bands,
            planet=collection.planet,
            no_data=collection.no_data,
            collection_id=collection.id,
        )
        emulator.add_tiles(
            collection.id,
            [tile.path for tile in collection.tiles],
            sensing_times=[tile.sensing_time for tile in collection.tiles],
        )
        results.append((collection, True))
    return results
