"""Checking 1,000 COGs under an S3 prefix: ``cog.check_prefix`` against rio-cogeo's ``cog_validate``.

A header check needs the first bytes of a file and nothing else, so the floor is one ranged
GET per file whose header fits the first read, plus the listing. This counts the requests of
each contender and times them over the same objects:

- ``check_prefix("s3://bucket/scenes/", concurrency=16, s3_client=...)``: lists the prefix and
  checks all 250 four-band tiles (1,000 files), listing included; again with ``concurrency=1``;
- rio-cogeo: ``cog_validate("s3://bucket/<key>")`` in a loop over the same 1,000 keys (known
  beforehand, so its time has no listing), through GDAL's ``/vsis3/`` with ``AWS_S3_ENDPOINT``,
  ``AWS_HTTPS=NO``, ``AWS_VIRTUAL_HOSTING=FALSE`` and ``GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR``
  (without it GDAL lists each folder too, looking for side-car files). It runs in a fresh child
  process per pass, so no pass finds the objects in GDAL's cache of what it read before.

The objects are one 512x512 uint8 COG written by GDAL's COG driver (256-pixel blocks, one
overview, DEFLATE), stored under 1,000 keys in moto's S3 server. The server runs in a child
process (``python cog_check_prefix.py serve``), so its work does not hold this process's GIL,
and counts the requests it answers (its WSGI application wrapped in a counter). The checks'
requests are also counted on the client, with a botocore ``before-send`` hook.

Targets: ``check_prefix`` with 16 threads at least 2x as fast per file as the ``cog_validate``
loop (fastest of three passes each, interleaved), every file passing both checks, and exactly one
object request per file, a GET, besides the listing. ``--quick`` checks 200 files in one pass.
"""

from __future__ import annotations

import json
import logging
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import COG, Result, progress
from _fixtures import write_geotiff

MAX_RATIO = 0.5  # check_prefix's time per file, as a share of cog_validate's
CONCURRENCY = 16
BUCKET = "cogs"
PREFIX = "scenes/"
BANDS = ("B02", "B03", "B04", "B08")
REGION = "eu-central-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def _kind(method: str, path: str, query: str, ranged: bool) -> str:
    """What a request to the store is: ``listing``, ``GET object (ranged)``, ``HEAD object``, ..."""
    parts = path.lstrip("/").split("/", 1)
    if len(parts) == 1 or not parts[1]:
        return "listing" if method == "GET" and "list-type" in query else f"{method} bucket"
    return f"{method} object{' (ranged)' if ranged else ''}"


# The server, in its own process ---------------------------------------------------------------


def serve() -> None:
    """Serve moto's S3 on a free loopback port; print its URL; on "counts", print what it answered."""
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    # One log line per request on stderr would drown the report.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # What moto's ThreadedMotoServer runs, with a counter in front of the application.
    application = DomainDispatcherApplication(create_backend_app)
    counts: Counter[str] = Counter()
    lock = threading.Lock()

    def counting(environ: dict[str, Any], start_response: Any) -> Any:
        kind = _kind(
            environ["REQUEST_METHOD"],
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            "HTTP_RANGE" in environ,
        )
        with lock:
            counts[kind] += 1
        return application(environ, start_response)

    server = make_server("127.0.0.1", 0, counting, threaded=True, request_handler=MotoRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"endpoint": f"http://127.0.0.1:{server.server_port}"}), flush=True)
    for line in sys.stdin:
        if line.strip() == "counts":
            with lock:
                print(json.dumps(dict(counts)), flush=True)
                counts.clear()
    server.shutdown()


