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
  enter (``0700``), and replaced atomically (a temporary file in the same directory, flushed to
  disk, then :func:`os.replace`), so a reader sees the old token or the new one, never half of one;
* a process that needs a token takes an OS file lock (``flock`` on POSIX, ``LockFileEx`` on
  Windows) for that file first, reuses the cached token if it is still fresh, and otherwise
  fetches one *while holding the lock* and stores it: however many processes start at once,
  one token request is made. The OS releases the lock of a process that dies.

What it trusts, as OpenSSH's ``StrictModes`` does (on POSIX systems):

* the cache directory must be a real directory (not a symbolic link) owned by you and writable
  by nobody else (no group or other write bit); every directory above it must be owned by you
  or by root and be writable by nobody else, unless it has the sticky bit (as ``/tmp`` has),
  which keeps others from renaming or removing what is yours in it. A directory given as a
  path that goes through symbolic links is judged where the links lead;
* a token file or lock file must be a regular file owned by you and writable by nobody else.
  Both are opened with ``O_NOFOLLOW`` (and ``O_CLOEXEC``, and ``O_NONBLOCK`` so that a FIFO
  planted there cannot block): a symbolic link is never followed, neither read nor written
  through, and what it points to is never touched;
* anything else is refused: a ``WARNING`` record on the ``sentinelhub_byoc`` logger (once per
  problem and process) says what is wrong and how to fix it, and the client works without
  the cache, fetching its own tokens. An untrusted file is left where it is (never replaced or
  written to), so the warning stays until you look at it and remove it. With an untrusted lock
  file, tokens are still shared through a trusted token file, but processes no longer wait for
  each other;
* a token file that cannot be read or understood (not JSON, not UTF-8, nested too deeply,
  numbers that are not finite, larger than any token, a directory or a FIFO) means "no cached
  token": a new token is fetched and stored in its place.

On Windows there are no POSIX owners and modes: the directory under ``%LOCALAPPDATA%`` has
the access rights of your profile, and only symbolic links and non-regular files are refused.

Errors: ``FileTokenCache(directory)`` with a directory you name raises
:class:`~sentinelhub_byoc.errors.ConfigurationError` when that directory cannot be created or
written (a mistake in the call, told before any request). The default directory never fails
the client: if it cannot be created, a warning is logged and the client works without a
cache. A directory that exists but is not trusted (see above) is never an error, given or
default: it is a warning, and no cache.

The default directory is ``$XDG_CACHE_HOME/sentinelhub-byoc/tokens`` (``~/.cache/...`` when
the variable is unset) on Linux and other POSIX systems, ``~/Library/Caches/sentinelhub-byoc/tokens``
on macOS and ``%LOCALAPPDATA%\sentinelhub-byoc\tokens`` on Windows. Anyone who can read your
cache directory (root, or you on another machine sharing your home) can use your tokens until
they expire (but never learn your secret): use it on machines and accounts you trust.

