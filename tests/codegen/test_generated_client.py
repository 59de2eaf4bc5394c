"""The committed generated client: every operation, typed, with the upstream defects repaired."""

from __future__ import annotations

import importlib
import inspect
import re
import typing
from pathlib import Path
from typing import Any

import pytest

from codegen.extract import HTTP_METHODS

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "generated" / "sentinelhub_byoc_api"
FUNCTIONS = ("sync", "sync_detailed", "asyncio", "asyncio_detailed")


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _operations(spec: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (operation["tags"][0], operation["operationId"])
        for item in spec["paths"].values()
        for method in HTTP_METHODS
        if (operation := item.get(method))
    ]


def _module(tag: str, operation_id: str) -> Any:
    return importlib.import_module(f"sentinelhub_byoc_api.api.{tag}.{_snake(operation_id)}")


def test_every_operation_has_all_four_functions(byoc_spec: dict[str, Any]) -> None:
    operations = _operations(byoc_spec)
    # The fifteen operations of the BYOC API when this client was written; upstream may add more.
    assert len(operations) >= 15
    for tag, operation_id in operations:
        module = _module(tag, operation_id)
        for name in FUNCTIONS:
            assert callable(getattr(module, name, None)), f"{operation_id} lacks {name}()"


def test_no_operation_returns_any(byoc_spec: dict[str, Any]) -> None:
    for tag, operation_id in _operations(byoc_spec):
        module = _module(tag, operation_id)
        for name in FUNCTIONS:
            returned = typing.get_type_hints(getattr(module, name))["return"]
            assert "Any" not in repr(returned), f"{operation_id}.{name} returns {returned!r}"


def test_tile_list_has_a_status_filter_typed_as_the_tile_status_enum() -> None:
    from sentinelhub_byoc_api.api.byoc_tile import get_byoc_collection_tiles
    from sentinelhub_byoc_api.models import BYOCTileStatus

    status = inspect.signature(get_byoc_collection_tiles.sync_detailed).parameters["status"]
    assert BYOCTileStatus in typing.get_args(
        typing.get_type_hints(get_byoc_collection_tiles.sync_detailed)["status"]
    )
    assert status.kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize(
    "module_name",
    [
        "byoc_collection.create_byoc_collection",
        "byoc_collection.update_byoc_collection_by_id",
        "byoc_tile.create_byoc_collection_tile",
        "byoc_tile.update_byoc_collection_tile_by_id",
    ],
)
def test_request_bodies_are_required(module_name: str) -> None:
    module = importlib.import_module(f"sentinelhub_byoc_api.api.{module_name}")
    body = inspect.signature(module.sync_detailed).parameters["body"]
    assert body.default is inspect.Parameter.empty
    assert "Unset" not in repr(typing.get_type_hints(module.sync_detailed)["body"])


def test_tile_model_survives_and_polygons_require_their_members() -> None:
    from sentinelhub_byoc_api.models import BYOCTile, MultiPolygon, Polygon

    ring = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    tile = BYOCTile.from_dict(
        {"path": "a/(BAND).tif", "coverGeometry": {"type": "Polygon", "coordinates": [ring]}}
    )
    assert isinstance(tile.cover_geometry, Polygon)
    for model in (Polygon, MultiPolygon):
        parameters = inspect.signature(model).parameters
        assert parameters["type_"].default is inspect.Parameter.empty
        assert parameters["coordinates"].default is inspect.Parameter.empty


def test_unknown_enum_values_and_properties_are_kept_not_crashed_on() -> None:
    from sentinelhub_byoc_api.models import BoomCode, BYOCTile, BYOCTileStatus, RestErrorWrapper

    tile = BYOCTile.from_dict({"path": "p", "status": "NEW_STATUS", "addedAt": "2026-01-01T00:00:00Z"})
    assert tile.status == "NEW_STATUS"
    assert isinstance(tile.status, BYOCTileStatus)
    assert not tile.status.is_known
    assert BYOCTileStatus.INGESTED.is_known
    assert tile.additional_properties == {"addedAt": "2026-01-01T00:00:00Z"}
    assert tile.to_dict()["status"] == "NEW_STATUS"
    error = RestErrorWrapper.from_dict({"error": {"status": 418, "code": "TEAPOT_BREWING", "message": "m"}})
    assert error.error.code == "TEAPOT_BREWING"  # type: ignore[union-attr]
    assert isinstance(error.error.code, BoomCode)  # type: ignore[union-attr]


def test_every_generated_file_starts_with_the_do_not_edit_line() -> None:
    files = sorted(path for path in PACKAGE.rglob("*") if path.is_file())
    assert files, "generated/ is empty"
    for path in files:
        first_line = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first_line.startswith("# generated from openapi.yaml"), path
        assert "do not edit" in first_line, path
    assert not list(PACKAGE.rglob(".ruff_cache"))