class Server:
    """The moto server child: its endpoint, and the requests it answered since the last ask."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        self.endpoint: str = json.loads(self.process.stdout.readline())["endpoint"]

    def counts(self) -> Counter[str]:
        """The requests answered since the last call, by kind."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write("counts\n")
        self.process.stdin.flush()
        return Counter(json.loads(self.process.stdout.readline()))

    def close(self) -> None:
        """Stop the server."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


# rio-cogeo, in a child process per pass ---------------------------------------------------------


def _gdal_s3_environment(endpoint: str) -> dict[str, str]:
    return {
        "AWS_S3_ENDPOINT": endpoint.removeprefix("http://"),
        "AWS_HTTPS": "NO",
        "AWS_VIRTUAL_HOSTING": "FALSE",
        "AWS_REGION": REGION,
        "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
        **CREDENTIALS,
    }


def validate(endpoint: str, keys_file: str) -> None:
    """Run ``cog_validate`` on every key in ``keys_file`` once told to; print the seconds and failures.

    It warms up first (GDAL's drivers, rio-cogeo's imports) on a file not checked later, then
    prints "ready" and waits for a line on stdin, so the server's counts can be taken in between.
    """
    import rasterio
    from rio_cogeo.cogeo import cog_validate

    keys = Path(keys_file).read_text(encoding="utf-8").split()
    # GDAL reads its S3 settings from this process's environment (rasterio refuses them as
    # options: it hands credentials to GDAL itself, found by boto3 in the environment).
    missing = {name for name in _gdal_s3_environment(endpoint) if name not in os.environ}
    if missing:
        raise RuntimeError(f"run with {', '.join(sorted(missing))} in the environment")
    with rasterio.Env():
        cog_validate(f"s3://{BUCKET}/warm-up/B01.tif", quiet=True)
        print("ready", flush=True)
        sys.stdin.readline()
        started = time.perf_counter()
        invalid = [key for key in keys if not cog_validate(f"s3://{BUCKET}/{key}", quiet=True)[0]]
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "invalid": invalid}), flush=True)


def _validate_pass(server: Server, keys_file: Path) -> tuple[float, Counter[str]]:
    """One ``cog_validate`` loop in a fresh process: its seconds and the requests it made."""
    child = subprocess.Popen(
        [sys.executable, __file__, "validate", server.endpoint, str(keys_file)],
        env={**os.environ, **_gdal_s3_environment(server.endpoint)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None
    assert child.stdout is not None
    if child.stdout.readline().strip() != "ready":
        child.kill()
        raise RuntimeError("the cog_validate child failed to start (see its error above)")
    server.counts()  # the warm-up's requests
    child.stdin.write("go\n")
    child.stdin.flush()
    answer = json.loads(child.stdout.readline())
    child.wait(timeout=60)
    counts = server.counts()
    if answer["invalid"]:
        raise RuntimeError(
            f"cog_validate refused {len(answer['invalid'])} files, e.g. {answer['invalid'][0]}"
        )
    return float(answer["seconds"]), counts


# The checks in this process ------------------------------------------------------------------


def _s3_client(endpoint: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        # One connection per thread: with fewer, urllib3 drops and reopens connections.
        config=Config(max_pool_connections=2 * CONCURRENCY),
    )


@contextmanager
def counting_requests(client: Any) -> Iterator[Counter[str]]:
    """Count the requests ``client`` sends, by kind, while the block runs."""
    from urllib.parse import urlsplit

    counts: Counter[str] = Counter()
    lock = threading.Lock()

    def before_send(request: Any, **_: Any) -> None:
        url = urlsplit(request.url)
        kind = _kind(request.method, url.path, url.query, "Range" in request.headers)
        with lock:
            counts[kind] += 1

    client.meta.events.register("before-send.s3", before_send)
    try:
        yield counts
    finally:
        client.meta.events.unregister("before-send.s3", before_send)


def _upload(client: Any, body: bytes, keys: list[str]) -> None:
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(lambda key: client.put_object(Bucket=BUCKET, Key=key, Body=body), keys))


def _describe(counts: Counter[str], files: int) -> str:
    shown = ", ".join(f"{count:,} {kind}" for kind, count in sorted(counts.items()))
    return f"{sum(counts.values()) / files:.2f} a file ({shown or 'none'})"


def run(quick: bool) -> list[Result]:
    """Check the prefix with check_prefix and with cog_validate, interleaved; return the results."""
    import rasterio.shutil
    from sentinelhub_byoc import cog

    tiles = 50 if quick else 250
    repeats = 1 if quick else 3
    keys = [f"{PREFIX}{tile:03d}/{band}.tif" for tile in range(tiles) for band in BANDS]
    files = len(keys)
    server = Server()
    try:
        with tempfile.TemporaryDirectory(prefix="byoc-check-bench-") as temp:
            folder = Path(temp)
            plain = write_geotiff(folder / "plain.tif", width=512, height=512, dtype="uint8")
            cog_file = folder / "cog.tif"
            rasterio.shutil.copy(plain, cog_file, driver="COG", BLOCKSIZE=256, COMPRESS="DEFLATE")
            body = cog_file.read_bytes()
            keys_file = folder / "keys.txt"
            keys_file.write_text("\n".join(keys), encoding="utf-8")

            client = _s3_client(server.endpoint)
            client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
            progress(f"check: uploading {files:,} copies of a {len(body):,}-byte COG to moto")
            _upload(client, body, keys + [f"warm-up/{band}.tif" for band in ("B01", "B02")])
            # Imports and first connections, before any clock starts.
            cog.check_prefix(f"s3://{BUCKET}/warm-up/", s3_client=client)
            server.counts()

            def check(concurrency: int) -> float:
                started = time.perf_counter()
                checks = cog.check_prefix(
                    f"s3://{BUCKET}/{PREFIX}", concurrency=concurrency, s3_client=client
                )
                seconds = time.perf_counter() - started
                checked = sum(len(check.files) for check in checks)
                failing = [check.path for check in checks if not check.ok]
                if checked != files or failing:
                    raise RuntimeError(f"check_prefix checked {checked} files; failing tiles: {failing[:3]}")
                return seconds

            timings: dict[str, list[float]] = {"ours": [], "rio": []}
            server_counts: dict[str, Counter[str]] = {}
            client_counts: Counter[str] = Counter()
            for repeat in range(repeats):
                progress(
                    f"check: check_prefix, {CONCURRENCY} threads, {files:,} files ({repeat + 1}/{repeats})"
                )
                with counting_requests(client) as sent:
                    timings["ours"].append(check(CONCURRENCY))
                server_counts["ours"] = server.counts()
                client_counts = sent
                progress(f"check: cog_validate loop, {files:,} files ({repeat + 1}/{repeats})")
                seconds, server_counts["rio"] = _validate_pass(server, keys_file)
                timings["rio"].append(seconds)
            progress(f"check: check_prefix, 1 thread, {files:,} files")
            serial = check(1)
            server_counts["serial"] = server.counts()
    finally:
        server.close()

    per_file = {name: min(values) / files * 1000 for name, values in timings.items()}
    serial_ms = serial / files * 1000
    ours_counts = server_counts["ours"]
    object_requests = sum(count for kind, count in ours_counts.items() if "object" in kind)
    gets = ours_counts.get("GET object (ranged)", 0) + ours_counts.get("GET object", 0)
    listings = ours_counts.get("listing", 0)
    problems = []
    if object_requests != files or gets != files:
        problems.append(
            f"{object_requests:,} object requests ({gets:,} GETs) for {files:,} files, not one GET each"
        )
    if listings > math.ceil(files / 1000):
        problems.append(f"{listings} listing requests for {files:,} keys")
    if client_counts != ours_counts:
        problems.append(f"the client sent {dict(client_counts)}, the server answered {dict(ours_counts)}")
    counts_note = (
        f"requests, counted by the server: check_prefix {_describe(ours_counts, files)}; "
        f"cog_validate {_describe(server_counts['rio'], files)}"
    )
    spread = (
        f"runs (s): check_prefix {', '.join(f'{t:.2f}' for t in timings['ours'])}; "
        f"cog_validate {', '.join(f'{t:.2f}' for t in timings['rio'])}"
    )
    return [
        Result(
            COG,
            f"check {files:,} COGs on S3 (moto): check_prefix, {CONCURRENCY} threads, per file",
            per_file["ours"],
            per_file["rio"],
            "ms",
            MAX_RATIO,
            baseline_name="rio-cogeo cog_validate loop",
            note=(
                f"{per_file['rio'] / per_file['ours']:.1f}x faster (target: at least {1 / MAX_RATIO:g}x); "
                f"fastest of {repeats}; {spread}\n{counts_note}"
            ),
            violation="; ".join(problems) or None,
        ),
        Result(
            COG,
            f"check {files:,} COGs on S3 (moto): check_prefix, 1 thread, per file",
            serial_ms,
            per_file["rio"],
            "ms",
            None,
            baseline_name="rio-cogeo cog_validate loop",
            note=f"requests, counted by the server: {_describe(server_counts['serial'], files)}",
        ),
    ]


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve()
    elif sys.argv[1:2] == ["validate"]:
        validate(sys.argv[2], sys.argv[3])
    else:
        for result in run("--quick" in sys.argv):
            print("\n".join(result.lines()))
