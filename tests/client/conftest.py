"""Fixtures for the client tests: the emulator's fixtures and the anyio backend."""

from __future__ import annotations

import pytest
from sentinelhub_byoc.testing.pytest_plugin import byoc_emulator, byoc_emulator_server

__all__ = ["byoc_emulator", "byoc_emulator_server"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "regeneration: regenerates the low-level client with the code generator and runs the overlay "
        "against it in a subprocess (takes a few seconds)",
    )


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
