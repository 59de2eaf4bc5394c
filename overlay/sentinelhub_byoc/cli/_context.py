"""What the global options decide, shared by every command: the client, the output format, debug.

The client is built on first use, so ``byoc --help`` and usage errors need no credentials. With
``--emulator`` the command runs against an emulator served on loopback for this one command,
kept in ``--emulator-state`` between commands when that is given.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import attrs
import click

from sentinelhub_byoc.cli._errors import InputError, missing_dependency

if TYPE_CHECKING:
    from sentinelhub_byoc.client import BYOCClient
    from sentinelhub_byoc.deployments import Deployment

AUTO = "auto"
"""``--deployment auto``: the deployment that holds the command's collection."""

REQUESTS_PER_MINUTE_VARIABLE = "BYOC_REQUESTS_PER_MINUTE"
SHARED_RATE_LIMIT_VARIABLE = "BYOC_SHARED_RATE_LIMIT"


def rate_limit_options(environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The client's rate limit from ``BYOC_REQUESTS_PER_MINUTE`` and ``BYOC_SHARED_RATE_LIMIT``.

    ``BYOC_REQUESTS_PER_MINUTE=600`` limits each command to 600 requests a minute; with
    ``BYOC_SHARED_RATE_LIMIT=1`` as well, every command (every shell) using the same credentials
    shares those 600 through a file. A value that is not one is a usage error, before any request.
    """
    rate = environ.get(REQUESTS_PER_MINUTE_VARIABLE, "").strip()
    shared = environ.get(SHARED_RATE_LIMIT_VARIABLE, "").strip().lower()
    if shared not in ("", "0", "1", "true", "false", "yes", "no"):
        raise click.UsageError(f"{SHARED_RATE_LIMIT_VARIABLE} must be 1 or 0, got {shared!r}")
    sharing = shared in ("1", "true", "yes")
    if not rate:
        if sharing:
            raise click.UsageError(
                f"{SHARED_RATE_LIMIT_VARIABLE}=1 needs {REQUESTS_PER_MINUTE_VARIABLE} (the account's "
                "requests per minute, e.g. 600)"
            )
        return {}
    try:
        per_minute = float(rate)
    except ValueError:
        per_minute = math.nan
    if not (math.isfinite(per_minute) and per_minute > 0):
        raise click.UsageError(f"{REQUESTS_PER_MINUTE_VARIABLE} must be a positive number, got {rate!r}")
    return {"requests_per_minute": per_minute, "shared_rate_limit": sharing}


OutputFormat = Literal["table", "json", "ndjson", "geojson"]
OUTPUT_FORMATS: tuple[OutputFormat, ...] = ("table", "json", "ndjson", "geojson")


@attrs.define
class CliState:
    """The global options of one ``byoc`` run, and the client made from them."""

    deployment: str | None = None
    profile: str | None = None
    base_url: str | None = None
    token_url: str | None = None
    emulator: bool = False
    emulator_state: Path | None = None
    output: OutputFormat = "table"
    debug: bool = False
    _located: Deployment | None = attrs.field(default=None, repr=False, alias="_located")
    _client: BYOCClient | None = attrs.field(default=None, repr=False, alias="_client")
    _resources: contextlib.ExitStack = attrs.field(
        factory=contextlib.ExitStack, repr=False, alias="_resources"
    )

    @property
    def uses_emulator(self) -> bool:
        """Whether commands run against an embedded emulator."""
        return self.emulator or self.emulator_state is not None

    def emulator_bucket_dir(self, bucket: str) -> Path | None:
        """The folder of *bucket* in ``--emulator-state``'s emulator, or ``None`` without that option.

        The emulator of a state folder keeps bucket ``b`` in ``STATE/buckets/b`` (its default
        ``data_dir``), the folder it ingests from.
        """
        if self.emulator_state is None:
            return None
        return self.emulator_state / "buckets" / bucket

    def check(self) -> None:
        """Refuse combinations of global options that contradict each other."""
        if self.uses_emulator and (self.deployment or self.base_url or self.token_url or self.profile):
            raise click.UsageError(
                "--emulator runs against a local emulator; leave out --deployment, --base-url, "
                "--token-url and --profile"
            )
        if self.deployment and not self.locates and (self.base_url or self.token_url):
            raise click.UsageError("give either --deployment or --base-url/--token-url, not both")
        if self.token_url and not self.base_url:
            raise click.UsageError("--token-url needs --base-url")

    @property
    def locates(self) -> bool:
        """Whether ``--deployment auto`` asks the service where the command's collection lives."""
        return (self.deployment or "").strip().lower() == AUTO

    def locate(self, collection_id: str) -> None:
        """Find the deployment holding *collection_id*, for ``--deployment auto``; the first one counts.

        The global lookup is asked where the other options point (``--base-url``, the profile,
        else EU); every later request of the run goes where the collection is.
        """
        if self._located is not None or self._client is not None:
            return
        with self._client_at(self.chosen_deployment()) as asking:
            self._located = asking.collections.locate(collection_id)

    def chosen_deployment(self) -> str | Deployment | None:
        """The deployment the options name, or ``None`` for the client's own choice (profile, EU).

        With ``--deployment auto``: the one found for the command's collection, once it is found;
        before that, where the global lookup is asked.
        """
        if self.locates and self._located is not None:
            return self._located
        if self.base_url is None:
            return None if self.locates else self.deployment
        from sentinelhub_byoc.deployments import Deployment, deployment_from_urls
        from sentinelhub_byoc.errors import ValidationError

        try:
            found = deployment_from_urls(self.base_url, self.token_url)
            if found.name == "custom" and self.token_url is None:
                # Not a Sentinel Hub address: a private installation or an emulator, whose token
                # endpoint lives under the same base URL.
                return Deployment.custom(self.base_url)
        except ValidationError as error:
            raise click.BadParameter(str(error), param_hint="--base-url/--token-url") from None
        return found

    def client(self) -> BYOCClient:
        """The client for this run, made on first use and closed when the run ends."""
        if self._client is None:
            self._client = self._resources.enter_context(
                self._emulator_client() if self.uses_emulator else self._service_client()
            )
        return self._client

    def close(self) -> None:
        """Close the client and stop the emulator, if either was started."""
        self._resources.close()
        self._client = None

    def _service_client(self) -> BYOCClient:
        if self.locates and self._located is None:
            raise click.UsageError(
                "--deployment auto finds the deployment of the command's COLLECTION; this command "
                "names none, so give the deployment (eu, us-west, gcp...)"
            )
        return self._client_at(self.chosen_deployment())

    def _client_at(self, deployment: str | Deployment | None) -> BYOCClient:
        """A client of the service at *deployment*, with the run's profile and rate limit."""
        from sentinelhub_byoc.client import BYOCClient

        return BYOCClient(deployment=deployment, profile=self.profile, **rate_limit_options())

    def _emulator_client(self) -> BYOCClient:
        try:
            from sentinelhub_byoc.testing import Emulator, client_for, serve
        except ImportError as error:
            raise missing_dependency(error, "emulator") from None
        if (
            self.emulator_state is not None
            and self.emulator_state.exists()
            and not self.emulator_state.is_dir()
        ):
            raise InputError(f"--emulator-state {self.emulator_state} is not a folder")
        emulator = self._resources.enter_context(_state_emulator(Emulator, self.emulator_state))
        server = self._resources.enter_context(serve(emulator))
        return client_for(server, **rate_limit_options())


def _state_emulator(make: Callable[..., Any], folder: Path | None) -> Any:
    """``Emulator(state_dir=folder)``; a folder another command holds is an error saying why.

    The emulator behind ``--emulator-state`` is a process's own: two commands on one folder run
    one after the other, never at once, so one command cannot feed another through a pipe.
    """
    from sentinelhub_byoc.testing._database import StateInUseError

    try:
        return make(state_dir=folder)
    except StateInUseError:
        raise InputError(
            f"--emulator-state {folder}: another byoc command or emulator is using it; commands on one "
            "state folder run one at a time (to feed one into another, write the first one's output "
            "to a file and give that to the second)"
        ) from None


class _StderrHandler(logging.Handler):
    """Writes to whatever ``sys.stderr`` is when a record arrives (test runners swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(self.format(record), err=True)
        except Exception:  # a broken stderr must not end the command
            self.handleError(record)


class _RedactingFormatter(logging.Formatter):
    """Hides the run's client secret in each formatted line, in any encoding, tracebacks included.

    The package redacts its log lines already; this also covers whatever a line quotes from a
    server, should a future line do so.
    """

    def __init__(self, fmt: str, secrets: Callable[[], tuple[str, ...]]) -> None:
        super().__init__(fmt)
        self._secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        """The line as :class:`logging.Formatter` writes it, with the secrets replaced."""
        from sentinelhub_byoc._logging import redact_text

        return redact_text(super().format(record), self._secrets())


def _run_secrets(state: CliState) -> Callable[[], tuple[str, ...]]:
    """:func:`run_secrets`, looked up once when first needed."""
    found: list[tuple[str, ...]] = []

    def secrets() -> tuple[str, ...]:
        if not found:
            found.append(run_secrets(state))
        return found[0]

    return secrets


def run_secrets(state: CliState) -> tuple[str, ...]:
    """The client secret of the run's credentials, and ``id:secret``; none for the emulator.

    What ``--debug`` output hides again, in any encoding, besides what the package redacts.
    """
    if state.uses_emulator:
        return ()
    from sentinelhub_byoc.config import resolve_config
    from sentinelhub_byoc.errors import BYOCError

    try:
        credentials = resolve_config(profile=state.profile).credentials
    except (BYOCError, OSError):  # no credentials: the command says so itself
        return ()
    return (credentials.client_secret, f"{credentials.client_id}:{credentials.client_secret}")


def show_warnings(state: CliState) -> None:
    """Print the package's warnings (a token cache that cannot be written...) on stderr, one line each.

    The package's logger only has a ``NullHandler``, as a library's should: the command is the
    application that shows them. Under ``--debug`` the debug handler shows them instead.
    """
    _add_stderr_handler(state, logging.WARNING, "%(message)s", lambda record: not state.debug)


def enable_debug_logging(state: CliState) -> None:
    """Under ``--debug``, send the package's log (secrets already redacted there) to stderr.

    The run's client secret is hidden again in every line. The handler is removed when the run
    ends.
    """
    _add_stderr_handler(state, logging.DEBUG, "%(asctime)s %(levelname)s %(name)s: %(message)s")


def _add_stderr_handler(
    state: CliState, level: int, line: str, shown: Callable[[logging.LogRecord], bool] | None = None
) -> None:
    """Send the package's log from *level* up to stderr, until the run ends."""
    logger = logging.getLogger("sentinelhub_byoc")
    handler = _StderrHandler(level)
    handler.setFormatter(_RedactingFormatter(line, _run_secrets(state)))
    if shown is not None:
        handler.addFilter(shown)
    previous = logger.level
    logger.addHandler(handler)
    if logger.getEffectiveLevel() > level:
        logger.setLevel(level)

    def restore() -> None:
        logger.removeHandler(handler)
        logger.setLevel(previous)

    state._resources.callback(restore)


def _set_output(ctx: click.Context, param: click.Parameter, value: OutputFormat | None) -> None:
    state = ctx.find_object(CliState)
    if value is not None and state is not None:
        state.output = value


output_option = click.option(
    "--output",
    "-o",
    type=click.Choice(OUTPUT_FORMATS),
    default=None,
    expose_value=False,
    callback=_set_output,
    help="table, json, ndjson or geojson (tiles); the same as the global -o.",
)
"""Lets ``-o`` come after the command too (``byoc tiles list C -o ndjson``), as people type it."""

_Command = TypeVar("_Command", bound=Callable[..., Any])

timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=600.0,
    metavar="S",
    show_default=True,
    help="seconds to wait for ingestion before giving up.",
)
"""``--timeout S`` of the commands that wait for ingestion."""


def concurrency_option(default: int, what: str) -> Callable[[_Command], _Command]:
    """``--concurrency N``: how many *what* (``"requests"``, ``"files"``) at a time."""
    return click.option(
        "--concurrency",
        type=click.IntRange(min=1),
        metavar="N",
        default=default,
        show_default=True,
        help=f"{what} at a time.",
    )


pass_state = click.make_pass_decorator(CliState)
"""Gives a command the :class:`CliState` of the run as its first argument."""
