"""Helpers shared by the client acceptance tests: one way to drive the sync and async clients.

Tests are written once as ``async def`` and run against each of the four ways of reaching the
emulator: the blocking or the asyncio client, over loopback HTTP or in-process. ``call`` awaits
what the async client returns and passes through what the sync client returns; ``collect``
drains an iterator of either kind.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sentinelhub_byoc import AsyncBYOCClient, BYOCClient, RetryPolicy
from sentinelhub_byoc.testing import Emulator, EmulatorServer, async_client_for, client_for, serve

from tests.recording_transport import RecordingTransport

KINDS = ("sync-loopback", "sync-inprocess", "async-loopback", "async-inprocess")

#: Retries that cost (almost) no time, and enough of them to outlast heavy fault injection.
FAST_RETRY = RetryPolicy(max_attempts=10, base_delay=0.001, max_delay=0.01, max_retry_after=0.01)

Client = BYOCClient | AsyncBYOCClient


async def call(value: Any) -> Any:
    """The result of a client call, awaited when it is a coroutine."""
    return await value if inspect.isawaitable(value) else value


async def collect(items: Iterable[Any] | AsyncIterator[Any] | Iterator[Any]) -> list[Any]:
    """Every item of a sync or async iterator."""
    if hasattr(items, "__aiter__"):
        return [item async for item in items]
    return list(items)


def make_client(kind: str, target: Emulator | EmulatorServer, **options: Any) -> Client:
    options.setdefault("retry", FAST_RETRY)
    if kind.startswith("sync"):
        return client_for(target, **options)
    return async_client_for(target, **options)


async def close(client: Client) -> None:
    if isinstance(client, AsyncBYOCClient):
        await client.aclose()
    else:
        client.close()


def inner_transport(kind: str, emulator: Emulator) -> Any:
    """The transport a client of *kind* would use on its own: sockets for loopback, else in-process."""
    if kind.endswith("inprocess"):
        return emulator.transport()
    return httpx.HTTPTransport() if kind.startswith("sync") else httpx.AsyncHTTPTransport()


@asynccontextmanager
async def client_of_kind(
    kind: str, emulator: Emulator, *, recorder: RecordingTransport | None = None, **options: Any
) -> AsyncIterator[Client]:
    """A client of *kind* talking to *emulator* (served on loopback for the loopback kinds).

    With *recorder* (a ``RecordingTransport(None)``), every request also goes through it.
    """
    if recorder is not None:
        recorder.inner = inner_transport(kind, emulator)
        options["transport"] = recorder
    with contextlib.ExitStack() as stack:
        target: Emulator | EmulatorServer = emulator
        if kind.endswith("loopback"):
            target = stack.enter_context(serve(emulator))
        client = make_client(kind, target, **options)
        try:
            yield client
        finally:
            await close(client)


def api_requests(emulator: Emulator) -> list[tuple[str, str]]:
    """(method, path) of every BYOC request the emulator saw, token requests left out."""
    return [(r.method, r.path) for r in emulator.requests if "/byoc" in r.path]
