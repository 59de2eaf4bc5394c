"""Pytest fixtures for the BYOC emulator: ``byoc_emulator`` and ``byoc_emulator_server``.

Registered as a ``pytest11`` entry point, so it is imported in every pytest run of a project
that installs this package; everything heavy is imported inside the fixtures.

A test starts from a seed (recorded answers, as ``byoc emulator dump`` writes them, or a seed
written by hand) with the ``byoc_seed`` marker, or by parametrizing the fixture indirectly::

    @pytest.mark.byoc_seed("recorded/account.json")  # relative to the test's file
    def test_reads_my_collections(byoc_emulator): ...


    @pytest.mark.parametrize("byoc_emulator", [{"collections": [...]}], indirect=True)
    def test_with_an_inline_seed(byoc_emulator): ...
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from sentinelhub_byoc.testing import Emulator, EmulatorServer

__all__ = ["byoc_emulator", "byoc_emulator_server", "pytest_configure"]

_MARKER = "byoc_seed"


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``byoc_seed`` marker, so ``--strict-markers`` runs accept it."""
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(seed): start byoc_emulator from a seed: a seed file (relative to the test's "
        "file) or a mapping of the same shape",
    )


def _seed_of(request: pytest.FixtureRequest) -> Mapping[str, Any] | Path | None:
    """The seed a test asks for: its fixture parameter, else its ``byoc_seed`` marker."""
    seed = getattr(request, "param", None)
    if seed is None:
        marker = request.node.get_closest_marker(_MARKER)
        if marker is None:
            return None
        if len(marker.args) != 1 or marker.kwargs:
            raise pytest.UsageError(
                f"@pytest.mark.{_MARKER} takes one argument, a seed file or a mapping, "
                f"got {marker.args!r} {marker.kwargs!r}"
            )
        seed = marker.args[0]
    if isinstance(seed, Mapping):
        return seed
    if isinstance(seed, str | Path):
        path = Path(seed)
        return path if path.is_absolute() else Path(request.node.path).parent / path
    raise pytest.UsageError(f"a BYOC emulator seed is a file path or a mapping, got {type(seed).__name__}")


@pytest.fixture
def byoc_emulator(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Emulator]:
    """A fresh in-process BYOC emulator with the demo client and buckets in a temp folder.

    With a seed (the ``byoc_seed`` marker or an indirect parameter), it starts with the seed's
    clients, collections and tiles; recorded answers are served back member for member.
    """
    from sentinelhub_byoc.testing import Emulator

    seed = _seed_of(request)
    with Emulator(data_dir=tmp_path_factory.mktemp("byoc-buckets"), seed=seed) as emulator:
        yield emulator


@pytest.fixture
def byoc_emulator_server(byoc_emulator: Emulator) -> Iterator[EmulatorServer]:
    """The ``byoc_emulator`` served on loopback.

    The server has ``base_url``, ``token_url``, ``api_urls``, ``client_id``,
    ``client_secret`` and ``emulator``. A seed given to ``byoc_emulator`` applies here too; the
    server's credentials are then those of the seed's first client.
    """
    from sentinelhub_byoc.testing import serve

    with serve(byoc_emulator, host="127.0.0.1", port=0) as server:
        yield server
