"""What a resource needs from its client: running an operation, sync or async."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

import httpx

from sentinelhub_byoc._operations import Operation
from sentinelhub_byoc.retries import RetryPolicy

T = TypeVar("T")


class Runner(Protocol):
    """Runs operations and returns their results (implemented by :class:`~sentinelhub_byoc.BYOCClient`)."""

    def _run(
        self,
        operation: Operation[T],
        *,
        timeout: float | httpx.Timeout | None = None,
        retry: RetryPolicy | None = None,
    ) -> T: ...

    def _stream(self, operation: Operation[Any], *, timeout: float | httpx.Timeout | None = None) -> Any: ...


class AsyncRunner(Protocol):
    """The async twin of :class:`Runner` (implemented by :class:`~sentinelhub_byoc.AsyncBYOCClient`)."""

    async def _run(
        self,
        operation: Operation[T],
        *,
        timeout: float | httpx.Timeout | None = None,
        retry: RetryPolicy | None = None,
    ) -> T: ...

    def _stream(self, operation: Operation[Any], *, timeout: float | httpx.Timeout | None = None) -> Any: ...
