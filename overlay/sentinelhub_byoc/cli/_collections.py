"""``byoc collections``: list, get, create, update, delete, copy-tiles."""

from __future__ import annotations

from typing import Any

import attrs
import click

from sentinelhub_byoc.cli import _confirm, _errors, _input, _output
from sentinelhub_byoc.cli._context import (
    CliState,
    concurrency_option,
    output_option,
    pass_state,
    timeout_option,
)
from sentinelhub_byoc.cli._names import COLLECTION
from sentinelhub_byoc.cli._progress import ProgressBars
from sentinelhub_byoc.models import Collection


@click.group("collections")
def group() -> None:
    """Collections: a bucket of COGs and the bands read from them."""


@group.command("list")
@output_option
@_output.wide_option
@click.option("--search", metavar="TEXT", help="only collections matching a word (a|b or, a&b and).")
@click.option("--limit", type=click.IntRange(min=1), help="at most this many.")
@pass_state
def list_(state: CliState, search: str | None, limit: int | None) -> None:
    """List the collections."""
    _output.show_collections(state.client().collections.list(search=search, limit=limit), state.output)


@group.command("get")
@output_option
@_output.wide_option
@click.argument("collection", type=COLLECTION)
@pass_state
def get(state: CliState, collection: str) -> None:
    """Show one collection, given by id or by exact name."""
    _output.show_collections([state.client().collections.get(collection)], state.output, single=True)


def _fields(name: str | None, bucket: str | None, no_data: float | None) -> dict[str, Any]:
    given = {"name": name, "s3_bucket": bucket, "no_data": no_data}
    return {key: value for key, value in given.items() if value is not None}


_JSON_HELP = (
    "the collection as JSON (API members: name, s3Bucket, noData, additionalData): "
    "text, @FILE or - for stdin."
)


@group.command("create")
@output_option
@_output.wide_option
@click.option("--name", help="the collection's name.")
@click.option("--bucket", help="the S3 bucket holding its COGs.")
@click.option("--no-data", type=float, help="the no-data value of every band.")
@click.option("--storage-identifier", metavar="ID", help="CDSE only: waw3-1, waw3-2 or waw4-1.")
@click.option("--json", "json_source", metavar="JSON", help=_JSON_HELP + " Options override its members.")
@pass_state
def create(
    state: CliState,
    name: str | None,
    bucket: str | None,
    no_data: float | None,
    storage_identifier: str | None,
    json_source: str | None,
) -> None:
    """Create a collection from options, JSON, or both.

    \b
    byoc collections create --name my-cogs --bucket my-bucket
    byoc collections create --json '{"name": "my-cogs", "s3Bucket": "my-bucket"}'
    """
    base = _input.to_model(Collection, _input.read_object(json_source)) if json_source else Collection()
    collection = attrs.evolve(base, **_fields(name, bucket, no_data))
    if storage_identifier is not None:
        additional = collection.additional_data
        collection = attrs.evolve(
            collection,
            additional_data=attrs.evolve(additional, storage_identifier=storage_identifier)
            if additional is not None
            else _storage(storage_identifier),
        )
    if not collection.name or not collection.s3_bucket:
        raise click.UsageError("a collection needs a name and a bucket: --name and --bucket, or --json")
    created = state.client().collections.create(collection)
    _output.show_collections([created], state.output, single=True)


def _storage(identifier: str) -> Any:
    from sentinelhub_byoc.models import CollectionAdditionalData

    return CollectionAdditionalData(storage_identifier=identifier)


@group.command("update")
@output_option
@_output.wide_option
@click.argument("collection", type=COLLECTION)
@click.option("--name", help="a new name.")
@click.option("--bucket", help="a new bucket.")
@click.option("--no-data", type=float, help="a new no-data value.")
@click.option("--json", "json_source", metavar="JSON", help="members to change, as JSON: text, @FILE or -.")
@pass_state
def update(
    state: CliState,
    collection: str,
    name: str | None,
    bucket: str | None,
    no_data: float | None,
    json_source: str | None,
) -> None:
    """Change a collection's name, bucket, no-data value or bands; what is not given is kept.

    --json gives the members to change, nested ones too: {"additionalData": {"bands": {...}}}
    changes the bands and keeps the rest.

    \b
    byoc collections update COLLECTION --name renamed
    byoc collections update COLLECTION --json @bands.json
    """
    changes = _input.read_object(json_source) if json_source else {}
    fields = _fields(name, bucket, no_data)
    if not changes and not fields:
        raise click.UsageError("nothing to change: give --name, --bucket, --no-data or --json")
    client = state.client()
    current = client.collections.get(collection)
    merged = _input.to_model(Collection, _merge(current.to_dict(), changes))
    updated = client.collections.update(attrs.evolve(merged, **fields))
    _output.show_collections([updated], state.output, single=True)


def _merge(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """*current* with *changes* applied member by member, into nested objects too.

    ``{"additionalData": {"bands": ...}}`` changes the bands and keeps the storage identifier.
    """
    merged = dict(current)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@group.command("delete")
@click.argument("collections", nargs=-1, required=True, type=COLLECTION)
@_confirm.yes_option
@click.option("--force", is_flag=True, help="delete every tile of the collection first.")
@concurrency_option(16, "tiles deleted (--force)")
@pass_state
def delete(state: CliState, collections: tuple[str, ...], yes: bool, force: bool, concurrency: int) -> None:
    """Delete collections, by id or name: asks first, naming each and counting its tiles.

    Without a terminal (a script, a pipe, CI) nothing is deleted unless --yes is given.

    \b
    byoc collections delete COLLECTION --force    # its tiles, then the collection
    byoc collections delete COLLECTION --yes      # in a script: no question
    """
    ask = _confirm.require_consent("collections delete", yes=yes)
    client = state.client()
    if ask:
        _confirm.confirm_collections(client, collections)
    for collection in collections:
        if not force:
            client.collections.delete(collection)
            _output.message(f"deleted collection {collection}")
            continue
        from sentinelhub_byoc import workflows

        with ProgressBars() as bars:
            count = workflows.delete_collection(
                client, collection, force=True, concurrency=concurrency, on_progress=bars
            )
        _output.message(f"deleted collection {collection} and its {count} tile(s)")


@group.command("copy-tiles")
@output_option
@_output.wide_option
@click.argument("source", type=COLLECTION)
@click.argument("target", type=COLLECTION)
@click.option("--wait", is_flag=True, help="wait for TARGET's tiles' ingestion, then show how it ended.")
@timeout_option
@pass_state
def copy_tiles(state: CliState, source: str, target: str, wait: bool, timeout: float) -> None:
    """Copy SOURCE's ingested tiles whose paths TARGET lacks (bands must match, or TARGET has none).

    With --wait, the exit code is 4 when some copies FAILED, 1 when the wait timed out.
    """
    if not wait:
        state.client().collections.copy_tiles(source, target)
        _output.message(f"copying tiles of collection {source} into {target}")
        return
    from sentinelhub_byoc import workflows

    _output.no_geojson(state.output)
    with ProgressBars() as bars:
        result = workflows.copy_tiles(state.client(), source, target, timeout=timeout, on_progress=bars)
    assert result is not None  # waited for, so there is a result
    _output.show_report(result, _output.wait_result_dict, state.output)
    _errors.exit_for_wait(result)
