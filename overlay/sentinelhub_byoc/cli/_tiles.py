"""``byoc tiles``: list, get, create, update, delete, reingest, failures, wait, sync, map."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from sentinelhub_byoc.cli import _confirm, _errors, _input, _output
from sentinelhub_byoc.cli._context import (
    CliState,
    concurrency_option,
    output_option,
    pass_state,
    timeout_option,
)
from sentinelhub_byoc.cli._convert_options import dask_executor, dask_scheduler_option
from sentinelhub_byoc.cli._names import COLLECTION
from sentinelhub_byoc.cli._progress import ProgressBars
from sentinelhub_byoc.cog import DEFAULT_LAYOUT
from sentinelhub_byoc.errors import BYOCError
from sentinelhub_byoc.models import Tile, TileStatus
from sentinelhub_byoc.workflows.events import Progress, Stage

_STATUSES = click.Choice([status.value for status in TileStatus], case_sensitive=False)


@click.group("tiles")
def group() -> None:
    """Tiles: COG files at a path of the bucket, ingested by the service."""


@group.command("list")
@output_option
@_output.wide_option
@click.argument("collection", type=COLLECTION)
@click.option("--status", type=_STATUSES, help="only tiles in this status.")
@click.option("--path", metavar="PATH", help="only the tile with exactly this path.")
@click.option("--sort", type=click.Choice(["created:asc", "created:desc"]), help="order by creation time.")
@click.option("--limit", type=click.IntRange(min=1), help="at most this many.")
@pass_state
def list_(
    state: CliState,
    collection: str,
    status: str | None,
    path: str | None,
    sort: str | None,
    limit: int | None,
) -> None:
    """List a collection's tiles (-o geojson: their footprints in WGS84, for QGIS or geopandas)."""
    tiles = state.client().tiles.list(
        collection, status=status.upper() if status else None, path=path, sort=sort, limit=limit
    )
    _output.show_tiles(tiles, state.output)


@group.command("get")
@output_option
@_output.wide_option
@click.argument("collection", type=COLLECTION)
@click.argument("tile")
@pass_state
def get(state: CliState, collection: str, tile: str) -> None:
    """Show one tile."""
    _output.show_tiles([state.client().tiles.get(collection, tile)], state.output, single=True)


@group.command("create")
@output_option
@_output.wide_option
@click.argument("collection", type=COLLECTION)
@click.argument("path", required=False)
@click.option("--sensing-time", metavar="TIME", help="when the data was acquired (ISO 8601).")
@click.option("--cover-geometry", metavar="GEOJSON", help="outline of the data: GeoJSON text, @FILE or -.")
@click.option(
    "--json",
    "json_source",
    metavar="JSON",
    help="tiles as JSON (path, sensingTime, coverGeometry): one object, an array or NDJSON; "
    "text, @FILE or -.",
)
@pass_state
def create(
    state: CliState,
    collection: str,
    path: str | None,
    sensing_time: str | None,
    cover_geometry: str | None,
    json_source: str | None,
) -> None:
    """Register tiles: the COG files at PATH, or each tile given as JSON.

    \b
    byoc tiles create COLLECTION '2024/05/01/(BAND).tif' --sensing-time 2024-05-01
    byoc tiles list OTHER -o ndjson | byoc tiles create COLLECTION --json -
    """
    if (path is None) == (json_source is None):
        raise click.UsageError("give either PATH or --json")
    if path is not None:
        geometry = _input.read_object(cover_geometry, "--cover-geometry") if cover_geometry else None
        requests: list[dict[str, Any]] = [
            {"path": path, "sensing_time": sensing_time, "cover_geometry": geometry}
        ]
    else:
        if sensing_time or cover_geometry:
            raise click.UsageError("--sensing-time and --cover-geometry go with PATH; put them in the JSON")
        tiles = [_input.to_model(Tile, item) for item in _input.read_objects(str(json_source))]
        requests = [
            {"path": tile.path, "sensing_time": tile.sensing_time, "cover_geometry": tile.cover_geometry}
            for tile in tiles
        ]
    if any(not request["path"] for request in requests):
        raise _errors.InputError('--json: every tile needs a "path"')
    client = state.client()
    created = []
    try:
        with ProgressBars() as bars:
            for number, request in enumerate(requests, 1):
                created.append(
                    client.tiles.create(
                        collection,
                        request["path"],
                        sensing_time=request["sensing_time"],
                        cover_geometry=request["cover_geometry"],
                    )
                )
                bars(Progress("register", number, len(requests), item=request["path"]))
    finally:
        # Tiles registered before a failure exist: say which, so that a rerun can leave them out.
        if created:
            _output.show_tiles(created, state.output, single=len(created) == 1 and path is not None)


