r"""One request budget for every process of the machine that uses the same credentials.

Each :class:`~sentinelhub_byoc.ratelimit.RateLimiter` counts its own process's requests only: a
notebook, a sync and a pipeline's workers on one account then overrun the account's budget
together. A :class:`SharedRateLimiter` keeps the token bucket in a small file instead, one file
per account, so that they share it:

>>> from sentinelhub_byoc import BYOCClient
>>> client = BYOCClient(requests_per_minute=600, shared_rate_limit=True)  # doctest: +SKIP

How it works:

* one file per ``(client_id, token_url)``, named by a SHA-256 of both (as the token cache names
  its files), so neither the client id nor the secret appears in a name; the file holds only the
  bucket's level and when it was last updated (24 bytes);
* each reservation takes an OS file lock on that file (filelock's
  :func:`~filelock.lock_descriptor`: ``flock`` on POSIX), reads the level, refills it by the
  wall-clock time elapsed (:func:`time.time`: monotonic clocks differ from process to process; a
  clock gone backwards refills nothing), takes one slot, writes the level back in place and
  unlocks; the wait then happens outside the lock. As with the process-local limiter, a level
  below zero is the queue of reservations: each caller's wait is where it stands in that queue;
* the level is written in place, at a fixed size, under the lock, rather than replaced through a
  temporary file: the lock is held on the file itself, which a rename would swap for another
  (the token cache needs a separate lock file for that reason), and every reader takes the same
  lock, so no reader sees half a write. A write cut short by a crash leaves bytes that do not
  read as a level: the next reservation starts from a full bucket, as after a reboot;
* every process reads the level with its own rate and burst: give them all the same, or the
  smallest burst and slowest rate win only for their own reservations.

What it trusts is what the token cache trusts (see :mod:`sentinelhub_byoc.token_cache`): a
directory owned by you, writable by nobody else, under directories that are too (or sticky), and
a regular file owned by you, writable by nobody else, opened with ``O_NOFOLLOW``, ``O_CLOEXEC``
and ``O_NONBLOCK``. Anything else is a ``WARNING`` (once per problem and process) and the limiter
goes on as a process-local :class:`~sentinelhub_byoc.ratelimit.RateLimiter` of the same rate:
the client never fails for it. A file whose content cannot be read as a level means a full bucket.
A lock another process holds for more than a few seconds is a warning too, and that reservation
is counted locally.

The default directory is beside the token cache's: ``$XDG_CACHE_HOME/sentinelhub-byoc/budgets``
(or ``~/.cache/...``) on Linux, ``~/Library/Caches/sentinelhub-byoc/budgets`` on macOS and
``%LOCALAPPDATA%\sentinelhub-byoc\budgets`` on Windows.
"""

from __future__ import annotations

import math
import os
import struct
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final

from sentinelhub_byoc._private_files import (
    Guard,
    account_key,
    cache_directory,
    made_directory,
    open_private_file,
    warn_once,
)
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.ratelimit import (
    RateLimiter,
    WaitingLimiter,
    anyio_sleep,
    check_rate,
    paused,
    refill,
    take,
)

__all__ = ["SharedRateLimiter", "default_budget_directory"]

# The file: a tag naming the layout, the bucket's level, the wall-clock time of that level.
_TAG: Final = b"BYOCRL1\n"
_RECORD: Final = struct.Struct("<8sdd")
# A queue longer than this (in seconds of waiting) is no queue any process made: a full bucket.
_LONGEST_QUEUE = 3600.0
# A lock held longer than this is held by a process that is stuck: this reservation goes local.
_LOCK_PATIENCE = 5.0
_LOCK_POLL = 0.001


def default_budget_directory() -> Path:
    """The directory :class:`SharedRateLimiter` uses when none is given (see the module documentation)."""
    return cache_directory("budgets")


