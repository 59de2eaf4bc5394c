"""Emulator benchmark: the emulator serving every page of a 10,000-tile collection in-process.

This times the test emulator (``sentinelhub_byoc.testing``), not the client: plain httpx follows
``links.next`` at count=100 through ``emulator.transport()``. Baseline: the same pages (the
emulator's own first page, re-served with the right next links) from an ``httpx.MockTransport``,
so the ratio is the emulator's cost of building each page. Peak memory of the emulator run
(emulator and httpx together, in this process) is measured in a separate pass under
``tracemalloc``. The client's own listing is benchmarked in ``client_listing.py``.
"""

from __future__ import annotations

import json
import tracemalloc
from typing import Any

import httpx
from _common import EMULATOR, Result, best_of, progress
from sentinelhub_byoc.testing import Emulator, ManualClock

MAX_RATIO = 25.0
MAX_SECONDS = 30.0
PAGE = 100


def _walk(client: httpx.Client, url: str) -> int:
    seen = 0
    next_url: str | None = url
    while next_url:
        response = client.get(next_url)
        if response.status_code != 200:
            raise RuntimeError(f"listing failed: {response.status_code} {response.text}")
        body: dict[str, Any] = json.loads(response.content)
        seen += len(body["data"])
        next_url = body["links"].get("next")
    return seen


def _emulator(count: int) -> tuple[Emulator, httpx.Client, str]:
    # A manual clock keeps every tile WAITING, so the pages do not change between passes.
    emulator = Emulator(clock=ManualClock())
    collection = emulator.create_collection("bench", "bench-bucket")
    emulator.add_tiles(collection, (f"tiles/{index}/(BAND)" for index in range(count)))
    client = httpx.Client(transport=emulator.transport(), base_url="http://emulator")
    token = client.post(
        "/auth/realms/main/protocol/openid-connect/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "demo-client-id",
            "client_secret": "demo-client-secret",
        },
    ).json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return emulator, client, f"http://emulator/api/v1/byoc/collections/{collection}/tiles?count={PAGE}"


def _baseline(first_page: bytes, count: int) -> float:
    page = json.loads(first_page)
    pages = -(-count // PAGE)

    def answer(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "0"))
        links: dict[str, str] = {"@id": str(request.url)}
        if number + 1 < pages:
            links["next"] = str(request.url.copy_set_param("page", str(number + 1)))
        return httpx.Response(200, json={"data": page["data"], "links": links})

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        client.headers["Authorization"] = "Bearer baseline"
        return best_of(3, lambda: _walk(client, "http://mock/tiles?count=100"))


def run(quick: bool) -> tuple[Result, int]:
    """Time the emulator's listing and its baseline; also return the emulator run's peak traced bytes."""
    count = 2_000 if quick else 10_000
    progress(f"emulator: serving {count:,} tiles page by page in-process")
    emulator, client, url = _emulator(count)
    try:
        seen = _walk(client, url)
        if seen != count:
            raise RuntimeError(f"listed {seen} tiles, expected {count}")
        seconds = best_of(3, lambda: _walk(client, url))
        first_page = client.get(url).content
        tracemalloc.start()
        try:
            _walk(client, url)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    finally:
        client.close()
        emulator.close()
    baseline = _baseline(first_page, count)
    result = Result(
        EMULATOR,
        f"emulator: serve {count:,} tiles at count={PAGE} in-process (plain httpx)",
        seconds,
        baseline,
        "s",
        MAX_RATIO,
        baseline_name="httpx.MockTransport replaying its page",
        max_value=MAX_SECONDS,
        note=(
            f"{count / seconds:,.0f} tiles/s; peak traced memory while listing (emulator and httpx): "
            f"{peak / 2**20:.2f} MiB"
        ),
    )
    return result, peak
