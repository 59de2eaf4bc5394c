"""Planning a sync against a collection of 200,000 tiles: time and peak memory (issue 22).

One emulator, seeded as ``client_listing.py`` seeds it (INGESTED tiles in EPSG:32633 with tile
and cover polygons, put straight into its state), served on loopback HTTP/1.1 in a thread of
this process. The contestants run in child processes (``python plan_sync.py child ...``):

- raw: ``httpx`` paging the collection (``count=100``, ``links.nextToken`` passed back as
  ``viewtoken``, ``json.loads`` of each page) into a ``path -> id`` dict: the least a plan needs;
- plan: ``workflows.plan_sync(client, collection, keys)`` where ``keys`` are the band files of
  every tile in the collection, one ``B01.tif`` per tile folder, grouped by the default layout
  into the collection's own tile paths: the plan skips every tile (each run checks it does). A
  list of keys is the source, so no folder or bucket is listed: what is measured is the
  client's walk and plan. Each child first plans against an empty collection (imports, the
  connection), then measures.

Time: wall time, interleaved repetitions, median counts; the target is at most 1.2x raw.
Memory: the peak traced by ``tracemalloc`` in a fresh child, started after the key list is
built and stopped once the plan is returned (the plan itself included), divided by the tile
count; the target is under 400 B a tile (a million tiles plan in under half a gigabyte). The
raw walk's peak per tile is given beside it.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import client_listing
from _common import CLIENT, Result, median, progress, run_child

MAX_TIME_RATIO = 1.2
MAX_BYTES_PER_TILE = 400
PAGE_SIZE = 100


def run(quick: bool) -> list[Result]:
    """Serve one seeded emulator on loopback; time and trace the children planning against it."""
    from sentinelhub_byoc.testing import Emulator, ManualClock, serve

    count = 20_000 if quick else 200_000
    repeats = 3
    progress(f"plan: seeding a collection of {count:,} tiles")
    emulator = Emulator(clock=ManualClock(1_717_200_000.0), token_lifetime=86_400.0)
    try:
        collection_id = emulator.create_collection(f"plan-{count}", "bench-bucket")
        # Each child first plans against an empty collection: imports and connections are made
        # before anything is measured.
        empty_id = emulator.create_collection("plan-empty", "bench-bucket")
        how = client_listing.seed(emulator, collection_id, count)
        with serve(emulator) as server:
            token = client_listing._token(server.base_url)

            def measure(mode: str, extra: str) -> dict[str, Any]:
                return run_child(
                    __file__, "plan", mode, server.base_url, token, collection_id, empty_id, str(count), extra
                )

            progress(f"plan: timing raw paging vs plan_sync over {count:,} tiles, {repeats} rounds")
            timing = measure("time", str(repeats))
            progress("plan: peak memory of raw paging and of plan_sync, each in a fresh child")
            raw_peak = measure("memory", "raw")["peak"]
            plan_peak = measure("memory", "plan")["peak"]
    finally:
        emulator.close()
    raw_seconds = median(timing["raw"])
    plan_seconds = median(timing["plan"])
    return [
        Result(
            CLIENT,
            f"plan_sync over {count:,} existing tiles: time",
            plan_seconds,
            raw_seconds,
            "s",
            MAX_TIME_RATIO,
            baseline_name="raw httpx paging into a path -> id dict",
            note=(
                f"wall time, median of {repeats}; all runs: plan {_seconds(timing['plan'])}, "
                f"raw {_seconds(timing['raw'])}\nemulator seeded by {how}"
            ),
        ),
        Result(
            CLIENT,
            f"plan_sync over {count:,} existing tiles: peak memory a tile",
            plan_peak / count,
            raw_peak / count,
            "B",
            None,
            baseline_name="raw httpx paging into a path -> id dict",
            max_value=MAX_BYTES_PER_TILE,
            note=(
                f"tracemalloc in a fresh child, around the planning only: plan {plan_peak / 2**20:.1f} MiB, "
                f"raw {raw_peak / 2**20:.1f} MiB"
            ),
        ),
    ]


def _seconds(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values) + " s"


# The client side (child processes) ---------------------------------------------------------


def band_keys(count: int) -> list[str]:
    """One band file in each tile folder of the seeded collection (see ``client_listing.seed``)."""
    return [f"sentinel-2/{index // 1000:03d}/T33TVM_{index:06d}/B01.tif" for index in range(count)]


def _raw_planner(base_url: str, token: str, collection_id: str) -> Callable[[str], int]:
    import httpx
    from sentinelhub_byoc import Deployment

    client = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60.0)
    prefix = Deployment.custom(base_url).path_prefix

    def walk(collection: str = collection_id) -> int:
        path = f"{prefix}/collections/{collection}/tiles"
        known: dict[str, str] = {}
        params: dict[str, Any] = {"count": PAGE_SIZE}
        while True:
            response = client.get(path, params=params)
            if response.status_code != 200:
                raise RuntimeError(f"raw listing failed: {response.status_code} {response.text}")
            body = json.loads(response.content)
            for tile in body["data"]:
                known[tile["path"]] = tile["id"]
            token = body["links"].get("nextToken")
            if not token:
                return len(known)
            params = {"count": PAGE_SIZE, "viewtoken": token}

    return walk


def _client_planner(base_url: str, token: str, collection_id: str, keys: list[str]) -> Callable[[str], int]:
    from sentinelhub_byoc import BYOCClient, Deployment, workflows

    client = BYOCClient(access_token=token, deployment=Deployment.custom(base_url))

    def plan(collection: str = collection_id) -> int:
        result = workflows.plan_sync(client, collection, keys if collection == collection_id else keys[:1])
        return result.counts["skip"]

    return plan


def child(
    mode: str, base_url: str, token: str, collection_id: str, empty_id: str, count: int, extra: str
) -> dict[str, Any]:
    """What one child process measures; the report is printed as one JSON line."""
    keys = band_keys(count)
    names = ["raw", "plan"] if mode == "time" else [extra]
    makers = {
        "raw": lambda: _raw_planner(base_url, token, collection_id),
        "plan": lambda: _client_planner(base_url, token, collection_id, keys),
    }
    actions = {name: makers[name]() for name in names}
    for action in actions.values():
        action(empty_id)
    if mode == "time":
        times: dict[str, list[float]] = {name: [] for name in names}
        for _ in range(int(extra)):
            for name, action in actions.items():
                gc.collect()
                start = time.perf_counter()
                seen = action()
                times[name].append(time.perf_counter() - start)
                if seen != count:
                    raise RuntimeError(f"{name} saw {seen} tiles, expected {count}")
        return times
    action = actions[extra]
    gc.collect()
    tracemalloc.start()
    try:
        seen = action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if seen != count:
        raise RuntimeError(f"{extra} saw {seen} tiles, expected {count}")
    return {"peak": peak}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    parser.add_argument("--quick", action="store_true", help="20,000 tiles instead of 200,000")
    runner = sub.add_parser("child", help="internal: one measuring child process")
    runner.add_argument("mode", choices=("time", "memory"))
    runner.add_argument("base_url")
    runner.add_argument("token")
    runner.add_argument("collection_id")
    runner.add_argument("empty_id", help="an empty collection, planned against first as a warm-up")
    runner.add_argument("count", type=int)
    runner.add_argument("extra", help="time: repetitions; memory: raw or plan")
    args = parser.parse_args(argv)
    if args.command == "child":
        report = child(
            args.mode, args.base_url, args.token, args.collection_id, args.empty_id, args.count, args.extra
        )
        print(json.dumps(report))
        return 0
    for result in run(args.quick):
        print("\n".join(result.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
