"""``byoc files``: the files of tiles in Planet-delivered collections (ls, get, size)."""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath

import click

from sentinelhub_byoc.cli import _output
from sentinelhub_byoc.cli._context import CliState, output_option, pass_state


@click.group("files")
def group() -> None:
    """Files of tiles in Planet-delivered collections."""


@group.command("ls")
@output_option
@click.argument("collection")
@click.argument("tile")
@pass_state
def ls(state: CliState, collection: str, tile: str) -> None:
    """List a tile's files."""
    _output.show_values("name", state.client().files.list(collection, tile), state.output)


@group.command("size")
@output_option
@click.argument("collection")
@click.argument("tile")
@click.argument("name")
@pass_state
def size(state: CliState, collection: str, tile: str, name: str) -> None:
    """Show a file's size in bytes."""
    _output.show_record(
        {"name": name, "size": state.client().files.size(collection, tile, name)}, state.output
    )


@group.command("get")
@click.argument("collection")
@click.argument("tile")
@click.argument("name")
@click.argument("destination", required=False, type=click.Path(path_type=Path, allow_dash=True))
@click.option("--no-resume", is_flag=True, help="start again instead of resuming a partial download.")
@pass_state
def get(
    state: CliState, collection: str, tile: str, name: str, destination: Path | None, no_resume: bool
) -> None:
    """Download a file to DESTINATION (default: its name, in this folder; - for stdout).

    A partial download is kept as DESTINATION.part and resumed by the next run.
    """
    client = state.client()
    if destination is not None and str(destination) == "-":
        stdout = sys.stdout.buffer
        stdout.write(client.files.read(collection, tile, name))
        stdout.flush()
        return
    target = destination if destination is not None else Path(PurePosixPath(name).name)
    if target.is_dir():
        target = target / PurePosixPath(name).name
    written = client.files.download(collection, tile, name, target, resume=not no_resume)
    _output.message(f"wrote {written} ({written.stat().st_size:,} bytes)")
