"""The emulator's routing comes from openapi.yaml: every operation is handled or said not to be."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import httpx
import pytest
from sentinelhub_byoc.deployments import DEFAULT_PATH_PREFIX, OPENAPI_PATH_PREFIX
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, TOKEN_PATHS, Emulator, _handlers
from sentinelhub_byoc.testing._routing import Member, NoRoute, Operation, Router
from sentinelhub_byoc.testing._spec_routes import PREFIXES, ROUTES

from codegen import _yaml, routes
from codegen.extract import HTTP_METHODS

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"


def _document() -> dict[str, Any]:
    document: dict[str, Any] = _yaml.load(SPEC.read_text(encoding="utf-8"))
    return document


def _operation_ids(document: dict[str, Any]) -> list[str]:
    return [
        item[method]["operationId"]
        for item in document["paths"].values()
        for method in HTTP_METHODS
        if method in item
    ]


def _table(document: dict[str, Any]) -> tuple[Operation, ...]:
    return tuple(
        Operation(
            route["method"],
            route["templates"],
            route["operation_id"],
            route["greedy"],
            tuple(Member(*member) for member in route["body"]),
        )
        for route in routes.routes(document)
    )


def test_every_operation_is_handled_or_explicitly_not_emulated() -> None:
    operation_ids = _operation_ids(_document())
    # The 15 of the published document and the 2 of openapi-additions.yaml.
    assert len(operation_ids) == len(set(operation_ids)) == 17
    for operation_id in operation_ids:
        handled = operation_id in _handlers.HANDLERS
        skipped = operation_id in _handlers.NOT_EMULATED
        assert handled != skipped, f"{operation_id}: handle it or list it in NOT_EMULATED with a reason"
        if skipped:
            assert _handlers.NOT_EMULATED[operation_id].strip(), f"{operation_id} needs a reason"
    stale = (set(_handlers.HANDLERS) | set(_handlers.NOT_EMULATED)) - set(operation_ids)
    assert not stale, f"handlers for operations openapi.yaml does not have: {sorted(stale)}"


def test_the_committed_route_table_is_the_documents() -> None:
    assert _table(_document()) == ROUTES
    assert PREFIXES == (DEFAULT_PATH_PREFIX, OPENAPI_PATH_PREFIX)
    assert routes.check(SPEC, ROOT) == []


def test_the_table_knows_request_members_and_read_only_flags() -> None:
    create = next(op for op in ROUTES if op.operation_id == "createByocCollection")
    members = {member.name: member for member in create.body}
    assert members["name"] == Member("name", ("string",), False)
    assert members["id"].read_only
    assert members["additionalData.bands.*.bitDepth"].types == ("integer",)
    assert members["additionalData.bands.*.aliases"].read_only


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/api/v1/byoc/collections", "getByocCollections"),
        ("POST", "/byoc/v1/collections/", "createByocCollection"),
        ("POST", "/byoc/v1/collections/c/copyTiles", "copyByocCollectionTiles"),
        ("POST", "/api/v1/byoc/collections/c/tiles/t/reingest", "reingestByocCollectionTileById"),
        ("HEAD", "/api/v1/byoc/collections/c/tiles/t/files/sub/dir/a.tif", "headByocTileFile"),
        ("GET", "/byoc/v1/collections/c/tiles/t/files", "listByocTileFiles"),
    ],
)
def test_router_matches_method_and_template(method: str, path: str, expected: str) -> None:
    found = Router(ROUTES).match(method, path)
    assert not isinstance(found, NoRoute)
    assert found.operation.operation_id == expected


def test_router_separates_unknown_paths_from_wrong_methods() -> None:
    router = Router(ROUTES)
    assert router.match("GET", "/api/v1/byoc/nothing") == NoRoute(())
    assert router.match("PATCH", "/api/v1/byoc/collections/c") == NoRoute(("DELETE", "GET", "PUT"))
    found = router.match("GET", "/byoc/v1/collections/c/tiles/t/files/sub/a.tif")
    assert not isinstance(found, NoRoute)
    assert found.parameters == {"collectionId": "c", "tileId": "t", "path": "sub/a.tif"}


def test_an_operation_added_upstream_answers_501_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, modify_like_upstream: Any
) -> None:
    changed = modify_like_upstream(copy.deepcopy(_document()))
    monkeypatch.setattr(_handlers, "_ROUTER", Router(_table(changed)))
    with (
        Emulator(data_dir=tmp_path) as emulator,
        httpx.Client(transport=emulator.transport(), base_url="http://emulator.test") as api,
    ):
        token = api.post(
            TOKEN_PATHS[0],
            data={"grant_type": "client_credentials"},
            auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
        ).json()["access_token"]
        api.headers["Authorization"] = f"Bearer {token}"
        created = api.post("/api/v1/byoc/collections", json={"name": "c", "s3Bucket": "test-bucket"})
        collection = created.json()["data"]["id"]
        for prefix in (DEFAULT_PATH_PREFIX, OPENAPI_PATH_PREFIX):
            response = api.post(f"{prefix}/collections/{collection}/added")
            assert response.status_code == 501, response.text
            error = response.json()["error"]
            assert "addedByocOperation" in error["message"]
            assert error["errors"] == {"operationId": "addedByocOperation"}
        # The operations that were there before still work, and unknown paths are still 404.
        assert api.get(f"/byoc/v1/collections/{collection}").status_code == 200
        assert api.post(f"/byoc/v1/collections/{collection}/removed").status_code == 404
