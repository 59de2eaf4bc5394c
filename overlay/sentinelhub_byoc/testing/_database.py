"""Keeping the emulator's accounts, collections and tiles in a SQLite file across restarts.

The in-memory :class:`~._collections.State` stays the working model; after every change the
emulator calls :meth:`Store.sync`, which writes what changed in one transaction before the
answer goes out. A process killed at any moment therefore keeps every acknowledged change
and never a half-written one (SQLite's journal rolls an unfinished transaction back).

Records are kept as JSON of their attrs fields, so a field added to a record is kept
without a schema change; caches and scheduling counters are left out.

The database holds client secrets, so it and SQLite's companion files (``-wal``, ``-shm``,
``-journal``, created with the database's own mode) are made readable by their owner only,
whatever the umask: a new one is created ``0600``, an existing one is tightened to ``0600``.
Everything read back is checked as if a stranger had written it: a damaged file, a record of
the wrong shape or two tiles at one path raise :class:`StoreError` naming the file, never a
``KeyError`` or a half-restored state.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from sentinelhub_byoc._paths import GUARDED
from sentinelhub_byoc.errors import ValidationError

from ._auth import Account
from ._collections import State
from ._records import STATUSES, Collection, Tile

DATABASE_NAME = "emulator.sqlite3"
"""The database's name in the state folder."""
STATE_FILE_SUFFIXES = ("", "-wal", "-shm", "-journal")
"""The database and SQLite's companion files, as suffixes of :data:`DATABASE_NAME`."""
PRIVATE_MODE = 0o600
"""The permissions of the database and its companion files: read and write for the owner only."""
_SCHEMA_VERSION = 1
_log = logging.getLogger(__name__)
_WHAT_TO_DO = "move it away to start with an empty state, or use another state folder"
# Derived from other fields or private to the scheduler: rebuilt after a restart.
_NOT_KEPT = frozenset({"cover_output", "generation"})
# JSON has no tuples; these fields hold tuples in memory.
_TUPLES = frozenset({"wgs84_bounds"})


class StoreError(ValidationError):
    """The state folder cannot be used; the message names the file and says what to do, in one line.

    A :class:`~sentinelhub_byoc.errors.ValidationError`: the folder given is unusable input, found
    before anything is served (``byoc`` exits with status 2).
    """


class StateInUseError(StoreError):
    """Another emulator (another process) holds the state folder; it is free again when that one stops."""


def state_files(folder: Path | str) -> list[Path]:
    """The database in ``folder`` and its SQLite companion files, whether they exist or not."""
    return [Path(folder) / (DATABASE_NAME + suffix) for suffix in STATE_FILE_SUFFIXES]


def _one_line(text: object, limit: int = 300) -> str:
    words = " ".join(str(text).split())
    return words if len(words) <= limit else words[: limit - 1] + "…"


def _damaged(path: Path, detail: object) -> StoreError:
    return StoreError(f"{path} is damaged: {_one_line(detail)}; {_WHAT_TO_DO}")


def _fields(record_type: type[Any]) -> list[str]:
    return [
        field.name
        for field in attrs.fields(record_type)
        if not field.name.startswith("_") and field.name not in _NOT_KEPT
    ]


_COLLECTION_FIELDS = _fields(Collection)
_TILE_FIELDS = _fields(Tile)


def _required(record_type: type[Any]) -> frozenset[str]:
    return frozenset(field.name for field in attrs.fields(record_type) if field.default is attrs.NOTHING)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return _is_int(value) or (isinstance(value, float) and math.isfinite(value))


def _is_object(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(key, str) for key in value)


# What a kept value may be, by the annotation of its field (``X | None`` also allows null).
_CHECKS: dict[str, Callable[[object], bool]] = {
    "str": lambda value: isinstance(value, str),
    "int": _is_int,
    "float": _is_number,
    "bool": lambda value: isinstance(value, bool),
    "Json": _is_object,
    "dict[str, Json]": lambda value: (
        isinstance(value, dict) and _is_object(value) and all(map(_is_object, value.values()))
    ),
    "tuple[float, float, float, float]": lambda value: (
        isinstance(value, list) and len(value) == 4 and all(map(_is_number, value))
    ),
}
# Values a field may hold beyond its type.
_VALUES: dict[str, tuple[str, ...]] = {"status": STATUSES}