class SharedRateLimiter(WaitingLimiter):
    """A request budget shared through a file by every process using the same credentials.

    Args:
        requests_per_minute: the sustained rate of the account (all processes together).
        client_id: whose budget it is, with *token_url*; the file is named by a SHA-256 of both.
        token_url: the token endpoint of the credentials.
        burst: how many requests may go at once after a quiet spell; default a minute's worth.
        directory: where the budget files go; default :func:`default_budget_directory`. Created
            (``0700``) when missing.
        clock: the wall clock, in seconds since the epoch (replaceable in tests).
        sleep: how ``acquire`` waits; ``async_sleep``: how ``acquire_async`` waits.

    Raises:
        ValidationError: a rate, burst or name that is not one.
        ConfigurationError: a *directory* given here cannot be created. The default directory
            never raises: a warning, and a process-local budget.

    It has :class:`~sentinelhub_byoc.ratelimit.RateLimiter`'s interface: pass it as
    ``rate_limit=`` to a client, or to :class:`~sentinelhub_byoc.ratelimit.RateLimitedTransport`.

    >>> SharedRateLimiter(600, client_id="my-id", token_url="https://example.com/token")  # doctest: +SKIP
    """

    def __init__(
        self,
        requests_per_minute: float,
        *,
        client_id: str,
        token_url: str,
        burst: int | None = None,
        directory: str | os.PathLike[str] | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = anyio_sleep,
    ) -> None:
        self._rate, self._capacity = check_rate(requests_per_minute, burst)
        for name, value in (("client_id", client_id), ("token_url", token_url)):
            if not isinstance(value, str) or not value:
                raise ValidationError(f"SharedRateLimiter {name} must be a non-empty string, got {value!r}")
        if directory is not None and not isinstance(directory, str | os.PathLike):
            raise ValidationError(
                f"SharedRateLimiter directory must be a path or None, got {type(directory).__name__}"
            )
        self._clock = clock
        self._sleep = sleep
        self._async_sleep = async_sleep
        # What the limiter falls back to when the file cannot be trusted or locked.
        self._local = RateLimiter(requests_per_minute, burst=int(self._capacity))
        # One reservation of this process at a time: the file lock is per open file, not per thread.
        self._thread_lock = threading.Lock()
        path = Path(directory) if directory is not None else default_budget_directory()
        path = path.expanduser().absolute()
        usable = made_directory(
            path,
            explicit=directory is not None,
            what="request budget",
            owner="SharedRateLimiter",
            without="each process keeps its own budget",
            warn=warn_once,
        )
        self._directory = Path(os.path.realpath(path)) if usable else path
        self._path = self._directory / f"{account_key(client_id, str(token_url))}.budget"
        self._guard = Guard(
            self._directory,
            "request budget",
            "the shared budget",
            "pass SharedRateLimiter(directory=...) one of your own",
        )
        self._usable = usable

    def __repr__(self) -> str:
        rate, path = f"{self.requests_per_minute:g}", str(self._path)
        return f"SharedRateLimiter(requests_per_minute={rate}, burst={self.burst}, path={path!r})"

    @property
    def path(self) -> Path:
        """The file holding the budget."""
        return self._path

    def reserve(self) -> float:
        """Take one slot of the shared budget; return how many seconds to wait before using it."""
        wait = self._update(lambda tokens: take(tokens, self._rate))
        return self._local.reserve() if wait is None else wait

    def pause(self, seconds: float) -> None:
        """Let no process of this budget send for *seconds* from now (at most a minute)."""
        if self._update(lambda tokens: (paused(tokens, seconds, self._rate), 0.0)) is None:
            self._local.pause(seconds)

    def _refund(self) -> None:
        if self._update(lambda tokens: (min(self._capacity, tokens + 1.0), 0.0)) is None:
            self._local._refund()

    def _charge(self, seconds: float) -> None:
        if self._update(lambda tokens: (tokens - seconds * self._rate, 0.0)) is None:
            self._local._charge(seconds)

    def _update(self, change: Callable[[float], tuple[float, float]]) -> float | None:
        """Apply *change* to the refilled level under the file lock; ``None`` when the file is not usable."""
        if not self._usable:
            return None
        with self._thread_lock:
            if not self._guard.directory_trusted():
                return None
            fd = open_private_file(self._path, self._guard.refuse_file)
            if fd is None:
                return None
            try:
                if not self._lock(fd):
                    return None
                now = self._clock()
                tokens, updated = self._read(fd, now)
                # A clock gone backwards (or set back) refills nothing, and the level is dated now:
                # the bucket goes on from here instead of waiting for the old time to come again.
                tokens, result = change(refill(tokens, now - updated, self._rate, self._capacity))
                self._write(fd, tokens, now)
                return result
            except OSError as error:
                warn_once(
                    f"cannot use the request budget file {self._path}: {error.strerror or error}; "
                    "each process keeps its own budget"
                )
                return None
            finally:
                os.close(fd)  # which releases the lock too

    def _lock(self, fd: int) -> bool:
        # Imported when a budget is used: importing filelock costs more than the whole package.
        from filelock import lock_descriptor

        deadline = time.monotonic() + _LOCK_PATIENCE
        while not lock_descriptor(fd, blocking=False):
            if time.monotonic() > deadline:
                warn_once(
                    f"the request budget file {self._path} stayed locked for {_LOCK_PATIENCE:g} s; "
                    "reservations are counted by this process alone while it is"
                )
                return False
            time.sleep(_LOCK_POLL)
        return True

    def _read(self, fd: int, now: float) -> tuple[float, float]:
        """The level and its time from the file; a full bucket when they cannot be read."""
        os.lseek(fd, 0, os.SEEK_SET)
        raw = os.read(fd, _RECORD.size + 1)
        if len(raw) == _RECORD.size:
            tag, tokens, updated = _RECORD.unpack(raw)
            if (
                tag == _TAG
                and math.isfinite(tokens)
                and math.isfinite(updated)
                and -tokens / self._rate <= _LONGEST_QUEUE
            ):
                return min(tokens, self._capacity), updated
        return self._capacity, now

    @staticmethod
    def _write(fd: int, tokens: float, updated: float) -> None:
        record = _RECORD.pack(_TAG, tokens, updated)
        os.lseek(fd, 0, os.SEEK_SET)
        if os.write(fd, record) != len(record):
            raise OSError("the budget file took only part of the record")
        if os.fstat(fd).st_size != len(record):
            os.ftruncate(fd, len(record))
