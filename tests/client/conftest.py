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


@pytest.fixture(autouse=True)
def _emulator_server_without_nagle(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the loopback emulator answer without the ~40 ms Nagle/delayed-ACK stall per request.

    The emulator's HTTP handler writes the headers and the body of an answer in two sends with
    Nagle's algorithm on, so every loopback request waits for the client's delayed ACK. Until the
    handler sets ``disable_nagle_algorithm`` itself, the tests set it (a no-op once it does).
    """
    from sentinelhub_byoc.testing import _server

    handler = getattr(_server, "_Handler", None)
    if handler is not None:
        monkeypatch.setattr(handler, "disable_nagle_algorithm", True, raising=False)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
