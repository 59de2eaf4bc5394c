"""``byoc demo``: a guided tour of the client against the embedded emulator, over real loopback HTTP.

It needs no account and no network: the emulator serves the BYOC API and an OAuth2 token endpoint
on 127.0.0.1, and its bucket is a local folder where the tour writes real Cloud-Optimized GeoTIFFs.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from sentinelhub_byoc.client import BYOCClient
    from sentinelhub_byoc.models import Tile


@click.command("demo")
@click.option(
    "--output-dir",
    "--output",
    "output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="folder for the exported GeoJSON (default: a temporary folder).",
)
def command(output: Path | None) -> None:
    """Tour the client against a local emulator (no account needed)."""
    _run(output)


def _step(text: str) -> None:
    print(f"\n== {text}")


def _wait_until_final(client: BYOCClient, collection: Any, tile: Any, timeout: float = 30.0) -> Tile:
    deadline = time.monotonic() + timeout
    current = client.tiles.get(collection, tile)
    while not current.is_final and time.monotonic() < deadline:
        time.sleep(0.05)
        current = client.tiles.get(collection, tile)
    return current


def _write_cogs(bucket: Path) -> None:
    import numpy as np

    from sentinelhub_byoc.testing.cogs import write_cog

    rng = np.random.default_rng(7)
    # Two 512x512 scenes in UTM zone 33N (10 m pixels), bands B04 and B08, side by side.
    for index, folder in enumerate(("2024/05/01/scene-a", "2024/05/01/scene-b")):
        west = 500_000.0 + index * 5_120.0
        for band in ("B04", "B08"):
            data = rng.integers(1, 10_000, size=(512, 512), dtype=np.uint16)
            write_cog(
                bucket / folder / f"{band}.tif",
                data,
                epsg=32633,
                bounds=(west, 5_100_000.0, west + 5_120.0, 5_105_120.0),
            )
    # A third scene that breaks the COG rules: stored in strips instead of tiles.
    flat = rng.integers(1, 10_000, size=(256, 256), dtype=np.uint16)
    for band in ("B04", "B08"):
        write_cog(
            bucket / "2024/05/02/broken" / f"{band}.tif",
            flat,
            epsg=32633,
            bounds=(510_240.0, 5_100_000.0, 512_800.0, 5_102_560.0),
            tiled=False,
        )


def _run(output_dir: Path | None) -> None:
    from sentinelhub_byoc.errors import ConflictError
    from sentinelhub_byoc.geometry import to_feature_collection
    from sentinelhub_byoc.testing import Emulator, Faults, client_for, serve

    output = output_dir or Path(tempfile.mkdtemp(prefix="byoc-demo-"))
    output.mkdir(parents=True, exist_ok=True)
    with Emulator() as emulator, serve(emulator) as server, client_for(server) as client:
        _step("A local BYOC service")
        print(f"emulator at {server.base_url} (API under /api/v1/byoc and /byoc/v1), client: {client!r}")

        _step("Write real COGs into the bucket 'demo-bucket' (a local folder)")
        bucket = emulator.bucket_dir("demo-bucket")
        _write_cogs(bucket)
        for path in sorted(bucket.rglob("*.tif")):
            print(f"  {path.relative_to(bucket)}  {path.stat().st_size:,} bytes")

        _step("Create a collection and register three tiles")
        collection = client.collections.create(name="demo-sentinel-2", s3_bucket="demo-bucket")
        print(f"collection {collection.id} '{collection.name}' in bucket {collection.s3_bucket}")
        cover = {
            "type": "Polygon",
            "coordinates": [[[15.0, 46.04], [15.06, 46.04], [15.06, 46.08], [15.0, 46.08], [15.0, 46.04]]],
        }
        tiles = [
            client.tiles.create(collection, "2024/05/01/scene-a", sensing_time="2024-05-01T10:00:00Z"),
            client.tiles.create(
                collection,
                "2024/05/01/scene-b/(BAND).tif",
                sensing_time="2024-05-01T10:00:05Z",
                cover_geometry=cover,
            ),
            client.tiles.create(collection, "2024/05/02/broken", sensing_time="2024-05-02T10:00:00Z"),
        ]
        for tile in tiles:
            print(f"  tile {tile.id} {tile.path!r}: {tile.status}")

        _step("Wait for ingestion (WAITING → QUEUED → INGESTING → INGESTED | FAILED)")
        for created in tiles:
            tile = _wait_until_final(client, collection, created)
            line = f"  {tile.path!r}: {tile.status}"
            if tile.tile_geometry is not None:
                line += f", bbox in EPSG:{tile.tile_geometry.crs} = {tile.tile_geometry.bounds}"
            if tile.failure_cause:
                line += f"\n    cause: {tile.failure_cause}"
            print(line)

        _step("The collection learnt its bands and extent from the first ingested tile")
        collection = client.collections.get(collection)
        for name, band in collection.bands.items():
            print(f"  band {name}: {band.bit_depth}-bit {band.sample_format}")
        extent = collection.additional_data.extent if collection.additional_data else None
        if extent is not None:
            print(f"  extent (WGS84): {tuple(round(value, 4) for value in extent.bounds)}")

        _step("List tiles: filters, lazy pagination, page by page")
        print(f"  INGESTED: {[tile.path for tile in client.tiles.list(collection, status='INGESTED')]}")
        print(f"  FAILED:   {[tile.path for tile in client.tiles.list(collection, status='FAILED')]}")
        for number, page in enumerate(client.tiles.pages(collection, page_size=2, sort="created:desc"), 1):
            print(f"  page {number}: {[tile.path for tile in page]} next token: {page.next_token}")

        _step("Typed errors: registering a path twice")
        try:
            client.tiles.create(collection, "2024/05/01/scene-a")
        except ConflictError as error:
            print(f"  {type(error).__name__}: {error}")

        _step("Resilience: 15% of requests answer 503, 10% answer 429 with Retry-After (ms), 5% drop")
        emulator.set_faults(
            Faults(
                seed=3,
                error_rate=0.15,
                error_statuses=(503,),
                throttle_rate=0.1,
                retry_after_ms=20,
                drop_rate=0.05,
            )
        )
        for day in range(20):
            client.tiles.create(collection, f"2024/06/{day + 1:02d}/(BAND).tif")
        emulator.set_faults(None)
        june = [tile for tile in client.tiles.list(collection) if tile.path.startswith("2024/06/")]
        faults = sum(1 for record in emulator.requests if record.fault)
        print(
            f"  20 tiles requested, {len(june)} exist, {faults} faults absorbed, "
            f"{emulator.token_requests} token request(s) in all"
        )

        _step("Export the tiles as GeoJSON in WGS84 (opens in QGIS, loads in geopandas)")
        ingested = list(client.tiles.list(collection, status="INGESTED"))
        destination = output / "demo-tiles.geojson"
        destination.write_text(json.dumps(to_feature_collection(ingested), indent=2), encoding="utf-8")
        print(f"  wrote {len(ingested)} features to {destination}")
    print("\nDone: the emulator stopped and its bucket folder was removed.")
