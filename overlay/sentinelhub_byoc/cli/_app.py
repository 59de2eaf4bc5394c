"""The ``byoc`` group: global options, error handling, and the command groups it is made of.

Each command group lives in a module of its own (``_collections.py``, ``_tiles.py``...) and is
added to :data:`COMMANDS`; a new command is a function in its group's module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sentinelhub_byoc._logging import redact_text
from sentinelhub_byoc._version import __version__
from sentinelhub_byoc.cli import (
    _auth,
    _cog,
    _collections,
    _completion,
    _demo,
    _errors,
    _files,
    _global_options,
    _pipes,
    _serve,
    _tiles,
)
from sentinelhub_byoc.cli._context import (
    OUTPUT_FORMATS,
    CliState,
    enable_debug_logging,
    run_secrets,
    show_warnings,
)
from sentinelhub_byoc.errors import BYOCError

COMMANDS: tuple[click.Command, ...] = (
    _collections.group,
    _tiles.group,
    _files.group,
    _cog.group,
    _auth.group,
    _serve.group,
    _demo.command,
    _completion.command,
)

_EPILOG = """\b
Exit codes: 0 done, 1 the service or a workflow failed, 2 bad usage or input,
3 authentication or configuration, 4 tiles failed, 130 interrupted,
141 stdout closed early (as by `| head`).

A COLLECTION is a collection's id or its exact name. The options above may also
follow the command: byoc collections list --debug.

\b
Credentials come from SH_CLIENT_ID/SH_CLIENT_SECRET, else a profile of
~/.config/sentinelhub/config.toml (--profile or SH_PROFILE). Try the commands
without an account: byoc --emulator-state ./emu collections list
"""


class ByocGroup(click.Group):
    """A group that turns the package's errors into one line on stderr and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; report a failure as ``byoc: error: ...`` with its exit code."""
        try:
            result = super().invoke(ctx)
            _pipes.flush_stdout()
            return result
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise _errors.CommandError("interrupted", _errors.INTERRUPTED) from None
        except BYOCError as error:
            raise _hide_secrets(_errors.from_exception(error, debug=_debug(ctx)), ctx) from error
        except ImportError as error:
            raise _errors.missing_dependency(error, "all") from error
        except OSError as error:
            if _pipes.stdout_closed(error):
                # The reader wanted no more (``| head``): no message, the status of a closed pipe.
                raise _pipes.end_quietly() from None
            # A file that cannot be read or written is the user's to fix, not a bug to trace.
            failure = _errors.CommandError(_errors.describe(error), _errors.FAILURE, debug=_debug(ctx))
            raise _hide_secrets(failure, ctx) from error


def _hide_secrets(error: _errors.CommandError, ctx: click.Context) -> _errors.CommandError:
    """Hide the run's client secret in the ``--debug`` traceback, causes included.

    The package's errors are redacted already; an exception they were raised from (a cause in
    the traceback) is whatever the code below said.
    """
    state = ctx.find_object(CliState)
    if error.details and state is not None:
        error.details = redact_text(error.details, run_secrets(state))
    return error


def _debug(ctx: click.Context) -> bool:
    state = ctx.find_object(CliState)
    return state is not None and state.debug


@click.group(
    cls=ByocGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=_EPILOG,
)
@click.option(
    "--deployment",
    metavar="NAME",
    help="eu, us-west, gcp, creodias, cdse, cdse-otc, a location id such as creo, or auto "
    "(where the COLLECTION is); default: the profile's, else eu.",
)
@click.option(
    "--profile", metavar="NAME", help="profile of the Sentinel Hub profiles file (default: SH_PROFILE)."
)
@click.option(
    "--base-url", metavar="URL", help="API base URL of another installation, e.g. http://127.0.0.1:8080."
)
@click.option(
    "--token-url",
    metavar="URL",
    help="OAuth2 token URL for --base-url (default: the preset's, else the Keycloak path under it).",
)
@click.option("--emulator", is_flag=True, help="run against a local emulator started for this one command.")
@click.option(
    "--emulator-state",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="keep the emulator's collections, tiles and buckets in DIR between commands (implies --emulator).",
)
@click.option(
    "--output",
    "-o",
    type=click.Choice(OUTPUT_FORMATS),
    default="table",
    show_default=True,
    help="table for people; json, ndjson (one object per line) or geojson (tiles) for programs.",
)
@click.option("--debug", is_flag=True, help="full tracebacks and the HTTP log (secrets redacted) on stderr.")
@click.version_option(__version__, "--version", "-V", prog_name="byoc", message="%(prog)s %(version)s")
@click.pass_context
def byoc(ctx: click.Context, /, **options: Any) -> None:
    """Sentinel Hub's Bring Your Own COG (BYOC) API from the command line."""
    state = CliState(**options)
    state.check()
    ctx.obj = state
    ctx.call_on_close(state.close)
    show_warnings(state)
    if state.debug:
        enable_debug_logging(state)


for _command in COMMANDS:
    byoc.add_command(_command)

_global_options.accept_everywhere(byoc)
