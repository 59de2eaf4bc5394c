"""Fixtures for the workflow tests: an emulator over loopback, and S3 through moto's server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _workflow_helpers import FAST
from sentinelhub_byoc.testing import Emulator, EmulatorServer, client_for, serve


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_client(moto_endpoint: str) -> Any:
    boto3 = pytest.importorskip("boto3")
    return boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="eu-central-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def local_server(tmp_path: Path) -> Iterator[EmulatorServer]:
    """An emulator whose buckets are folders under ``tmp_path / "buckets"``, on loopback."""
    with Emulator(data_dir=tmp_path / "buckets", delays=FAST) as emulator, serve(emulator) as server:
        yield server


@pytest.fixture
def client(local_server: EmulatorServer) -> Iterator[Any]:
    with client_for(local_server) as byoc:
        yield byoc


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