What `filelock` and `platformdirs` do here: the OS lock (``flock`` on POSIX, ``LockFileEx`` on one
byte on Windows) is filelock's :func:`~filelock.lock_descriptor`, taken on a lock file this module
opened and checked itself. filelock's ``FileLock`` is not used: it judges its lock file only once
the lock is held, by rules of its own (no mode check), so a planted lock file that someone else
holds would be waited for rather than refused; it turns into a marker-file lock on file systems
without ``flock``; and its async lock is asyncio-only and waits in an executor thread, while the
clients run on any anyio backend (trio included) and must not leave a thread that takes the lock
after a cancelled task gave up (the async side polls ``lock_descriptor(fd, blocking=False)``
between ``anyio.sleep`` calls). platformdirs is not used: its ``user_cache_dir`` would move the
default directory (on Windows to the shell's known folder rather than ``%LOCALAPPDATA%``, with
``Cache`` added unless ``opinion=False``; on macOS to ``$XDG_CACHE_HOME`` when it is set), it reads
the platform and the environment of the process where :func:`default_token_cache_directory` takes
them as arguments, and the owner and mode checks of its ``ensure_exists`` are private and laxer (a
group-writable directory passes), so the directory's creation and checks stay here.
"""

from __future__ import annotations

import contextlib
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
from sentinelhub_byoc._private_files import (
    OPEN_FLAGS,
    Guard,
    account_key,
    cache_directory,
    file_problem,
    link_problem,
    made_directory,
    open_private_file,
    warn_once,
)
from sentinelhub_byoc.errors import ConfigurationError, ValidationError

__all__ = [
    "CachedToken",
    "FileTokenCache",
    "TokenCacheEntry",
    "TokenCacheLock",
    "default_token_cache_directory",
]

_FORMAT: Final = 1  # bump when the file layout changes; other versions read as empty
# Waiting for a held lock: try again after _POLL_FIRST (a thread, every time; a task, backing off
# to _POLL_MAX so that the event loop is not woken more than needed).
_POLL_FIRST = 0.005
_POLL_MAX = 0.05
# A token file is a few hundred bytes (a few kB for a large JWT); anything larger is not ours.
_MAX_FILE_SIZE = 64 * 1024
# A cached token goes into an Authorization header: visible ASCII only, as RFC 6750 tokens are.
_TOKEN_CHARACTERS = frozenset(chr(code) for code in range(0x21, 0x7F))


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
    return cache_directory("tokens", platform=platform, environ=environ, home=home)


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


# -- what is trusted ---------------------------------------------------------------------------------


def _guard(directory: Path) -> Guard:
    """The trust checks of a token cache directory, in the cache's words."""
    return Guard(directory, "token cache", "the cache", "pass FileTokenCache(directory=...) one of your own")


class TokenCacheLock:
    """The cross-process lock of one cache entry; get one from :meth:`TokenCacheEntry.lock`.

    Each object is one acquisition: it opens the lock file when acquired and closes it when
    released (which is what releases an OS file lock), so a lock object is not shared between
    threads or tasks: every flow takes its own. Not reentrant: acquiring a second lock of the
    same entry while holding one waits forever.

    A lock file or directory that is not trusted (see the module documentation) is never
    locked: acquiring logs a warning and returns at once with :attr:`locked` false, and the
    caller goes on without waiting for other processes.

    Use it as a context manager (``with`` blocks the thread; ``async with`` waits without
    blocking the event loop), or call :meth:`acquire` / :meth:`acquire_async` and :meth:`release`.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._guard = _guard(path.parent)
        self._fd: int | None = None

    @property
    def locked(self) -> bool:
        """Whether this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> None:
        """Wait (blocking the thread) until the lock is held, or until it is refused as untrusted."""
        fd = self._open()
        if fd is None:
            return
        # Imported when a lock is taken: importing filelock costs more than the whole package.
        from filelock import lock_descriptor

        try:
            lock_descriptor(fd, poll_interval=_POLL_FIRST)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    async def acquire_async(self) -> None:
        """Wait until the lock is held (or refused) without blocking the event loop.

        The lock is tried without blocking and retried after ``anyio.sleep``: a blocking call
        in a worker thread could not be cancelled and might take the lock after the task gave up,
        keeping it from every other process.
        """
        import anyio
        from filelock import lock_descriptor

        fd = self._open()
        if fd is None:
            return
        try:
            delay = _POLL_FIRST
            while not lock_descriptor(fd, blocking=False):
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
        from filelock import unlock_descriptor

        try:
            unlock_descriptor(fd)
        except OSError:  # closing the file below releases the lock anyway
            pass
        finally:
            os.close(fd)

    def _open(self) -> int | None:
        """The lock file, opened and checked; ``None`` (and a warning) when it is not trusted."""
        if self._fd is not None:
            raise RuntimeError("this TokenCacheLock is already held; take a new one from entry.lock()")
        if not self._guard.directory_trusted():
            return None
        return open_private_file(self._path, self._guard.refuse_file)

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


