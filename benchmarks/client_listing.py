"""Listing 100,000 tiles over loopback, and the client's peak memory doing it (issue 8, part 2).

One emulator, seeded directly in Python (tile records put straight into its state: INGESTED
tiles in EPSG:32633 with tile and cover polygons, no HTTP creations), served on loopback
HTTP/1.1 by :func:`sentinelhub_byoc.testing.serve` in a thread of this process.

The clients run in child processes (``python client_listing.py child ...``), so the server's
thread competes with neither the timing nor the memory tracing:

- time: the wall time of ``BYOCClient.tiles.list(collection, page_size=100)`` iterating every
  tile against raw httpx paging the same server (``count=100``, ``links.nextToken`` passed back
  as ``viewtoken``, ``json.loads`` of each page); interleaved repetitions, median counts.
- memory: the client's peak traced memory (``tracemalloc`` started only around the iteration,
  after a warm-up) listing a collection of 10,000 tiles and one of 100,000 (10,000 and 20,000
  with ``--quick``), each in a fresh child; flat means the large listing's peak is at most 1.5x
  the small one's. Raw httpx paging's peaks on both are given for comparison.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _fixtures
from _common import CLIENT, Result, median, progress, run_child
from sentinelhub_byoc.deployments import TOKEN_PATH

MAX_TIME_RATIO = 1.05
MAX_MEMORY_RATIO = 1.5
PAGE_SIZE = 100


# The server side ---------------------------------------------------------------------------


def seed(emulator: Any, collection_id: str, count: int) -> str:
    """Put ``count`` INGESTED tiles into the emulator's state directly; say how it was done.

    Builds the emulator's own tile records (``testing._records.Tile``) and indexes them in the
    collection: no HTTP, no validation, no ingestion schedule (about 10 us a tile). Should those
    internals change, falls back to the public ``Emulator.add_tiles`` (WAITING tiles, no
    geometries) and says so.
    """
    geometries = [(_fixtures.tile_geometry(i), _fixtures.cover_geometry(i)) for i in range(35)]
    try:
        from sentinelhub_byoc.testing._records import Tile

        state = emulator._state
        collection = state.collections[collection_id]
        created = state.now_ms()
        for index in range(count):
            bbox, cover = geometries[index % len(geometries)]
            collection.add_tile(
                Tile(
                    id=str(uuid.uuid4()),
                    collection_id=collection_id,
                    seq=next(state._seq),
                    path=f"sentinel-2/{index // 1000:03d}/T33TVM_{index:06d}/(BAND).tif",
                    created_ms=created + index,
                    sensing_ms=created - 86_400_000 + index * 1000,
                    # A user-given cover, already reprojected into the tile's CRS (what the
                    # emulator caches after the first listing).
                    cover_crs84={"type": "Polygon", "coordinates": []},
                    cover_from_user=True,
                    status="INGESTED",
                    crs_epsg=32633,
                    tile_geometry=bbox,
                    wgs84_bounds=(14.0, 45.1, 14.2, 45.3),
                    cover_output=cover,
                )
            )
        state.touch(collection)
        return "tile records put into the emulator's state (INGESTED, EPSG:32633 polygons)"
    except (AttributeError, KeyError, TypeError, ImportError) as error:
        emulator.add_tiles(collection_id, (f"tiles/{index}/(BAND).tif" for index in range(count)))
        return f"Emulator.add_tiles (WAITING tiles without geometries; direct seeding failed: {error!r})"


def _token(base_url: str) -> str:
    import httpx
    from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    response = httpx.post(
        base_url + TOKEN_PATH,
        data={
            "grant_type": "client_credentials",
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
        },
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def run(quick: bool) -> list[Result]:
    """Serve one seeded emulator on loopback; time and trace the children listing it."""
    from sentinelhub_byoc.testing import Emulator, ManualClock, serve

    count = 20_000 if quick else 100_000
    # Flat memory: the peak at 100k tiles against the peak at 10k (20k against 10k when quick).
    # Smaller listings are no baseline: raw httpx's peak itself still grows from 1k to 10k
    # (about 1.5 to 2.3 MiB) and is level from there on.
    small, large = (10_000, 20_000) if quick else (10_000, 100_000)
    repeats = 3 if quick else 5
    sizes = sorted({count, small, large})
    progress(f"client listing: seeding collections of {', '.join(f'{n:,}' for n in sizes)} tiles")
    started = time.perf_counter()
    # A manual clock: nothing is scheduled, nothing changes between passes.
    emulator = Emulator(clock=ManualClock(1_717_200_000.0), token_lifetime=86_400.0)
    try:
        collections = {n: emulator.create_collection(f"bench-{n}", "bench-bucket") for n in sizes}
        how = {n: seed(emulator, collection_id, n) for n, collection_id in collections.items()}[count]
        seeding = time.perf_counter() - started
        with serve(emulator) as server:
            base_url = server.base_url
            token = _token(base_url)

            def measure(mode: str, size: int, extra: str) -> dict[str, Any]:
                return run_child(
                    __file__, "listing", mode, base_url, token, collections[size], str(size), extra
                )

            progress(f"client listing: timing {count:,} tiles, raw vs BYOCClient, {repeats} rounds")
            timing = measure("time", count, str(repeats))
            progress(f"client listing: peak memory at {small:,} and {large:,} tiles, BYOCClient and raw")
            peak_small = measure("memory", small, "client")
            peak_large = measure("memory", large, "client")
            raw_small = measure("memory", small, "raw")
            raw_large = measure("memory", large, "raw")
    finally:
        emulator.close()

    raw_seconds = median(timing["raw"])
    client_seconds = median(timing["client"])
    pages = -(-count // PAGE_SIZE)
    mib = 2**20
    return [
        Result(
            CLIENT,
            f"list {count:,} tiles over loopback: BYOCClient",
            client_seconds,
            raw_seconds,
            "s",
            MAX_TIME_RATIO,
            baseline_name="raw httpx paging",
            note=(
                f"wall time, median of {repeats}; {pages:,} pages of {PAGE_SIZE}; "
                f"client {count / client_seconds:,.0f} tiles/s, raw {count / raw_seconds:,.0f} tiles/s\n"
                f"all runs: client {_seconds(timing['client'])}, raw {_seconds(timing['raw'])}\n"
                f"emulator seeded in {seeding:.1f} s by {how}"
            ),
        ),
        Result(
            CLIENT,
            f"peak memory listing {large:,} vs {small:,} tiles: BYOCClient",
            peak_large["peak"] / mib,
            peak_small["peak"] / mib,
            "MiB",
            MAX_MEMORY_RATIO,
            baseline_name=f"the same at {small:,}",
            note=(
                "tracemalloc in a fresh child, around the iteration only; "
                f"raw httpx paging peaks at {raw_small['peak'] / mib:.2f} MiB for {small:,} tiles, "
                f"{raw_large['peak'] / mib:.2f} MiB for {large:,}"
            ),
        ),
    ]


def _seconds(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values) + " s"


# The client side (child processes) ---------------------------------------------------------


def _raw_lister(base_url: str, token: str, collection_id: str) -> tuple[Callable[[int | None], int], Any]:
    import httpx
    from sentinelhub_byoc import Deployment

    client = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60.0)
    path = f"{Deployment.custom(base_url).path_prefix}/collections/{collection_id}/tiles"

    def walk(pages: int | None) -> int:
        seen = 0
        params: dict[str, Any] = {"count": PAGE_SIZE}
        while True:
            response = client.get(path, params=params)
            if response.status_code != 200:
                raise RuntimeError(f"raw listing failed: {response.status_code} {response.text}")
            body = json.loads(response.content)
            seen += len(body["data"])
            token = body["links"].get("nextToken")
            if not token or (pages is not None and seen >= pages * PAGE_SIZE):
                return seen
            params = {"count": PAGE_SIZE, "viewtoken": token}

    return walk, client


def _client_lister(base_url: str, token: str, collection_id: str) -> tuple[Callable[[int | None], int], Any]:
    from sentinelhub_byoc import BYOCClient, Deployment

    client = BYOCClient(access_token=token, deployment=Deployment.custom(base_url))

    def walk(pages: int | None) -> int:
        limit = None if pages is None else pages * PAGE_SIZE
        return sum(1 for _ in client.tiles.list(collection_id, page_size=PAGE_SIZE, limit=limit))

    return walk, client


def _walk_all(walk: Callable[[int | None], int], expected: int, who: str) -> None:
    seen = walk(None)
    if seen != expected:
        raise RuntimeError(f"{who} listed {seen} tiles, expected {expected}")


def child(mode: str, base_url: str, token: str, collection_id: str, count: int, extra: str) -> dict[str, Any]:
    """What one child process measures; the report is printed as one JSON line."""
    makers = {"raw": _raw_lister, "client": _client_lister}
    names = list(makers) if mode == "time" else [extra]
    listers = {name: makers[name](base_url, token, collection_id) for name in names}
    for walk, _ in listers.values():
        walk(3)  # warm-up: the connection, lazy imports, the first pages
    if mode == "time":
        times: dict[str, list[float]] = {name: [] for name in listers}
        for _ in range(int(extra)):
            for name, (walk, _) in listers.items():
                gc.collect()
                start = time.perf_counter()
                _walk_all(walk, count, name)
                times[name].append(time.perf_counter() - start)
        return times
    walk, _ = listers[extra]
    gc.collect()
    tracemalloc.start()
    try:
        _walk_all(walk, count, extra)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return {"peak": peak}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    parser.add_argument("--quick", action="store_true", help="20,000 tiles instead of 100,000")
    runner = sub.add_parser("child", help="internal: one measuring child process")
    runner.add_argument("mode", choices=("time", "memory"))
    runner.add_argument("base_url")
    runner.add_argument("token")
    runner.add_argument("collection_id")
    runner.add_argument("count", type=int)
    runner.add_argument("extra", help="time: repetitions; memory: raw or client")
    args = parser.parse_args(argv)
    if args.command == "child":
        report = child(args.mode, args.base_url, args.token, args.collection_id, args.count, args.extra)
        print(json.dumps(report))
        return 0
    for result in run(args.quick):
        print("\n".join(result.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
