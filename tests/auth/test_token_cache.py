"""The opt-in token cache shared by processes: FileTokenCache and ClientCredentialsAuth(token_cache=)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from sentinelhub_byoc.auth import ClientCredentialsAuth
from sentinelhub_byoc.errors import ConfigurationError, ValidationError
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator, serve
from sentinelhub_byoc.token_cache import (
    CachedToken,
    FileTokenCache,
    TokenCacheEntry,
    default_token_cache_directory,
)

TOKEN_URL = "https://auth.example/token"
API = "https://api.example/api/v1/byoc/collections"
POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


class Service:
    """Issues numbered tokens and accepts API requests that carry a live one."""

    def __init__(self, *, expires_in: float = 3600, token_delay: float = 0.0) -> None:
        self.expires_in = expires_in
        self.token_delay = token_delay
        self.live: set[str] = set()
        self.token_requests = 0
        self.authorizations: list[str | None] = []
        self.on_api: Any = None  # called before an API request is judged
        self._lock = threading.Lock()

    def _issue(self) -> httpx.Response:
        with self._lock:
            self.token_requests += 1
            token = f"token-{self.token_requests}"
            self.live.add(token)
        return httpx.Response(200, json={"access_token": token, "expires_in": self.expires_in})

    def _api(self, request: httpx.Request) -> httpx.Response:
        if self.on_api is not None:
            self.on_api()
        authorization = request.headers.get("authorization")
        with self._lock:
            self.authorizations.append(authorization)
            ok = authorization is not None and authorization.removeprefix("Bearer ") in self.live
        return httpx.Response(200, json={"data": []}) if ok else httpx.Response(401)

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url == TOKEN_URL:
            time.sleep(self.token_delay)
            return self._issue()
        return self._api(request)

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        if request.url == TOKEN_URL:
            await anyio.sleep(self.token_delay)
            return self._issue()
        return self._api(request)


@pytest.fixture
def service() -> Service:
    return Service()


@pytest.fixture
def cache(tmp_path: Path) -> FileTokenCache:
    return FileTokenCache(tmp_path / "tokens")


def _auth(cache: FileTokenCache, client_id: str = "my-id", **options: Any) -> ClientCredentialsAuth:
    return ClientCredentialsAuth(client_id, "my-secret", token_url=TOKEN_URL, token_cache=cache, **options)


def _get(auth: ClientCredentialsAuth, service: Service) -> int:
    with httpx.Client(transport=httpx.MockTransport(service.handler), auth=auth) as client:
        return client.get(API).status_code


def _entry(cache: FileTokenCache, client_id: str = "my-id") -> TokenCacheEntry:
    return cache.entry(client_id, TOKEN_URL)


def _put(cache: FileTokenCache, token: str, *, lifetime: float = 3600, age: float = 0) -> None:
    now = time.time()
    _entry(cache).store(CachedToken(token, now - age, now - age + lifetime))


# -- sharing --------------------------------------------------------------------------------------


def test_a_second_process_reuses_the_stored_token(cache: FileTokenCache, service: Service) -> None:
    first, second = _auth(cache), _auth(cache)  # two auth objects stand for two processes
    assert _get(first, service) == 200
    assert _get(second, service) == 200
    assert service.token_requests == 1
    assert first.token_request_count == 1
    assert second.token_request_count == 0
    assert second.has_valid_token
    assert service.authorizations == ["Bearer token-1", "Bearer token-1"]


def test_the_cache_is_only_consulted_when_a_token_is_needed(
    cache: FileTokenCache, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    auth = _auth(cache)
    _get(auth, service)
    loads: list[int] = []
    monkeypatch.setattr(TokenCacheEntry, "load", lambda self: loads.append(1))
    for _ in range(3):
        _get(auth, service)
    assert loads == []


def test_two_client_ids_get_two_files(cache: FileTokenCache, service: Service) -> None:
    service_b = Service()
    _get(_auth(cache, "id-a"), service)
    _get(ClientCredentialsAuth("id-b", "my-secret", token_url=TOKEN_URL, token_cache=cache), service_b)
    files = sorted(p.name for p in cache.directory.glob("*.json"))
    assert len(files) == 2
    assert cache.entry("id-a", TOKEN_URL).path != cache.entry("id-b", TOKEN_URL).path
    assert service.token_requests == service_b.token_requests == 1
    # Another token endpoint for the same id is another entry too.
    assert cache.entry("id-a", TOKEN_URL).path != cache.entry("id-a", TOKEN_URL + "2").path


def test_files_are_named_by_a_hash_and_hold_neither_id_nor_secret(
    cache: FileTokenCache, service: Service
) -> None:
    client_id = "the-client-id-1234"
    auth = ClientCredentialsAuth(client_id, "the-secret-5678", token_url=TOKEN_URL, token_cache=cache)
    _get(auth, service)
    (path,) = cache.directory.glob("*.json")
    assert path.stem == FileTokenCache.key(client_id, TOKEN_URL)
    assert len(path.stem) == 64
    assert int(path.stem, 16) >= 0  # hexadecimal
    for file in cache.directory.iterdir():
        assert client_id not in file.name
        content = file.read_bytes()
        assert client_id.encode() not in content
        assert b"the-secret-5678" not in content
    stored = json.loads(path.read_text())
    assert stored["access_token"] == "token-1"
    assert stored["expires_at"] == pytest.approx(time.time() + 3600, abs=60)


def test_the_key_separates_its_parts_unambiguously() -> None:
    assert FileTokenCache.key("a", "b\nc") != FileTokenCache.key("a\nb", "c")
    expected = hashlib.sha256(b"5:my-id\n" + TOKEN_URL.encode()).hexdigest()
    assert FileTokenCache.key("my-id", TOKEN_URL) == expected


@POSIX
def test_files_are_private_to_their_owner(tmp_path: Path, service: Service) -> None:
    cache = FileTokenCache(tmp_path / "new" / "tokens")
    assert stat.S_IMODE(cache.directory.stat().st_mode) == 0o700
    _get(_auth(cache), service)
    for file in cache.directory.iterdir():
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file.name


@POSIX
def test_an_existing_directory_is_left_as_it_is(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    FileTokenCache(tmp_path)
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o755


# -- writing ---------------------------------------------------------------------------------------


def test_a_write_is_atomic(cache: FileTokenCache, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _entry(cache)
    replaced: list[tuple[Path, Path]] = []
    real_replace = os.replace

    def spy(source: Any, target: Any) -> None:
        replaced.append((Path(source), Path(target)))
        assert Path(source).read_bytes()  # complete before it takes the file's place
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", spy)
    _put(cache, "one")
    ((source, target),) = replaced
    assert target == entry.path
    assert source.parent == target.parent  # a rename within one directory (one file system)
    assert sorted(p.name for p in cache.directory.iterdir()) == [entry.path.name]


def test_a_failed_write_keeps_the_old_token_and_leaves_no_temporary_file(
    cache: FileTokenCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    _put(cache, "old")

    def fail(source: Any, target: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    _put(cache, "new")  # logged, not raised: the token still serves this process
    loaded = _entry(cache).load()
    assert loaded is not None
    assert loaded.access_token == "old"
    assert [p.name for p in cache.directory.iterdir()] == [_entry(cache).path.name]


def test_readers_never_see_a_partial_file(cache: FileTokenCache) -> None:
    entry = _entry(cache)
    _put(cache, "t" * 2000)
    seen: list[CachedToken | None] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.append(entry.load())

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for number in range(300):
            _put(cache, str(number) * 2000)
    finally:
        done.set()
        reader.join()
    assert seen
    assert all(token is not None for token in seen)


# -- reading ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00",
        b"[]",
        b'{"format": 1}',
        b'{"format": 99, "access_token": "x", "obtained_at": 1, "expires_at": 9e99}',
        b'{"format": 1, "access_token": "", "obtained_at": 1, "expires_at": 9e99}',
        b'{"format": 1, "access_token": "x", "obtained_at": "1", "expires_at": 9e99}',
        b'{"format": 1, "access_token": "x", "obtained_at": 1, "expires_at": true}',
        b'{"format": 1, "access_token": "x", "obtained_at": 1, "expires_at": NaN}',
    ],
)
def test_a_corrupt_file_is_ignored_and_overwritten(
    cache: FileTokenCache, service: Service, content: bytes
) -> None:
    entry = _entry(cache)
    entry.path.write_bytes(content)
    assert entry.load() is None
    assert _get(_auth(cache), service) == 200
    assert service.token_requests == 1
    loaded = entry.load()
    assert loaded is not None
    assert loaded.access_token == "token-1"


def test_an_unreadable_file_is_ignored_and_overwritten(
    cache: FileTokenCache, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    _put(cache, "cannot-be-read")
    real_open = os.open

    def refuse(path: Any, flags: int, *args: Any, **kwargs: Any) -> Any:
        if Path(path) == _entry(cache).path and not flags & (os.O_WRONLY | os.O_RDWR):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    assert _get(_auth(cache), service) == 200
    assert service.authorizations == ["Bearer token-1"]
    monkeypatch.undo()
    loaded = _entry(cache).load()
    assert loaded is not None
    assert loaded.access_token == "token-1"


def test_a_fresh_cached_token_is_used_without_a_token_request(
    cache: FileTokenCache, service: Service
) -> None:
    service.live.add("from-another-process")
    _put(cache, "from-another-process", lifetime=3600, age=100)
    auth = _auth(cache)
    assert _get(auth, service) == 200
    assert service.token_requests == 0
    assert service.authorizations == ["Bearer from-another-process"]


@pytest.mark.parametrize(
    ("lifetime", "age", "reused"),
    [
        (3600, 3600 - 61, True),  # outside the 60 s refresh margin
        (3600, 3600 - 59, False),  # inside it
        (3600, 3601, False),  # expired
        (60, 29, True),  # a short-lived token is reused for half its life
        (60, 31, False),
    ],
)
def test_the_refresh_margin_applies_to_cached_tokens(
    cache: FileTokenCache, service: Service, lifetime: float, age: float, reused: bool
) -> None:
    service.live.add("cached")
    _put(cache, "cached", lifetime=lifetime, age=age)
    _get(_auth(cache), service)
    assert service.token_requests == (0 if reused else 1)
    loaded = _entry(cache).load()
    assert loaded is not None
    assert loaded.access_token == ("cached" if reused else "token-1")


def test_a_cached_token_expires_on_the_auth_objects_own_clock(
    cache: FileTokenCache, service: Service
) -> None:
    now = [500.0]
    service.live.add("cached")
    _put(cache, "cached", lifetime=600, age=0)
    auth = _auth(cache, clock=lambda: now[0])
    _get(auth, service)
    assert auth.has_valid_token
    now[0] += 600 - 59  # inside the refresh margin of the cached token's remaining life
    assert not auth.has_valid_token


# -- 401 and invalidation ----------------------------------------------------------------------


def test_a_401_removes_the_cached_token_that_failed(cache: FileTokenCache, service: Service) -> None:
    _put(cache, "revoked")  # the service does not know it (any more)
    auth = _auth(cache)
    assert _get(auth, service) == 200
    assert service.authorizations == ["Bearer revoked", "Bearer token-1"]
    assert service.token_requests == 1
    loaded = _entry(cache).load()
    assert loaded is not None
    assert loaded.access_token == "token-1"


def test_a_401_keeps_a_newer_token_another_process_stored(cache: FileTokenCache, service: Service) -> None:
    auth = _auth(cache)
    _get(auth, service)
    service.live.clear()  # token-1 is revoked ...
    service.live.add("newer")

    def another_process_refreshes() -> None:
        service.on_api = None
        _put(cache, "newer")  # ... and another process already stored a new one

    service.on_api = another_process_refreshes
    assert _get(auth, service) == 200
    assert service.authorizations == ["Bearer token-1", "Bearer token-1", "Bearer newer"]
    assert service.token_requests == 1  # the newer token was used, not a new one fetched
    loaded = _entry(cache).load()
    assert loaded is not None
    assert loaded.access_token == "newer"


def test_discard_only_removes_the_token_it_is_told_about(cache: FileTokenCache) -> None:
    entry = _entry(cache)
    _put(cache, "current")
    assert entry.discard(if_token="older") is False
    assert entry.load() is not None
    assert entry.discard(if_token="current") is True
    assert entry.load() is None
    assert entry.discard() is False


def test_invalidate_does_not_take_the_same_token_back_from_the_cache(
    cache: FileTokenCache, service: Service
) -> None:
    auth = _auth(cache)
    _get(auth, service)
    auth.invalidate()
    _get(auth, service)
    assert service.token_requests == 2
    assert service.authorizations == ["Bearer token-1", "Bearer token-2"]
    loaded = _entry(cache).load()
    assert loaded is not None
    assert loaded.access_token == "token-2"


# -- configuration -------------------------------------------------------------------------------


def test_a_directory_that_cannot_be_created_is_a_configuration_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(ConfigurationError) as caught:
        FileTokenCache(blocker / "tokens")
    message = str(caught.value)
    assert str(blocker / "tokens") in message
    assert "FileTokenCache(directory=...)" in message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions, not root")
def test_a_directory_that_is_not_writable_is_a_configuration_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        with pytest.raises(ConfigurationError, match="not writable"):
            FileTokenCache(locked)
    finally:
        locked.chmod(0o700)


def test_token_cache_must_be_a_file_token_cache() -> None:
    with pytest.raises(ValidationError, match="token_cache must be a FileTokenCache"):
        ClientCredentialsAuth("id", "s", token_url=TOKEN_URL, token_cache="/tmp/x")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="directory must be a path"):
        FileTokenCache(42)  # type: ignore[arg-type]


def test_the_default_directory_follows_xdg_cache_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache = FileTokenCache()
    assert cache.directory == tmp_path / "xdg" / "sentinelhub-byoc" / "tokens"
    assert cache.directory.is_dir()
    auth = ClientCredentialsAuth("id", "s", token_url=TOKEN_URL, token_cache=cache)
    assert auth.token_cache is cache


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("linux", {}, "/home/me/.cache/sentinelhub-byoc/tokens"),
        ("linux", {"XDG_CACHE_HOME": "/var/cache/me"}, "/var/cache/me/sentinelhub-byoc/tokens"),
        ("linux", {"XDG_CACHE_HOME": "relative"}, "/home/me/.cache/sentinelhub-byoc/tokens"),
        ("freebsd14", {}, "/home/me/.cache/sentinelhub-byoc/tokens"),
        ("darwin", {}, "/home/me/Library/Caches/sentinelhub-byoc/tokens"),
        (
            "win32",
            {"LOCALAPPDATA": "/c/Users/me/AppData/Local"},
            "/c/Users/me/AppData/Local/sentinelhub-byoc/tokens",
        ),
        ("win32", {}, "/home/me/AppData/Local/sentinelhub-byoc/tokens"),
    ],
)
def test_default_directories(platform: str, environ: dict[str, str], expected: str) -> None:
    found = default_token_cache_directory(platform=platform, environ=environ, home=Path("/home/me"))
    assert found.as_posix() == expected


def test_reprs_hide_the_token(cache: FileTokenCache) -> None:
    token = CachedToken("secret-token", 1.0, 2.0)
    assert "secret-token" not in repr(token)
    assert repr(cache) == f"FileTokenCache(directory={str(cache.directory)!r})"
    assert str(cache.directory) in repr(_entry(cache))


# -- locking ---------------------------------------------------------------------------------------


def test_the_lock_excludes_other_holders(cache: FileTokenCache) -> None:
    entry = _entry(cache)
    order: list[str] = []
    with entry.lock() as held:
        assert held.locked

        def other() -> None:
            with entry.lock():
                order.append("other")

        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.1)
        order.append("first releases")
    thread.join(timeout=5)
    assert order == ["first releases", "other"]
    assert not held.locked


def test_the_lock_is_released_when_a_process_dies(cache: FileTokenCache) -> None:
    entry = _entry(cache)
    script = (
        "import os, sys\n"
        "from sentinelhub_byoc.token_cache import FileTokenCache\n"
        "entry = FileTokenCache(sys.argv[1]).entry('my-id', sys.argv[2])\n"
        "entry.lock().acquire()\n"
        "os._exit(0)  # no release, no clean-up\n"
    )
    subprocess.run([sys.executable, "-c", script, str(cache.directory), TOKEN_URL], check=True, timeout=60)
    acquired = threading.Event()

    def take() -> None:
        with entry.lock():
            acquired.set()

    thread = threading.Thread(target=take, daemon=True)
    thread.start()
    assert acquired.wait(timeout=5)


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
@pytest.mark.anyio
async def test_the_lock_is_the_flock_other_versions_take(cache: FileTokenCache) -> None:
    import fcntl

    entry = _entry(cache)
    with entry.lock():
        pass  # creates the lock file, as the first process of any version does
    # A process of an earlier version took flock on the lock file itself.
    fd = os.open(entry.path.with_suffix(".lock"), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with anyio.move_on_after(0.2):  # not a timing bound: it must still be waiting then
            async with entry.lock():
                pytest.fail("took a lock another process holds")
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
    with anyio.fail_after(30):  # a hang, not a timing bound
        async with entry.lock() as lock:
            assert lock.locked


def test_importing_the_cache_leaves_filelock_until_a_lock_is_taken(cache: FileTokenCache) -> None:
    script = (
        "import sys\n"
        "from sentinelhub_byoc.token_cache import FileTokenCache\n"
        "entry = FileTokenCache(sys.argv[1]).entry('my-id', 'url')\n"
        "before = 'filelock' in sys.modules\n"
        "entry.lock().acquire()\n"
        "print(before, 'filelock' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(cache.directory)], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["False", "True"], result.stderr


@pytest.mark.anyio
async def test_waiting_for_the_lock_does_not_block_the_event_loop(cache: FileTokenCache) -> None:
    entry = _entry(cache)
    holder = entry.lock()
    holder.acquire()
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await anyio.sleep(0.01)

    threading.Timer(0.2, holder.release).start()
    async with anyio.create_task_group() as group:
        group.start_soon(tick)
        async with entry.lock() as lock:
            assert lock.locked
        group.cancel_scope.cancel()
    assert ticks >= 3  # a blocked event loop would have ticked once


@pytest.mark.anyio
async def test_a_cancelled_wait_holds_nothing(cache: FileTokenCache) -> None:
    entry = _entry(cache)
    holder = entry.lock()
    holder.acquire()
    waiter = entry.lock()
    with anyio.move_on_after(0.1):
        await waiter.acquire_async()
    assert not waiter.locked
    holder.release()
    with anyio.fail_after(2):
        async with entry.lock():
            pass


def test_a_lock_object_is_one_acquisition(cache: FileTokenCache) -> None:
    lock = _entry(cache).lock()
    with lock, pytest.raises(RuntimeError, match="already held"):
        lock.acquire()
    lock.release()  # releasing what is not held does nothing


# -- many threads, tasks and processes -------------------------------------------------------


def test_auth_objects_in_many_threads_share_one_token_request(cache: FileTokenCache) -> None:
    service = Service(token_delay=0.05)
    barrier = threading.Barrier(8)
    statuses: list[int] = []

    def work() -> None:
        auth = _auth(cache)  # one auth object each, as separate processes would have
        barrier.wait()
        statuses.append(_get(auth, service))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    assert service.token_requests == 1


@pytest.mark.anyio
async def test_async_tasks_and_a_second_auth_share_one_token_request(cache: FileTokenCache) -> None:
    service = Service(token_delay=0.05)
    transport = httpx.MockTransport(service.async_handler)
    first, second = _auth(cache), _auth(cache)
    async with (
        httpx.AsyncClient(transport=transport, auth=first) as one,
        httpx.AsyncClient(transport=transport, auth=second) as two,
    ):
        responses = await asyncio.gather(*(client.get(API) for client in [one, two] * 10))
    assert [r.status_code for r in responses] == [200] * 20
    assert service.token_requests == 1


@pytest.mark.anyio
async def test_async_401_with_a_cache(cache: FileTokenCache) -> None:
    service = Service()
    transport = httpx.MockTransport(service.async_handler)
    auth = _auth(cache)
    async with httpx.AsyncClient(transport=transport, auth=auth) as client:
        await client.get(API)
        service.live.clear()
        responses = await asyncio.gather(*(client.get(API) for _ in range(5)))
    assert [r.status_code for r in responses] == [200] * 5
    assert service.token_requests == 2
    loaded = _entry(cache).load()
    assert loaded is not None
    assert loaded.access_token == "token-2"


PROCESSES = 16

CHILD = """
import sys
from sentinelhub_byoc import BYOCClient, RetryPolicy
from sentinelhub_byoc.auth import ClientCredentialsAuth
from sentinelhub_byoc.deployments import Deployment
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from sentinelhub_byoc.token_cache import FileTokenCache

