"""A local emulator of the BYOC service and helpers for testing code that uses it.

Several emulators made with one :class:`Directory` stand for the deployments of one service.

:class:`Emulator` holds the whole service in memory (OAuth2 token endpoint, both API
prefixes, tile ingestion on an injectable clock, injected faults). Run it in-process with
``httpx.Client(transport=emulator.transport())`` or on loopback with :func:`serve`;
:func:`client_for` gives a :class:`~sentinelhub_byoc.BYOCClient` connected to either.

Names are imported on first use so that importing this package (which the pytest plugin
does in every test run) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentinelhub_byoc._lazy import lazy_getattr

if TYPE_CHECKING:
    from ._answers import Dropped
    from ._auth import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
    from ._clients import async_client_for, client_for, emulator_deployment
    from ._clock import Clock, ManualClock, SystemClock
    from ._database import StoreError
    from ._directory import Directory
    from ._emulator import TOKEN_PATHS, Emulator, EmulatorTransport, RequestRecord
    from ._faults import Faults
    from ._lifecycle import IngestionDelays
    from ._seed import SeedError
    from ._server import EmulatorServer, serve

_EXPORTS = {
    "DEMO_CLIENT_ID": "sentinelhub_byoc.testing._auth",
    "DEMO_CLIENT_SECRET": "sentinelhub_byoc.testing._auth",
    "async_client_for": "sentinelhub_byoc.testing._clients",
    "client_for": "sentinelhub_byoc.testing._clients",
    "emulator_deployment": "sentinelhub_byoc.testing._clients",
    "Clock": "sentinelhub_byoc.testing._clock",
    "ManualClock": "sentinelhub_byoc.testing._clock",
    "SystemClock": "sentinelhub_byoc.testing._clock",
    "TOKEN_PATHS": "sentinelhub_byoc.testing._emulator",
    "Dropped": "sentinelhub_byoc.testing._answers",
    "Directory": "sentinelhub_byoc.testing._directory",
    "Emulator": "sentinelhub_byoc.testing._emulator",
    "RequestRecord": "sentinelhub_byoc.testing._emulator",
    "Faults": "sentinelhub_byoc.testing._faults",
    "IngestionDelays": "sentinelhub_byoc.testing._lifecycle",
    "EmulatorServer": "sentinelhub_byoc.testing._server",
    "serve": "sentinelhub_byoc.testing._server",
    "EmulatorTransport": "sentinelhub_byoc.testing._emulator",
    "StoreError": "sentinelhub_byoc.testing._database",
    "SeedError": "sentinelhub_byoc.testing._seed",
}

__all__ = [
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "TOKEN_PATHS",
    "Clock",
    "Directory",
    "Dropped",
    "Emulator",
    "EmulatorServer",
    "EmulatorTransport",
    "Faults",
    "IngestionDelays",
    "ManualClock",
    "RequestRecord",
    "SeedError",
    "StoreError",
    "SystemClock",
    "async_client_for",
    "client_for",
    "emulator_deployment",
    "serve",
]


__getattr__ = lazy_getattr(globals(), _EXPORTS)
