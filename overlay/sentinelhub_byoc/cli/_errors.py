"""Exit codes, and how an error becomes one line on stderr.

======  =====================================================================================
code    meaning
======  =====================================================================================
0       done
1       the service or a workflow failed (API errors, no connection, pagination, storage, a
        wait that timed out with tiles still ingesting, files that could not be downloaded)
2       bad usage or input: unknown option, malformed JSON, an invalid id or geometry, a bad
        layout, a missing folder
3       authentication or configuration: rejected credentials, none found, a broken profile,
        a missing optional dependency
4       tiles failed: ``tiles failures`` found some, a workflow saw tiles end FAILED,
        ``cog check`` found errors, ``cog convert`` could not convert a file
130     interrupted (Ctrl-C)
======  =====================================================================================
"""

from __future__ import annotations

import sys
import traceback
from typing import IO, TYPE_CHECKING, Any

import click

from sentinelhub_byoc import errors

if TYPE_CHECKING:
    from sentinelhub_byoc.workflows import WaitResult

OK = 0
FAILURE = 1
USAGE = 2
AUTH = 3
TILES_FAILED = 4
INTERRUPTED = 130

# First match wins, so subclasses come before their bases.
_EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    # The package's "install an extra" errors are ImportErrors too: configuration, not failure.
    (ImportError, AUTH),
    (errors.AuthenticationError, AUTH),
    (errors.ConfigurationError, AUTH),
    (errors.ValidationError, USAGE),
    (errors.IngestionFailedError, TILES_FAILED),
    (errors.BYOCError, FAILURE),
)

_HINTS: tuple[tuple[type[BaseException], str], ...] = (
    (
        errors.AuthenticationError,
        "check SH_CLIENT_ID/SH_CLIENT_SECRET or --profile, then run 'byoc auth check'",
    ),
    (
        errors.PermissionDeniedError,
        "these credentials may not do this; check the account and the bucket policy",
    ),
    (
        errors.NotFoundError,
        "check the id: 'byoc collections list' and 'byoc tiles list COLLECTION' show them",
    ),
    (errors.RateLimitError, "too many requests; wait a little and run the command again"),
    (errors.ServerError, "the service failed; try again later, and quote the request id if it persists"),
    (
        errors.ConfigurationError,
        "on the command line: export SH_CLIENT_ID and SH_CLIENT_SECRET, or --profile NAME; "
        "--emulator needs neither",
    ),
)


def exit_code_for(error: BaseException) -> int:
    """The exit code an error ends the command with."""
    for kind, code in _EXIT_CODES:
        if isinstance(error, kind):
            return code
    return FAILURE


def describe(error: BaseException) -> str:
    """The error as one line: what went wrong and, where it helps, what to do about it."""
    text = " ".join(str(error).split()) or type(error).__name__
    for kind, hint in _HINTS:
        if isinstance(error, kind):
            return f"{text} ({hint})"
    return text


class CommandError(click.ClickException):
    """A failure reported as ``byoc: error: ...`` on one line, with a traceback under ``--debug``."""

    def __init__(self, message: str, exit_code: int = FAILURE, *, debug: bool = False) -> None:
        super().__init__(" ".join(message.split()))
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it on the class only
        # The traceback is captured now: by the time click shows the error the handler has returned.
        self.details = traceback.format_exc() if debug and sys.exc_info()[0] is not None else None

    def show(self, file: IO[Any] | None = None) -> None:
        """Write the traceback (``--debug`` only) and the one line to stderr."""
        stream = file if file is not None else sys.stderr
        if self.details:
            click.echo(self.details.rstrip(), file=stream)
        click.echo(f"byoc: error: {self.format_message()}", file=stream)


class InputError(CommandError):
    """Input the command cannot use (malformed JSON, an unknown member): exit code 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message, USAGE)


def from_exception(error: BaseException, *, debug: bool) -> CommandError:
    """The :class:`CommandError` for an exception a command raised (call inside ``except``)."""
    return CommandError(describe(error), exit_code_for(error), debug=debug)


def missing_dependency(error: ImportError, extra: str) -> CommandError:
    """The error for an optional dependency that is not installed (exit code 3)."""
    name = error.name or "a module"
    return CommandError(
        f"this command needs {name}, which is not installed: pip install 'sentinelhub-byoc[{extra}]'",
        AUTH,
    )


def exit_for_wait(result: WaitResult) -> None:
    """End the command as a wait for ingestion ended: 4 if tiles FAILED, else 1 if any did not finish.

    Tiles still ingesting when the wait timed out, or deleted while waiting, are a workflow that
    did not finish (1); tiles that failed are the user's to fix (4) and take precedence.
    """
    if result.failed:
        raise click.exceptions.Exit(TILES_FAILED)
    if not result.ok:
        raise click.exceptions.Exit(FAILURE)
