"""The token cache trusts only what its user owns: planted files, foreign folders and odd content.

Each attack is made on disk as another user (or a careless umask) would, then a client runs
against the emulator: it must work without the cache, read nothing it should not trust, write
through no link, and say why in one WARNING record on the ``sentinelhub_byoc`` logger.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from sentinelhub_byoc.errors import ConfigurationError
from sentinelhub_byoc.testing import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    Emulator,
    client_for,
    emulator_deployment,
)
from sentinelhub_byoc.token_cache import CachedToken, FileTokenCache

POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX owners and modes")
ROOT = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() != 0, reason="making files another user owns needs root"
)
NOBODY = 65534  # another user's id: files chowned to it belong to someone else


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    with Emulator(data_dir=tmp_path / "emulator") as emulator:
        emulator.create_collection("shared", "a-bucket")
        yield emulator


@pytest.fixture
def warnings(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING, logger="sentinelhub_byoc")
    return caplog


def _private(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _use(emulator: Emulator, token_cache: Any) -> None:
    """One client run, as one process of a batch would make it."""
    with client_for(emulator, token_cache=token_cache) as client:
        assert [c.name for c in client.collections.list()] == ["shared"]


def _api_statuses(emulator: Emulator) -> list[int | None]:
    return [record.status for record in emulator.requests if "/byoc" in record.path]


def _token_path(directory: Path, emulator: Emulator) -> Path:
    """Where the demo client's token goes in ``directory``, found without opening a cache there."""
    key = FileTokenCache.key(DEMO_CLIENT_ID, str(emulator_deployment(emulator).token_url))
    return directory / f"{key}.json"


def _token_json(token: str, *, lifetime: float = 3600) -> bytes:
    now = time.time()
    return json.dumps(
        {"format": 1, "access_token": token, "obtained_at": now, "expires_at": now + lifetime}
    ).encode()


def _cache_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "sentinelhub_byoc" and record.levelno == logging.WARNING
    ]


def _no_secret_in(messages: list[str]) -> None:
    for message in messages:
        assert DEMO_CLIENT_SECRET not in message
        assert DEMO_CLIENT_ID not in message


def _snapshot(path: Path) -> tuple[bytes, int, int]:
    info = path.lstat()
    return path.read_bytes(), stat.S_IMODE(info.st_mode), info.st_uid


# -- the directory ---------------------------------------------------------------------------------


def test_a_private_directory_is_used_and_shared(
    emulator: Emulator, tmp_path: Path, warnings: pytest.LogCaptureFixture
) -> None:
    directory = _private(tmp_path / "tokens")
    for _ in range(3):
        _use(emulator, directory)
    assert emulator.token_requests == 1
    assert _cache_warnings(warnings) == []


@POSIX
@pytest.mark.parametrize("mode", [0o777, 0o770, 0o720, 0o702, 0o1777])
def test_a_directory_others_can_write_is_refused(
    emulator: Emulator, tmp_path: Path, warnings: pytest.LogCaptureFixture, mode: int
) -> None:
    directory = _private(tmp_path / "tokens")
    directory.chmod(mode)
    for _ in range(2):
        _use(emulator, directory)
    assert emulator.token_requests == 2  # each client fetched its own: no cache
    assert list(directory.iterdir()) == []  # nothing written there
    assert stat.S_IMODE(directory.stat().st_mode) == mode  # and the modes left as they were
    (message,) = _cache_warnings(warnings)  # once, however often the cache was asked
    assert str(directory) in message
    assert "writable by" in message
    assert "chmod go-w" in message
    _no_secret_in([message])


@ROOT
def test_a_directory_another_user_owns_is_refused(
    emulator: Emulator, tmp_path: Path, warnings: pytest.LogCaptureFixture
) -> None:
    directory = _private(tmp_path / "tokens")
    os.chown(directory, NOBODY, NOBODY)
    planted = _token_path(directory, emulator)
    planted.write_bytes(_token_json("planted-by-nobody"))
    os.chown(planted, NOBODY, NOBODY)
    before = _snapshot(planted)
    for _ in range(2):
        _use(emulator, directory)
    assert emulator.token_requests == 2
    assert 401 not in _api_statuses(emulator)  # the planted token was never sent
    assert _snapshot(planted) == before
    assert sorted(p.name for p in directory.iterdir()) == [planted.name]
    (message,) = _cache_warnings(warnings)
    assert f"owned by user id {NOBODY}" in message


