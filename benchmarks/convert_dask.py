"""Converting 200 files on Dask's distributed scheduler: two workers against one.

``workflows.convert_files(..., executor=client)`` hands each file to a ``distributed.Client``'s
workers, which read, convert and check it; the calling process only plans and collects. If that
hand-off is lean, two single-threaded worker processes convert nearly twice as fast as one. The
same 200 striped 1536x1536 uint16 GeoTIFFs (about 90 ms of GDAL's work each, one overview) are
converted into a fresh local folder by:

- ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)``;
- ``LocalCluster(n_workers=1, threads_per_worker=1, processes=True)``, the baseline.

Both clusters are started, and their workers warmed up with a small conversion (imports, GDAL's
drivers), before any clock starts; the runs alternate between them, three each, and the medians
are compared. The CPU this process spends meanwhile (the scheduler, the client and the
workflow's own work, which share the cores with the workers) is printed beside them. Target: two
workers at least 1.7x as fast as one (on a machine with at least two cores; with fewer the
benchmark is skipped). For information, the same clusters then run as many pure-CPU tasks of
about a conversion's cost (PBKDF2 from the standard library): the speed-up Dask and the machine
allow for ideal work. ``--quick`` converts 40 files once on each.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import COG, Result, median, progress
from _fixtures import write_geotiff

MIN_SPEED_UP = 1.7
SIDE = 1536
# PBKDF2 rounds that take about as long as one conversion (~100 ms) on a current core.
_CPU_ROUNDS = 300_000


def _cluster(workers: int) -> tuple[Any, Any]:
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )
    return cluster, Client(cluster, set_as_default=False)


def _convert(client: Any, sources: Path, out: Path) -> tuple[float, float]:
    """Convert every file in ``sources`` into ``out`` on ``client``'s workers.

    Return the wall seconds and the CPU seconds of this process (the scheduler, the client and
    the workflow's own work) meanwhile.
    """
    from sentinelhub_byoc import workflows

    started, cpu = time.perf_counter(), time.process_time()
    report = workflows.convert_files(sources, out, executor=client)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if not report.ok or report.up_to_date:
        raise RuntimeError(f"the conversion did not convert every file: {report}")
    return seconds, cpu


def _cpu_tasks(client: Any, count: int) -> float:
    """Run ``count`` pure-CPU tasks of about the conversions' size on ``client``; return the seconds.

    A standard-library function, so the workers import it by name: this measures what Dask and
    the machine allow for ideal work, the ceiling the conversions can be held against.
    """
    started = time.perf_counter()
    client.gather(
        client.map(
            hashlib.pbkdf2_hmac,
            ["sha256"] * count,
            [b"password"] * count,
            [b"salt"] * count,
            [_CPU_ROUNDS] * count,
            pure=False,
        )
    )
    return time.perf_counter() - started


def run(quick: bool) -> list[Result]:
    """Convert the files on a one-worker and a two-worker cluster, alternating; return the ratio."""
    name = f"convert {40 if quick else 200} files on Dask: LocalCluster, 2 workers"
    if (os.cpu_count() or 1) < 2:
        return [Result(COG, name, 0.0, 0.0, "s", None, skipped="this machine has fewer than 2 cores")]
    count = 40 if quick else 200
    repeats = 1 if quick else 3
    with tempfile.TemporaryDirectory(prefix="byoc-dask-bench-") as temp:
        folder = Path(temp)
        progress(f"dask: writing {count} striped {SIDE}x{SIDE} uint16 GeoTIFFs in {folder}")
        first = write_geotiff(folder / "sources" / "000.tif", width=SIDE, height=SIDE, dtype="uint16")
        for index in range(1, count):
            # Same content, so every file costs GDAL the same; copies are faster to make.
            (folder / "sources" / f"{index:03d}.tif").write_bytes(first.read_bytes())
        warm = write_geotiff(folder / "warm-up" / "000.tif", width=256, height=256, dtype="uint16")
        for index in range(1, 4):
            (warm.parent / f"{index:03d}.tif").write_bytes(warm.read_bytes())
        progress("dask: starting a 1-worker and a 2-worker LocalCluster")
        # The scheduler, in this process, logs each step of closing at INFO on stderr, after
        # LocalCluster's silence_logs has let go of distributed's handler: quiet it for good.
        import distributed  # noqa: F401  (its import sets up the handler)

        for handler in logging.getLogger("distributed").handlers:
            handler.setLevel(logging.ERROR)
        clusters = {workers: _cluster(workers) for workers in (1, 2)}
        try:
            for workers, (_, client) in clusters.items():
                _convert(client, warm.parent, folder / f"warm-up-out-{workers}")
            timings: dict[int, list[float]] = {1: [], 2: []}
            here: dict[int, list[float]] = {1: [], 2: []}
            for repeat in range(repeats):
                for workers, (_, client) in clusters.items():
                    progress(f"dask: {count} files on {workers} worker(s) ({repeat + 1}/{repeats})")
                    out = folder / f"out-{workers}-{repeat}"
                    seconds, cpu = _convert(client, folder / "sources", out)
                    timings[workers].append(seconds)
                    here[workers].append(cpu)
            ceiling: dict[int, list[float]] = {1: [], 2: []}
            for repeat in range(repeats):
                for workers, (_, client) in clusters.items():
                    progress(f"dask: {count} pure-CPU tasks on {workers} worker(s) ({repeat + 1}/{repeats})")
                    ceiling[workers].append(_cpu_tasks(client, count))
        finally:
            for cluster, client in clusters.values():
                client.close()
                cluster.close()
    one, two = median(timings[1]), median(timings[2])
    runs = "; ".join(
        f"{workers} worker(s) {', '.join(f'{t:.2f}' for t in values)} s"
        for workers, values in timings.items()
    )
    return [
        Result(
            COG,
            name,
            two,
            one,
            "s",
            1 / MIN_SPEED_UP,
            baseline_name="1 worker",
            note=(
                f"{one / two:.2f}x faster (target: at least {MIN_SPEED_UP}x); medians of {repeats}; "
                f"{count / two:.1f} vs {count / one:.1f} files/s on {os.cpu_count()} CPUs\nruns: {runs}\n"
                f"CPU of this process (scheduler, client, workflow) per run: 2 workers "
                f"{median(here[2]):.2f} s, 1 worker {median(here[1]):.2f} s"
            ),
        ),
        Result(
            COG,
            f"{count} pure-CPU tasks (PBKDF2) on the same clusters, 2 workers: Dask's ceiling here",
            median(ceiling[2]),
            median(ceiling[1]),
            "s",
            None,
            baseline_name="1 worker",
            note=(
                f"{median(ceiling[1]) / median(ceiling[2]):.2f}x faster with ideal work: what the "
                "conversions' speed-up is held against on this machine"
            ),
        ),
    ]


if __name__ == "__main__":
    for result in run("--quick" in sys.argv):
        print("\n".join(result.lines()))
