"""Asking before anything is deleted, as gh does: a person at a terminal is asked, a script says --yes.

A command that deletes (``collections delete``, ``tiles delete``) calls :func:`require_consent`
before it changes anything, then, when a person is to be asked, :func:`confirm_collections` or
:func:`confirm_tiles`. With ``--yes`` it goes on. Without it, a person at a terminal is
shown what will go (names, ids, tile counts) and asked; anywhere else (stdin a pipe, a file, a
CI job) the command refuses with exit code 2 and a message naming ``--yes``, having deleted
nothing: no one is there to answer, and a delete nobody confirmed is not done.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from itertools import islice
from typing import TYPE_CHECKING

import click

from sentinelhub_byoc.cli import _errors

if TYPE_CHECKING:
    from sentinelhub_byoc.client import BYOCClient

yes_option = click.option(
    "--yes", "-y", is_flag=True, help="delete without asking (needed when stdin is not a terminal)."
)
"""``--yes``/``-y`` of the commands that delete."""

#: Tiles counted for a prompt; past this, the prompt says "more than".
MAX_COUNTED_TILES = 1_000
#: Tiles a prompt lists one per line; the rest are counted.
MAX_LISTED_TILES = 10


def require_consent(command: str, *, yes: bool) -> bool:
    """Whether a person must be asked: ``False`` with --yes; refuse when no one can be asked.

    Called before anything is changed, so that a refusal leaves everything as it was.
    """
    if yes:
        return False
    if not sys.stdin.isatty():
        raise _errors.CommandError(
            f"'byoc {command}' deletes only when confirmed: stdin is not a terminal, so no one can "
            "be asked; add --yes to delete without asking. Nothing was deleted",
            _errors.USAGE,
        )
    return True


def ask(question: str, details: Iterable[str] = ()) -> None:
    """Show *details* and ask *question* on the terminal; unless the answer is yes, end (exit 1)."""
    for line in details:
        click.echo(line, err=True)
    if not click.confirm(question, default=False, err=True):
        click.echo("byoc: nothing was deleted", err=True)
        raise click.exceptions.Exit(_errors.FAILURE)


def count_tiles(client: BYOCClient, collection: str) -> str:
    """``"4 tiles"``, ``"1 tile"``, ``"no tiles"`` or ``"more than 1000 tiles"``: what a prompt says."""
    found = sum(1 for _ in islice(client.tiles.list(collection), MAX_COUNTED_TILES + 1))
    if found > MAX_COUNTED_TILES:
        return f"more than {MAX_COUNTED_TILES} tiles"
    return _tiles(found)


def _tiles(count: int) -> str:
    if count == 0:
        return "no tiles"
    return "1 tile" if count == 1 else f"{count} tiles"


def collection_label(client: BYOCClient, collection: str) -> str:
    """``collection 'NAME' (ID)``, the name as the service has it, safe for a terminal."""
    from sentinelhub_byoc.cli._tables import printable

    name = client.collections.get(collection).name
    shown = f"'{printable(name, one_line=True)}'" if name else "(no name)"
    return f"collection {shown} ({collection})"


def confirm_collections(client: BYOCClient, collections: Iterable[str]) -> None:
    """Ask before deleting *collections*, naming each and counting its tiles."""
    described = [(collection_label(client, c), count_tiles(client, c)) for c in collections]
    if len(described) == 1:
        label, tiles = described[0]
        which = ", which has no tiles" if tiles == "no tiles" else f" and its {tiles}"
        ask(f"Delete {label}{which}?")
        return
    ask(
        f"Delete these {len(described)} collections and their tiles?",
        [f"  {label}: {tiles}" for label, tiles in described],
    )


def confirm_tiles(client: BYOCClient, collection: str, tiles: list[str]) -> None:
    """Ask before deleting *tiles* of *collection*, listing the first few by id and path."""
    from sentinelhub_byoc.cli._tables import printable
    from sentinelhub_byoc.errors import NotFoundError

    def path_of(tile: str) -> str:
        try:
            found = client.tiles.get(collection, tile).path
        except NotFoundError:
            return "(not found)"
        return printable(found) if found else "(no path)"

    details = [f"  {tile}  {path_of(tile)}" for tile in tiles[:MAX_LISTED_TILES]]
    if len(tiles) > MAX_LISTED_TILES:
        details.append(f"  … and {len(tiles) - MAX_LISTED_TILES} more")
    ask(f"Delete {_tiles(len(tiles))} of {collection_label(client, collection)}?", details)
