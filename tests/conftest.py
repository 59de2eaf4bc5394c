"""What every test folder shares: the markers, the anyio backend and the fuzzing profiles.

Test helpers are imported absolutely, ``from tests.<folder>.<module> import ...``: ``tests`` and
its folders are packages, and ``pythonpath = ["."]`` (pyproject.toml) puts the repository root on
``sys.path``. The emulator's fixtures (``byoc_emulator``, ``byoc_emulator_server``) come from the
package's own pytest plugin, registered as a ``pytest11`` entry point.
"""

from __future__ import annotations

import pytest

from tests.hypothesis_profiles import chosen_name


def pytest_configure(config: pytest.Config) -> None:
    try:
        chosen_name()
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    config.addinivalue_line(
        "markers",
        "regeneration: regenerates the low-level client with the code generator and runs the overlay "
        "against it in a subprocess (takes a few seconds)",
    )


@pytest.fixture
def anyio_backend() -> str:
    """The async tests (``@pytest.mark.anyio``) run on asyncio."""
    return "asyncio"
