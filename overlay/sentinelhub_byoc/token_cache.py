r"""An opt-in access-token cache on disk, shared by every process of the same user.

Each process that authenticates with :class:`~sentinelhub_byoc.auth.ClientCredentialsAuth`
normally fetches its own access token. A job that starts many short-lived processes at once
(a batch of workers, a shell loop, a test suite) then sends as many token requests, and the
identity service rate-limits them. With a :class:`FileTokenCache` the processes share one token:

>>> from sentinelhub_byoc import BYOCClient, ClientCredentialsAuth
>>> from sentinelhub_byoc.token_cache import FileTokenCache
>>> auth = ClientCredentialsAuth("my-id", "my-secret", token_cache=FileTokenCache())  # doctest: +SKIP
>>> with BYOCClient(auth=auth) as client:  # doctest: +SKIP
...     client.collections.list()

How it works:

* one file per ``(client_id, token_url)``, named by a SHA-256 of both, so neither the client id
  nor the secret appears in a file name; the file holds only the token and its wall-clock
  lifetime (never the id or the secret);
* files are created readable by their owner only (``0600``) in a directory only the owner may
  enter (``0700``), and replaced atomically (a temporary file in the same directory, then
  :func:`os.replace`), so a reader sees the old token or the new one, never half of one;
* a process that needs a token takes an OS file lock (``flock`` on POSIX, ``msvcrt.locking`` on
  Windows) for that file first, reuses the cached token if it is still fresh, and otherwise
  fetches one *while holding the lock* and stores it: however many processes start at once,
  one token request is made. The OS releases the lock of a process that dies;
* a file that cannot be read or parsed counts as empty and is overwritten.

The default directory is ``$XDG_CACHE_HOME/sentinelhub-byoc/tokens`` (``~/.cache/...`` when
the variable is unset) on Linux and other POSIX systems, ``~/Library/Caches/sentinelhub-byoc/tokens``
on macOS and ``%LOCALAPPDATA%\sentinelhub-byoc\tokens`` on Windows. Anyone who can read your
cache directory can use your tokens until they expire (but never learn your secret): use it on
machines and accounts you trust.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import math
import os
import secrets
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Final, TypeGuard

import attrs

from sentinelhub_byoc._logging import logger
from sentinelhub_byoc.errors import ConfigurationError, ValidationError

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

__all__ = [
    "CachedToken",
    "FileTokenCache",
    "TokenCacheEntry",
    "TokenCacheLock",
    "default_token_cache_directory",
]

_APP = "sentinelhub-byoc"
_FORMAT: Final = 1  # bump when the file layout changes; other versions read as empty
# Waiting for a lock without blocking the event loop: poll, backing off to this interval.
_POLL_FIRST = 0.005
_POLL_MAX = 0.05


def default_token_cache_directory(
    *, platform: str = sys.platform, environ: Mapping[str, str] = os.environ, home: Path | None = None
) -> Path:
    r"""Return the directory :class:`FileTokenCache` uses when none is given.

    ``$XDG_CACHE_HOME/sentinelhub-byoc/tokens`` (or ``~/.cache/...``) on Linux and other POSIX
    systems, ``~/Library/Caches/sentinelhub-byoc/tokens`` on macOS and
    ``%LOCALAPPDATA%\sentinelhub-byoc\tokens`` on Windows. The arguments exist for tests.

    >>> default_token_cache_directory(platform="linux", environ={}, home=Path("/home/me")).as_posix()
    '/home/me/.cache/sentinelhub-byoc/tokens'
    """
    home = home if home is not None else Path.home()
    if platform == "win32":
        local = environ.get("LOCALAPPDATA")
        base = Path(local) if local else home / "AppData" / "Local"
    elif platform == "darwin":
        base = home / "Library" / "Caches"
    else:
        xdg = environ.get("XDG_CACHE_HOME")
        # The XDG spec says relative values are invalid and must be ignored.
        base = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".cache"
    return base / _APP / "tokens"


@attrs.frozen(repr=False)
class CachedToken:
    """An access token as stored in the cache: the token and its wall-clock lifetime.

    Attributes:
        access_token: the bearer token.
        obtained_at: when the token request was sent, in seconds since the epoch
            (:func:`time.time`; monotonic clocks differ from process to process).
        expires_at: when the token expires, in seconds since the epoch.
    """

    access_token: str
    obtained_at: float
    expires_at: float

    def __repr__(self) -> str:
        return (
            f"CachedToken(access_token='***', obtained_at={self.obtained_at!r}, "
            f"expires_at={self.expires_at!r})"
        )

    def refresh_at(self, refresh_margin: float) -> float:
        """When to stop using the token, in seconds since the epoch.

        That is ``refresh_margin`` seconds before it expires, but at most half its lifetime
        early, so that short-lived tokens are still reused.
        """
        lifetime = max(0.0, self.expires_at - self.obtained_at)
        return self.expires_at - min(refresh_margin, lifetime / 2)

    def is_fresh(self, refresh_margin: float, now: float | None = None) -> bool:
        """Whether the token may still be used at ``now`` (default: :func:`time.time`)."""
        return (time.time() if now is None else now) < self.refresh_at(refresh_margin)


class TokenCacheLock:
    """The cross-process lock of one cache entry; get one from :meth:`TokenCacheEntry.lock`.

    Each object is one acquisition: it opens the lock file when acquired and closes it when
    released (which is what releases an OS file lock), so a lock object is not shared between
    threads or tasks: every flow takes its own. Not reentrant: acquiring a second lock of the
    same entry while holding one waits forever.

    Use it as a context manager (``with`` blocks the thread; ``async with`` waits without
    blocking the event loop), or call :meth:`acquire` / :meth:`acquire_async` and :meth:`release`.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    @property
    def locked(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> None:
        """Wait (blocking the thread) until the lock is held."""
        fd = self._open()
        try:
            if sys.platform == "win32":
                delay = _POLL_FIRST
                while not _try_lock(fd):
                    time.sleep(delay)
                    delay = min(delay * 2, _POLL_MAX)
            else:
                fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    async def acquire_async(self) -> None:
        """Wait until the lock is held without blocking the event loop.

        The lock is tried without blocking and retried after ``anyio.sleep``: a blocking call
        in a worker thread could not be cancelled and might take the lock after the task gave up,
        keeping it from every other process.
        """
        import anyio

        fd = self._open()
        try:
            delay = _POLL_FIRST
            while not _try_lock(fd):
                await anyio.sleep(delay)
                delay = min(delay * 2, _POLL_MAX)
        except BaseException:  # cancellation included: nothing is held
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        """Release the lock; does nothing when it is not held."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if sys.platform == "win32":
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            else:
                fcntl.flock(fd, fcntl.LOCK_UN)
        except OSError:  # closing the file below releases the lock anyway
            pass
        finally:
            os.close(fd)

    def _open(self) -> int:
        if self._fd is not None:
            raise RuntimeError("this TokenCacheLock is already held; take a new one from entry.lock()")
        try:
            # A lock file of its own, never replaced: a lock on the token file itself would be
            # lost each time os.replace puts a new file (a new inode) in its place.
            return os.open(self._path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        except OSError as error:
            raise ConfigurationError(
                f"cannot open the token cache lock file {self._path}: {error.strerror or error}; "
                "make its directory writable, or pass FileTokenCache(directory=...) another one"
            ) from error

    def __enter__(self) -> TokenCacheLock:
        self.acquire()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    async def __aenter__(self) -> TokenCacheLock:
        await self.acquire_async()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def _try_lock(fd: int) -> bool:
    """Take the OS lock on ``fd`` if it is free; return whether it was taken."""
    if sys.platform == "win32":
        # msvcrt locks byte ranges from the current position; every process locks byte 0.
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as error:
            if error.errno in (errno.EACCES, errno.EDEADLOCK):  # held by another handle
                return False
            raise
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # EWOULDBLOCK: held by another open file
        return False
    return True


class TokenCacheEntry:
    """The cached token of one ``(client_id, token_url)``; get one from :meth:`FileTokenCache.entry`.

    :meth:`load`, :meth:`store` and :meth:`discard` do not lock: hold :meth:`lock` around a
    read-decide-write sequence so that no other process interleaves.
    """

    def __init__(self, directory: Path, key: str) -> None:
        self._path = directory / f"{key}.json"
        self._lock_path = directory / f"{key}.lock"

    @property
    def path(self) -> Path:
        """The file holding the token."""
        return self._path

    def __repr__(self) -> str:
        return f"TokenCacheEntry(path={str(self._path)!r})"

    def lock(self) -> TokenCacheLock:
        """A new, not yet acquired, cross-process lock of this entry."""
        return TokenCacheLock(self._lock_path)

    def load(self) -> CachedToken | None:
        """The stored token, or ``None`` when there is none or the file cannot be read or parsed."""
        try:
            with open(self._path, "rb") as file:
                raw = file.read(64 * 1024)  # a token file is small; anything larger is not ours
            data: Any = json.loads(raw)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            logger.debug("ignoring the unreadable token cache file %s: %s", self._path, error)
            return None
        token = _parse(data)
        if token is None:
            logger.debug("ignoring the token cache file %s: not a token this version wrote", self._path)
        return token

    def store(self, token: CachedToken) -> None:
        """Write ``token`` atomically, readable by its owner only.

        A failure (a full disk, a read-only directory) is logged and otherwise ignored: the
        token still serves this process, and other processes fetch their own.
        """
        data = {
            "format": _FORMAT,
            "access_token": token.access_token,
            "obtained_at": token.obtained_at,
            "expires_at": token.expires_at,
        }
        payload = json.dumps(data, separators=(",", ":")).encode()
        # In the same directory, so that os.replace is a rename within one file system (atomic);
        # O_EXCL and a random name, so that concurrent writers never share a temporary file.
        temporary = self._path.with_name(f".{self._path.stem}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            fd = os.open(temporary, flags, 0o600)
            try:
                with os.fdopen(fd, "wb") as file:
                    file.write(payload)
                # No fsync: after a crash the worst case is an empty or missing file, which reads
                # as "no token" and costs one token request.
                os.replace(temporary, self._path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as error:
            logger.warning("could not write the token cache file %s: %s", self._path, error)

    def discard(self, *, if_token: str | None = None) -> bool:
        """Remove the stored token; with ``if_token``, only if the file still holds that token.

        Returns whether a token was removed. A process that saw its token refused uses
        ``if_token`` so that it does not throw away a newer token another process stored.
        """
        if if_token is not None:
            current = self.load()
            if current is None or current.access_token != if_token:
                return False
        try:
            os.unlink(self._path)
        except FileNotFoundError:
            return False
        except OSError as error:
            logger.warning("could not remove the token cache file %s: %s", self._path, error)
            return False
        return True


def _parse(data: Any) -> CachedToken | None:
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return None
    access_token = data.get("access_token")
    obtained_at = data.get("obtained_at")
    expires_at = data.get("expires_at")
    if not isinstance(access_token, str) or not access_token:
        return None
    if not (_is_number(obtained_at) and _is_number(expires_at)):
        return None
    return CachedToken(access_token, float(obtained_at), float(expires_at))


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class FileTokenCache:
    """Access tokens on disk, one file per ``(client_id, token_url)``, shared by processes.

    Args:
        directory: where the files go; default :func:`default_token_cache_directory`. Created
            (mode ``0700``) if missing.

    Raises:
        ConfigurationError: the directory cannot be created or written, before any request.

    Pass it to :class:`~sentinelhub_byoc.auth.ClientCredentialsAuth` as ``token_cache=``; see the
    module documentation for what is stored and how processes coordinate.

    >>> FileTokenCache("/tmp/byoc-tokens")  # doctest: +SKIP
    FileTokenCache(directory='/tmp/byoc-tokens')
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        if directory is not None and not isinstance(directory, str | os.PathLike):
            raise ValidationError(
                f"FileTokenCache directory must be a path or None, got {type(directory).__name__}"
            )
        path = Path(directory) if directory is not None else default_token_cache_directory()
        self._directory = path.expanduser().absolute()
        self._prepare()

    def _prepare(self) -> None:
        directory = self._directory
        try:
            created = not directory.is_dir()
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if created and os.name == "posix":
                os.chmod(directory, 0o700)  # mkdir's mode is reduced by the umask
        except OSError as error:
            raise ConfigurationError(
                f"cannot create the token cache directory {directory}: {error.strerror or error}; "
                "create it yourself, or pass FileTokenCache(directory=...) a writable directory"
            ) from error
        if not os.access(directory, os.W_OK | os.X_OK):
            raise ConfigurationError(
                f"the token cache directory {directory} is not writable; fix its permissions, "
                "or pass FileTokenCache(directory=...) a writable directory"
            )

    @property
    def directory(self) -> Path:
        """The directory holding the token files."""
        return self._directory

    def __repr__(self) -> str:
        return f"FileTokenCache(directory={str(self._directory)!r})"

    @staticmethod
    def key(client_id: str, token_url: str) -> str:
        """The name (without extension) of the files for ``(client_id, token_url)``: a SHA-256.

        >>> len(FileTokenCache.key("my-id", "https://example.com/token"))
        64
        """
        # Length-prefixed, so that no two different pairs hash the same input.
        material = f"{len(client_id)}:{client_id}\n{token_url}".encode()
        return hashlib.sha256(material).hexdigest()

    def entry(self, client_id: str, token_url: str) -> TokenCacheEntry:
        """The cache entry of ``client_id`` at ``token_url``."""
        return TokenCacheEntry(self._directory, self.key(client_id, str(token_url)))
