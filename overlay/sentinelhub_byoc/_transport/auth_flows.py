"""The shapes of an httpx auth flow and of the locks its drivers take, blocking and asyncio."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from typing import Protocol

import httpx

#: What ``httpx.Auth.sync_auth_flow`` and ``async_auth_flow`` return.
AuthFlow = Generator[httpx.Request, httpx.Response, None]
AsyncAuthFlow = AsyncGenerator[httpx.Request, httpx.Response]


class TokenLock(Protocol):
    """A lock that blocks the thread (``threading.Lock``)."""

    def acquire(self) -> bool | None:
        """Wait until the lock is held."""

    def release(self) -> None:
        """Release the lock."""


class AsyncTokenLock(Protocol):
    """A lock awaited in an event loop (``anyio.Lock``)."""

    async def acquire(self) -> None:
        """Wait until the lock is held."""

    def release(self) -> None:
        """Release the lock."""
