"""What a resource needs from its client: sending an operation, and streaming one's answer."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, TypeVar

import httpx

from sentinelhub_byoc._operations import Operation
from sentinelhub_byoc.deployments import Deployment

T = TypeVar("T")


class AsyncRunner(Protocol):
    """Sends operations and returns their results; :class:`~sentinelhub_byoc.AsyncBYOCClient` does."""

    @property
    def deployment(self) -> Deployment: ...

    async def _send(self, operation: Operation[T]) -> T: ...

    def _stream(self, operation: Operation[Any]) -> AbstractAsyncContextManager[httpx.Response]: ...