class TokenCacheEntry:
    """The cached token of one ``(client_id, token_url)``; get one from :meth:`FileTokenCache.entry`.

    :meth:`load`, :meth:`store` and :meth:`discard` do not lock: hold :meth:`lock` around a
    read-decide-write sequence so that no other process interleaves. Each of them checks the
    directory and the file first (see the module documentation) and leaves alone what it does
    not trust.
    """

    def __init__(self, directory: Path, key: str) -> None:
        self._path = directory / f"{key}.json"
        self._lock_path = directory / f"{key}.lock"
        self._guard = _guard(directory)

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
        """The stored token, or ``None`` when there is none or it cannot be trusted, read or parsed."""
        if not self._guard.directory_trusted():
            return None
        raw = self._read()
        if raw is None:
            return None
        try:
            data: Any = json.loads(raw)
        except (ValueError, RecursionError) as error:  # RecursionError: nested too deeply
            logger.debug("ignoring the unreadable token cache file %s: %s", self._path, type(error).__name__)
            return None
        token = _parse(data)
        if token is None:
            logger.debug("ignoring the token cache file %s: not a token this version wrote", self._path)
        return token

    def _read(self) -> bytes | None:
        """The bytes of the token file if it is there and trusted, else ``None``."""
        try:
            return self._read_trusted()
        except FileNotFoundError:  # none, or replaced by a writer and not there for a moment
            return None
        except OSError as error:
            logger.debug("ignoring the token cache file %s: %s", self._path, error.strerror or error)
            return None

    def _read_trusted(self) -> bytes | None:
        """:meth:`_read`, raising :class:`OSError` when the file cannot be examined or read."""
        # lstat first: what is not a regular file (a device, a FIFO) is never opened at all.
        before = os.lstat(self._path)
        if self._refused(before):
            return None
        if before.st_size > _MAX_FILE_SIZE:
            logger.debug("ignoring the token cache file %s: larger than any token", self._path)
            return None
        try:
            fd = os.open(self._path, os.O_RDONLY | OPEN_FLAGS)
        except OSError as error:
            link = link_problem(self._path, error)
            if link is None:
                raise
            self._guard.refuse_file(self._path, link)
            return None
        try:
            if self._refused(os.fstat(fd)):  # swapped since the lstat
                return None
            with os.fdopen(fd, "rb", closefd=False) as file:
                raw = file.read(_MAX_FILE_SIZE + 1)
        finally:
            os.close(fd)
        if len(raw) > _MAX_FILE_SIZE:
            logger.debug("ignoring the token cache file %s: larger than any token", self._path)
            return None
        return raw

    def _refused(self, info: os.stat_result) -> bool:
        """Whether the file at the token path, of status ``info``, is not trusted; warns (once) if so."""
        problem = file_problem(info)
        if problem is not None:
            self._guard.refuse_file(self._path, problem)
        return problem is not None

    def _holds_untrusted(self) -> bool:
        """Whether the token path holds a file that is not trusted (a link included); warns once."""
        try:
            info = os.lstat(self._path)
        except FileNotFoundError:
            return False
        return self._refused(info)

    def store(self, token: CachedToken) -> None:
        """Write ``token`` atomically, readable by its owner only.

        A failure (a full disk, a read-only directory) is logged and otherwise ignored: the
        token still serves this process, and other processes fetch their own. An untrusted
        directory, or an untrusted file already at the token's path, is not written to: a
        warning says so.
        """
        if not self._guard.directory_trusted():
            return
        try:
            if not self._holds_untrusted():
                self._write(token)
        except OSError as error:
            logger.warning("could not write the token cache file %s: %s", self._path, error.strerror or error)

    def _write(self, token: CachedToken) -> None:
        """Put ``token`` in place through a temporary file; :class:`OSError` when that fails."""
        data = {
            "format": _FORMAT,
            "access_token": token.access_token,
            "obtained_at": token.obtained_at,
            "expires_at": token.expires_at,
        }
        try:
            payload = json.dumps(data, separators=(",", ":"), allow_nan=False).encode()
        except ValueError:  # a non-finite time: nothing another process could use
            return
        # In the same directory, so that os.replace is a rename within one file system (atomic);
        # O_EXCL and a random name, so that concurrent writers never share a temporary file.
        temporary = self._path.with_name(f".{self._path.stem}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | OPEN_FLAGS, 0o600)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(payload)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self._path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def discard(self, *, if_token: str | None = None) -> bool:
        """Remove the stored token; with ``if_token``, only if the file still holds that token.

        Returns whether a token was removed. A process that saw its token refused uses
        ``if_token`` so that it does not throw away a newer token another process stored.
        Nothing is removed from an untrusted directory, and an untrusted file is left as it is.
        """
        if if_token is not None:
            current = self.load()
            if current is None or current.access_token != if_token:
                return False
        elif not self._guard.directory_trusted():
            return False
        try:
            if if_token is None and self._holds_untrusted():
                return False
            os.unlink(self._path)
        except FileNotFoundError:
            return False
        except OSError as error:
            logger.warning(
                "could not remove the token cache file %s: %s", self._path, error.strerror or error
            )
            return False
        return True


def _parse(data: Any) -> CachedToken | None:
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return None
    access_token = data.get("access_token")
    obtained_at = _number(data.get("obtained_at"))
    expires_at = _number(data.get("expires_at"))
    if not _is_token(access_token) or obtained_at is None or expires_at is None:
        return None
    if expires_at < obtained_at:
        return None
    return CachedToken(access_token, obtained_at, expires_at)


def _is_token(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value) and _TOKEN_CHARACTERS.issuperset(value)


def _number(value: object) -> float | None:
    """``value`` as a finite float, or ``None`` (not a number, a bool, NaN, infinite, too large)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)  # an integer with hundreds of digits overflows here
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


class FileTokenCache:
    """Access tokens on disk, one file per ``(client_id, token_url)``, shared by processes.

    Args:
        directory: where the files go; default :func:`default_token_cache_directory`. Created
            (mode ``0700``, with any missing parent) if missing. It must be owned by you and
            writable by nobody else, as must every directory above it (unless sticky, as
            ``/tmp``): otherwise a warning is logged and the cache is not used.

    Raises:
        ConfigurationError: a directory given here cannot be created or written, before any
            request. The default directory never raises: a warning, and no cache.

    Pass it to :class:`~sentinelhub_byoc.auth.ClientCredentialsAuth` as ``token_cache=``; see the
    module documentation for what is stored, what is trusted and how processes coordinate.

    >>> FileTokenCache("/tmp/byoc-tokens")  # doctest: +SKIP
    FileTokenCache(directory='/tmp/byoc-tokens')
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        if directory is not None and not isinstance(directory, str | os.PathLike):
            raise ValidationError(
                f"FileTokenCache directory must be a path or None, got {type(directory).__name__}"
            )
        explicit = directory is not None
        path = Path(directory) if directory is not None else default_token_cache_directory()
        path = path.expanduser().absolute()
        created = self._create(path, explicit=explicit)
        # Judged (and used) where symbolic links lead: a link that others can change later then
        # changes nothing here.
        self._directory = Path(os.path.realpath(path)) if created else path
        self._guard = _guard(self._directory)
        if created and self._guard.directory_trusted():
            self._check_writable(explicit=explicit)

    def _create(self, directory: Path, *, explicit: bool) -> bool:
        """Create ``directory`` and its missing parents (``0700``); whether it is there now."""
        return made_directory(
            directory,
            explicit=explicit,
            what="token cache",
            owner="FileTokenCache",
            without="the client works without the cache",
            warn=lambda message: logger.warning("%s", message),
        )

    def _check_writable(self, *, explicit: bool) -> None:
        if os.access(self._directory, os.W_OK | os.X_OK):
            return
        message = f"the token cache directory {self._directory} is not writable"
        if explicit:
            raise ConfigurationError(
                f"{message}; fix its permissions, or pass FileTokenCache(directory=...) a writable directory"
            )
        warn_once(f"{message}; the client works without the cache")

    @property
    def directory(self) -> Path:
        """The directory holding the token files (where any symbolic links in the given path lead)."""
        return self._directory

    def __repr__(self) -> str:
        return f"FileTokenCache(directory={str(self._directory)!r})"

    @staticmethod
    def key(client_id: str, token_url: str) -> str:
        """The name (without extension) of the files for ``(client_id, token_url)``: a SHA-256.

        >>> len(FileTokenCache.key("my-id", "https://example.com/token"))
        64
        """
        return account_key(client_id, token_url)

    def entry(self, client_id: str, token_url: str) -> TokenCacheEntry:
        """The cache entry of ``client_id`` at ``token_url``."""
        return TokenCacheEntry(self._directory, self.key(client_id, str(token_url)))
