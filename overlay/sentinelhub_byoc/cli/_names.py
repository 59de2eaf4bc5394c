"""Collections given by id or by exact name, as people type them.

A ``COLLECTION`` argument (``type=COLLECTION``) takes a collection's id, or its exact name: the
name is looked up among the account's collections when the command line is read, before the
command runs, and stands for that collection's id. No collection of that name, or more than
one, is an error (exit code 2) that says what to do. A value that is a UUID is taken as an id
and never looked up, so a script that passes ids makes no extra request.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any
from uuid import UUID

import click

from sentinelhub_byoc.cli._context import CliState
from sentinelhub_byoc.cli._errors import InputError

if TYPE_CHECKING:
    from sentinelhub_byoc.client import BYOCClient


def is_uuid(text: str) -> bool:
    """Whether *text* is a UUID in any form the API's ids are written in."""
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def resolve_collection(client: BYOCClient, given: str, what: str = "COLLECTION") -> str:
    """The id of the collection *given* names: itself when it is an id, else the one so named.

    Every collection is listed and the names compared exactly (the API's ``search`` matches
    words, not names). Raises :class:`InputError` when none or several are so named.
    """
    if is_uuid(given):
        return given
    from sentinelhub_byoc.cli._tables import printable

    shown = printable(given)
    if not given.strip():
        raise InputError(f"{what} is empty: give a collection's id or its exact name")
    named = [found for found in client.collections.list() if found.name == given and found.id is not None]
    if len(named) == 1:
        return str(named[0].id)
    if not named:
        raise InputError(
            f"{what}: no collection is named '{shown}', and it is not an id; find it with: "
            f"byoc collections list --search {shlex.quote(printable(given, one_line=True))}"
        )
    ids = ", ".join(str(found.id) for found in named)
    raise InputError(
        f"{what}: {len(named)} collections are named '{shown}' ({ids}); give the id of the one you mean"
    )


class CollectionParam(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2 on
    """A click type for a collection given by id or by exact name; the value is its id."""

    name = "collection"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The collection's id; a name is looked up with the run's client."""
        text = str(value)
        if ctx is None or ctx.resilient_parsing:
            # Completing a command line makes no request.
            return text
        state = ctx.find_object(CliState)
        what = (param.human_readable_name if param is not None else "COLLECTION").upper()
        if state is not None and state.locates:
            if not is_uuid(text):
                raise InputError(
                    f"{what}: --deployment auto needs the collection's id, not its name (names are "
                    "looked up within one deployment); find the id with: byoc collections list"
                )
            state.locate(text)
        if is_uuid(text) or state is None:
            return text
        return resolve_collection(state.client(), text, what)


COLLECTION = CollectionParam()
"""``type=COLLECTION`` for an argument naming a collection by id or by exact name."""
