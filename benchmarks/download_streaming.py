"""Downloading a 1 GiB file over loopback: throughput and memory of ``client.files.download``.

The emulator runs in a child process (``python download_streaming.py serve FOLDER``) and
serves the file from disk, so this process only downloads. Two downloads of the same file
over the same loopback server, interleaved, each written to disk in the same temporary folder:

- the client: ``BYOCClient.files.download(collection, tile, name, destination)`` (a ``.part``
  file renamed at the end);
- the baseline: raw ``httpx.Client.stream`` of the same URL with a bearer token, each chunk of
  ``iter_bytes()`` written to a file.

Targets: the client's throughput at least 0.9x the baseline's (its wall time at most 1/0.9 of
it, medians), and the growth of this process's resident memory during a client download below
64 MiB (sampled every few milliseconds from /proc; the raw download's growth is shown beside
it). ``--quick`` uses a 64 MiB file. The temporary folder, file included, is deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import CLIENT, Result, median, progress

MIN_THROUGHPUT_RATIO = 0.9
MAX_RSS_GROWTH_MIB = 64.0
BUCKET = "planet-bucket"
FILE_NAME = "scene.tif"
MIB = 1 << 20


# The server side, in its own process ---------------------------------------------------------


def serve(folder: Path) -> None:
    """Serve an emulator whose bucket folder holds ``order/scene.tif``; print where; stop at EOF."""
    from sentinelhub_byoc.testing import Emulator, client_for
    from sentinelhub_byoc.testing import serve as serve_emulator

    with Emulator(bucket_folders={BUCKET: folder}) as emulator, serve_emulator(emulator) as server:
        with client_for(server) as client:
            collection = client.collections.create(name="downloads", s3_bucket=BUCKET).id
        emulator.mark_planet(str(collection))
        (tile,) = emulator.add_tiles(str(collection), ["order"])
        print(
            json.dumps(
                {
                    "base_url": server.base_url,
                    "api_url": server.api_urls[0],
                    "token_url": server.token_url,
                    "client_id": server.client_id,
                    "client_secret": server.client_secret,
                    "collection": str(collection),
                    "tile": tile,
                }
            ),
            flush=True,
        )
        sys.stdin.read()


# The downloading side ----------------------------------------------------------------------


def _rss() -> int:
    """This process's resident memory in bytes (Linux /proc; 0 where it cannot be read)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class RssSampler:
    """The highest resident memory seen while it runs, above what it was when it started."""

    def __init__(self, interval: float = 0.002) -> None:
        self.interval = interval
        self.start = 0
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss())
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self.start = self.peak = _rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())

    @property
    def growth(self) -> int:
        return self.peak - self.start


