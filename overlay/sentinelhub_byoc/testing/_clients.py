"""Clients of this package wired to an emulator, in-process or over loopback."""

from __future__ import annotations

from typing import Any

from sentinelhub_byoc.client import AsyncBYOCClient, BYOCClient
from sentinelhub_byoc.deployments import DEFAULT_PATH_PREFIX, Deployment

from ._emulator import TOKEN_PATHS, Emulator
from ._server import EmulatorServer

# In-process requests never leave the interpreter; a loopback URL keeps the client's
# "no secrets over plain HTTP except to loopback" rule satisfied without an exception for tests.
_IN_PROCESS_BASE_URL = "http://127.0.0.1"


def emulator_deployment(
    target: Emulator | EmulatorServer, *, path_prefix: str = DEFAULT_PATH_PREFIX
) -> Deployment:
    """The deployment that points at *target*: a running server, or an in-process emulator."""
    base_url = target.base_url if isinstance(target, EmulatorServer) else _IN_PROCESS_BASE_URL
    emulator = target.emulator if isinstance(target, EmulatorServer) else target
    return Deployment.custom(
        base_url,
        token_url=base_url + TOKEN_PATHS[0],
        path_prefix=path_prefix,
        name="emulator",
        cdse=emulator.flavour == "cdse",
    )


def _arguments(target: Emulator | EmulatorServer, options: dict[str, Any]) -> dict[str, Any]:
    options.setdefault("deployment", emulator_deployment(target))
    if not any(key in options for key in ("client_id", "access_token", "auth", "http_client")):
        if isinstance(target, EmulatorServer):
            options["client_id"], options["client_secret"] = target.client_id, target.client_secret
        else:
            options["client_id"], options["client_secret"] = target.credentials
    return options


def client_for(target: Emulator | EmulatorServer, **options: Any) -> BYOCClient:
    """A :class:`BYOCClient` talking to *target* as its first client (override any argument).

    That is the demo client unless the emulator was given other clients (or a seed with them).

    >>> from sentinelhub_byoc.testing import Emulator, client_for
    >>> with Emulator() as emulator, client_for(emulator) as client:
    ...     client.collections.create(name="demo", s3_bucket="demo-bucket").name
    'demo'
    """
    if isinstance(target, Emulator):
        options.setdefault("transport", target.transport())
    return BYOCClient(**_arguments(target, options))


def async_client_for(target: Emulator | EmulatorServer, **options: Any) -> AsyncBYOCClient:
    """The :class:`AsyncBYOCClient` twin of :func:`client_for`."""
    if isinstance(target, Emulator):
        options.setdefault("transport", target.transport())
    return AsyncBYOCClient(**_arguments(target, options))