@group.command("update")
@output_option
@_output.wide_option
@click.argument("collection", type=COLLECTION)
@click.argument("tile")
@click.option("--sensing-time", metavar="TIME", help="a new sensing time (ISO 8601).")
@click.option("--cover-geometry", metavar="GEOJSON", help="a new cover geometry: GeoJSON text, @FILE or -.")
@click.option("--json", "json_source", metavar="JSON", help="sensingTime and/or coverGeometry as JSON.")
@pass_state
def update(
    state: CliState,
    collection: str,
    tile: str,
    sensing_time: str | None,
    cover_geometry: str | None,
    json_source: str | None,
) -> None:
    """Change a tile's sensing time or cover geometry; what is not given is kept."""
    changes = _input.read_object(json_source) if json_source else {}
    unknown = sorted(set(changes) - {"sensingTime", "coverGeometry"})
    if unknown:
        raise _errors.InputError(
            f"--json: a tile update takes sensingTime and coverGeometry, not {', '.join(unknown)}"
        )
    if sensing_time is not None:
        changes["sensingTime"] = sensing_time
    if cover_geometry is not None:
        changes["coverGeometry"] = _input.read_object(cover_geometry, "--cover-geometry")
    if not changes:
        raise click.UsageError("nothing to change: give --sensing-time, --cover-geometry or --json")
    client = state.client()
    current = client.tiles.get(collection, tile)
    # The API replaces both members: what the user left out is sent as it is now.
    client.tiles.update(
        collection,
        tile,
        sensing_time=changes.get("sensingTime", current.sensing_time),
        cover_geometry=changes.get("coverGeometry", current.cover_geometry),
    )
    _output.show_tiles([client.tiles.get(collection, tile)], state.output, single=True)


def _each_tile(ids: list[str], stage: Stage, action: Callable[[str], None], done: str) -> None:
    """Apply *action* to every tile id, going on after a failure; exit 1 if any failed."""
    failed = 0
    with ProgressBars() as bars:
        bars(Progress(stage, 0, len(ids)))
        for number, tile in enumerate(ids, 1):
            try:
                action(tile)
            except BYOCError as error:
                if len(ids) == 1:
                    raise
                failed += 1
                _output.message(f"byoc: error: tile {tile}: {_errors.describe(error)}")
            else:
                _output.message(f"{done} tile {tile}")
            bars(Progress(stage, number, len(ids), item=tile))
    if failed:
        raise _errors.CommandError(f"{failed} of {len(ids)} tile(s) could not be {done}", _errors.FAILURE)


_IDS_HELP = "TILES are ids, or - to read ids (or NDJSON tiles, as -o ndjson writes them) from stdin."


@group.command("delete", epilog=_IDS_HELP)
@click.argument("collection", type=COLLECTION)
@click.argument("tiles", nargs=-1)
@_confirm.yes_option
@pass_state
def delete(state: CliState, collection: str, tiles: tuple[str, ...], yes: bool) -> None:
    """Delete tiles: asks first, listing them; without a terminal only with --yes."""
    ids = _input.tile_ids(tiles)
    ask = _confirm.require_consent("tiles delete", yes=yes)
    client = state.client()
    if ask:
        _confirm.confirm_tiles(client, collection, ids)
    _each_tile(ids, "delete", lambda tile: client.tiles.delete(collection, tile), "deleted")


