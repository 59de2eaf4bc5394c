"""``byoc emulator serve --state DIR``: what was acknowledged survives a killed process.

A damaged database is a one-line error, and the database, which holds client secrets, is
readable by its owner only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sentinelhub_byoc.cli import main
from sentinelhub_byoc.errors import BYOCError
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator, ManualClock, StoreError

from tests.emulator._serve_process import environment, start

CREATIONS = 500
KILL_AFTER = 150


def _all_tiles(api: httpx.Client, collection: str) -> list[dict[str, Any]]:
    tiles: list[dict[str, Any]] = []
    url: str | None = f"/api/v1/byoc/collections/{collection}/tiles?count=100"
    while url:
        page = api.get(url)
        assert page.status_code == 200, page.text
        tiles += page.json()["data"]
        url = page.json().get("links", {}).get("next")
    return tiles


def test_sigkill_in_the_middle_of_tile_creations_loses_nothing_acknowledged(tmp_path: Path) -> None:
    state = tmp_path / "state"
    server = start("--state", str(state))
    try:
        with server.api(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as api:
            created = api.post("/api/v1/byoc/collections", json={"name": "kept", "s3Bucket": "kept-bucket"})
            assert created.status_code == 201, created.text
            collection = created.json()["data"]["id"]
            acknowledged: dict[str, str] = {}
            lock = threading.Lock()
            killed = threading.Event()

            def create(index: int) -> None:
                path = f"scenes/{index:04d}"
                try:
                    response = api.post(f"/api/v1/byoc/collections/{collection}/tiles", json={"path": path})
                except httpx.TransportError:
                    return
                if response.status_code == 201:
                    with lock:
                        acknowledged[path] = response.json()["data"]["id"]
                        if len(acknowledged) >= KILL_AFTER and not killed.is_set():
                            killed.set()
                            server.process.send_signal(signal.SIGKILL)

            with ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(create, range(CREATIONS)))
        assert killed.is_set()
        assert KILL_AFTER <= len(acknowledged) < CREATIONS
        server.process.wait(timeout=10)
        assert server.process.returncode == -signal.SIGKILL
    finally:
        server.stop()

    restarted = start("--state", str(state))
    try:
        assert "kept across restarts" in restarted.banner
        with restarted.api(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET) as api:
            tiles = _all_tiles(api, collection)
            by_path = {tile["path"]: tile["id"] for tile in tiles}
            assert len(by_path) == len(tiles), "a path is there twice"
            assert len({tile["id"] for tile in tiles}) == len(tiles), "an id is there twice"
            for path, tile_id in acknowledged.items():
                assert by_path.get(path) == tile_id, f"acknowledged tile {path} was lost"
            # At most the requests in flight at the kill were done without an answer.
            assert len(tiles) - len(acknowledged) <= 8
            # Creating them all again finds every kept one as a conflict, not a new tile.
            for index in range(CREATIONS):
                path = f"scenes/{index:04d}"
                again = api.post(f"/api/v1/byoc/collections/{collection}/tiles", json={"path": path})
                assert again.status_code == (409 if path in by_path else 201), again.text
            assert len(_all_tiles(api, collection)) == CREATIONS
    finally:
        restarted.stop()


def test_state_keeps_collections_tiles_and_accounts_in_process(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with Emulator(state_dir=state, clock=ManualClock()) as first:
        other = first.add_client("other-client", "other-secret")
        collection = first.create_collection(
            "kept", "kept-bucket", bands={"B1": {"bitDepth": 16, "sampleFormat": "UINT"}}, planet=True
        )
        doomed = first.create_collection("doomed", "kept-bucket")
        kept_tile, gone_tile = first.add_tiles(collection, ["a", "b"])
        with httpx.Client(transport=first.transport(), base_url="http://emulator.test") as http:
            token = http.post(
                "/auth/realms/main/protocol/openid-connect/token",
                data={"grant_type": "client_credentials"},
                auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
            ).json()["access_token"]
            http.headers["Authorization"] = f"Bearer {token}"
            base = f"/api/v1/byoc/collections/{collection}"
            assert http.delete(f"{base}/tiles/{gone_tile}").status_code == 204
            assert http.delete(f"/api/v1/byoc/collections/{doomed}").status_code == 204
            renamed = {"name": "renamed", "s3Bucket": "kept-bucket", "noData": 7}
            assert http.put(base, json=renamed).status_code == 204
            before = http.get(base).json()["data"]
            tile_before = http.get(f"{base}/tiles/{kept_tile}").json()["data"]
    with Emulator(state_dir=state, clock=ManualClock()) as second:
        assert second.account_id("other-client") == other
        with httpx.Client(transport=second.transport(), base_url="http://emulator.test") as http:
            token = http.post(
                "/auth/realms/main/protocol/openid-connect/token",
                data={"grant_type": "client_credentials"},
                auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
            ).json()["access_token"]
            http.headers["Authorization"] = f"Bearer {token}"
            base = f"/api/v1/byoc/collections/{collection}"
            assert http.get(base).json()["data"] == before
            assert http.get(f"/api/v1/byoc/collections/{doomed}").status_code == 404
            tiles = http.get(f"{base}/tiles").json()["data"]
            assert [tile["id"] for tile in tiles] == [kept_tile]
            assert tiles[0]["created"] == tile_before["created"]
            # Numbering goes on after the kept records: a new tile lists after the old one.
            http.post(f"{base}/tiles", json={"path": "c"})
            assert [tile["path"] for tile in http.get(f"{base}/tiles").json()["data"]] == ["a", "c"]


def test_two_emulators_cannot_share_a_state_folder(tmp_path: Path) -> None:
    with Emulator(state_dir=tmp_path), pytest.raises(StoreError, match="another emulator is using"):
        Emulator(state_dir=tmp_path)
    with Emulator(state_dir=tmp_path):
        pass


def test_an_unusable_state_folder_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    assert main(["emulator", "serve", "--port", "0", "--state", str(not_a_folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("byoc: --state: cannot use")
    assert err.count("\n") == 1


# A damaged state database ---------------------------------------------------------------


def _kept_state(folder: Path) -> Path:
    """A state folder with a collection of 300 tiles (several pages); returns its database."""
    with Emulator(state_dir=folder, clock=ManualClock()) as emulator:
        collection = emulator.create_collection("kept", "kept-bucket")
        emulator.add_tiles(collection, [f"scenes/{index:03d}" for index in range(300)])
    return folder / "emulator.sqlite3"


def _sql(script: str) -> Callable[[Path], None]:
    def damage(database: Path) -> None:
        with contextlib.closing(sqlite3.connect(database)) as db:
            db.executescript(script)
            db.commit()

    return damage


def _overwrite(offset: int, size: int) -> Callable[[Path], None]:
    def damage(database: Path) -> None:
        data = bytearray(database.read_bytes())
        data[offset : offset + size] = bytes(range(256)) * (size // 256) + b"\xff" * (size % 256)
        database.write_bytes(bytes(data))

    return damage


def _truncate(database: Path) -> None:
    os.truncate(database, database.stat().st_size // 2)


_FIRST_TILE = "WHERE rowid = (SELECT min(rowid) FROM tiles)"
DAMAGES: dict[str, tuple[Callable[[Path], None], str]] = {
    "not SQLite": (lambda database: database.write_text("collections:\n  - kept\n" * 200), "not a database"),
    "truncated": (_truncate, "malformed"),
    "a malformed page": (_overwrite(3 * 4096, 4096), "damaged"),
    "a malformed header": (_overwrite(100, 100), "damaged"),
    "a record that is not JSON": (
        _sql(f"UPDATE tiles SET record = '{{\"id\": ' {_FIRST_TILE}"),
        "not readable JSON",
    ),
    "a record nested too deep": (_sql(f"UPDATE tiles SET record = '{'[' * 100_000}' {_FIRST_TILE}"), "JSON"),
    "a record that is a number": (_sql(f"UPDATE tiles SET record = 7 {_FIRST_TILE}"), "not an object"),
    "a record that is a blob": (_sql(f"UPDATE tiles SET record = x'00ff' {_FIRST_TILE}"), "not JSON text"),
    "a field of the wrong type": (
        _sql("UPDATE collections SET record = json_set(record, '$.seq', 'x')"),
        "'seq'",
    ),
    "a bool for a number": (
        _sql("UPDATE collections SET record = json_set(record, '$.seq', json('true'))"),
        "'seq'",
    ),
    "an unknown status": (
        _sql(f"UPDATE tiles SET record = json_set(record, '$.status', 'DONE') {_FIRST_TILE}"),
        "'status'",
    ),
    "a geometry that is a string": (
        _sql(f"UPDATE tiles SET record = json_set(record, '$.cover_crs84', 'x') {_FIRST_TILE}"),
        "'cover_crs84'",
    ),
    "a missing field": (_sql("UPDATE collections SET record = json_remove(record, '$.name')"), "no 'name'"),
    "two tiles at one path": (
        _sql(
            "UPDATE tiles SET record = json_set(record, '$.path', 'scenes/000') "
            "WHERE rowid = (SELECT max(rowid) FROM tiles)"
        ),
        "two tiles",
    ),
    "a record filed under another id": (_sql(f"UPDATE tiles SET id = 'elsewhere' {_FIRST_TILE}"), "another"),
    "an account secret that is not text": (_sql("UPDATE accounts SET client_secret = x'00'"), "account"),
    "tables of another program": (_sql("DROP TABLE tiles; CREATE TABLE tiles (x)"), "no such column"),
}


@pytest.fixture(params=sorted(DAMAGES))
def damaged(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    """A state folder whose database has one kind of damage, and a word its error must have."""
    state = tmp_path / "state"
    damage, expected = DAMAGES[request.param]
    damage(_kept_state(state))
    return state, expected


def test_a_damaged_state_is_a_typed_error_naming_the_file(damaged: tuple[Path, str]) -> None:
    state, expected = damaged
    for _ in range(2):
        # The second attempt meets the same error, not "another emulator is using": nothing is
        # left holding the folder.
        with pytest.raises(StoreError) as caught:
            Emulator(state_dir=state)
        message = str(caught.value)
        assert isinstance(caught.value, BYOCError)
        assert expected in message
        assert message.startswith(f"{state / 'emulator.sqlite3'} ") or f"{state} " in message
        assert "move it away" in message or "another state folder" in message
        assert "\n" not in message
        assert DEMO_CLIENT_SECRET not in message


@pytest.mark.parametrize("kind", ["not SQLite", "truncated", "a record that is not JSON"])
def test_serve_on_a_damaged_state_is_one_line_and_exit_2(tmp_path: Path, kind: str) -> None:
    state = tmp_path / "state"
    damage, expected = DAMAGES[kind]
    damage(_kept_state(state))
    completed = _byoc("emulator", "serve", "--port", "0", "--state", str(state))
    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == ""
    assert completed.stderr.count("\n") == 1, completed.stderr
    assert completed.stderr.startswith(f"byoc: --state: {state / 'emulator.sqlite3'} ")
    assert expected in completed.stderr
    assert "move it away" in completed.stderr


def test_a_format_from_another_version_is_refused(tmp_path: Path) -> None:
    _sql("UPDATE meta SET value = 2 WHERE key = 'schema'")(_kept_state(tmp_path))
    with pytest.raises(StoreError, match="holds state of format 2, this emulator reads format 1"):
        Emulator(state_dir=tmp_path)


# Permissions: the database holds client secrets -----------------------------------------


@contextlib.contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize("mask", [0o000, 0o022, 0o277])
def test_the_state_database_and_its_files_are_private_whatever_the_umask(tmp_path: Path, mask: int) -> None:
    state = tmp_path / "state"
    with _umask(mask), Emulator(state_dir=state, clients={"kept-client": "kept-secret"}) as emulator:
        emulator.create_collection("kept", "kept-bucket", client_id="kept-client")
        files = sorted(state.glob("emulator.*"))
        names = {path.name for path in files}
        assert {"emulator.sqlite3", "emulator.sqlite3-wal", "emulator.sqlite3-shm", "emulator.lock"} <= names
        assert {path.name: _mode(path) for path in files} == dict.fromkeys(names, 0o600)
    assert _mode(state) == 0o700
    with Emulator(state_dir=state) as again:
        assert again.account_id("kept-client")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_an_existing_state_readable_by_others_is_made_private(tmp_path: Path) -> None:
    state = tmp_path / "state"
    database = _kept_state(state)
    database.chmod(0o644)
    journal = state / "emulator.sqlite3-journal"
    journal.write_bytes(b"")
    journal.chmod(0o666)
    with Emulator(state_dir=state):
        assert _mode(database) == 0o600
        assert _mode(journal) == 0o600


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_serve_says_when_it_made_an_exposed_state_private(tmp_path: Path) -> None:
    state = tmp_path / "state"
    database = _kept_state(state)
    database.chmod(0o644)
    served = start("--state", str(state))
    try:
        errors = served.interrupt()
    finally:
        served.stop()
    assert _mode(database) == 0o600
    assert errors.count("\n") == 1, errors
    assert errors.startswith(f"byoc: warning: {database} could be read by other users")
    # Once private, nothing more to say.
    served = start("--state", str(state))
    try:
        assert served.interrupt() == ""
    finally:
        served.stop()


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links and FIFOs")
@pytest.mark.parametrize("plant", ["symlink", "fifo", "folder", "wal symlink"])
def test_a_planted_database_is_refused_not_followed(tmp_path: Path, plant: str) -> None:
    state = tmp_path / "state"
    state.mkdir()
    elsewhere = tmp_path / "elsewhere.sqlite3"
    elsewhere.write_bytes(b"")
    database = state / "emulator.sqlite3"
    if plant == "symlink":
        database.symlink_to(elsewhere)
    elif plant == "fifo":
        os.mkfifo(database)
    elif plant == "folder":
        database.mkdir()
    else:
        (state / "emulator.sqlite3-wal").symlink_to(elsewhere)
    with pytest.raises(StoreError) as caught:
        Emulator(state_dir=state)
    assert str(state) in str(caught.value)
    assert elsewhere.read_bytes() == b""


def test_a_damaged_emulator_state_given_to_any_command_is_one_line_and_exit_2(tmp_path: Path) -> None:
    state = tmp_path / "state"
    damage, expected = DAMAGES["not SQLite"]
    damage(_kept_state(state))
    completed = _byoc("--emulator-state", str(state), "collections", "list")
    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == ""
    assert "Traceback" not in completed.stderr
    assert expected in completed.stderr
    assert str(state / "emulator.sqlite3") in completed.stderr


def _byoc(*args: str) -> subprocess.CompletedProcess[str]:
    """``byoc ARGS`` run as a user runs it, in a process of its own."""
    command = [sys.executable, "-m", "sentinelhub_byoc.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=environment(), timeout=60, check=False)
