"""Running the emulator in-process as an httpx transport, for sync and async clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import httpx

from ._reply import Reply

if TYPE_CHECKING:
    from ._emulator import Emulator


class _CutOffStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that stops part-way, as when the server closes the connection mid-response."""

    def __init__(self, partial: bytes, request: httpx.Request) -> None:
        self._partial = partial
        self._request = request

    def _error(self) -> httpx.RemoteProtocolError:
        return httpx.RemoteProtocolError(
            "peer closed connection without sending complete message body", request=self._request
        )

    def __iter__(self) -> Iterator[bytes]:
        if self._partial:
            yield self._partial
        raise self._error()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._partial:
            yield self._partial
        raise self._error()


def _to_response(reply: Reply, request: httpx.Request) -> httpx.Response:
    if isinstance(reply, httpx.Response):
        return reply
    lost = reply.response
    if lost is None:
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    body = lost.read()
    headers = httpx.Headers(lost.headers)
    # The full length is announced, then the body stops short: a truncated transfer.
    headers["Content-Length"] = str(len(body))
    return httpx.Response(
        lost.status_code,
        headers=headers,
        stream=_CutOffStream(body[: len(body) // 2], request),
        request=request,
    )


class EmulatorTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """An httpx transport that answers from an :class:`Emulator` without any sockets.

    Works as ``transport=`` for both ``httpx.Client`` and ``httpx.AsyncClient``. Dropped
    connections raise :class:`httpx.RemoteProtocolError`, as a real connection would.
    """

    def __init__(self, emulator: Emulator) -> None:
        """Serve requests from ``emulator``."""
        self.emulator = emulator
        """The emulator that answers every request."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer a request from a sync client."""
        request.read()
        return _to_response(self.emulator.handle(request), request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer a request from an async client; injected latency does not block the loop."""
        await request.aread()
        decision = self.emulator.plan(request)
        if decision.delay:
            await self.emulator.clock.asleep(decision.delay)
        return _to_response(self.emulator.execute(request, decision), request)