@group.command("reingest", epilog=_IDS_HELP)
@output_option
@_output.wide_option
@click.argument("collection", type=COLLECTION)
@click.argument("tiles", nargs=-1)
@click.option("--failed", "all_failed", is_flag=True, help="every FAILED tile of the collection.")
@click.option(
    "--wait/--no-wait", default=False, help="wait for the tiles' ingestion to end (default: do not wait)."
)
@timeout_option
@pass_state
def reingest(
    state: CliState, collection: str, tiles: tuple[str, ...], all_failed: bool, wait: bool, timeout: float
) -> None:
    """Ingest tiles again, e.g. after fixing their files: the TILES given, or --failed ones.

    With --wait, the exit code is 4 when some tiles fail again, 1 when the wait times out.

    \b
    byoc tiles reingest COLLECTION --failed --wait
    byoc tiles failures COLLECTION -o ndjson | byoc tiles reingest COLLECTION -
    """
    if all_failed and tiles:
        raise click.UsageError("give either tile ids or --failed, not both")
    if not all_failed and not wait:
        ids = _input.tile_ids(tiles)
        client = state.client()
        _each_tile(ids, "reingest", lambda tile: client.tiles.reingest(collection, tile), "reingested")
        return
    from sentinelhub_byoc import workflows

    _output.no_geojson(state.output)
    chosen = None if all_failed else _input.tile_ids(tiles)
    with ProgressBars() as bars:
        report = workflows.reingest(
            state.client(), collection, chosen, wait=wait, timeout=timeout, on_progress=bars
        )
    _output.show_report(report, _output.reingest_report_dict, state.output)
    if report.errors:
        raise click.exceptions.Exit(_errors.FAILURE)
    if report.ingestion is not None:
        _errors.exit_for_wait(report.ingestion)


@group.command("failures")
@output_option
@_output.wide_option
@click.argument("collection", type=COLLECTION)
@click.option("--limit", type=click.IntRange(min=1), help="at most this many.")
@pass_state
def failures(state: CliState, collection: str, limit: int | None) -> None:
    """List the tiles whose ingestion FAILED, with the cause; exit code 4 when there are any."""
    tiles = list(state.client().tiles.list(collection, status="FAILED", limit=limit))
    if state.output == "table" and not tiles:
        _output.message("no failed tiles")
        return
    # Here the cause is the point: it comes right after id and status (whole with --wide, -o json).
    _output.show_tiles(tiles, state.output, failures=True)
    if tiles:
        raise click.exceptions.Exit(_errors.TILES_FAILED)


@group.command("wait", epilog=_IDS_HELP + " Without TILES, every tile of the collection.")
@output_option
@_output.wide_option
@click.argument("collection", type=COLLECTION)
@click.argument("tiles", nargs=-1)
@timeout_option
@click.option(
    "--poll-interval",
    type=click.FloatRange(min=0.1),
    metavar="S",
    default=1.0,
    show_default=True,
    help="seconds between the first polls (they slow down while nothing changes).",
)
@pass_state
def wait(
    state: CliState, collection: str, tiles: tuple[str, ...], timeout: float, poll_interval: float
) -> None:
    """Wait until tiles are INGESTED or FAILED, then show them.

    Exit code 0 when all were ingested, 4 when some FAILED, 1 when the wait timed out with
    tiles still ingesting (or tiles were deleted meanwhile).
    """
    from sentinelhub_byoc import workflows

    ids = _input.tile_ids(tiles) if tiles else None
    with ProgressBars() as bars:
        result = workflows.wait(
            state.client(),
            collection,
            ids,
            timeout=timeout,
            poll_interval=poll_interval,
            # The workflow's backoff ceiling, raised when a user asks for slower polls than that.
            max_poll_interval=max(poll_interval, 15.0),
            on_progress=bars,
        )
    found = sorted(result.tiles.values(), key=lambda tile: tile.path)
    _output.show_tiles(found, state.output)
    if state.output == "table":
        # The table shows each tile; the counts and the timeout are said once, for the person.
        _output.message(str(result).splitlines()[0])
    _errors.exit_for_wait(result)


