"""Fixtures for the emulator tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sentinelhub_byoc.testing import Emulator, ManualClock

from tests.emulator._emulator_helpers import PREFIXES, get_token


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def emu(clock: ManualClock, tmp_path: Any) -> Iterator[Emulator]:
    with Emulator(clock=clock, data_dir=tmp_path / "buckets") as emulator:
        yield emulator


@pytest.fixture
def http(emu: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(transport=emu.transport(), base_url="http://emulator.test") as client:
        yield client


@pytest.fixture
def api(http: httpx.Client) -> httpx.Client:
    """A client already carrying a valid bearer token for the demo account."""
    http.headers["Authorization"] = f"Bearer {get_token(http)}"
    return http


@pytest.fixture(params=PREFIXES)
def prefix(request: pytest.FixtureRequest) -> str:
    return str(request.param)
