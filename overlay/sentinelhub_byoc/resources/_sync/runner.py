# Generated from overlay/sentinelhub_byoc/resources/_async/runner.py by codegen/unasync.py; do not edit.
"""What a resource needs from its client: sending an operation, and streaming one's answer."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

import httpx

from sentinelhub_byoc._operations import Operation
from sentinelhub_byoc.deployments import Deployment

T = TypeVar("T")


class Runner(Protocol):
    """Sends operations and returns their results; :class:`~sentinelhub_byoc.BYOCClient` does."""

    @property
    def deployment(self) -> Deployment: ...

    def _send(self, operation: Operation[T]) -> T: ...

    def _stream(self, operation: Operation[Any]) -> AbstractContextManager[httpx.Response]: ...