@group.command("sync")
@output_option
@_output.wide_option
@click.argument("collection", type=COLLECTION)
@click.argument("source")
@click.option(
    "--layout",
    metavar="PATTERN",
    default=DEFAULT_LAYOUT,
    show_default=True,
    help="which files make a tile; (BAND) marks the band name, e.g. '*_(BAND).tif'.",
)
@click.option(
    "--sensing-time",
    metavar="FORMAT",
    help="read each tile's sensing time from its path with this strptime format, e.g. %Y%m%dT%H%M%S.",
)
@click.option(
    "--upload-to",
    metavar="URL",
    help="upload the folder's new and changed files to s3:// or gs://bucket/prefix first.",
)
@click.option(
    "--bucket-dir",
    is_flag=True,
    help="the folder is a mirror of the collection's bucket: tile paths are relative to it and "
    "nothing is uploaded (found by itself for the bucket folders of --emulator-state).",
)
@click.option(
    "--include",
    metavar="GLOB",
    multiple=True,
    help="only files whose path relative to SOURCE matches (repeatable; see below).",
)
@click.option(
    "--exclude", metavar="GLOB", multiple=True, help="leave out files that match (repeatable; wins)."
)
@click.option(
    "--checksum",
    is_flag=True,
    help="with --upload-to: compare files with the bucket's copies by content (S3's ETag, GCS's "
    "MD5), not by time.",
)
@click.option(
    "--force",
    is_flag=True,
    help="reingest every chosen tile whether or not its files changed (uploading them again first).",
)
@click.option("--check", is_flag=True, help="check the COGs against the ingestion rules first.")
@click.option(
    "--convert",
    is_flag=True,
    help="convert files that break the ingestion rules into COGs: with --upload-to, upload those "
    "in their place (the folder's files are not changed); from a bucket, stage their tiles in --staging.",
)
@click.option(
    "--staging",
    metavar="DIR|URL",
    help="with --convert: where the converted files are kept (default for a folder: one per source "
    "in the user's cache; needed for s3:// or gs://: a prefix of the same bucket); a rerun converts "
    "nothing twice.",
)
@dask_scheduler_option
@click.option("--cover", is_flag=True, help="trace new tiles' cover geometries (local folders).")
@click.option("--delete-missing", is_flag=True, help="delete tiles whose files are gone.")
@click.option(
    "--max-delete",
    type=click.IntRange(min=0),
    metavar="N",
    help="with --delete-missing: refuse to run, changing nothing, when more than N tiles would go.",
)
@click.option("--wait/--no-wait", default=True, help="wait for ingestion (default), or not.")
@timeout_option
@concurrency_option(16, "requests")
@click.option("--dry-run", is_flag=True, help="list every upload and tile change, and change nothing.")
@pass_state
def sync(
    state: CliState,
    collection: str,
    source: str,
    layout: str,
    sensing_time: str | None,
    upload_to: str | None,
    bucket_dir: bool,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    checksum: bool,
    force: bool,
    check: bool,
    convert: bool,
    staging: str | None,
    dask_scheduler: str | None,
    cover: bool,
    delete_missing: bool,
    max_delete: int | None,
    wait: bool,
    timeout: float,
    concurrency: int,
    dry_run: bool,
) -> None:
    """Make the collection's tiles match the COGs in SOURCE: a folder, s3:// or gs://bucket/prefix.

    New tiles are created, changed ones reingested, the rest left alone; running it again is
    always safe. A local folder needs --upload-to, where its new and changed files are
    uploaded first, or --bucket-dir when it is a mirror of the collection's bucket (tile
    paths are relative to it). A file is changed when its size differs or it is newer than
    the bucket's copy (as aws s3 sync has it), or with --checksum when its content differs:
    a fix copied in with its old time (cp -p) is then uploaded and its tile reingested.
    --force reingests the chosen tiles regardless. --include/--exclude GLOB choose files by
    their path relative to SOURCE (* within a folder, ** across folders, a leading / anchors
    at SOURCE, else the end of the path matches); a file is taken when it matches an
    --include (or there is none) and no --exclude, whatever the order. With --convert, files
    that break the ingestion rules are converted (as by `byoc cog convert`): from a folder,
    the converted copies are uploaded under the original names; from a bucket, each tile with
    such a file is converted and copied under the --staging prefix and registered there.
    Exit code 4 when some tiles failed, 1 when the wait timed out.

    \b
    byoc tiles sync $C ./scenes --upload-to s3://my-bucket/scenes --dry-run
    byoc tiles sync $C ./scenes --upload-to s3://my-bucket/scenes --checksum
    byoc tiles sync $C s3://my-bucket/scenes --include '2024/**' --exclude '*.xml'
    byoc tiles sync $C s3://my-bucket/scenes --delete-missing --max-delete 10
    byoc tiles sync $C ./scans --upload-to s3://my-bucket/scans --convert
    byoc tiles sync $C s3://my-bucket/scans --convert --staging s3://my-bucket/x
    byoc tiles sync $C gs://my-bucket/scenes
    """
    from sentinelhub_byoc import workflows
    from sentinelhub_byoc.storage._urls import url_scheme

    _output.no_geojson(state.output)
    if staging is not None and not convert:
        raise click.UsageError("--staging is where --convert puts converted files; add --convert")
    if dask_scheduler is not None and not convert:
        raise click.UsageError("--dask-scheduler runs the conversions of --convert; add --convert")
    scheme = url_scheme(source)
    from_bucket = scheme is not None
    if convert and from_bucket and (staging is None or url_scheme(staging) != scheme):
        raise click.UsageError(
            f"--convert with a {scheme}:// source needs --staging {scheme}://bucket/prefix, a prefix of "
            "the source's bucket beside it: the tiles with files to convert are staged and registered there"
        )
    if convert and not from_bucket and upload_to is None:
        raise click.UsageError(
            "--convert needs a local folder and --upload-to s3:// or gs://bucket/prefix (the converted "
            "copies are uploaded in place of the originals), or an s3:// or gs:// source and --staging "
            "a prefix of its bucket"
        )
    if max_delete is not None and not delete_missing:
        raise click.UsageError("--max-delete limits the deletions of --delete-missing; add --delete-missing")
    if bucket_dir and (from_bucket or upload_to is not None):
        raise click.UsageError(
            "--bucket-dir says a local folder mirrors the bucket; leave it out with --upload-to or a "
            "bucket URL"
        )
    if checksum and upload_to is None:
        raise click.UsageError(
            "--checksum compares a folder's files with their copies in the bucket: it goes with "
            "--upload-to (an s3:// or gs:// source's objects are compared by their time, which every write "
            "sets; a --bucket-dir folder has no other copy). To reingest tiles regardless, use --force"
        )
    if not from_bucket and upload_to is None and not bucket_dir:
        bucket_dir = _emulator_bucket(state, collection, Path(source))
    with dask_executor(dask_scheduler) as executor, ProgressBars() as bars:
        report = workflows.sync(
            state.client(),
            collection,
            source if from_bucket else Path(source),
            layout=layout,
            sensing_time=sensing_time,
            upload_to=upload_to,
            bucket_dir=bucket_dir,
            include=include,
            exclude=exclude,
            checksum=checksum,
            force=force,
            max_delete=max_delete,
            check=check,
            cover=cover,
            delete_missing=delete_missing,
            wait=wait,
            timeout=timeout,
            concurrency=concurrency,
            dry_run=dry_run,
            on_progress=bars,
            convert=convert,
            staging=staging if staging is None or url_scheme(staging) else Path(staging),
            executor=executor,
        )
    _output.show_report(report, _output.sync_report_dict, state.output)
    if report.failed:
        raise click.exceptions.Exit(_errors.TILES_FAILED)
    if not report.ok:
        raise click.exceptions.Exit(_errors.FAILURE)


