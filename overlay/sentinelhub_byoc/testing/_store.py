"""Keeping the emulator's accounts, collections and tiles in a SQLite file across restarts.

The in-memory :class:`~._state.State` stays the working model; after every change the
emulator calls :meth:`Store.sync`, which writes what changed in one transaction before the
answer goes out. A process killed at any moment therefore keeps every acknowledged change
and never a half-written one (SQLite's journal rolls an unfinished transaction back).

Records are kept as JSON of their dataclass fields, so a field added to a record is kept
without a schema change; caches and scheduling counters are left out.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path
from typing import Any

from ._auth import Account
from ._model import Collection, Json, Tile
from ._state import State

DATABASE_NAME = "emulator.sqlite3"
_SCHEMA_VERSION = 1
# Derived from other fields or private to the scheduler: rebuilt after a restart.
_NOT_KEPT = frozenset({"cover_output", "generation"})
# JSON has no tuples; these fields hold tuples in memory.
_TUPLES = frozenset({"wgs84_bounds"})


class StoreError(Exception):
    """The state folder cannot be used; the message says why in one line."""


def _fields(record_type: type[Any]) -> list[str]:
    return [
        field.name
        for field in dataclasses.fields(record_type)
        if not field.name.startswith("_") and field.name not in _NOT_KEPT
    ]


_COLLECTION_FIELDS = _fields(Collection)
_TILE_FIELDS = _fields(Tile)


def _encode(record: Collection | Tile, names: list[str]) -> str:
    return json.dumps({name: getattr(record, name) for name in names}, separators=(",", ":"))


def _decode(record_type: type[Any], text: str, names: list[str]) -> Any:
    data: Json = json.loads(text)
    # Members written by another version of the record are dropped, missing ones defaulted.
    values = {name: data[name] for name in names if name in data}
    for name in _TUPLES & values.keys():
        if isinstance(values[name], list):
            values[name] = tuple(values[name])
    return record_type(**values)


class Store:
    """A SQLite database in a folder, written through after each change of the state."""

    def __init__(self, folder: Path | str) -> None:
        """Open (creating it and its folder if needed) the database in ``folder``."""
        self.folder = Path(folder)
        self._lock_file: Any = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._lock_file = _lock(self.folder)
            # The emulator's lock serialises every use, from whichever server thread.
            self._db = sqlite3.connect(
                self.folder / DATABASE_NAME, check_same_thread=False, isolation_level=None
            )
            # WAL with synchronous=NORMAL survives a killed process (only power loss could
            # lose the last commits) and keeps each commit to a single append.
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            with self._transaction():
                self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS accounts "
                    "(client_id TEXT PRIMARY KEY, client_secret TEXT NOT NULL, account_id TEXT NOT NULL)"
                )
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS collections "
                    "(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, record TEXT NOT NULL)"
                )
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS tiles (id TEXT PRIMARY KEY, collection_id TEXT NOT NULL, "
                    "seq INTEGER NOT NULL, record TEXT NOT NULL)"
                )
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(_SCHEMA_VERSION),))
            (version,) = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except (OSError, sqlite3.Error) as error:
            self._unlock()
            raise StoreError(f"cannot use {self.folder / DATABASE_NAME} as emulator state: {error}") from None
        if version != str(_SCHEMA_VERSION):
            raise StoreError(
                f"{self.folder / DATABASE_NAME} holds state of format {version}, this emulator "
                f"reads format {_SCHEMA_VERSION}: use another --state folder"
            )
        # What the database holds, as written: only records whose text changed are written again.
        self._collections: dict[str, str] = {}
        self._tiles: dict[str, dict[str, str]] = {}
        self._revisions: dict[str, int] = {}
        # Tiles as they will be written once the current transaction commits.
        self._pending: list[tuple[str, dict[str, str], int]] = []

    def close(self) -> None:
        """Close the database and let another emulator use the folder."""
        self._db.close()
        self._unlock()

    def _unlock(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def _transaction(self) -> Any:
        return _Transaction(self._db)

    # Reading -----------------------------------------------------------------------------

    def accounts(self) -> list[Account]:
        """The accounts kept from earlier runs."""
        rows = self._db.execute("SELECT client_id, client_secret, account_id FROM accounts").fetchall()
        return [Account(client_id, secret, account_id) for client_id, secret, account_id in rows]

    def load(self) -> tuple[list[Collection], list[Tile]]:
        """Read the kept collections and tiles, and remember them as written."""
        collections: list[Collection] = []
        for (text,) in self._db.execute("SELECT record FROM collections ORDER BY seq"):
            collection = _decode(Collection, text, _COLLECTION_FIELDS)
            collections.append(collection)
            self._collections[collection.id] = text
            self._tiles[collection.id] = {}
        tiles: list[Tile] = []
        for (text,) in self._db.execute("SELECT record FROM tiles ORDER BY seq"):
            tile = _decode(Tile, text, _TILE_FIELDS)
            tiles.append(tile)
            self._tiles.setdefault(tile.collection_id, {})[tile.id] = text
        return collections, tiles

    # Writing -----------------------------------------------------------------------------

    def save_accounts(self, accounts: list[Account]) -> None:
        """Keep these accounts (client id, secret and the account id owning collections)."""
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO accounts VALUES (?, ?, ?)",
                [(a.client_id, a.client_secret, a.account_id) for a in accounts],
            )

    def sync(self, state: State) -> None:
        """Write every collection and tile that changed since the last call, in one transaction."""
        upserts: list[tuple[str, int, str]] = []
        tile_upserts: list[tuple[str, str, int, str]] = []
        tile_deletes: list[tuple[str]] = []
        seen = set()
        for collection in state.collections.values():
            seen.add(collection.id)
            text = _encode(collection, _COLLECTION_FIELDS)
            if self._collections.get(collection.id) != text:
                upserts.append((collection.id, collection.seq, text))
            revision = state.revision(collection)
            if self._revisions.get(collection.id) == revision and collection.id in self._tiles:
                continue
            kept = self._tiles.get(collection.id, {})
            current: dict[str, str] = {}
            for tile in collection.tiles():
                tile_text = _encode(tile, _TILE_FIELDS)
                current[tile.id] = tile_text
                if kept.get(tile.id) != tile_text:
                    tile_upserts.append((tile.id, collection.id, tile.seq, tile_text))
            tile_deletes.extend((tile_id,) for tile_id in kept.keys() - current.keys())
            self._pending.append((collection.id, current, revision))
        gone = [(cid,) for cid in self._collections.keys() - seen]
        if not (upserts or tile_upserts or tile_deletes or gone):
            self._written()
            return
        try:
            with self._transaction():
                self._db.executemany("INSERT OR REPLACE INTO collections VALUES (?, ?, ?)", upserts)
                self._db.executemany("INSERT OR REPLACE INTO tiles VALUES (?, ?, ?, ?)", tile_upserts)
                self._db.executemany("DELETE FROM tiles WHERE id = ?", tile_deletes)
                self._db.executemany("DELETE FROM tiles WHERE collection_id = ?", gone)
                self._db.executemany("DELETE FROM collections WHERE id = ?", gone)
        except BaseException:
            self._pending.clear()
            raise
        # Only once the transaction is committed do the records count as written.
        for cid, _, text in upserts:
            self._collections[cid] = text
        for (cid,) in gone:
            self._collections.pop(cid, None)
            self._tiles.pop(cid, None)
            self._revisions.pop(cid, None)
        self._written()

    def _written(self) -> None:
        for collection_id, current, revision in self._pending:
            self._tiles[collection_id] = current
            self._revisions[collection_id] = revision
        self._pending.clear()


def _lock(folder: Path) -> Any:
    """Hold an exclusive lock on the folder: two emulators on one state would each miss the other's changes.

    The operating system drops the lock with the process, however it ends.
    """
    handle = (folder / "emulator.lock").open("a+")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: no guard
        return handle
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise StoreError(
            f"another emulator is using {folder}: stop it or use another --state folder"
        ) from None
    return handle


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` when the block raises."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        self._db.execute("ROLLBACK" if exc_type is not None else "COMMIT")