def _checks(record_type: type[Any], names: list[str]) -> dict[str, Callable[[object], bool]]:
    annotations = {field.name: str(field.type) for field in attrs.fields(record_type)}
    checks: dict[str, Callable[[object], bool]] = {}
    for name in names:
        base, _, rest = annotations[name].partition(" | ")
        check = _CHECKS.get(base)
        if check is None or rest not in ("", "None"):
            # A new field needs its check here before it can be kept.
            raise TypeError(f"no check for {record_type.__name__}.{name}: {annotations[name]}")
        checks[name] = _or_none(check) if rest else check
    return checks


def _or_none(check: Callable[[object], bool]) -> Callable[[object], bool]:
    return lambda value: value is None or check(value)


_COLLECTION_CHECKS = _checks(Collection, _COLLECTION_FIELDS)
_TILE_CHECKS = _checks(Tile, _TILE_FIELDS)


def _encode(record: Collection | Tile, names: list[str]) -> str:
    return json.dumps({name: getattr(record, name) for name in names}, separators=(",", ":"))


def _decode(record_type: type[Any], text: object, checks: dict[str, Callable[[object], bool]]) -> Any:
    """The record kept as ``text``; ``ValueError`` saying what is wrong with it."""
    if not isinstance(text, str):
        raise ValueError(f"the record is {type(text).__name__}, not JSON text")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError("the record is not readable JSON") from None
    if not isinstance(data, dict):
        raise ValueError(f"the record is a JSON {type(data).__name__}, not an object")
    # Members written by another version of the record are dropped, missing ones defaulted.
    values = {name: data[name] for name in checks if name in data}
    missing = sorted(_required(record_type) - values.keys())
    if missing:
        raise ValueError(f"the record has no {missing[0]!r}")
    for name, value in values.items():
        if not checks[name](value) or value not in _VALUES.get(name, (value,)):
            raise ValueError(f"the record's {name!r} cannot be {_one_line(repr(value), 80)}")
    for name in _TUPLES & values.keys():
        if isinstance(values[name], list):
            values[name] = tuple(values[name])
    return record_type(**values)