def _emulator_bucket(state: CliState, collection: str, folder: Path) -> bool:
    """Whether *folder* is the bucket folder of the collection in ``--emulator-state``'s emulator.

    That folder is the bucket the emulator ingests from, so a sync of it needs no --bucket-dir.
    """
    if state.emulator_state is None or not folder.is_dir():
        return False
    bucket = state.client().collections.get(collection).s3_bucket.rpartition(":")[2]
    mirror = state.emulator_bucket_dir(bucket)
    try:
        return mirror is not None and mirror.is_dir() and folder.resolve() == mirror.resolve()
    except OSError:
        return False


@group.command("map")
@click.argument("collection", type=COLLECTION)
@click.option(
    "--out",
    "destination",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="the picture to write: .png (or .svg, .pdf).",
)
@click.option("--status", type=_STATUSES, help="only tiles in this status.")
@click.option("--title", metavar="TEXT", help="the picture's title (default: the collection's name).")
@pass_state
def map_(state: CliState, collection: str, destination: Path, status: str | None, title: str | None) -> None:
    """Draw the tiles' footprints on a map, coloured by status (needs the plot extra).

    \b
    byoc tiles map COLLECTION --out footprints.png --status FAILED
    """
    from sentinelhub_byoc.geometry import plot_footprints

    client = state.client()
    if title is None:
        title = client.collections.get(collection).name or f"Collection {collection}"
    tiles = list(client.tiles.list(collection, status=status.upper() if status else None))
    written = plot_footprints(tiles, destination, title=title)
    _output.message(f"wrote {written} ({len(tiles)} tile(s))")
