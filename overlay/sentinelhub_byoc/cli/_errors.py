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

import json
import re
import shlex
import sys
import traceback
from collections.abc import Callable
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
        "check the id or name: 'byoc collections list' and 'byoc tiles list COLLECTION' show them",
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
    """The error as one line: what went wrong and, where it helps, what to do about it.

    The package's own messages about bad input speak Python (``sensing_time``, ``cover=True``,
    ``a uuid.UUID``); here they are said in flags and commands (:func:`in_cli_words`).
    """
    text = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, errors.ValidationError):
        text = in_cli_words(text)
    if isinstance(error, errors.ConflictError):
        return f"{text} ({_conflict_hint(error)})"
    for kind, hint in _HINTS:
        if isinstance(error, kind):
            return f"{text} ({hint})"
    return text


# The package's messages are written for Python callers; a shell user needs flags and commands.
# Applied in order to the messages of ValidationError (GeometryError included), each pattern
# matching one phrase the package writes.
_CLI_WORDS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(
            r"\b(tile|collection|source collection|target collection) id ('.*?') is not a UUID; "
            r"pass the id as shown by the API \(e\.g\. '[^']*'\), a uuid\.UUID or the object itself"
        ),
        r"\1 id \2 is not a UUID: give an id as 'byoc collections list' or 'byoc tiles list COLLECTION' "
        r"shows it (a collection may also be given by its exact name)",
    ),
    (
        re.compile(
            r"\bsensing_time must be a strptime format such as ('[^']*') or a function of the tile path"
        ),
        r"--sensing-time must be a strptime format such as \1",
    ),
    (re.compile(r", or pass a function that reads the sensing time from a path"), " (--sensing-time)"),
    (
        re.compile(
            r"Simplify it with geometry\.simplify_to\(max_points=(\d+)\)\.geometry "
            r"\(the result reports how much shape was lost\)"
        ),
        r"Simplify it to at most \1 positions first (e.g. in QGIS), or leave the cover geometry out",
    ),
    (re.compile(r"reproject the geometry with geometry\.to_crs\(\.\.\.\) to"), "reproject the geometry to"),
    (
        re.compile(r"if they are projected, pass their CRS \(e\.g\. crs=(\d+)\)"),
        lambda match: (
            'if they are projected, name their CRS in the GeoJSON\'s "crs" member (e.g. '
            f'{{"type": "name", "properties": {{"name": "urn:ogc:def:crs:EPSG::{match[1]}"}}}})'
        ),
    ),
    (
        re.compile(
            r"repair it with shapely\.make_valid\(geometry\.shape\) \(or \.buffer\(0\)\) and pass "
            r"the polygonal result"
        ),
        "repair it (e.g. with QGIS's Fix Geometries) and give the repaired polygon",
    ),
    (
        re.compile(
            r"pass one feature \(collection\['features'\]\[i\]\) or merge them first "
            r"\(e\.g\. shapely\.union_all\)"
        ),
        "give one feature, or merge them into one Polygon or MultiPolygon first",
    ),
    (re.compile(r"\bGeoJSON geometry dict\b"), "GeoJSON geometry object"),
    # Keyword arguments: name=True is the flag --name, name=None is leaving --name out, and
    # name=VALUE is --name VALUE.
    (re.compile(r"\bleave ([a-z]+(?:_[a-z0-9]+)*)=None\b"), lambda match: f"leave out {_flag(match[1])}"),
    (re.compile(r"\b([a-z]+(?:_[a-z0-9]+)*)=True\b"), lambda match: _flag(match[1])),
    (re.compile(r"\b(upload_to|staging|max_delete)="), lambda match: _flag(match[1]) + " "),
)

# The workflows' and models' Python names that are flags of their commands, as a whole word.
_FLAG_NAMES = {
    "sensing_time": "--sensing-time",
    "cover_geometry": "--cover-geometry",
    "no_data": "--no-data",
    "s3_bucket": "--bucket",
    "upload_to": "--upload-to",
    "delete_missing": "--delete-missing",
    "max_delete": "--max-delete",
    "bucket_dir": "--bucket-dir",
    "split_bands": "--split-bands",
    "dry_run": "--dry-run",
}
# Not inside a path or a file name ('scenes/no_data.tif'), nor a keyword argument.
_PYTHON_NAME = re.compile(r"(?<![\w./-])(" + "|".join(_FLAG_NAMES) + r")(?![\w=(./-])")


def _flag(name: str) -> str:
    return _FLAG_NAMES.get(name, "--" + name.replace("_", "-"))


def in_cli_words(text: str) -> str:
    """*text*, a message of the package for Python callers, said in the command line's words.

    >>> in_cli_words("sensing_time 'x' is not an ISO 8601 timestamp")
    "--sensing-time 'x' is not an ISO 8601 timestamp"
    >>> in_cli_words("cover=True traces geometries from local files")
    '--cover traces geometries from local files'
    """
    for pattern, replacement in _CLI_WORDS:
        text = pattern.sub(replacement, text)
    return _PYTHON_NAME.sub(lambda match: _FLAG_NAMES[match[1]], text)


_TILES_URL = re.compile(r"/collections/([0-9A-Fa-f-]{36})/tiles/?$")


def _conflict_hint(error: errors.ConflictError) -> str:
    """What to do about a 409: for a tile path that is taken, the commands that find and reingest it.

    The collection and the path are read back from the (redacted) request, so that the command
    shown can be run as it is.
    """
    from sentinelhub_byoc.cli._tables import printable

    request = error.request
    if request is not None and (request.method != "POST" or not _TILES_URL.search(request.url.path)):
        return "it conflicts with what the service holds now; look again and retry"
    collection, path = "COLLECTION", "PATH"
    if request is not None:
        collection = _TILES_URL.search(request.url.path)[1]  # type: ignore[index]  # matched above
        try:
            sent = json.loads(request.content)
        except (ValueError, RecursionError):
            sent = None
        if isinstance(sent, dict) and isinstance(sent.get("path"), str) and sent["path"]:
            path = shlex.quote(printable(sent["path"]))
    return (
        f"a tile with that path exists: find it with: byoc tiles list {collection} --path {path}; "
        f"ingest it again with: byoc tiles reingest {collection} TILE"
    )


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
