"""Answers as they come off the wire, for tests that script what a server sends."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx


class RawBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body handed over undecoded: httpx decodes it (gzip, ...) only when it is read."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def __iter__(self) -> Iterator[bytes]:
        if self._data:
            yield self._data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self._data:
            yield self._data
