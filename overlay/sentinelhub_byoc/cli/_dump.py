"""``byoc emulator dump``: an account's collections and tiles, as the service answered them, in a seed file.

The file is ``{"collections": [...]}``: each collection is the JSON object the service answered
for it, member for member, with a ``tiles`` member appended holding its tiles, each as the
service answered it, in listing order. One record is written per line as soon as it is read:
one collection at a time and one page of tiles at a time, so memory stays flat however many
tiles there are. The file is written under a temporary name beside it, synced and renamed
over it at the end; a failure or Ctrl-C removes the temporary file and leaves an existing one
as it was. It holds only what the service answered: no credentials, tokens or URLs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs
import click

from sentinelhub_byoc._replacing import replacing
from sentinelhub_byoc.cli import _output
from sentinelhub_byoc.cli._context import CliState, pass_state
from sentinelhub_byoc.cli._names import COLLECTION
from sentinelhub_byoc.cli._progress import ProgressBars
from sentinelhub_byoc.workflows.events import Progress, ProgressCallback, report_progress

if TYPE_CHECKING:
    from sentinelhub_byoc.client import BYOCClient
    from sentinelhub_byoc.models import Collection
    from sentinelhub_byoc.models._codec import ApiModel

TILES = "tiles"
"""The member appended to each collection: its tiles."""


@attrs.frozen
class Dumped:
    """What a dump wrote."""

    collections: int
    """How many collections."""
    tiles: int
    """How many tiles, of every collection together."""


def write_dump(
    client: BYOCClient,
    out: Path,
    collection_ids: Sequence[str] = (),
    max_tiles: int | None = None,
    *,
    on_progress: ProgressCallback | None = None,
) -> Dumped:
    """Write *collection_ids*' collections (default: every one of the account's) and their tiles to *out*.

    At most *max_tiles* tiles of each collection, the first listed. *on_progress* hears of each
    tile written (stage ``download``, no total). *out* is replaced only once the dump is whole
    and on disk; on any error it is left as it was and the temporary file is removed.
    """
    with replacing(out, encoding="ascii") as file:
        collections = (
            (client.collections.get(given) for given in collection_ids)
            if collection_ids
            else client.collections.list()
        )
        return _write(file, client, collections, max_tiles, on_progress)


def _write(
    file: IO[str],
    client: BYOCClient,
    collections: Iterable[Collection],
    max_tiles: int | None,
    on_progress: ProgressCallback | None,
) -> Dumped:
    collection_count = tile_count = 0
    file.write('{"collections": [')
    for collection in collections:
        file.write(",\n" if collection_count else "\n")
        collection_count += 1
        members = _received(collection)
        # The appended member is the file's own: a member of that name from the service would
        # make it ambiguous.
        members.pop(TILES, None)
        head = json.dumps(members)
        file.write(f'{head[:-1]}{", " if members else ""}"{TILES}": [')
        written = 0
        for tile in client.tiles.list(collection, limit=max_tiles):
            file.write(",\n" if written else "\n")
            file.write(json.dumps(_received(tile)))
            written += 1
            tile_count += 1
            report_progress(on_progress, Progress("download", tile_count, item=tile.path))
        file.write("\n]}" if written else "]}")
    file.write("\n]}\n" if collection_count else "]}\n")
    return Dumped(collection_count, tile_count)


def _received(model: ApiModel) -> dict[str, Any]:
    received = model.as_received()
    assert received is not None, "the client's models are read from answers"
    return received


def _counted(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


@click.command("dump")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="the seed file to write (JSON); replaced only once the dump is whole.",
)
@click.option(
    "--collection",
    "collections",
    multiple=True,
    type=COLLECTION,
    metavar="COLLECTION",
    help="only this collection (id or exact name); repeat for more. Default: all.",
)
@click.option(
    "--max-tiles",
    type=click.IntRange(min=0),
    metavar="N",
    help="at most N tiles of each collection, the first listed.",
)
@pass_state
def command(state: CliState, out: Path, collections: tuple[str, ...], max_tiles: int | None) -> None:
    """Write the account's collections and tiles, as the service answers them, to a seed file.

    Replay them with: byoc emulator serve --seed FILE. The file holds only what the service
    answered, never credentials or tokens; it is readable by you only.

    \b
    byoc emulator dump --out seed.json
    byoc --profile prod emulator dump --out seed.json --max-tiles 100
    """
    if str(out) == "-":
        raise click.BadParameter(
            "the dump is written to a file, not to stdout; give a file name", param_hint="--out"
        )
    if not out.parent.is_dir():
        raise click.BadParameter(f"{out.parent} is not a folder; create it first", param_hint="--out")
    client = state.client()
    with ProgressBars() as bars:
        dumped = write_dump(client, out, list(dict.fromkeys(collections)), max_tiles, on_progress=bars)
    _output.message(
        f"dumped {_counted(dumped.collections, 'collection')}, {_counted(dumped.tiles, 'tile')} to {out}"
    )
