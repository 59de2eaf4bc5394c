"""``byoc auth``: checking that the credentials work."""

from __future__ import annotations

import click

from sentinelhub_byoc.cli import _output
from sentinelhub_byoc.cli._context import CliState, output_option, pass_state


@click.group("auth")
def group() -> None:
    """Check credentials (SH_CLIENT_ID/SH_CLIENT_SECRET or a profile)."""


@group.command("check")
@output_option
@pass_state
def check(state: CliState) -> None:
    """Get a token and list one collection: the credentials and the deployment work."""
    client = state.client()
    source = "embedded emulator" if state.uses_emulator else _credentials_source(state)
    page = next(iter(client.collections.pages(page_size=1)), None)
    record = {
        "deployment": client.deployment.name,
        "apiUrl": client.deployment.api_url,
        "tokenUrl": client.deployment.token_url,
        "credentials": source,
        "collectionsVisible": bool(page and page.items),
        "ok": True,
    }
    _output.show_record(record, state.output)


def _credentials_source(state: CliState) -> str:
    from sentinelhub_byoc.config import resolve_config

    config = resolve_config(deployment=state.chosen_deployment(), profile=state.profile)
    return f"{config.source}, client id {config.credentials.client_id}"
