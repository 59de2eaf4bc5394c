"""``byoc --debug`` against a token endpoint that echoes the secret: neither stream shows it.

The secret is echoed in every encoding of :data:`tests.secret_echoes.ENCODINGS`, in the body, the
headers and the reason phrase. The one-line error, the traceback and the HTTP log of ``--debug``
all go to stderr; stdout stays empty; and the secret shows in neither, in any encoding.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote_plus

import click
import pytest
from click.testing import CliRunner, Result
from sentinelhub_byoc import APIConnectionError
from sentinelhub_byoc.cli._app import ByocGroup, byoc
from sentinelhub_byoc.cli._context import CliState, enable_debug_logging, show_warnings

from tests.scripted_server import Reply, Request, ScriptedServer
from tests.secret_echoes import CLIENT_ID, ENCODINGS, SCRIPTS, SECRET, assert_hidden, b64

ROOT = Path(__file__).resolve().parents[2]


def _environment(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SH_")}
    env.update(
        SH_CLIENT_ID=CLIENT_ID,
        SH_CLIENT_SECRET=SECRET,
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
    )
    return env


def _arguments(server: ScriptedServer) -> list[str]:
    return [
        "--debug",
        "--base-url",
        server.base_url,
        "--token-url",
        server.base_url + "/oauth/token",
        "collections",
        "list",
    ]


def _run(script: Callable[[Request], Reply], home: Path) -> tuple[Result, ScriptedServer]:
    with ScriptedServer(script, script_token=True) as server:
        result = CliRunner().invoke(byoc, _arguments(server), env=_environment(home), prog_name="byoc")
    return result, server


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_debug_output_hides_an_echoed_secret(name: str, tmp_path: Path) -> None:
    result, server = _run(SCRIPTS[name], tmp_path)
    assert server.requests, "the token endpoint was asked"
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    assert "Traceback (most recent call last)" in result.stderr
    assert "AuthenticationError" in result.stderr
    assert "POST http://127.0.0.1" in result.stderr  # the HTTP log of --debug
    assert result.stderr.rstrip().splitlines()[-1].startswith("byoc: error: ")
    assert_hidden(result.stderr)
    assert_hidden(result.stdout)


def test_debug_output_of_a_real_process_hides_an_echoed_secret(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "overlay"), str(ROOT / "generated")])
    with ScriptedServer(SCRIPTS["json_401"], script_token=True) as server:
        done = subprocess.run(
            [sys.executable, "-m", "sentinelhub_byoc", *_arguments(server)],
            capture_output=True,
            env=env,
            timeout=120,
        )
    assert done.returncode == 3
    assert done.stdout == b""
    assert b"Traceback (most recent call last)" in done.stderr
    # Raw bytes, read as Latin-1: a secret printed in any byte encoding would show too.
    assert_hidden(done.stderr.decode("latin-1"))
    assert_hidden(done.stderr.decode("utf-8", "replace"))


def test_the_debug_log_hides_the_secret_in_any_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Should a log line ever quote what a server said, the --debug handler hides the secret again.
    for name, value in _environment(tmp_path).items():
        monkeypatch.setenv(name, value)
    state = CliState()
    enable_debug_logging(state)
    try:
        log = logging.getLogger("sentinelhub_byoc.anything")
        for encode in ENCODINGS.values():
            log.debug("the server said %s", encode(SECRET))
        try:
            raise ValueError(f"echo {quote_plus(SECRET)}")
        except ValueError:
            log.exception("failed with %s", b64(f"{CLIENT_ID}:{SECRET}"))
    finally:
        state.close()
    stderr = capsys.readouterr().err
    said = [line for line in stderr.splitlines() if "the server said " in line]
    assert len(said) == len(ENCODINGS)
    assert all("***" in line for line in said)
    assert "ValueError: echo ***" in stderr
    assert_hidden(stderr)
    logging.getLogger("sentinelhub_byoc.anything").debug("after the run %s", SECRET)
    assert capsys.readouterr().err == ""


def test_the_package_logs_nothing_itself_and_the_command_shows_warnings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    package = logging.getLogger("sentinelhub_byoc")
    assert any(isinstance(handler, logging.NullHandler) for handler in package.handlers)
    log = logging.getLogger("sentinelhub_byoc.anything")
    log.warning("unconfigured")
    # The NullHandler keeps logging's last-resort handler from printing a library's warnings.
    assert "unconfigured" not in capsys.readouterr().err

    state = CliState(emulator=True)
    show_warnings(state)
    try:
        log.info("not shown")
        log.warning("the token cache cannot be written")
        state.debug = True  # --debug given after the command: its own handler shows warnings
        enable_debug_logging(state)
        log.warning("once")
    finally:
        state.close()
    stderr = capsys.readouterr().err
    assert stderr.splitlines()[0] == "the token cache cannot be written"
    assert "not shown" not in stderr
    assert stderr.count("once") == 1
    log.warning("after the run")
    assert capsys.readouterr().err == ""


def test_the_debug_traceback_hides_the_secret_in_its_causes(tmp_path: Path) -> None:
    # An error of the package raised from another exception whose message quotes the secret.
    @click.group(cls=ByocGroup)
    @click.pass_context
    def group(ctx: click.Context) -> None:
        ctx.obj = CliState(debug=True)

    @group.command()
    def fail() -> None:
        try:
            raise ValueError(f"echo {quote_plus(SECRET)} {b64(f'{CLIENT_ID}:{SECRET}')}")
        except ValueError as error:
            raise APIConnectionError("the connection failed") from error

    result = CliRunner().invoke(group, ["fail"], env=_environment(tmp_path))
    assert result.exit_code == 1
    assert "ValueError: echo *** " in result.stderr
    assert "byoc: error: the connection failed" in result.stderr
    assert_hidden(result.stderr)