@ROOT
def test_a_parent_another_user_owns_is_refused(
    emulator: Emulator, tmp_path: Path, warnings: pytest.LogCaptureFixture
) -> None:
    parent = _private(tmp_path / "theirs")
    directory = _private(parent / "tokens")
    os.chown(parent, NOBODY, NOBODY)  # they may swap "tokens" for a folder of their own
    _use(emulator, directory)
    _use(emulator, directory)
    assert emulator.token_requests == 2
    assert list(directory.iterdir()) == []
    (message,) = _cache_warnings(warnings)
    assert str(parent) in message


@POSIX
def test_a_parent_others_can_write_is_refused_unless_sticky(
    emulator: Emulator, tmp_path: Path, warnings: pytest.LogCaptureFixture
) -> None:
    parent = _private(tmp_path / "shared")
    directory = _private(parent / "tokens")
    parent.chmod(0o777)
    _use(emulator, directory)
    _use(emulator, directory)
    assert emulator.token_requests == 2
    assert list(directory.iterdir()) == []
    assert any(str(parent) in message for message in _cache_warnings(warnings))
    # With the sticky bit (as /tmp has) others cannot rename or remove what is yours in it.
    parent.chmod(0o1777)
    warnings.clear()
    _use(emulator, directory)
    _use(emulator, directory)
    assert emulator.token_requests == 3
    assert _cache_warnings(warnings) == []


@ROOT
def test_a_link_to_a_folder_another_user_owns_is_judged_where_it_leads(
    emulator: Emulator, tmp_path: Path, warnings: pytest.LogCaptureFixture
) -> None:
    theirs = _private(tmp_path / "theirs")
    os.chown(theirs, NOBODY, NOBODY)
    link = tmp_path / "tokens"
    link.symlink_to(theirs)
    cache = FileTokenCache(link)
    assert cache.directory == theirs
    _use(emulator, cache)
    _use(emulator, cache)
    assert emulator.token_requests == 2
    assert list(theirs.iterdir()) == []
    assert _cache_warnings(warnings)


@POSIX
def test_a_link_to_a_private_folder_is_used_where_it_leads(emulator: Emulator, tmp_path: Path) -> None:
    mine = _private(tmp_path / "mine")
    link = tmp_path / "tokens"
    link.symlink_to(mine)
    cache = FileTokenCache(link)
    assert cache.directory == mine
    _use(emulator, cache)
    # The link now points elsewhere: the cache keeps using the folder it judged.
    link.unlink()
    link.symlink_to(_private(tmp_path / "elsewhere"))
    _use(emulator, cache)
    assert emulator.token_requests == 1
    assert list((tmp_path / "elsewhere").iterdir()) == []


@POSIX
def test_a_directory_made_unsafe_later_is_refused_from_then_on(
    emulator: Emulator, tmp_path: Path, warnings: pytest.LogCaptureFixture
) -> None:
    directory = _private(tmp_path / "tokens")
    cache = FileTokenCache(directory)
    _use(emulator, cache)
    entry = cache.entry(DEMO_CLIENT_ID, "unused")
    assert _cache_warnings(warnings) == []
    directory.chmod(0o777)
    assert entry.load() is None
    entry.store(CachedToken("not-written", time.time(), time.time() + 60))
    assert not entry.path.exists()
    with entry.lock() as lock:
        assert not lock.locked  # refused at once, not waited for
    assert len(_cache_warnings(warnings)) == 1


def test_a_named_directory_that_cannot_be_created_is_an_error_before_any_request(
    emulator: Emulator, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(ConfigurationError, match="cannot create the token cache directory"):
        client_for(emulator, token_cache=blocker / "tokens")
    assert emulator.requests == []


def test_the_default_directory_never_fails_the_client(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warnings: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # the default folder cannot be created
    _use(emulator, True)
    _use(emulator, True)
    assert emulator.token_requests == 2
    messages = _cache_warnings(warnings)
    assert messages
    assert all("cache" in message for message in messages)
    _no_secret_in(messages)


@POSIX
def test_an_unsafe_default_directory_is_a_warning_not_an_error(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warnings: pytest.LogCaptureFixture
) -> None:
    xdg = _private(tmp_path / "xdg")
    xdg.chmod(0o777)
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))
    _use(emulator, True)
    _use(emulator, True)
    assert emulator.token_requests == 2
    assert any(str(xdg) in message for message in _cache_warnings(warnings))


@POSIX
def test_created_folders_are_private_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o002)
    try:
        cache = FileTokenCache(tmp_path / "new" / "deeper" / "tokens")
    finally:
        os.umask(previous)
    for folder in (tmp_path / "new", tmp_path / "new" / "deeper", cache.directory):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


# -- the token file ----------------------------------------------------------------------------------