class Store:
    """A SQLite database in a folder, written through after each change of the state."""

    def __init__(self, folder: Path | str) -> None:
        """Open (creating it and its folder if needed) the database in ``folder``.

        Raises :class:`StoreError` when the folder cannot be used or the database is damaged.
        """
        self.folder = Path(folder)
        self.path = self.folder / DATABASE_NAME
        self._lock_fd: int | None = None
        self._db: sqlite3.Connection | None = None
        try:
            self._open()
        except BaseException:
            self._release()
            raise
        # What the database holds, as written: only records whose text changed are written again.
        self._collections: dict[str, str] = {}
        self._tiles: dict[str, dict[str, str]] = {}
        self._revisions: dict[str, int] = {}
        # Tiles as they will be written once the current transaction commits.
        self._pending: list[tuple[str, dict[str, str], int]] = []

    def _open(self) -> None:
        try:
            if self.folder.exists() and not self.folder.is_dir():
                raise StoreError(f"cannot use {self.folder} as emulator state: it is not a folder")
            if not self.folder.exists():
                # Only a folder made here is made private: an existing one may be shared on purpose.
                self.folder.mkdir(parents=True, exist_ok=True)
                self.folder.chmod(0o700)
            self._lock_fd = _lock(self.folder)
            for path in state_files(self.folder):
                _make_private(path, create=path == self.path)
            # The emulator's lock serialises every use, from whichever server thread.
            self._db = db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        except OSError as error:
            raise StoreError(
                f"cannot use {self.folder} as emulator state: {_one_line(error.strerror or error)}; "
                "check its permissions or use another state folder"
            ) from None
        try:
            # Reads every page once: a damaged file is refused now, not in the middle of a request.
            (verdict,) = db.execute("PRAGMA quick_check(1)").fetchone()
            if verdict != "ok":
                raise _damaged(self.path, verdict)
            # WAL with synchronous=NORMAL survives a killed process (only power loss could
            # lose the last commits) and keeps each commit to a single append.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            with self._transaction():
                db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS accounts "
                    "(client_id TEXT PRIMARY KEY, client_secret TEXT NOT NULL, account_id TEXT NOT NULL)"
                )
                db.execute(
                    "CREATE TABLE IF NOT EXISTS collections "
                    "(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, record TEXT NOT NULL)"
                )
                db.execute(
                    "CREATE TABLE IF NOT EXISTS tiles (id TEXT PRIMARY KEY, collection_id TEXT NOT NULL, "
                    "seq INTEGER NOT NULL, record TEXT NOT NULL)"
                )
                db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(_SCHEMA_VERSION),))
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.OperationalError as error:
            # Locked, read-only, out of space, or tables of another program.
            raise StoreError(
                f"cannot use {self.path} as emulator state: {_one_line(error)}; {_WHAT_TO_DO}"
            ) from None
        except sqlite3.Error as error:
            raise _damaged(self.path, error) from None
        if row is None:
            raise _damaged(self.path, "it names no state format")
        if str(row[0]) != str(_SCHEMA_VERSION):
            raise StoreError(
                f"{self.path} holds state of format {_one_line(row[0], 40)}, this emulator "
                f"reads format {_SCHEMA_VERSION}: use another state folder"
            )

    def close(self) -> None:
        """Close the database and let another emulator use the folder."""
        self._release()

    def _release(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    @property
    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise StoreError(f"{self.path} is closed")
        return self._db

    def _transaction(self) -> _Transaction:
        return _Transaction(self._connection)

    # Reading -----------------------------------------------------------------------------

    def _rows(self, query: str) -> list[Any]:
        try:
            return self._connection.execute(query).fetchall()
        except sqlite3.Error as error:
            raise _damaged(self.path, error) from None

    def accounts(self) -> list[Account]:
        """The accounts kept from earlier runs."""
        accounts = []
        for row in self._rows("SELECT client_id, client_secret, account_id FROM accounts"):
            if not all(isinstance(value, str) and value for value in row):
                # Not the values themselves: the row holds a client secret.
                raise _damaged(
                    self.path, "an account has an empty or non-text client id, secret or account id"
                )
            accounts.append(Account(*row))
        return accounts

    def load(self) -> tuple[list[Collection], list[Tile]]:
        """Read the kept collections and tiles, and remember them as written.

        Raises :class:`StoreError` on a record that is not what this emulator writes.
        """
        collections: list[Collection] = []
        for row_id, text in self._rows("SELECT id, record FROM collections ORDER BY seq"):
            collection = self._record(Collection, _COLLECTION_CHECKS, "collection", row_id, text)
            collections.append(collection)
        by_id = {collection.id: collection for collection in collections}
        tiles: list[Tile] = []
        seen: set[tuple[str, tuple[str, object]]] = set()
        for row_id, collection_id, text in self._rows(
            "SELECT id, collection_id, record FROM tiles ORDER BY seq"
        ):
            tile = self._record(Tile, _TILE_CHECKS, "tile", row_id, text)
            if tile.collection_id != collection_id:
                raise _damaged(self.path, f"tile {_one_line(row_id, 80)} is filed under another collection")
            for key, what in (
                ((tile.collection_id, tile.seq), "number"),
                ((tile.collection_id, tile.path), "path"),
            ):
                if (what, key) in seen:
                    where = f"collection {tile.collection_id} has two tiles"
                    raise _damaged(self.path, f"{where} with the {what} {_one_line(repr(key[1]), 80)}")
                seen.add((what, key))
            tiles.append(tile)
        for collection in collections:
            self._collections[collection.id] = _encode(collection, _COLLECTION_FIELDS)
            self._tiles[collection.id] = {}
        for tile in tiles:
            # A tile of no kept collection is never restored; it stays as it is in the file.
            if tile.collection_id in by_id:
                self._tiles[tile.collection_id][tile.id] = _encode(tile, _TILE_FIELDS)
        return collections, tiles

    def _record(
        self,
        record_type: type[Any],
        checks: dict[str, Callable[[object], bool]],
        kind: str,
        row_id: object,
        text: object,
    ) -> Any:
        try:
            record = _decode(record_type, text, checks)
        except ValueError as error:
            raise _damaged(self.path, f"{kind} {_one_line(row_id, 80)}: {error}") from None
        if record.id != row_id:
            raise _damaged(self.path, f"{kind} {_one_line(row_id, 80)} holds the record of another")
        return record

    # Writing -----------------------------------------------------------------------------

    def save_accounts(self, accounts: list[Account]) -> None:
        """Keep these accounts (client id, secret and the account id owning collections)."""
        try:
            with self._transaction():
                self._connection.executemany(
                    "INSERT OR REPLACE INTO accounts VALUES (?, ?, ?)",
                    [(a.client_id, a.client_secret, a.account_id) for a in accounts],
                )
        except sqlite3.Error as error:
            raise StoreError(f"cannot write to {self.path}: {_one_line(error)}") from None

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
        db = self._connection
        try:
            with self._transaction():
                db.executemany("INSERT OR REPLACE INTO collections VALUES (?, ?, ?)", upserts)
                db.executemany("INSERT OR REPLACE INTO tiles VALUES (?, ?, ?, ?)", tile_upserts)
                db.executemany("DELETE FROM tiles WHERE id = ?", tile_deletes)
                db.executemany("DELETE FROM tiles WHERE collection_id = ?", gone)
                db.executemany("DELETE FROM collections WHERE id = ?", gone)
        except sqlite3.Error as error:
            self._pending.clear()
            raise StoreError(f"cannot write to {self.path}: {_one_line(error)}") from None
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


def _lock(folder: Path) -> int:
    """Hold an exclusive lock on the folder: two emulators on one state would each miss the other's changes.

    The operating system drops the lock with the process, however it ends.
    """
    path = folder / "emulator.lock"
    _make_private(path, create=True)
    handle = os.open(path, os.O_RDWR | GUARDED)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: no guard
        return handle
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(handle)
        raise StateInUseError(
            f"another emulator is using {folder}: stop it or use another state folder"
        ) from None
    return handle


def _make_private(path: Path, *, create: bool) -> None:
    """Make ``path`` a regular file only its owner may read (creating it when ``create``).

    A symbolic link is refused rather than followed: SQLite would write the secrets wherever
    it points. Tightening needs no warning here; ``byoc emulator serve`` tells its user.
    """
    flags = os.O_RDWR | GUARDED
    if path.is_symlink():
        raise StoreError(f"{path} is a symbolic link; {_WHAT_TO_DO}")
    try:
        handle = os.open(path, flags | (os.O_CREAT if create else 0), PRIVATE_MODE)
    except FileNotFoundError:
        return
    try:
        mode = os.fstat(handle).st_mode
        if not stat.S_ISREG(mode):
            raise StoreError(f"{path} is not a regular file; {_WHAT_TO_DO}")
        if stat.S_IMODE(mode) != PRIVATE_MODE:
            # The umask may have taken more than group and others' bits (0o277 leaves 0o400).
            if hasattr(os, "fchmod"):
                os.fchmod(handle, PRIVATE_MODE)
            else:  # pragma: no cover - Windows has no fchmod and no such bits
                os.chmod(path, PRIVATE_MODE)
            _log.debug("made %s private (it was %o)", path, stat.S_IMODE(mode))
    finally:
        os.close(handle)


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` when the block raises."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        self._db.execute("ROLLBACK" if exc_type is not None else "COMMIT")
