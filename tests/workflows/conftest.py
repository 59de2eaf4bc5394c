"""Fixtures for the workflow tests: an emulator over loopback, and S3 through moto's server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sentinelhub_byoc.testing import Emulator, EmulatorServer, client_for, serve

from tests.s3_fixtures import moto_endpoint
from tests.s3_fixtures import s3_client as make_s3_client
from tests.workflows._workflow_helpers import FAST

__all__ = ["moto_endpoint"]


@pytest.fixture
def s3_client(moto_endpoint: str) -> Any:
    return make_s3_client(moto_endpoint)


@pytest.fixture
def local_server(tmp_path: Path) -> Iterator[EmulatorServer]:
    """An emulator whose buckets are folders under ``tmp_path / "buckets"``, on loopback."""
    with Emulator(data_dir=tmp_path / "buckets", delays=FAST) as emulator, serve(emulator) as server:
        yield server


@pytest.fixture
def client(local_server: EmulatorServer) -> Iterator[Any]:
    with client_for(local_server) as byoc:
        yield byoc