@POSIX
def test_a_token_file_others_can_write_is_ignored_and_left_alone(
    emulator: Emulator, tmp_path: Path, warnings: pytest.LogCaptureFixture
) -> None:
    directory = _private(tmp_path / "tokens")
    path = _token_path(directory, emulator)
    path.write_bytes(_token_json("planted"))
    path.chmod(0o666)
    before = _snapshot(path)
    _use(emulator, directory)
    _use(emulator, directory)
    assert 401 not in _api_statuses(emulator)
    assert emulator.token_requests == 2
    assert _snapshot(path) == before  # not overwritten, not replaced
    (message,) = _cache_warnings(warnings)
    assert str(path) in message
    assert "writable by" in message
    assert "Remove it" in message


@ROOT
def test_a_token_file_another_user_owns_is_ignored_and_left_alone(
    emulator: Emulator, tmp_path: Path, warnings: pytest.LogCaptureFixture
) -> None:
    directory = _private(tmp_path / "tokens")
    path = _token_path(directory, emulator)
    path.write_bytes(_token_json("planted"))
    path.chmod(0o600)
    os.chown(path, NOBODY, NOBODY)
    before = _snapshot(path)
    _use(emulator, directory)
    assert 401 not in _api_statuses(emulator)
    assert _snapshot(path) == before
    (message,) = _cache_warnings(warnings)
    assert f"owned by user id {NOBODY}" in message


@POSIX
def test_a_link_at_the_token_path_is_neither_read_nor_written_through(
    emulator: Emulator, tmp_path: Path, warnings: pytest.LogCaptureFixture
) -> None:
    directory = _private(tmp_path / "tokens")
    path = _token_path(directory, emulator)
    target = tmp_path / "victim.json"
    target.write_bytes(_token_json("read-through-a-link"))
    target.chmod(0o600)
    before = _snapshot(target)
    path.symlink_to(target)
    _use(emulator, directory)
    _use(emulator, directory)
    assert 401 not in _api_statuses(emulator)  # the target's token was never sent
    assert _snapshot(target) == before
    assert path.is_symlink()
    assert os.readlink(path) == str(target)
    (message,) = _cache_warnings(warnings)
    assert "symbolic link" in message


@POSIX
def test_a_link_at_the_lock_path_is_never_followed(
    emulator: Emulator, tmp_path: Path, warnings: pytest.LogCaptureFixture
) -> None:
    directory = _private(tmp_path / "tokens")
    lock_path = _token_path(directory, emulator).with_suffix(".lock")
    existing = tmp_path / "victim"
    existing.write_bytes(b"precious")
    missing = tmp_path / "would-be-created"
    lock_path.symlink_to(missing)  # opening it with O_CREAT would create this file
    _use(emulator, directory)
    assert not missing.exists()
    lock_path.unlink()
    lock_path.symlink_to(existing)
    before = _snapshot(existing)
    _use(emulator, directory)
    _use(emulator, directory)
    assert _snapshot(existing) == before
    assert lock_path.is_symlink()
    # Without the lock the token file is still shared: one token for the three clients.
    assert emulator.token_requests == 1
    assert all("symbolic link" in message for message in _cache_warnings(warnings))


@ROOT
def test_a_lock_file_another_user_owns_is_refused(
    emulator: Emulator, tmp_path: Path, warnings: pytest.LogCaptureFixture
) -> None:
    directory = _private(tmp_path / "tokens")
    lock_path = _token_path(directory, emulator).with_suffix(".lock")
    lock_path.write_bytes(b"")
    os.chown(lock_path, NOBODY, NOBODY)  # they could hold it forever
    lock = FileTokenCache(directory).entry("x", "y").lock()
    lock._path = lock_path
    lock.acquire()
    assert not lock.locked
    lock.release()
    _use(emulator, directory)
    assert lock_path.stat().st_uid == NOBODY
    assert any(f"owned by user id {NOBODY}" in message for message in _cache_warnings(warnings))


@POSIX
@pytest.mark.parametrize("where", ["token", "lock"])
def test_a_fifo_is_never_waited_on(emulator: Emulator, tmp_path: Path, where: str) -> None:
    directory = _private(tmp_path / "tokens")
    path = _token_path(directory, emulator)
    os.mkfifo(path if where == "token" else path.with_suffix(".lock"), 0o600)
    done = threading.Event()
    failures: list[BaseException] = []

    def run() -> None:
        try:
            _use(emulator, directory)
            _use(emulator, directory)
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(timeout=60), "the client blocked on a FIFO"  # not a timing bound: a hang
    assert failures == []
    if where == "token":
        assert stat.S_ISFIFO(path.lstat().st_mode)  # left as it is


