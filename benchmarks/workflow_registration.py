"""Registering 2,000 tiles at 20 ms server latency: the sync workflow against raw httpx (issue 10).

One emulator with 20 ms injected latency on every request serves loopback HTTP from a thread of
this process; each contender runs in a child process (``python workflow_registration.py child
MODE ...``) against a fresh collection, so neither the server nor another contender shares its
interpreter:

- ``sync``: ``workflows.async_sync(client, collection, paths, wait=False, concurrency=16)``
  with the tile paths listed (planning included: it lists the collection first);
- ``raw``: ``httpx.AsyncClient`` making the same POSTs from 16 tasks, one token fetched first;
- ``sentinelhub``: sentinelhub-py's documented loop, ``SentinelHubBYOC.create_tile`` one tile
  after another (skipped when sentinelhub is not installed).

The ideal wall time is N x latency / concurrency. Memory: the sync child's peak traced memory
(``tracemalloc`` around the call) registering N and 4 N tiles; the plan and the report keep a
few hundred bytes per tile (its path, what was done), responses and models none.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import CLIENT, Result, progress

LATENCY = 0.02
CONCURRENCY = 16
MAX_RAW_RATIO = 1.2
MAX_INCUMBENT_RATIO = 0.1
MAX_BYTES_PER_TILE = 2048


def _paths(count: int) -> list[str]:
    return [f"scenes/{index // 100:03d}/T33TVM_{index:06d}/(BAND).tif" for index in range(count)]


# The children ------------------------------------------------------------------------------


async def _raw(base_url: str, collection: str, count: int) -> None:
    import httpx
    from sentinelhub_byoc.deployments import TOKEN_PATH
    from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    async with httpx.AsyncClient(base_url=base_url) as client:
        token = await client.post(
            TOKEN_PATH,
            data={
                "grant_type": "client_credentials",
                "client_id": DEMO_CLIENT_ID,
                "client_secret": DEMO_CLIENT_SECRET,
            },
        )
        client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        url = f"/api/v1/byoc/collections/{collection}/tiles"
        paths = iter(_paths(count))

        async def worker() -> None:
            for path in paths:
                response = await client.post(url, json={"path": path})
                if response.status_code != 201:
                    raise RuntimeError(f"{path}: {response.status_code} {response.text}")
                json.loads(response.content)

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))


async def _sync(base_url: str, collection: str, count: int) -> int:
    from sentinelhub_byoc import AsyncBYOCClient, workflows
    from sentinelhub_byoc.deployments import Deployment
    from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    deployment = Deployment.custom(base_url, name="emulator")
    async with AsyncBYOCClient(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, deployment=deployment) as client:
        report = await workflows.async_sync(
            client, collection, _paths(count), wait=False, concurrency=CONCURRENCY
        )
    if len(report.created) != count or report.failed:
        raise RuntimeError(f"the sync did not create every tile: {report}")
    return len(report.created)


def _incumbent(base_url: str, collection: str, count: int) -> None:
    os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    from sentinelhub import ByocTile, SentinelHubBYOC, SHConfig
    from sentinelhub_byoc.deployments import TOKEN_PATH
    from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

    config = SHConfig(
        use_defaults=True,
        sh_client_id=DEMO_CLIENT_ID,
        sh_client_secret=DEMO_CLIENT_SECRET,
        sh_base_url=base_url,
        sh_token_url=base_url + TOKEN_PATH,
    )
    byoc = SentinelHubBYOC(config=config)
    for path in _paths(count):
        byoc.create_tile(collection, ByocTile(path=path))


def _import_first(mode: str) -> None:
    # Imports happen before the clock starts: the comparison is of the work, not of start-up.
    # The client imports its parts on first use, so those are named here one by one.
    import importlib

    modules = ["httpx", "anyio", "httpcore._backends.anyio"]
    if mode in ("sync", "memory"):
        modules += [
            "sentinelhub_byoc._async.client",
            "sentinelhub_byoc.resources._async.tiles",
            "sentinelhub_byoc.resources._async.collections",
            "sentinelhub_byoc.auth._async.driving",
            "sentinelhub_byoc.workflows._async.syncing",
        ]
    if mode == "sentinelhub":
        modules.append("sentinelhub")
    for module in modules:
        importlib.import_module(module)


def child(mode: str, base_url: str, collection: str, count: int) -> dict[str, Any]:
    """Run one contender; return its wall time (and, for ``memory``, its peak traced memory)."""
    _import_first(mode)
    started = time.perf_counter()
    if mode == "raw":
        asyncio.run(_raw(base_url, collection, count))
    elif mode == "sync":
        asyncio.run(_sync(base_url, collection, count))
    elif mode == "sentinelhub":
        _incumbent(base_url, collection, count)
    elif mode == "memory":
        tracemalloc.start()
        asyncio.run(_sync(base_url, collection, count))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {"seconds": time.perf_counter() - started, "peak": peak}
    else:
        raise ValueError(mode)
    return {"seconds": time.perf_counter() - started}


# The parent --------------------------------------------------------------------------------


def _run_child(mode: str, base_url: str, collection: str, count: int) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "child", mode, base_url, collection, str(count)],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{mode} child failed:\n{completed.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return report


def _has_sentinelhub() -> bool:
    try:
        import sentinelhub  # noqa: F401
    except ImportError:
        return False
    return True


def run(quick: bool) -> list[Result]:
    """Serve the emulator with latency; time the contenders and trace the sync's memory."""
    from sentinelhub_byoc.testing import Emulator, Faults, IngestionDelays, serve

    count = 500 if quick else 2_000
    repeats = 1 if quick else 3
    ideal = count * LATENCY / CONCURRENCY
    # Ingestion would only add server work between the creations; tiles stay WAITING.
    emulator = Emulator(faults=Faults(latency=LATENCY), delays=IngestionDelays(waiting=86_400))
    results: list[Result] = []
    with emulator, serve(emulator) as server:
        names = iter(range(1_000_000))

        def fresh() -> str:
            return emulator.create_collection(f"bench-{next(names)}", "bench-bucket")

        times: dict[str, list[float]] = {"raw": [], "sync": []}
        for repeat in range(repeats):
            for mode in ("raw", "sync"):
                progress(f"workflows: {mode} registering {count:,} tiles ({repeat + 1}/{repeats})")
                times[mode].append(_run_child(mode, server.base_url, fresh(), count)["seconds"])
        raw, ours = statistics.median(times["raw"]), statistics.median(times["sync"])
        spread = ", ".join(f"{m}: " + " ".join(f"{t:.2f}" for t in v) + " s" for m, v in times.items())
        results.append(
            Result(
                CLIENT,
                f"workflows: register {count:,} tiles, 16 at once, {LATENCY * 1000:.0f} ms latency",
                ours,
                raw,
                "s",
                MAX_RAW_RATIO,
                baseline_name="raw httpx.AsyncClient POSTs",
                note=f"ideal N x latency / concurrency = {ideal:.2f} s; runs: {spread}",
            )
        )
        if _has_sentinelhub():
            progress(f"workflows: sentinelhub-py create_tile loop, {count:,} tiles")
            incumbent = _run_child("sentinelhub", server.base_url, fresh(), count)["seconds"]
            results.append(
                Result(
                    CLIENT,
                    f"workflows: register {count:,} tiles vs sentinelhub-py's one-by-one loop",
                    ours,
                    incumbent,
                    "s",
                    MAX_INCUMBENT_RATIO,
                    baseline_name="SentinelHubBYOC.create_tile loop",
                    note=f"{incumbent / ours:.1f}x less wall time (target: at least 10x)",
                )
            )
        else:
            results.append(
                Result(
                    CLIENT,
                    "workflows: vs sentinelhub-py's one-by-one loop",
                    0.0,
                    0.0,
                    "s",
                    MAX_INCUMBENT_RATIO,
                    skipped="sentinelhub is not installed",
                )
            )
        small, large = count, 4 * count
        progress(f"workflows: sync peak memory at {small:,} and {large:,} tiles")
        peaks = {n: _run_child("memory", server.base_url, fresh(), n)["peak"] for n in (small, large)}
        per_tile = (peaks[large] - peaks[small]) / (large - small)
        mib = 1024 * 1024
        results.append(
            Result(
                CLIENT,
                f"workflows: sync peak memory, {large:,} vs {small:,} tiles",
                peaks[large] / mib,
                peaks[small] / mib,
                "MiB",
                None,
                baseline_name=f"{small:,} tiles",
                violation=None
                if per_tile <= MAX_BYTES_PER_TILE
                else f"{per_tile:,.0f} bytes more per tile (target: at most {MAX_BYTES_PER_TILE})",
                note=f"{per_tile:,.0f} bytes per extra tile (the plan and report keep each path; "
                f"target: at most {MAX_BYTES_PER_TILE})",
            )
        )
    return results


def main(argv: list[str] | None = None) -> int:
    """``child MODE BASE_URL COLLECTION COUNT``: run one contender, print its report as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["child"])
    parser.add_argument("mode")
    parser.add_argument("base_url")
    parser.add_argument("collection")
    parser.add_argument("count", type=int)
    args = parser.parse_args(argv)
    print(json.dumps(child(args.mode, args.base_url, args.collection, args.count)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
