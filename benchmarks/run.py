"""Run the client, COG and emulator benchmarks; print ratios against baselines from the same run.

Usage: ``python benchmarks/run.py [--quick] [--only NAME ...]`` (what ``nox -s bench`` runs).

Client benchmarks (issue 8), each against a baseline measured in this run:

- ``cpu``: CPU per call of BYOCClient, AsyncBYOCClient and the generated client against raw
  httpx on an ``httpx.MockTransport`` answering prebuilt bytes (``client_cpu.py``);
- ``listing``: listing 100,000 tiles from the emulator over loopback against raw httpx paging,
  and the client's peak memory at 10,000 and 100,000 tiles (``client_listing.py``);
- ``import``: ``from sentinelhub_byoc import BYOCClient`` against ``import sentinelhub`` and
  against ``import httpx``, in fresh interpreters (``import_time.py``);
- ``workflows``: registering 2,000 tiles at 20 ms latency with ``workflows.async_sync`` against
  raw ``httpx.AsyncClient`` and sentinelhub-py's one-by-one loop, and the sync's memory
  (``workflow_registration.py``, issue 10);
- ``download``: ``client.files.download`` of a 1 GiB file (64 MiB with ``--quick``) served by
  the emulator in another process over loopback, against raw ``httpx.stream`` to a file:
  throughput, and the resident memory the download adds (``download_streaming.py``);
- ``plan``: ``workflows.plan_sync`` against a collection of 200,000 tiles served by the emulator
  on loopback, against raw httpx paging into a ``path -> id`` dict: time, and peak memory per
  existing tile (``plan_sync.py``, issue 22);
- ``budget``: 8 processes calling the emulator for 20 s (5 s with ``--quick``) with one shared
  budget of 20 requests/s: the most requests the emulator sees in any one second (at most 21),
  against 8 processes with a budget each (about 160) (``shared_budget.py``, issue 23).
- ``dump``: ``byoc emulator dump``'s ``write_dump`` of a collection of 5,000 tiles served by the
  emulator in another process: its peak traced memory against the same dump of 500 tiles (at
  most 1.2x), and, for information, the same with the cyclic garbage collected every page
  (``dump_memory.py``).

COG benchmarks (issue 19), each against GDAL or rio-cogeo in this run:

- ``convert``: ``cog.convert`` on twelve varied GeoTIFFs (strips, JPEG, float32, multi-band,
  with and without overviews) against GDAL's COG driver (what ``gdal_translate -of COG`` runs)
  and rio-cogeo's ``cog_translate`` with the same settings, one thread (``cog_convert.py``);
- ``check``: ``cog.check_prefix`` over 1,000 COGs in moto's S3 server on loopback against
  rio-cogeo's ``cog_validate`` in a loop: time per file and requests per file
  (``cog_check_prefix.py``);
- ``dask``: ``workflows.convert_files`` of 200 files on a 2-worker ``distributed.LocalCluster``
  against a 1-worker one (``convert_dask.py``).

Emulator benchmarks (``emulator``): these time the test emulator, not the client
(``emulator_tile_creation.py``, ``emulator_pagination.py``).

``--quick`` uses fewer repetitions and smaller counts, as a smoke run. Exits 1 when a target is
missed or a benchmark crashes.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import client_cpu
import client_listing
import cog_check_prefix
import cog_convert
import convert_dask
import download_streaming
import dump_memory
import emulator_pagination
import emulator_tile_creation
import import_time
import plan_sync
import shared_budget
import workflow_registration
from _common import CLIENT, COG, EMULATOR, GROUP_TITLES, Result, table


def _emulator(quick: bool) -> list[Result]:
    listing, _peak = emulator_pagination.run(quick)
    return [emulator_tile_creation.run(quick), listing]


BENCHMARKS: dict[str, tuple[str, Callable[[bool], list[Result]]]] = {
    "cpu": (CLIENT, client_cpu.run),
    "listing": (CLIENT, client_listing.run),
    "import": (CLIENT, import_time.run),
    "workflows": (CLIENT, workflow_registration.run),
    "download": (CLIENT, download_streaming.run),
    "plan": (CLIENT, plan_sync.run),
    "budget": (CLIENT, shared_budget.run),
    "dump": (CLIENT, dump_memory.run),
    "convert": (COG, cog_convert.run),
    "check": (COG, cog_check_prefix.run),
    "dask": (COG, convert_dask.run),
    "emulator": (EMULATOR, _emulator),
}


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def _versions() -> str:
    import httpx
    import sentinelhub_byoc

    where = Path(sentinelhub_byoc.__file__).resolve().parent
    return (
        f"Python {platform.python_version()}, httpx {httpx.__version__}, "
        f"sentinelhub_byoc {sentinelhub_byoc.__version__} from {where}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and smaller counts")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=list(BENCHMARKS),
        default=list(BENCHMARKS),
        metavar="NAME",
        help=f"run only these ({', '.join(BENCHMARKS)}); default: all",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    load_before = _load()
    results: list[Result] = []
    for name in BENCHMARKS:
        if name not in args.only:
            continue
        group, benchmark = BENCHMARKS[name]
        try:
            results.extend(benchmark(args.quick))
        except Exception as error:
            traceback.print_exc()
            results.append(Result.crashed(group, f"{name} benchmarks", error))
    elapsed = time.perf_counter() - started

    mode = "quick" if args.quick else "full"
    print(
        f"sentinelhub-byoc benchmarks ({mode} run, {elapsed:.0f} s; ratios against baselines from this run)"
    )
    print(_versions())
    print(f"machine: {load_before} before, {_load()} after (other processes make wall times noisy)")
    for group, title in GROUP_TITLES.items():
        members = [r for r in results if r.group == group]
        if not members:
            continue
        print()
        print(f"== {title}")
        for result in members:
            print("\n".join(result.lines()))
    print()
    print("\n".join(table(results)))
    counts = {status: sum(r.status == status for r in results) for status in ("PASS", "FAIL", "ERROR")}
    informative = sum(r.status == "info" for r in results)
    skipped = sum(r.status == "SKIP" for r in results)
    print(
        f"\ntargets: {counts['PASS']} met, {counts['FAIL']} not met, {counts['ERROR']} crashed; "
        f"{informative} for information, {skipped} skipped"
    )
    return 1 if any(r.failed for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
