"""The clients' ``rate_limit=``, ``requests_per_minute=``, ``shared_rate_limit=``; the CLI's variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from sentinelhub_byoc import AsyncBYOCClient, BYOCClient
from sentinelhub_byoc.cli._app import byoc
from sentinelhub_byoc.cli._context import rate_limit_options
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.ratelimit import RateLimiter
from sentinelhub_byoc.shared_ratelimit import SharedRateLimiter
from sentinelhub_byoc.testing import Emulator, client_for, serve

from tests.ratelimit._workers import CLIENT_ID, TOKEN_URL

CREDENTIALS = {"client_id": "an-id", "client_secret": "a-secret", "token_cache": False}


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.setattr("sys.platform", "linux")
    return home


@pytest.mark.parametrize("kind", [BYOCClient, AsyncBYOCClient])
def test_shared_rate_limit_keys_a_file_by_the_credentials(kind: Any, cache_home: Path) -> None:
    client = kind(**CREDENTIALS, deployment="cdse", requests_per_minute=600, shared_rate_limit=True)
    limiter = client.rate_limit
    assert isinstance(limiter, SharedRateLimiter)
    assert limiter.requests_per_minute == 600
    assert limiter.path.parent == (cache_home / "sentinelhub-byoc" / "budgets").resolve()
    same = SharedRateLimiter(600, client_id="an-id", token_url=client.deployment.token_url)
    assert limiter.path == same.path


def test_requests_per_minute_alone_is_this_process_s_own() -> None:
    limiter = BYOCClient(**CREDENTIALS, requests_per_minute=300).rate_limit
    assert isinstance(limiter, RateLimiter)
    assert limiter.requests_per_minute == 300
    assert BYOCClient(**CREDENTIALS).rate_limit is None


def test_a_limiter_of_ones_own_is_used_as_it_is(tmp_path: Path) -> None:
    shared = SharedRateLimiter(60, client_id=CLIENT_ID, token_url=TOKEN_URL, directory=tmp_path / "b")
    assert BYOCClient(**CREDENTIALS, rate_limit=shared).rate_limit is shared
    local = RateLimiter(60)
    assert BYOCClient(access_token="a-token", rate_limit=local).rate_limit is local


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"rate_limit": RateLimiter(60), "requests_per_minute": 60}, "either rate_limit"),
        ({"rate_limit": RateLimiter(60), "shared_rate_limit": True}, "either rate_limit"),
        ({"rate_limit": 600}, "rate_limit must be a RateLimiter or a SharedRateLimiter"),
        ({"shared_rate_limit": True}, "needs requests_per_minute"),
        ({"shared_rate_limit": "yes", "requests_per_minute": 60}, "True or False"),
    ],
)
def test_contradictions_are_refused_before_any_request(arguments: dict[str, Any], words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        BYOCClient(**CREDENTIALS, **arguments)


@pytest.mark.parametrize("given", [{"access_token": "a-token"}, {"auth": None}])
def test_a_shared_budget_needs_client_credentials(given: dict[str, Any]) -> None:
    import httpx

    arguments = dict(given)
    if "auth" in arguments:
        arguments["auth"] = httpx.BasicAuth("u", "p")
    with pytest.raises(ValidationError, match="keys the budget by the client credentials"):
        BYOCClient(**arguments, requests_per_minute=60, shared_rate_limit=True)


def test_processes_of_one_account_meet_in_one_file_over_loopback(cache_home: Path) -> None:
    # Two clients of the emulator's demo account, as two processes would make them: one budget.
    with Emulator() as emulator, serve(emulator) as server:
        options = {"requests_per_minute": 600, "shared_rate_limit": True, "token_cache": False}
        with client_for(server, **options) as first, client_for(server, **options) as second:
            list(first.collections.list())
            list(second.collections.list())
            assert isinstance(first.rate_limit, SharedRateLimiter)
            assert isinstance(second.rate_limit, SharedRateLimiter)
            assert first.rate_limit.path == second.rate_limit.path
            assert first.rate_limit.path.stat().st_size == 24


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, {}),
        ({"BYOC_REQUESTS_PER_MINUTE": "600"}, {"requests_per_minute": 600.0, "shared_rate_limit": False}),
        (
            {"BYOC_REQUESTS_PER_MINUTE": "600", "BYOC_SHARED_RATE_LIMIT": "1"},
            {"requests_per_minute": 600.0, "shared_rate_limit": True},
        ),
        ({"BYOC_SHARED_RATE_LIMIT": "0"}, {}),
    ],
)
def test_the_cli_reads_its_rate_limit_from_the_environment(
    environ: dict[str, str], expected: dict[str, Any]
) -> None:
    assert rate_limit_options(environ) == expected


@pytest.mark.parametrize(
    ("environ", "words"),
    [
        ({"BYOC_REQUESTS_PER_MINUTE": "fast"}, "must be a positive number"),
        ({"BYOC_REQUESTS_PER_MINUTE": "-5"}, "must be a positive number"),
        ({"BYOC_REQUESTS_PER_MINUTE": "nan"}, "must be a positive number"),
        ({"BYOC_SHARED_RATE_LIMIT": "1"}, "needs BYOC_REQUESTS_PER_MINUTE"),
        ({"BYOC_REQUESTS_PER_MINUTE": "60", "BYOC_SHARED_RATE_LIMIT": "maybe"}, "must be 1 or 0"),
    ],
)
def test_the_cli_refuses_variables_that_are_not_what_they_say(environ: dict[str, str], words: str) -> None:
    with pytest.raises(click.UsageError, match=words):
        rate_limit_options(environ)


def test_a_cli_command_with_a_bad_variable_is_a_usage_error(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"BYOC_REQUESTS_PER_MINUTE": "fast", "HOME": str(tmp_path)}
    result = runner.invoke(byoc, ["--emulator", "collections", "list"], env=env)
    assert result.exit_code == 2, result.output
    assert "BYOC_REQUESTS_PER_MINUTE must be a positive number" in result.output


def test_cli_commands_share_the_budget_file(tmp_path: Path, cache_home: Path) -> None:
    runner = CliRunner()
    env = {
        "BYOC_REQUESTS_PER_MINUTE": "600",
        "BYOC_SHARED_RATE_LIMIT": "1",
        "XDG_CACHE_HOME": str(cache_home),
        "HOME": str(tmp_path),
    }
    result = runner.invoke(byoc, ["--emulator", "collections", "list"], env=env)
    assert result.exit_code == 0, result.output
    budgets = cache_home / "sentinelhub-byoc" / "budgets"
    (budget,) = budgets.iterdir()
    assert budget.suffix == ".budget"
    assert stat_mode(budgets) == 0o700


def stat_mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777
