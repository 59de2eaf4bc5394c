"""The adapter keeps the overlay working when a regenerated endpoint changes its parameters."""

from __future__ import annotations

import types
import uuid
from typing import Any

import httpx
import pytest
from sentinelhub_byoc import _adapter, _decoders
from sentinelhub_byoc._transport.calls import Call, Operation
from sentinelhub_byoc.testing import Emulator, client_for
from sentinelhub_byoc_api.models import BYOCTileStatus


def _endpoint_without_sort() -> Any:
    """A generated endpoint module as it looks after upstream dropped the ``sort`` parameter."""

    def build_request(
        collection_id: uuid.UUID, *, count: int = 0, status: BYOCTileStatus | None = None
    ) -> dict[str, Any]:
        params = {"count": count, "status": None if status is None else status.value}
        return {"method": "get", "url": f"/byoc/v1/collections/{collection_id}/tiles", "params": params}

    module = types.ModuleType("sentinelhub_byoc_api.api.byoc_tile.get_byoc_collection_tiles")
    module.build_request = build_request  # type: ignore[attr-defined]
    return module


def test_strings_become_the_enum_the_parameter_is_typed_with() -> None:
    collection_id = uuid.uuid4()
    call = _adapter.list_tiles(collection_id, count=5, viewtoken=None, sort=None, path=None, status="FAILED")
    assert call.method == "GET"
    assert call.path == f"/collections/{collection_id}/tiles"
    assert call.params == {"count": 5, "status": "FAILED"}


def test_a_parameter_the_endpoint_no_longer_declares_is_sent_as_a_query_parameter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = _endpoint_without_sort()
    monkeypatch.setattr(_adapter, "_endpoint", lambda name: module)
    monkeypatch.setattr(_adapter, "_parameter_types", _adapter._parameter_types.__wrapped__)
    collection_id = uuid.uuid4()
    call = _adapter.list_tiles(
        collection_id, count=5, viewtoken=None, sort="created:desc", path=None, status="FAILED"
    )
    assert call.params == {"count": 5, "status": "FAILED", "sort": "created:desc"}


def test_query_parameters_of_a_call_reach_the_service() -> None:
    sent: list[httpx.URL] = []
    with Emulator() as emulator:
        inner = emulator.transport()

        def record(request: httpx.Request) -> httpx.Response:
            sent.append(request.url)
            return inner.handle_request(request)

        with client_for(emulator, transport=httpx.MockTransport(record)) as client:
            collection = client.collections.create(name="adapter", s3_bucket="adapter-bucket")
            call = Call(
                "get_byoc_collection_tiles",
                "GET",
                f"/collections/{collection.id}/tiles",
                {"sort": "created:desc"},
                None,
                None,
            )
            client._sender.send(Operation(call, frozenset({200}), _decoders.nothing))
    assert sent[-1].params["sort"] == "created:desc"
    assert sent[-1].path.endswith(f"/collections/{collection.id}/tiles")