def test_a_directory_at_the_token_path_is_ignored(emulator: Emulator, tmp_path: Path) -> None:
    directory = _private(tmp_path / "tokens")
    path = _token_path(directory, emulator)
    path.mkdir()
    (path / "inside").write_bytes(b"kept")
    _use(emulator, directory)
    _use(emulator, directory)
    assert emulator.token_requests == 2
    assert (path / "inside").read_bytes() == b"kept"


# -- what a trusted file may hold ------------------------------------------------------------------

UNREADABLE = {
    "nested-arrays": b"[" * 30_000 + b"]" * 30_000,
    "nested-objects": b'{"a":' * 20_000 + b"1" + b"}" * 20_000,
    "nested-in-a-token": b'{"format": 1, "access_token": ' + b"[" * 30_000 + b"]" * 30_000 + b"}",
    "huge-integer": b'{"format": 1, "access_token": "x", "obtained_at": 1, "expires_at": 1'
    + b"0" * 400
    + b"}",
    "too-many-digits": b'{"format": 1, "access_token": "x", "obtained_at": 1, "expires_at": 1'
    + b"0" * 5000
    + b"}",
    "overflowing-float": b'{"format": 1, "access_token": "x", "obtained_at": 1, "expires_at": 1e999}',
    "infinity": b'{"format": 1, "access_token": "x", "obtained_at": 1, "expires_at": Infinity}',
    "nan": b'{"format": 1, "access_token": "x", "obtained_at": NaN, "expires_at": 9e9}',
    "expires-before-obtained": b'{"format": 1, "access_token": "x", "obtained_at": 9e9, "expires_at": 1}',
    "not-utf-8": b'{"format": 1, "access_token": "\xff\xfe", "obtained_at": 1, "expires_at": 9e9}',
    "header-injection": b'{"format": 1, "access_token": "x\\r\\nX-Evil: 1", "obtained_at": 1, '
    b'"expires_at": 9e9}',
    "non-ascii-token": b'{"format": 1, "access_token": "t\\u00f6ken", "obtained_at": 1, "expires_at": 9e9}',
    "larger-than-any-token": b" " * (1024 * 1024) + _token_json("padded"),
    "nul-bytes": b"\x00" * 100,
}


@pytest.mark.parametrize("content", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_unreadable_content_means_no_cached_token(
    emulator: Emulator, tmp_path: Path, content: bytes, warnings: pytest.LogCaptureFixture
) -> None:
    directory = _private(tmp_path / "tokens")
    entry = FileTokenCache(directory).entry(DEMO_CLIENT_ID, str(emulator_deployment(emulator).token_url))
    entry.path.write_bytes(content)
    entry.path.chmod(0o600)
    assert entry.load() is None
    _use(emulator, directory)
    assert 401 not in _api_statuses(emulator)
    assert emulator.token_requests == 1
    # A file of ours that holds no token is replaced by a good one, which the next client uses.
    stored = entry.load()
    assert stored is not None
    _use(emulator, directory)
    assert emulator.token_requests == 1
    assert _cache_warnings(warnings) == []


def test_a_token_that_cannot_be_stored_is_not_stored(tmp_path: Path) -> None:
    entry = FileTokenCache(_private(tmp_path / "tokens")).entry("id", "url")
    entry.store(CachedToken("t", float("nan"), float("inf")))
    assert not entry.path.exists()


# -- locks -----------------------------------------------------------------------------------------


@POSIX
@pytest.mark.anyio
async def test_a_refused_lock_returns_at_once_in_async_code(
    tmp_path: Path, warnings: pytest.LogCaptureFixture
) -> None:
    directory = _private(tmp_path / "tokens")
    entry = FileTokenCache(directory).entry("id", "url")
    holder = entry.lock()
    holder.acquire()  # held: a trusted lock would now be waited for
    directory.chmod(0o777)
    with anyio.fail_after(30):  # a hang, not a timing bound
        async with entry.lock() as lock:
            assert not lock.locked
    holder.release()
    assert _cache_warnings(warnings)


@POSIX
def test_files_are_opened_without_following_links_or_leaking_into_children(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = FileTokenCache(_private(tmp_path / "tokens")).entry("id", "url")
    opened: list[int] = []
    real_open = os.open

    def spy(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path).parent == entry.path.parent:
            opened.append(flags)
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    with entry.lock():
        entry.store(CachedToken("t", time.time(), time.time() + 60))
        assert entry.load() is not None
    assert len(opened) == 3  # the lock, the temporary file, the token
    for flags in opened:
        assert flags & os.O_NOFOLLOW
        assert flags & os.O_CLOEXEC
        assert flags & os.O_NONBLOCK
