"""``byoc demo``: the story of a collection, told against the embedded emulator over loopback HTTP.

No account and no network: the emulator serves the BYOC API and its OAuth2 token endpoint on
127.0.0.1, and its bucket is a folder of the output directory, where the demo writes real
Cloud-Optimized GeoTIFFs. Every step uses the public API (the client, :mod:`sentinelhub_byoc.cog`,
:mod:`sentinelhub_byoc.workflows`), as a user's script would.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sentinelhub_byoc.cli import _demo_folder, _errors, _output
from sentinelhub_byoc.cli._progress import ProgressBars

if TYPE_CHECKING:
    from rich.console import Console

_BUCKET = "demo-bucket"
_LAYOUT = "**/(BAND).tif"
_SENSING_TIME = "%Y%m%dT%H%M%S"
_BROKEN = 4  # the scene written in strips, as some tools do by default


@click.command("demo")
@click.option(
    "--output-dir",
    "--output",
    "output",
    # Checked by the demo itself, so that a bad folder is one line like every other error.
    type=click.Path(path_type=Path),
    default=None,
    help="folder for the COGs, the GeoJSON, the map and the downloads (default: a new temporary "
    "folder, kept). Run again into the same folder, the demo replaces its earlier outputs; it "
    "refuses a folder holding anything else.",
)
def command(output: Path | None) -> None:
    """Tell the story of a collection against a local emulator (no account needed, < 1 minute).

    Makes six COG scenes (one broken on purpose), checks them, syncs the folder, waits for
    ingestion, shows the broken tile's cause, fixes it with ``byoc cog convert``, exports
    GeoJSON and a footprint map, downloads a Planet-style file with resume and cleans up.
    """
    _check_dependencies()
    folder = _demo_folder.prepare(output)
    _Story(folder).run()


def _check_dependencies() -> None:
    missing = [name for name in ("numpy", "tifffile", "pyproj", "rasterio") if not _importable(name)]
    if missing:
        raise _errors.CommandError(
            f"byoc demo needs {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not "
            "installed: pip install 'sentinelhub-byoc[demo]'",
            _errors.AUTH,
        )


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


class _Story:
    """The demo's steps, in order; each says what it does and shows what came of it."""

    def __init__(self, output: Path) -> None:
        from rich.console import Console

        self.output = output
        self.cogs = output / "cogs"
        # Long lines (paths, causes) stay whole: a story is read, not laid out.
        self.console: Console = Console(highlight=False, soft_wrap=True)
        self.outputs: list[tuple[str, Path]] = []
        self.number = 0

    def step(self, title: str) -> None:
        self.number += 1
        self.console.print(f"\n[bold cyan]{self.number}. {title}[/]")

    def say(self, text: str) -> None:
        self.console.print(f"   {text}")

    def run(self) -> None:
        from sentinelhub_byoc.testing import Emulator, client_for, serve

        started = time.monotonic()
        folders = {_BUCKET: self.cogs}
        self.cogs.mkdir(parents=True, exist_ok=True)
        with Emulator(bucket_folders=folders) as emulator, serve(emulator) as server:
            self.step("A local BYOC service")
            self.say(f"the emulator serves the BYOC API and its token endpoint at {server.base_url}")
            self.say(f"its bucket {_BUCKET!r} is the folder {self.cogs}")
            with client_for(server) as client:
                self._make_scenes()
                self._check()
                collection = self._sync(client)
                self._show(client, collection)
                self._fix(client, collection)
                self._export(client, collection)
                self._download(client, emulator, collection)
                self._clean_up(client, collection)
        self._summary(time.monotonic() - started)

    def _make_scenes(self) -> None:
        from sentinelhub_byoc.cli._demo_scenes import SCENES, write_scene

        self.step("Six Sentinel-2-like scenes as COGs, side by side, with noData borders")
        for index, scene in enumerate(SCENES):
            broken = index == _BROKEN
            write_scene(self.cogs, scene, broken=broken)
            note = "  [red](written in strips, not tiles: broken on purpose)[/]" if broken else ""
            self.say(f"{scene.folder}/B04.tif, B08.tif{note}")
        self.outputs.append(("COGs (the emulator's bucket)", self.cogs))

    def _check(self) -> None:
        from sentinelhub_byoc.cog import check_prefix

        self.step("Check the COGs against the ingestion rules before ingesting")
        checks = check_prefix(self.cogs, layout=_LAYOUT)
        # Paths in the bucket, as the service will name them.
        folder = f"{self.cogs}/"
        for check in checks:
            path = check.path.replace(folder, "")
            if check.ok:
                self.say(f"[green]ok[/]      {path}")
                continue
            first = check.errors[0]
            self.say(f"[red]broken[/]  {path}: [{first.rule}] {first.message.replace(folder, '')}")
            self.say(f"        fix: {first.fix}")
        self.say("(the demo ingests the broken scene anyway, to show what the service says)")

    def _sync(self, client: Any) -> Any:
        from sentinelhub_byoc import workflows

        self.step("Create a collection and sync the folder: plan, register, wait for ingestion")
        collection = client.collections.create(name="demo-sentinel-2", s3_bucket=_BUCKET)
        self.say(f"collection {collection.id} reads bucket {_BUCKET!r}")
        # The folder is the emulator's bucket: tiles are registered where their files already are.
        plan = workflows.plan_sync(
            client, collection, self.cogs, bucket_dir=True, layout=_LAYOUT, sensing_time=_SENSING_TIME
        )
        self.say(plan.format().splitlines()[0])
        with ProgressBars() as bars:
            report = workflows.sync(
                client,
                collection,
                self.cogs,
                bucket_dir=True,
                layout=_LAYOUT,
                sensing_time=_SENSING_TIME,
                timeout=60,
                on_progress=bars,
            )
        self.say(str(report).splitlines()[0])
        return collection

    def _show(self, client: Any, collection: Any) -> None:
        self.step("The tiles, and why one failed")
        tiles = sorted(client.tiles.list(collection), key=lambda tile: tile.path)
        _output.show_tiles(tiles, "table", cause_width=60)
        for tile in tiles:
            if tile.failure_cause:
                self.say(f"[red]{tile.path}[/] failed: {tile.failure_cause}")

    def _fix(self, client: Any, collection: Any) -> None:
        from sentinelhub_byoc import workflows
        from sentinelhub_byoc.cli._demo_scenes import SCENES

        self.step("Fix the broken scene with byoc cog convert, then sync again")
        scene = SCENES[_BROKEN].folder
        broken = self.cogs / scene
        fixed = self.output / "converted" / scene
        self._run_command(["cog", "convert", str(broken), "--out", str(fixed)])
        # The bucket is the folder: the converted files take the broken ones' place.
        for file in sorted(fixed.glob("*.tif")):
            os.replace(file, broken / file.name)
        self.say(f"moved the converted files into {broken}")
        plan = workflows.plan_sync(client, collection, self.cogs, bucket_dir=True, layout=_LAYOUT)
        for tile in plan.of("reingest"):
            self.say(f"plan: reingest {tile.path} ({tile.reason})")
        with ProgressBars() as bars:
            report = workflows.sync(
                client, collection, self.cogs, bucket_dir=True, layout=_LAYOUT, timeout=60, on_progress=bars
            )
        self.say(str(report).splitlines()[0])
        ingested = sum(1 for tile in client.tiles.list(collection, status="INGESTED"))
        self.say(f"[green]{ingested} of {len(SCENES)} tiles ingested[/]")

    def _run_command(self, arguments: list[str]) -> None:
        """Run ``byoc ARGUMENTS`` as a user would, in a process of its own, and show what it prints."""
        self.say(f"$ byoc {shlex.join(arguments)}")
        # -o json would be for a script; a person reads the table, laid out for a wide terminal.
        environment = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
        result = subprocess.run(
            [sys.executable, "-m", "sentinelhub_byoc", *arguments],
            capture_output=True,
            text=True,
            check=False,
            env=environment,
        )
        for line in result.stdout.splitlines():
            self.console.print(f"   {line}", markup=False)
        if result.returncode != 0:
            raise _errors.CommandError(
                f"byoc {shlex.join(arguments)} failed (exit {result.returncode}): {result.stderr.strip()}",
                _errors.FAILURE,
            )

    def _export(self, client: Any, collection: Any) -> None:
        from sentinelhub_byoc.geometry import MissingExtraError, plot_footprints, to_feature_collection

        self.step("Export the footprints as GeoJSON and draw them on a map")
        tiles = list(client.tiles.list(collection))
        geojson = self.output / "footprints.geojson"
        # The tiles' extents (tileGeometry): where each COG lies, in WGS84.
        features = to_feature_collection(tiles, geometry="tile")
        _demo_folder.write_atomically(geojson, json.dumps(features, indent=2))
        self.say(f"{len(tiles)} footprints in WGS84 -> {geojson} (opens in QGIS, loads in geopandas)")
        self.outputs.append(("footprints as GeoJSON", geojson))
        try:
            picture = plot_footprints(tiles, self.output / "footprints.png", title="demo-sentinel-2")
        except MissingExtraError as error:
            self.say(f"[yellow]no map: {error}[/]")
            return
        self.say(f"footprint map -> {picture}")
        self.outputs.append(("footprint map", picture))

    def _download(self, client: Any, emulator: Any, collection: Any) -> None:
        from sentinelhub_byoc import workflows

        self.step("Planet-style delivery: download a tile's file, cut off half-way, then resumed")
        # Collections delivered by a Planet order offer their tiles' files for download.
        emulator.mark_planet(str(collection.id))
        tile = next(iter(client.tiles.list(collection, limit=1)))
        downloads = self.output / "downloads"
        # The size is answered, then the emulator cuts the file's body off half-way.
        emulator.script_faults([None, "lost"])
        first = workflows.download_tile_files(client, collection, tile, downloads, names=["B04.tif"])
        part = next(downloads.rglob("B04.tif.part"), None)
        held = part.stat().st_size if part is not None else 0
        cause = first.failed[0].cause if first.failed else "none"
        self.say(f"first attempt: cut off after {held:,} bytes ({cause.split(':')[0]}); kept as {part}")
        second = workflows.download_tile_files(client, collection, tile, downloads, names=["B04.tif"])
        (path,) = second.paths
        self.say(f"second attempt: resumed with a Range request, {second.bytes:,} more bytes -> {path}")
        self.say(f"{path.stat().st_size:,} bytes, the size the service announced")
        self.outputs.append(("downloaded file", path))

    def _clean_up(self, client: Any, collection: Any) -> None:
        from sentinelhub_byoc import workflows

        self.step("Clean up: delete the collection with its tiles")
        deleted = workflows.delete_collection(client, collection, force=True)
        self.say(f"deleted {deleted} tiles and the collection; the files stay in {self.output}")

    def _summary(self, seconds: float) -> None:
        self.console.print(f"\n[bold]Done in {seconds:.1f} s.[/] Everything the demo made:")
        for what, path in self.outputs:
            self.console.print(f"   {what:<30} {path}")
