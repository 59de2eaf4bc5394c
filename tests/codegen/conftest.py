"""Shared fixtures for the spec pipeline tests."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from codegen import _yaml
from codegen.generate import PACKAGE_NAME

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def byoc_spec() -> dict[str, Any]:
    """A fresh copy of the committed ``openapi.yaml``."""
    document: dict[str, Any] = _yaml.load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    return document


def _modify_like_upstream(document: dict[str, Any]) -> dict[str, Any]:
    schemas = document["components"]["schemas"]
    schemas["BYOCTile"]["properties"]["addedAt"] = {"type": "string", "format": "date-time"}
    schemas["BYOCTileStatus"]["enum"].append("NEW_STATUS")
    tiles = document["paths"]["/byoc/v1/collections/{collectionId}/tiles"]
    # Drop the tile list's last inline query parameter, whichever that is in this document.
    parameters = tiles["get"]["parameters"]
    dropped = max(i for i, parameter in enumerate(parameters) if parameter.get("in") == "query")
    del parameters[dropped]
    document["paths"]["/byoc/v1/collections/{collectionId}/added"] = {
        "post": {
            "summary": "An operation added upstream",
            "operationId": "addedByocOperation",
            "tags": ["byoc_collection"],
            "parameters": [{"$ref": "#/components/parameters/ByocCollectionId"}],
            "responses": {"204": {"description": "Archived"}},
            "security": [{"OAuth2": []}],
        }
    }
    return document


@pytest.fixture
def modify_like_upstream() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Apply the kinds of change upstream makes: a new optional tile property, a new tile status,
    a new operation and a removed parameter."""
    return _modify_like_upstream


@pytest.fixture
def isolated_import() -> Iterator[None]:
    """Let a test import a freshly generated package without disturbing the installed one."""
    saved = {name: module for name, module in sys.modules.items() if name.startswith(PACKAGE_NAME)}
    saved_path = list(sys.path)
    for name in saved:
        del sys.modules[name]
    yield
    for name in [name for name in sys.modules if name.startswith(PACKAGE_NAME)]:
        del sys.modules[name]
    sys.modules.update(saved)
    sys.path[:] = saved_path
