"""Per-call CPU cost of the clients on a zero-cost transport (issue 8, part 1).

Every contestant sends the same HTTP through the same ``httpx.MockTransport``, whose handler
answers with prebuilt bytes: realistic INGESTED tiles in EPSG:32633 with tile and cover
polygons. The handler routes on the path *suffix*, so it answers whatever prefix a contestant
sends (``/api/v1/byoc`` from the client, ``/byoc/v1`` from the generated package). Two calls:

- get-tile: ``GET .../collections/{c}/tiles/{t}``, body ``{"data": tile}``;
- page: ``GET .../collections/{c}/tiles?count=100``, body ``{"data": [100 tiles], "links": ...}``.

Contestants: raw ``httpx.Client`` + ``json.loads(response.content)`` (the baseline),
``BYOCClient``, the generated ``sentinelhub_byoc_api`` client alone (for information), and
``AsyncBYOCClient`` against raw ``httpx.AsyncClient`` (one ``asyncio.run`` per measurement).
Each contestant checks what it decoded (the tile's id, the page's 100 tiles) so nothing can be
skipped lazily. As the client's models may convert fields (UUIDs, times, geometries) on first
access, "BYOCClient, every field read" also reads every field of every tile it got, for
information: what a caller that uses the whole answer pays. CPU per call is
``time.process_time`` over a loop of N calls after a warm-up; the median of the repetitions
counts, contestants interleaved so drift hits all alike.

``python benchmarks/client_cpu.py --profile page`` (or ``get-tile``, ``--async``) prints where
the client's time goes instead.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import json
import math
import pstats
import re
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, ExitStack, aclosing, contextmanager
from pathlib import Path
from typing import Any

import attrs
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _fixtures
from _common import CLIENT, Result, cpu_seconds, median, progress

MAX_RATIO = 1.2
BASE_URL = "http://127.0.0.1"  # never contacted: every request ends in the MockTransport
TOKEN = "t"
PAGE_SIZE = 100
COLLECTION_ID = "5f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
COLLECTION_UUID = uuid.UUID(COLLECTION_ID)
TILE = _fixtures.tile(0)
TILE_ID: str = TILE["id"]
TILE_UUID = uuid.UUID(TILE_ID)
PAGE_TILES = [_fixtures.tile(index) for index in range(PAGE_SIZE)]
OPERATIONS = ("get-tile", "page")

_JSON_HEADERS = {"Content-Type": "application/json"}
_TILE_PATH = re.compile(r"/collections/[^/]+/tiles/[^/]+$")
_PAGE_PATH = re.compile(r"/collections/[^/]+/tiles$")


def _page_body(prefix: str) -> bytes:
    url = f"{BASE_URL}{prefix}/collections/{COLLECTION_ID}/tiles?count={PAGE_SIZE}"
    links = {
        "@id": url,
        "currentToken": "YWZ0ZXI6MTAw",
        "nextToken": "YWZ0ZXI6MjAw",
        "next": url + "&viewtoken=YWZ0ZXI6MjAw",
    }
    return json.dumps({"data": PAGE_TILES, "links": links}).encode()


class Answers:
    """The MockTransport handler: prebuilt bytes, chosen by the path's suffix."""

    def __init__(self) -> None:
        self.tile = json.dumps({"data": TILE}).encode()
        self.page = _page_body("/api/v1/byoc")
        self.missing = json.dumps({"error": {"status": 404, "reason": "Not Found"}}).encode()
        self.last: httpx.Request | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.last = request
        path = request.url.path
        if _TILE_PATH.search(path):
            return httpx.Response(200, content=self.tile, headers=_JSON_HEADERS)
        if _PAGE_PATH.search(path):
            return httpx.Response(200, content=self.page, headers=_JSON_HEADERS)
        return httpx.Response(404, content=self.missing, headers=_JSON_HEADERS)

    def sent(self) -> str:
        """The last request's method, path and query, for the report."""
        if self.last is None:
            return "nothing"
        url = self.last.url
        query = url.query.decode()
        return f"{self.last.method} {url.path}{'?' + query if query else ''}"


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise RuntimeError(f"benchmark contestant decoded a wrong answer: {what}")


