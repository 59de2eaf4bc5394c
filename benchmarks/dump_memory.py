"""``byoc emulator dump``'s peak memory: a collection of 5,000 tiles against one of 500.

The emulator runs in a child process (``python dump_memory.py serve``), seeded there with two
collections of INGESTED tiles in EPSG:32633 with tile and cover polygons (as
``client_listing.py`` seeds its own), so this process only dumps. Each collection is dumped
here with ``write_dump``, the function the command runs, through a ``BYOCClient`` with client
credentials, to a file in a temporary folder; a small dump first warms up imports, the token
and the connection.

The measure is the peak of ``tracemalloc`` around each dump (started after a garbage
collection, stopped right after): flat means the 5,000-tile dump peaks at most 1.2x the
500-tile one, since records are written as they are read, a page at a time.

For information, the same two dumps with the cyclic garbage collected after every page
(``gc.collect()`` every 100 tiles): what the dump keeps reachable, whenever the collector
would have run. An answer that lives on as cyclic garbage (an httpx ``Response`` and its
stream refer to each other) is freed only when the collector gets to it, which the first
measure counts and this one does not.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import CLIENT, Result, progress

MAX_MEMORY_RATIO = 1.2
SMALL, LARGE = 500, 5_000
PAGE_SIZE = 100  # the client's default
MIB = 2**20


# The server side, in its own process ---------------------------------------------------------


def serve() -> None:
    """Serve an emulator with collections of SMALL and LARGE tiles; print where; stop at EOF."""
    import client_listing
    from sentinelhub_byoc.testing import Emulator, ManualClock
    from sentinelhub_byoc.testing import serve as serve_emulator

    # A manual clock: nothing is scheduled, nothing changes between the dumps.
    with Emulator(clock=ManualClock(1_717_200_000.0), token_lifetime=86_400.0) as emulator:
        collections = {n: emulator.create_collection(f"dump-{n}", "bench-bucket") for n in (SMALL, LARGE)}
        how = {n: client_listing.seed(emulator, collection_id, n) for n, collection_id in collections.items()}
        with serve_emulator(emulator) as server:
            where = {
                "base_url": server.base_url,
                "token_url": server.token_url,
                "client_id": server.client_id,
                "client_secret": server.client_secret,
                "collections": {str(n): collection_id for n, collection_id in collections.items()},
                "seeded": how[LARGE],
            }
            print(json.dumps(where), flush=True)
            sys.stdin.read()


# The dumping side ----------------------------------------------------------------------------


def _peak_of_dump(
    client: Any, out: Path, collection_id: str, expected: int, *, collect: bool = False
) -> tuple[int, float]:
    """The traced peak of one dump of *collection_id*, in bytes, and its wall time.

    With *collect*, the cyclic garbage is collected after every page of tiles.
    """
    from sentinelhub_byoc.cli._dump import write_dump

    def each_page(progress: Any) -> None:
        if progress.done % PAGE_SIZE == 0:
            gc.collect()

    gc.collect()
    tracemalloc.start()
    try:
        started = time.perf_counter()
        dumped = write_dump(client, out, [collection_id], on_progress=each_page if collect else None)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    if dumped.tiles != expected:
        raise RuntimeError(f"the dump held {dumped.tiles} tiles, expected {expected}")
    return peak, seconds


def run(quick: bool) -> list[Result]:
    """Dump both collections from an emulator in another process; compare the peaks."""
    from sentinelhub_byoc import BYOCClient, Deployment
    from sentinelhub_byoc.cli._dump import write_dump

    progress(f"dump: serving collections of {SMALL:,} and {LARGE:,} tiles in another process")
    server = subprocess.Popen(
        [sys.executable, __file__, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if not line:
            raise RuntimeError("the emulator process ended before saying where it listens")
        where = json.loads(line)
        collections = where["collections"]
        deployment = Deployment.custom(where["base_url"], token_url=where["token_url"], name="emulator")
        with (
            BYOCClient(where["client_id"], where["client_secret"], deployment=deployment) as client,
            tempfile.TemporaryDirectory(prefix="byoc-dump-bench-") as folder,
        ):
            out = Path(folder) / "seed.json"
            # Warm up: imports, the token, the connection, the first pages.
            write_dump(client, out, [collections[str(SMALL)]], max_tiles=200)
            progress(f"dump: tracing the peak of dumping {SMALL:,} tiles, then {LARGE:,}")
            small, small_seconds = _peak_of_dump(client, out, collections[str(SMALL)], SMALL)
            large, large_seconds = _peak_of_dump(client, out, collections[str(LARGE)], LARGE)
            progress("dump: the same, collecting the cyclic garbage after every page")
            small_kept, _ = _peak_of_dump(client, out, collections[str(SMALL)], SMALL, collect=True)
            large_kept, _ = _peak_of_dump(client, out, collections[str(LARGE)], LARGE, collect=True)
            size = out.stat().st_size
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(timeout=30)

    return [
        Result(
            CLIENT,
            f"peak memory dumping {LARGE:,} vs {SMALL:,} tiles: byoc emulator dump",
            large / MIB,
            small / MIB,
            "MiB",
            MAX_MEMORY_RATIO,
            baseline_name=f"the same at {SMALL:,}",
            note=(
                "tracemalloc around write_dump (what the command runs), emulator in another "
                f"process; the {LARGE:,}-tile file is {size / MIB:.1f} MiB, written in "
                f"{large_seconds:.2f} s ({SMALL:,} tiles: {small_seconds:.2f} s, traced)\n"
                f"emulator seeded by {where['seeded']}"
            ),
        ),
        Result(
            CLIENT,
            f"peak memory dumping {LARGE:,} vs {SMALL:,} tiles, garbage collected every page",
            large_kept / MIB,
            small_kept / MIB,
            "MiB",
            None,
            baseline_name=f"the same at {SMALL:,}",
            note=(
                "what the dump keeps reachable: gc.collect() after every page of "
                f"{PAGE_SIZE} tiles, so no answer waits for the collector"
            ),
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="internal: the emulator process")
    parser.add_argument("--quick", action="store_true", help="the same run (it is quick already)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve()
        return 0
    for result in run(args.quick):
        print("\n".join(result.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
