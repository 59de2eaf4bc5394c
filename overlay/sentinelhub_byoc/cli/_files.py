"""``byoc files``: the files of tiles in Planet-delivered collections (ls, get, size)."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path, PurePosixPath

import click

from sentinelhub_byoc.cli import _errors, _output
from sentinelhub_byoc.cli._context import (
    CliState,
    concurrency_option,
    output_option,
    pass_state,
)
from sentinelhub_byoc.cli._names import COLLECTION
from sentinelhub_byoc.cli._progress import ProgressBars


@click.group("files")
def group() -> None:
    """Files of tiles in Planet-delivered collections."""


@group.command("ls")
@output_option
@click.argument("collection", type=COLLECTION)
@click.argument("tile")
@pass_state
def ls(state: CliState, collection: str, tile: str) -> None:
    """List a tile's files."""
    _output.show_values("name", state.client().files.list(collection, tile), state.output)


@group.command("size")
@output_option
@click.argument("collection", type=COLLECTION)
@click.argument("tile")
@click.argument("name")
@pass_state
def size(state: CliState, collection: str, tile: str, name: str) -> None:
    """Show a file's size in bytes."""
    _output.show_record(
        {"name": name, "size": state.client().files.size(collection, tile, name)}, state.output
    )


@group.command("get")
@output_option
@click.argument("collection", type=COLLECTION)
@click.argument("tile")
@click.argument("names", nargs=-1)
@click.option(
    "--dest",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="download into DIR/<tile id>/<name>, several files at a time (default with no NAME: .).",
)
@concurrency_option(4, "files")
@click.option("--no-resume", is_flag=True, help="start again instead of resuming a partial download.")
@click.option(
    "--deadline",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="fail a file still downloading after SECONDS (its .part file is kept to resume).",
)
@pass_state
def get(
    state: CliState,
    collection: str,
    tile: str,
    names: tuple[str, ...],
    folder: Path | None,
    concurrency: int,
    no_resume: bool,
    deadline: float | None,
) -> None:
    """Download a tile's files: all of them, or the NAMEs, into --dest DIR/<tile id>/.

    Without --dest, one NAME is downloaded to its name in this folder, or to DESTINATION
    given after it (- for stdout). A partial download is kept as a .part file and resumed by
    the next run; files already complete are skipped. Exit code 1 when some files failed.
    A file whose answer does not add up (more bytes than its size, another range than asked)
    fails, and nothing is written through links inside the destination.

    \b
    byoc files get COLLECTION TILE --dest downloads   # every file of the tile
    byoc files get COLLECTION TILE scene.tif udm/udm2.tif --dest downloads
    byoc files get COLLECTION TILE scene.tif copy.tif # one file, renamed
    """
    if folder is None and names:
        if len(names) > 2:
            raise click.UsageError("give several NAMEs with --dest DIR")
        destination = Path(names[1]) if len(names) == 2 else None
        _get_one(state, collection, tile, names[0], destination, resume=not no_resume, deadline=deadline)
        return
    from sentinelhub_byoc import workflows

    _output.no_geojson(state.output)
    with ProgressBars() as bars:
        report = workflows.download_tile_files(
            state.client(),
            collection,
            tile,
            folder if folder is not None else Path(),
            names=names or None,
            concurrency=concurrency,
            resume=not no_resume,
            deadline=deadline,
            on_progress=bars,
        )
    if state.output == "table":
        _output.message(
            f"{len(report.written)} file(s) written ({report.bytes:,} bytes), "
            f"{len(report.skipped)} already complete, {len(report.failed)} failed"
        )
        for path in report.paths:
            click.echo(str(path))
        for failure in report.failed:
            _output.message(f"  FAILED {failure.name or failure.tile}: {failure.cause}")
    else:
        _output.show_report(report, _output.download_report_dict, state.output)
    if not report.ok:
        raise click.exceptions.Exit(_errors.FAILURE)


def _get_one(
    state: CliState,
    collection: str,
    tile: str,
    name: str,
    destination: Path | None,
    *,
    resume: bool,
    deadline: float | None,
) -> None:
    """One file to DESTINATION (default: its name, in this folder; ``-`` for stdout)."""
    client = state.client()
    # The size asked first bounds the body and is checked before the file is renamed into place.
    size = client.files.size(collection, tile, name)
    if destination is not None and str(destination) == "-":
        # Through a temporary file: checked whole before a byte reaches stdout, in constant memory.
        with tempfile.TemporaryDirectory(prefix="byoc-get-") as folder:
            written = client.files.download(
                collection, tile, name, Path(folder) / "file", size=size, deadline=deadline
            )
            stdout = sys.stdout.buffer
            with written.open("rb") as stream:
                shutil.copyfileobj(stream, stdout)
            stdout.flush()
        return
    target = destination if destination is not None else Path(PurePosixPath(name).name)
    if target.is_dir():
        target = target / PurePosixPath(name).name
    written = client.files.download(
        collection, tile, name, target, resume=resume, size=size, deadline=deadline
    )
    _output.message(f"wrote {written} ({size:,} bytes)")