def _read_every_field(tile: Any) -> None:
    """Touch every member of a decoded tile, so whatever a model converts lazily is converted."""
    for name in _TILE_FIELDS:
        getattr(tile, name)


_TILE_FIELDS = (
    "id",
    "path",
    "status",
    "sensing_time",
    "created",
    "tile_geometry",
    "cover_geometry",
    "additional_data",
    "extra",
)
READ_ALL = "BYOCClient, every field read"


def _deployment() -> Any:
    from sentinelhub_byoc import Deployment

    return Deployment.custom(BASE_URL)


def _paths(prefix: str) -> tuple[str, str]:
    collection = f"{prefix}/collections/{COLLECTION_ID}"
    return f"{collection}/tiles/{TILE_ID}", f"{collection}/tiles"


# Sync contestants --------------------------------------------------------------------------


@attrs.frozen
class Contestant:
    """A label and, per operation, one call that does the HTTP and decodes the answer."""

    label: str
    calls: dict[str, Callable[[], object]]


@contextmanager
def sync_contestants(transport: httpx.MockTransport) -> Iterator[list[Contestant]]:
    """Raw httpx (first: the baseline), BYOCClient and the generated client, on ``transport``."""
    from sentinelhub_byoc import BYOCClient
    from sentinelhub_byoc_api import AuthenticatedClient
    from sentinelhub_byoc_api.api.byoc_tile import get_byoc_collection_tile_by_id, get_byoc_collection_tiles

    deployment = _deployment()
    tile_path, page_path = _paths(deployment.path_prefix)
    with ExitStack() as stack:
        raw = stack.enter_context(
            httpx.Client(base_url=BASE_URL, transport=transport, headers={"Authorization": f"Bearer {TOKEN}"})
        )
        byoc = stack.enter_context(BYOCClient(access_token=TOKEN, deployment=deployment, transport=transport))
        generated = stack.enter_context(
            AuthenticatedClient(base_url=BASE_URL, token=TOKEN, httpx_args={"transport": transport})
        )

        def raw_tile() -> None:
            response = raw.get(tile_path)
            _check(response.status_code == 200, "raw status")
            _check(json.loads(response.content)["data"]["id"] == TILE_ID, "raw tile id")

        def raw_page() -> None:
            response = raw.get(page_path, params={"count": PAGE_SIZE})
            _check(response.status_code == 200, "raw status")
            _check(len(json.loads(response.content)["data"]) == PAGE_SIZE, "raw page size")

        def byoc_tile() -> None:
            _check(byoc.tiles.get(COLLECTION_ID, TILE_ID).id == TILE_UUID, "BYOCClient tile id")

        def byoc_page() -> None:
            page = next(byoc.tiles.pages(COLLECTION_ID, page_size=PAGE_SIZE))
            _check(len(page.items) == PAGE_SIZE, "BYOCClient page size")

        def byoc_tile_read() -> None:
            tile = byoc.tiles.get(COLLECTION_ID, TILE_ID)
            _read_every_field(tile)
            _check(tile.id == TILE_UUID, "BYOCClient tile id")

        def byoc_page_read() -> None:
            page = next(byoc.tiles.pages(COLLECTION_ID, page_size=PAGE_SIZE))
            for tile in page.items:
                _read_every_field(tile)
            _check(len(page.items) == PAGE_SIZE, "BYOCClient page size")

        def generated_tile() -> None:
            answer: Any = get_byoc_collection_tile_by_id.sync(COLLECTION_UUID, TILE_UUID, client=generated)
            _check(answer.data.id == TILE_UUID, "generated tile id")

        def generated_page() -> None:
            answer: Any = get_byoc_collection_tiles.sync(COLLECTION_UUID, client=generated, count=PAGE_SIZE)
            _check(len(answer.data) == PAGE_SIZE, "generated page size")

        yield [
            Contestant("raw httpx.Client", {"get-tile": raw_tile, "page": raw_page}),
            Contestant("BYOCClient", {"get-tile": byoc_tile, "page": byoc_page}),
            Contestant("generated client", {"get-tile": generated_tile, "page": generated_page}),
            Contestant(READ_ALL, {"get-tile": byoc_tile_read, "page": byoc_page_read}),
        ]