def _peak_rss_of(pid: int) -> float | None:
    """The peak resident memory of process *pid* in MiB (Linux VmHWM), or ``None``."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


def write_file(path: Path, size: int) -> None:
    """*size* bytes of incompressible data, written a MiB at a time."""
    block = os.urandom(MIB)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as stream:
        for _ in range(size // MIB):
            stream.write(block)
        stream.write(block[: size % MIB])


def run(quick: bool) -> list[Result]:
    """Download the file with the client and with raw httpx, interleaved; return the results."""
    import httpx
    from sentinelhub_byoc import BYOCClient
    from sentinelhub_byoc.deployments import Deployment

    size = 64 * MIB if quick else 1024 * MIB
    repeats = 3 if quick else 5
    with tempfile.TemporaryDirectory(prefix="byoc-download-bench-") as temp:
        folder = Path(temp)
        source = folder / "bucket" / "order" / FILE_NAME
        progress(f"download: writing a {size // MIB} MiB file in {folder}")
        write_file(source, size)
        server = subprocess.Popen(
            [sys.executable, __file__, "serve", str(folder / "bucket")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            where = json.loads(server.stdout.readline())
            tile_url = f"{where['api_url']}/collections/{where['collection']}/tiles/{where['tile']}"
            url = f"{tile_url}/files/{FILE_NAME}"
            deployment = Deployment.custom(where["base_url"], token_url=where["token_url"], name="emulator")
            client = BYOCClient(
                deployment=deployment, client_id=where["client_id"], client_secret=where["client_secret"]
            )
            http = httpx.Client(timeout=60)
            token = http.post(
                where["token_url"],
                data={
                    "grant_type": "client_credentials",
                    "client_id": where["client_id"],
                    "client_secret": where["client_secret"],
                },
            ).json()["access_token"]
            target = folder / "downloaded.tif"

            def with_client() -> None:
                client.files.download(where["collection"], where["tile"], FILE_NAME, target, resume=False)

            def with_httpx() -> None:
                with http.stream("GET", url, headers={"Authorization": f"Bearer {token}"}) as response:
                    response.raise_for_status()
                    with target.open("wb") as stream:
                        for chunk in response.iter_bytes():
                            stream.write(chunk)

            # Warm both up: the client's token and connection, the server's page cache.
            assert client.files.size(where["collection"], where["tile"], FILE_NAME) == size
            with_httpx()
            timings: dict[str, list[float]] = {"client": [], "raw": []}
            growth: dict[str, list[int]] = {"client": [], "raw": []}
            actions: dict[str, Callable[[], None]] = {"raw": with_httpx, "client": with_client}
            for repeat in range(repeats):
                for name, action in actions.items():
                    target.unlink(missing_ok=True)
                    progress(f"download: {name} {repeat + 1}/{repeats}")
                    with RssSampler() as sampler:
                        started = time.perf_counter()
                        action()
                        timings[name].append(time.perf_counter() - started)
                    growth[name].append(sampler.growth)
                    assert target.stat().st_size == size
            target.unlink(missing_ok=True)
            client.close()
            http.close()
            server_peak = _peak_rss_of(server.pid)
        finally:
            if server.stdin is not None:
                server.stdin.close()
            server.wait(timeout=30)

    client_seconds, raw_seconds = median(timings["client"]), median(timings["raw"])
    mib = size / MIB
    client_peak, raw_peak = max(growth["client"]) / MIB, max(growth["raw"]) / MIB
    throughput = (mib / client_seconds) / (mib / raw_seconds)
    memory_note = "" if _rss() else "resident memory cannot be read on this system"
    return [
        Result(
            CLIENT,
            f"download {mib:,.0f} MiB over loopback: BYOCClient.files.download",
            client_seconds,
            raw_seconds,
            "s",
            1 / MIN_THROUGHPUT_RATIO,
            baseline_name="raw httpx.stream to a file",
            note=(
                f"wall time, median of {repeats}, emulator in another process; throughput "
                f"client {mib / client_seconds:,.0f} MiB/s, raw {mib / raw_seconds:,.0f} MiB/s "
                f"= {throughput:.2f}x (target >= {MIN_THROUGHPUT_RATIO}x)\n"
                f"all runs: client {', '.join(f'{t:.2f}' for t in timings['client'])} s; "
                f"raw {', '.join(f'{t:.2f}' for t in timings['raw'])} s"
            ),
        ),
        Result(
            CLIENT,
            f"resident memory growth downloading {mib:,.0f} MiB: BYOCClient.files.download",
            client_peak,
            raw_peak,
            "MiB",
            None,
            baseline_name="raw httpx.stream",
            max_value=MAX_RSS_GROWTH_MIB,
            note=memory_note
            or (
                "peak RSS above the RSS at the start of each download, largest of the runs; the "
                "emulator process (streaming the file from disk) peaked at "
                + (f"{server_peak:.0f} MiB" if server_peak is not None else "an unknown size")
            ),
            skipped=memory_note or None,
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run").add_argument("--quick", action="store_true")
    commands.add_parser("serve").add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.folder)
        return 0
    for result in run(args.quick):
        print("\n".join(result.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
