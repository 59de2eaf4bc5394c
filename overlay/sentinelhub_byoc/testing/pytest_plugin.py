"""Pytest fixtures for the BYOC emulator: ``byoc_emulator`` and ``byoc_emulator_server``.

Registered as a ``pytest11`` entry point, so it is imported in every pytest run of a project
that installs this package; everything heavy is imported inside the fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sentinelhub_byoc.testing import Emulator, EmulatorServer

__all__ = ["byoc_emulator", "byoc_emulator_server"]


@pytest.fixture
def byoc_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """A fresh in-process BYOC emulator with the demo client and buckets in a temp folder."""
    from sentinelhub_byoc.testing import Emulator

    with Emulator(data_dir=tmp_path_factory.mktemp("byoc-buckets")) as emulator:
        yield emulator


@pytest.fixture
def byoc_emulator_server(byoc_emulator: Emulator) -> Iterator[EmulatorServer]:
    """The ``byoc_emulator`` served on loopback.

    The server has ``base_url``, ``token_url``, ``api_urls``, ``client_id``,
    ``client_secret`` and ``emulator``.
    """
    from sentinelhub_byoc.testing import serve

    with serve(byoc_emulator, host="127.0.0.1", port=0) as server:
        yield server