# Async contestants -------------------------------------------------------------------------

AsyncCall = Callable[[], Awaitable[object]]


async def _async_calls(
    label: str, stack: AsyncExitStack, transport: httpx.MockTransport
) -> dict[str, AsyncCall]:
    """The two calls of one async contestant, its client opened on ``stack`` in the running loop."""
    deployment = _deployment()
    if label == "raw httpx.AsyncClient":
        tile_path, page_path = _paths(deployment.path_prefix)
        raw = await stack.enter_async_context(
            httpx.AsyncClient(
                base_url=BASE_URL, transport=transport, headers={"Authorization": f"Bearer {TOKEN}"}
            )
        )

        async def raw_tile() -> None:
            response = await raw.get(tile_path)
            _check(response.status_code == 200, "raw async status")
            _check(json.loads(response.content)["data"]["id"] == TILE_ID, "raw async tile id")

        async def raw_page() -> None:
            response = await raw.get(page_path, params={"count": PAGE_SIZE})
            _check(response.status_code == 200, "raw async status")
            _check(len(json.loads(response.content)["data"]) == PAGE_SIZE, "raw async page size")

        return {"get-tile": raw_tile, "page": raw_page}

    from sentinelhub_byoc import AsyncBYOCClient

    client = await stack.enter_async_context(
        AsyncBYOCClient(access_token=TOKEN, deployment=deployment, transport=transport)
    )

    async def byoc_tile() -> None:
        tile = await client.tiles.get(COLLECTION_ID, TILE_ID)
        _check(tile.id == TILE_UUID, "AsyncBYOCClient tile id")

    async def byoc_page() -> None:
        async with aclosing(client.tiles.pages(COLLECTION_ID, page_size=PAGE_SIZE)) as pages:
            page = await anext(pages)
        _check(len(page.items) == PAGE_SIZE, "AsyncBYOCClient page size")

    return {"get-tile": byoc_tile, "page": byoc_page}


ASYNC_LABELS = ("raw httpx.AsyncClient", "AsyncBYOCClient")


def _async_cpu(label: str, operation: str, calls: int, transport: httpx.MockTransport) -> float:
    """One measurement: a fresh event loop, a fresh client, a warm-up, then ``calls`` calls timed."""

    async def measure() -> float:
        async with AsyncExitStack() as stack:
            call = (await _async_calls(label, stack, transport))[operation]
            for _ in range(3):
                await call()
            gc.collect()
            start = time.process_time()
            for _ in range(calls):
                await call()
            return time.process_time() - start

    return asyncio.run(measure())


# Measuring ---------------------------------------------------------------------------------


def _calls_for(seconds_per_call: float, loop_seconds: float, minimum: int) -> int:
    return max(minimum, math.ceil(loop_seconds / max(seconds_per_call, 1e-9)))


