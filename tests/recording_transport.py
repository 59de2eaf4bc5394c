"""A transport wrapper that keeps every request and the status it got, for both client kinds."""

from __future__ import annotations

import json
from typing import Any

import attrs
import httpx


@attrs.frozen
class Sent:
    method: str
    path: str
    headers: httpx.Headers
    body: bytes
    status: int | None

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class RecordingTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Send through *inner* (a sync or async transport) and remember what went out."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.sent: list[Sent] = []

    def _keep(self, request: httpx.Request, status: int | None) -> None:
        self.sent.append(Sent(request.method, request.url.path, request.headers, request.content, status))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        try:
            response: httpx.Response = self.inner.handle_request(request)
        except httpx.TransportError:
            self._keep(request, None)
            raise
        self._keep(request, response.status_code)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        try:
            response: httpx.Response = await self.inner.handle_async_request(request)
        except httpx.TransportError:
            self._keep(request, None)
            raise
        self._keep(request, response.status_code)
        return response

    def close(self) -> None:
        self.inner.close()

    async def aclose(self) -> None:
        await self.inner.aclose()

    def api(self) -> list[Sent]:
        """The BYOC requests, token requests left out."""
        return [sent for sent in self.sent if "/byoc" in sent.path]