base_url, token_url, directory = sys.argv[1:4]
auth = ClientCredentialsAuth(
    DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, token_url=token_url, token_cache=FileTokenCache(directory)
)
deployment = Deployment.custom(base_url, token_url=token_url)
client = BYOCClient(auth=auth, deployment=deployment, timeout=30, retry=RetryPolicy.disabled())
print("ready", flush=True)
sys.stdin.readline()  # start together
with client:
    names = [collection.name for collection in client.collections.list()]
print(",".join(names), auth.token_request_count, flush=True)
"""


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    with Emulator(data_dir=tmp_path / "emulator") as emulator:
        emulator.create_collection("shared", "a-bucket")
        yield emulator


def test_16_processes_started_at_once_make_one_token_request(emulator: Emulator, tmp_path: Path) -> None:
    directory = tmp_path / "token-cache"
    # A slow token endpoint: every process asks while the first request is still in flight.
    emulator.script_faults(["delay:0.3"], include_token_route=True)
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    env.pop("SH_PROFILE", None)
    with serve(emulator) as server:
        arguments = [sys.executable, "-c", CHILD, server.base_url, server.token_url, str(directory)]
        children = [
            subprocess.Popen(
                arguments,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                cwd=tmp_path,
            )
            for _ in range(PROCESSES)
        ]
        try:
            for child in children:
                assert child.stdout is not None
                assert child.stdout.readline().strip() == "ready", child.communicate(timeout=60)
            for child in children:
                assert child.stdin is not None
                child.stdin.write("go\n")
                child.stdin.flush()
            outputs = [child.communicate(timeout=120) for child in children]
        finally:
            for child in children:
                if child.poll() is None:
                    child.kill()
                    child.wait()
    assert [child.returncode for child in children] == [0] * PROCESSES, outputs
    lines = [stdout.strip() for stdout, _ in outputs]
    assert all(line.startswith("shared ") for line in lines), lines
    assert sorted(int(line.split()[1]) for line in lines) == [0] * (PROCESSES - 1) + [1]
    assert emulator.token_requests == 1
    assert sum(1 for r in emulator.requests if "/byoc" in r.path) == PROCESSES
    assert DEMO_CLIENT_ID not in " ".join(p.name for p in directory.iterdir())
    assert DEMO_CLIENT_SECRET.encode() not in b"".join(p.read_bytes() for p in directory.iterdir())


# -- the clients' token_cache= ------------------------------------------------------------------


def _deployment() -> Any:
    from sentinelhub_byoc import Deployment

    return Deployment.custom(base_url="https://api.example", token_url=TOKEN_URL, path_prefix="/api/v1/byoc")


@pytest.mark.parametrize("how", ["directory", "cache"])
def test_clients_share_tokens_through_token_cache(tmp_path: Path, service: Service, how: str) -> None:
    from sentinelhub_byoc import AsyncBYOCClient, BYOCClient

    directory = tmp_path / "tokens"
    option: Any = directory if how == "directory" else FileTokenCache(directory)
    with BYOCClient(
        "my-id",
        "my-secret",
        deployment=_deployment(),
        token_cache=option,
        transport=httpx.MockTransport(service.handler),
    ) as first:
        list(first.collections.list())

    async def second() -> None:
        async with AsyncBYOCClient(
            "my-id",
            "my-secret",
            deployment=_deployment(),
            token_cache=option,
            transport=httpx.MockTransport(service.async_handler),
        ) as client:
            [c async for c in client.collections.list()]

    asyncio.run(second())
    assert service.token_requests == 1
    assert any(directory.iterdir())


def test_token_cache_true_uses_the_default_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, service: Service
) -> None:
    from sentinelhub_byoc import BYOCClient

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    for _ in range(2):
        with BYOCClient(
            "my-id",
            "my-secret",
            deployment=_deployment(),
            token_cache=True,
            transport=httpx.MockTransport(service.handler),
        ) as client:
            list(client.collections.list())
    assert service.token_requests == 1
    assert any((tmp_path / "xdg" / "sentinelhub-byoc" / "tokens").iterdir())


def test_without_token_cache_each_client_fetches_its_own(service: Service) -> None:
    from sentinelhub_byoc import BYOCClient

    for _ in range(2):
        with BYOCClient(
            "my-id", "my-secret", deployment=_deployment(), transport=httpx.MockTransport(service.handler)
        ) as client:
            list(client.collections.list())
    assert service.token_requests == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"access_token": "a-token-of-mine", "token_cache": True}, "not to access_token="),
        ({"auth": httpx.BasicAuth("a", "b"), "token_cache": True}, "not to auth="),
        ({"client_id": "i", "client_secret": "s", "token_cache": 3}, "token_cache must be True"),
    ],
)
def test_token_cache_is_refused_where_it_cannot_apply(arguments: dict[str, Any], message: str) -> None:
    from sentinelhub_byoc import BYOCClient

    with pytest.raises(ValidationError, match=message):
        BYOCClient(deployment=_deployment(), **arguments)
