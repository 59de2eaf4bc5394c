"""The adapter keeps the overlay working when a regenerated endpoint changes its parameters."""

from __future__ import annotations

import types
import uuid
from typing import Any

import attrs
import httpx
from sentinelhub_byoc import _api
from sentinelhub_byoc._api import TileStatus
from sentinelhub_byoc._operations import Operation
from sentinelhub_byoc.testing import Emulator, client_for


def _endpoint_without_sort() -> Any:
    """A generated endpoint module as it looks after upstream dropped the ``sort`` parameter."""

    def sync_detailed(
        collection_id: uuid.UUID, *, client: Any, count: int = 0, status: TileStatus | None = None
    ) -> Any:
        return (collection_id, count, status)

    module = types.ModuleType("sentinelhub_byoc_api.api.byoc_tile.get_byoc_collection_tiles")
    module.sync_detailed = sync_detailed  # type: ignore[attr-defined]
    return module


def test_strings_become_the_enum_the_parameter_is_typed_with() -> None:
    call = _api.list_tiles(uuid.uuid4(), count=5, viewtoken=None, sort=None, path=None, status="FAILED")
    assert call.extra_query == {}


def test_a_parameter_the_endpoint_no_longer_declares_is_sent_as_a_query_parameter() -> None:
    module = _endpoint_without_sort()
    collection_id = uuid.uuid4()
    call = _api._bind(module, collection_id, count=5, sort="created:desc", status="FAILED", path=None)
    assert call.extra_query == {"sort": "created:desc"}
    assert call.sync(client=None) == (collection_id, 5, TileStatus.FAILED)  # type: ignore[arg-type]


def test_extra_query_parameters_reach_the_service() -> None:
    sent: list[httpx.URL] = []
    with Emulator() as emulator:
        inner = emulator.transport()

        def record(request: httpx.Request) -> httpx.Response:
            sent.append(request.url)
            return inner.handle_request(request)

        with client_for(emulator, transport=httpx.MockTransport(record)) as client:
            collection = client.collections.create(name="adapter", s3_bucket="adapter-bucket")
            call = _api.list_tiles(
                collection.id, count=None, viewtoken=None, sort=None, path=None, status=None
            )
            dropped = attrs.evolve(call, extra_query={"sort": "created:desc"})
            client._run(Operation(dropped, frozenset({200}), lambda response: response.json()))
    assert sent[-1].params["sort"] == "created:desc"
