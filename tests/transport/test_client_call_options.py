"""Per-call options: with_options() gives a view whose requests carry its timeout and retry policy."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sentinelhub_byoc import RetryPolicy
from sentinelhub_byoc.errors import ServerError
from sentinelhub_byoc.testing import Emulator, async_client_for, client_for


def _recording(emulator: Emulator, seen: list[httpx.Request]) -> httpx.MockTransport:
    inner = emulator.transport()

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return inner.handle_request(request)

    return httpx.MockTransport(handle)


def _api_requests(seen: list[httpx.Request]) -> list[httpx.Request]:
    return [request for request in seen if "/byoc/" in request.url.path]


def test_with_options_sets_timeout_and_retry_for_its_calls_only() -> None:
    seen: list[httpx.Request] = []
    patient_retry = RetryPolicy(max_attempts=9)
    with (
        Emulator() as emulator,
        client_for(emulator, transport=_recording(emulator, seen), timeout=7) as client,
    ):
        patient = client.with_options(timeout=123, retry=patient_retry)
        patient.collections.create(name="slow", s3_bucket="slow-bucket")
        client.collections.list(limit=1).__next__()

    created, listed = _api_requests(seen)
    assert created.extensions["timeout"] == httpx.Timeout(123).as_dict()
    assert listed.extensions["timeout"] == httpx.Timeout(7).as_dict()
    assert patient._sender.http is client._sender.http
    assert repr(patient) == repr(client)


def test_with_options_retry_applies_to_its_calls_only() -> None:
    with (
        Emulator() as emulator,
        client_for(emulator, retry=RetryPolicy(max_attempts=2, base_delay=0)) as client,
    ):
        patient = client.with_options(retry=RetryPolicy(max_attempts=4, base_delay=0))
        emulator.script_faults(["503"] * 3)
        assert list(patient.collections.list()) == []
        emulator.script_faults(["503"] * 3)
        with pytest.raises(ServerError):
            list(client.collections.list())


@pytest.mark.anyio
async def test_async_with_options(anyio_backend: Any) -> None:
    seen: list[httpx.Request] = []
    with Emulator() as emulator:
        async with async_client_for(emulator, transport=_recording(emulator, seen)) as client:
            await client.with_options(timeout=42).collections.create(name="a", s3_bucket="async-bucket")
    (created,) = _api_requests(seen)
    assert created.extensions["timeout"] == httpx.Timeout(42).as_dict()
