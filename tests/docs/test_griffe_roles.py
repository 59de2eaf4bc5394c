"""The griffe extension that rewrites Sphinx roles and doctest blocks for the docs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytest.importorskip("griffe")

EXTENSION = Path(__file__).resolve().parents[2] / "docs" / "_griffe_roles.py"


def load_extension() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_griffe_roles", EXTENSION)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


roles = load_extension()

SHOWN = {
    "sentinelhub_byoc.errors.APIError": "sentinelhub_byoc.errors.APIError",
    "sentinelhub_byoc.BYOCClient": "sentinelhub_byoc.client.BYOCClient",
    "sentinelhub_byoc.models.Tile.failure_cause": "sentinelhub_byoc.models.tile.Tile.failure_cause",
}


def resolve(target: str) -> str | None:
    return SHOWN.get(target)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            ":class:`sentinelhub_byoc.errors.APIError`",
            "[`sentinelhub_byoc.errors.APIError`][sentinelhub_byoc.errors.APIError]",
        ),
        (":exc:`~sentinelhub_byoc.errors.APIError`", "[`APIError`][sentinelhub_byoc.errors.APIError]"),
        (":class:`~sentinelhub_byoc.BYOCClient`", "[`BYOCClient`][sentinelhub_byoc.client.BYOCClient]"),
        (
            ":attr:`Tile.failure_cause <sentinelhub_byoc.models.Tile.failure_cause>`",
            "[`Tile.failure_cause`][sentinelhub_byoc.models.tile.Tile.failure_cause]",
        ),
        (":class:`~sentinelhub_byoc._operations.Operation`", "`Operation`"),
        (":class:`httpx.Request`", "`httpx.Request`"),
        (":class:`~._state.State`", "`State`"),
        (":py:func:`as_geometry` and :meth:`Tiles.list`", "`as_geometry` and `Tiles.list`"),
        ("no roles, ``code`` stays", "no roles, ``code`` stays"),
    ],
)
def test_roles(text: str, expected: str) -> None:
    assert roles.rewrite_roles(text, resolve) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Example:\n\n>>> 1 + 1\n2\n\nAfter.",
            "Example:\n\n```pycon\n>>> 1 + 1\n2\n```\n\nAfter.",
        ),
        ("    >>> x = 1\n    >>> x\n    1", "    ```pycon\n    >>> x = 1\n    >>> x\n    1\n    ```"),
        ("these errors::\n\n    BYOCError", "these errors:\n\n    BYOCError"),
        ("Text.\n\n::\n\n    block", "Text.\n\n\n    block"),
    ],
)
def test_doctest_and_literal_blocks(text: str, expected: str) -> None:
    assert roles.rewrite_docstring(text, resolve) == expected


def test_references_resolve_in_the_real_package() -> None:
    import griffe

    root = Path(__file__).resolve().parents[2]
    package = griffe.load("sentinelhub_byoc", search_paths=[root / "overlay", root / "generated"])
    references = roles.ReferenceMap(package, frozenset({"sentinelhub_byoc", "sentinelhub_byoc.models"}))
    errors = package["errors"]
    assert references.resolver(errors)("APIError") == "sentinelhub_byoc.errors.APIError"
    # Re-exported names point to where the object is shown.
    assert references.lookup("sentinelhub_byoc.BYOCClient") == "sentinelhub_byoc.client.BYOCClient"
    assert references.lookup("sentinelhub_byoc.models.Tile") == "sentinelhub_byoc.models.tile.Tile"
    # Objects of private modules that a public module exports are shown there.
    emulator = package["testing"].members["Emulator"]
    assert references.lookup(emulator.target_path) == "sentinelhub_byoc.testing.Emulator"
    # Members reached through a re-exported name.
    assert (
        references.lookup("sentinelhub_byoc.models.Tile.status") == "sentinelhub_byoc.models.tile.Tile.status"
    )
    # Private objects are not shown.
    assert references.lookup("sentinelhub_byoc._operations.Operation") is None
