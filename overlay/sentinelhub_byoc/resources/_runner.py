"""What a resource needs from its client: sending an operation, sync or async."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager, AbstractContextManager
from typing import Any, Protocol, TypeVar

import httpx

from sentinelhub_byoc._operations import Operation

T = TypeVar("T")


class Runner(Protocol):
    """Sends operations and returns their results (implemented by :class:`~sentinelhub_byoc.BYOCClient`)."""

    def _send(self, operation: Operation[T]) -> T: ...

    def _stream(self, operation: Operation[Any]) -> AbstractContextManager[httpx.Response]: ...


class AsyncRunner(Protocol):
    """The async twin of :class:`Runner` (implemented by :class:`~sentinelhub_byoc.AsyncBYOCClient`)."""

    async def _send(self, operation: Operation[T]) -> T: ...

    def _stream(self, operation: Operation[Any]) -> AbstractAsyncContextManager[httpx.Response]: ...
