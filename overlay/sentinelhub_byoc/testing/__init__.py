"""A local emulator of the BYOC service and helpers for testing code that uses it.

:class:`Emulator` holds the whole service in memory (OAuth2 token endpoint, both API
prefixes, tile ingestion on an injectable clock, injected faults). Run it in-process with
``httpx.Client(transport=emulator.transport())`` or on loopback with :func:`serve`;
:func:`client_for` gives a :class:`~sentinelhub_byoc.BYOCClient` connected to either.

Names are imported on first use so that importing this package (which the pytest plugin
does in every test run) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._auth import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
    from ._clients import async_client_for, client_for, emulator_deployment
    from ._clock import Clock, ManualClock, SystemClock
    from ._emulator import TOKEN_PATHS, Dropped, Emulator, RequestRecord
    from ._faults import Faults
    from ._lifecycle import IngestionDelays
    from ._server import EmulatorServer, serve
    from ._transport import EmulatorTransport

_EXPORTS = {
    "DEMO_CLIENT_ID": "._auth",
    "DEMO_CLIENT_SECRET": "._auth",
    "async_client_for": "._clients",
    "client_for": "._clients",
    "emulator_deployment": "._clients",
    "Clock": "._clock",
    "ManualClock": "._clock",
    "SystemClock": "._clock",
    "TOKEN_PATHS": "._emulator",
    "Dropped": "._emulator",
    "Emulator": "._emulator",
    "RequestRecord": "._emulator",
    "Faults": "._faults",
    "IngestionDelays": "._lifecycle",
    "EmulatorServer": "._server",
    "serve": "._server",
    "EmulatorTransport": "._transport",
}

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "TOKEN_PATHS",
    "Clock",
    "Dropped",
    "Emulator",
    "EmulatorServer",
    "EmulatorTransport",
    "Faults",
    "IngestionDelays",
    "ManualClock",
    "RequestRecord",
    "SystemClock",
    "async_client_for",
    "client_for",
    "emulator_deployment",
    "serve",
]


def __getattr__(name: str) -> Any:
    """Import an exported name from its module on first access."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