def run(quick: bool) -> list[Result]:
    """Measure every contestant on both operations; return the ratios against raw httpx."""
    repeats = 5 if quick else 7
    loop_seconds = 0.05 if quick else 0.2
    minimum = {"get-tile": 50, "page": 10}
    warm_up = {"get-tile": 50, "page": 10}
    verify()
    answers = Answers()
    transport = httpx.MockTransport(answers)
    results: list[Result] = []

    with sync_contestants(transport) as contestants:
        for operation in OPERATIONS:
            progress(f"client CPU per call, sync, {operation}")
            sent: dict[str, str] = {}
            for contestant in contestants:
                call = contestant.calls[operation]
                for _ in range(warm_up[operation]):
                    call()
                sent[contestant.label] = answers.sent()
            baseline_call = contestants[0].calls[operation]
            calls = _calls_for(cpu_seconds(baseline_call, 5) / 5, loop_seconds, minimum[operation])
            samples: dict[str, list[float]] = {c.label: [] for c in contestants}
            for _ in range(repeats):
                for contestant in contestants:
                    seconds = cpu_seconds(contestant.calls[operation], calls)
                    samples[contestant.label].append(seconds / calls)
            per_call = {label: median(values) * 1e6 for label, values in samples.items()}
            base = contestants[0].label
            for contestant in contestants[1:]:
                label = contestant.label
                results.append(
                    Result(
                        CLIENT,
                        f"cpu/call {operation}: {label}",
                        per_call[label],
                        per_call[base],
                        "us",
                        MAX_RATIO if label == "BYOCClient" else None,
                        baseline_name=base,
                        note=(
                            f"median of {repeats} x {calls} calls; sent {sent[label]}\n"
                            f"baseline sent {sent[base]}"
                        ),
                    )
                )

    for operation in OPERATIONS:
        progress(f"client CPU per call, async, {operation}")
        base, label = ASYNC_LABELS
        calls = _calls_for(_async_cpu(base, operation, 5, transport) / 5, loop_seconds, minimum[operation])
        samples = {name: [] for name in ASYNC_LABELS}
        sent = {}
        for _ in range(repeats):
            for name in ASYNC_LABELS:
                samples[name].append(_async_cpu(name, operation, calls, transport) / calls)
                sent[name] = answers.sent()
        per_call = {name: median(values) * 1e6 for name, values in samples.items()}
        results.append(
            Result(
                CLIENT,
                f"cpu/call {operation}: {label}",
                per_call[label],
                per_call[base],
                "us",
                MAX_RATIO,
                baseline_name=base,
                note=(
                    f"median of {repeats} x {calls} calls, one asyncio.run each; sent {sent[label]}\n"
                    f"baseline sent {sent[base]}"
                ),
            )
        )
    return results


def verify() -> None:
    """Check once, beyond the loop's cheap checks, that each client decoded the whole answer."""
    answers = Answers()
    with sync_contestants(httpx.MockTransport(answers)) as contestants:
        for contestant in contestants:
            for call in contestant.calls.values():
                call()
    from sentinelhub_byoc import BYOCClient

    with BYOCClient(
        access_token=TOKEN, deployment=_deployment(), transport=httpx.MockTransport(answers)
    ) as client:
        tile = client.tiles.get(COLLECTION_ID, TILE_ID)
        page = next(client.tiles.pages(COLLECTION_ID, page_size=PAGE_SIZE))
    _check(tile.path == TILE["path"] and tile.cover_geometry is not None, "BYOCClient tile members")
    _check(str(page.items[-1].id) == PAGE_TILES[-1]["id"], "BYOCClient last tile of the page")
    _check(page.next_token == "YWZ0ZXI6MjAw", "BYOCClient next token")


# Profiling ---------------------------------------------------------------------------------


def profile(operation: str, use_async: bool, calls: int, top: int) -> None:
    """Print the ``top`` functions by own time and by cumulative time for the client's calls."""
    answers = Answers()
    transport = httpx.MockTransport(answers)
    profiler = cProfile.Profile()
    if use_async:

        async def body() -> None:
            async with AsyncExitStack() as stack:
                call = (await _async_calls("AsyncBYOCClient", stack, transport))[operation]
                for _ in range(3):
                    await call()
                profiler.enable()
                for _ in range(calls):
                    await call()
                profiler.disable()

        asyncio.run(body())
    else:
        with sync_contestants(transport) as contestants:
            call = contestants[1].calls[operation]
            for _ in range(10):
                call()
            profiler.enable()
            for _ in range(calls):
                call()
            profiler.disable()
    name = ("AsyncBYOCClient" if use_async else "BYOCClient") + f" {operation} x {calls}"
    for order in ("tottime", "cumulative"):
        print(f"== {name}: top {top} by {order}")
        pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(order).print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, shorter loops")
    parser.add_argument("--profile", choices=OPERATIONS, help="profile the client on this call instead")
    parser.add_argument("--async", dest="use_async", action="store_true", help="profile AsyncBYOCClient")
    parser.add_argument("--calls", type=int, default=200, help="calls to profile")
    parser.add_argument("--top", type=int, default=10, help="entries to print per ordering")
    args = parser.parse_args(argv)
    if args.profile:
        profile(args.profile, args.use_async, args.calls, args.top)
        return 0
    for result in run(args.quick):
        print("\n".join(result.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
