"""Emulator benchmark: creating tiles in the emulator in-process, through ``emulator.transport()``.

This times the test emulator (``sentinelhub_byoc.testing``), not the client: the requests are
sent with plain httpx. Baseline: the same number of identical POSTs through an
``httpx.MockTransport`` that answers with a fixed 201 JSON body, so the ratio is the emulator's
overhead over bare httpx.
"""

from __future__ import annotations

import json

import httpx
from _common import EMULATOR, Result, best_of, progress
from sentinelhub_byoc.testing import Emulator

MAX_RATIO = 25.0
MAX_SECONDS = 60.0
_TILE = {
    "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "path": "tiles/0/(BAND)",
    "status": "WAITING",
    "sensingTime": None,
    "created": "2024-05-01T10:30:00Z",
}


def _fixed_answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(201, json={"data": _TILE})


def _create(client: httpx.Client, url: str, count: int) -> None:
    for index in range(count):
        response = client.post(url, json={"path": f"tiles/{index}/(BAND)"})
        if response.status_code != 201:
            raise RuntimeError(f"tile {index} was not created: {response.status_code} {response.text}")
        json.loads(response.content)


def _emulator_run(count: int) -> float:
    with Emulator() as emulator:
        collection = emulator.create_collection("bench", "bench-bucket")
        url = f"http://emulator/api/v1/byoc/collections/{collection}/tiles"
        with httpx.Client(transport=emulator.transport()) as client:
            token = client.post(
                "http://emulator/auth/realms/main/protocol/openid-connect/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": "demo-client-id",
                    "client_secret": "demo-client-secret",
                },
            ).json()["access_token"]
            client.headers["Authorization"] = f"Bearer {token}"
            return best_of(1, lambda: _create(client, url, count))


def _baseline_run(count: int) -> float:
    with httpx.Client(transport=httpx.MockTransport(_fixed_answer)) as client:
        client.headers["Authorization"] = "Bearer baseline"
        return best_of(3, lambda: _create(client, "http://mock/api/v1/byoc/collections/c/tiles", count))


def run(quick: bool) -> Result:
    """Time the tile creations in the emulator and their baseline."""
    count = 1_000 if quick else 10_000
    progress(f"emulator: {count:,} tile creations in-process")
    baseline = _baseline_run(count)
    seconds = _emulator_run(count)
    return Result(
        EMULATOR,
        f"emulator: create {count:,} tiles in-process (plain httpx)",
        seconds,
        baseline,
        "s",
        MAX_RATIO,
        baseline_name="httpx.MockTransport fixed answer",
        max_value=MAX_SECONDS,
        note=f"{count / seconds:,.0f} creations/s; goal: 10,000 tile creations in seconds, not minutes",
    )
