"""Clocks that drive the emulator's notion of time."""

from __future__ import annotations

import threading
import time
from typing import Protocol

import anyio


class Clock(Protocol):
    """Source of time for the emulator: token expiry, rate limits, ingestion steps, latency."""

    def now(self) -> float:
        """Return the current time in seconds since the Unix epoch."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block for ``seconds`` of this clock's time."""
        ...

    async def asleep(self, seconds: float) -> None:
        """Wait for ``seconds`` of this clock's time without blocking an event loop."""
        ...


class SystemClock:
    """The wall clock: time passes on its own."""

    def now(self) -> float:
        """Return the wall-clock time."""
        return time.time()

    def sleep(self, seconds: float) -> None:
        """Sleep for real."""
        if seconds > 0:
            time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        """Sleep for real inside an event loop."""
        if seconds > 0:
            await anyio.sleep(seconds)


class ManualClock:
    """A clock that only moves when told to, for deterministic tests.

    Sleeping on it advances it instantly, so injected latency costs no real time.
    """

    def __init__(self, start: float = 1_767_225_600.0) -> None:
        """Start at ``start`` seconds since the epoch (2026-01-01T00:00:00Z by default)."""
        self._now = float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        """Return the clock's current time."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (must not be negative)."""
        if seconds < 0:
            raise ValueError(f"a clock cannot go backwards: advance({seconds!r}) needs seconds >= 0")
        with self._lock:
            self._now += seconds

    def sleep(self, seconds: float) -> None:
        """Advance the clock instead of waiting."""
        self.advance(max(0.0, seconds))

    async def asleep(self, seconds: float) -> None:
        """Advance the clock instead of waiting."""
        self.advance(max(0.0, seconds))
