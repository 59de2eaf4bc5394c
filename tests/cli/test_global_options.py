"""The group's options: where commands go, credentials, --emulator, --debug, --version, completion."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from sentinelhub_byoc import __version__
from sentinelhub_byoc.cli import main
from sentinelhub_byoc.cli._app import byoc
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator

from tests.cli._cli_helpers import Byoc


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    result = CliRunner().invoke(byoc, ["--version"], prog_name="byoc")
    assert result.exit_code == 0
    assert result.stdout == f"byoc {__version__}\n"
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"byoc {__version__}\n"


def test_help_lists_every_group_and_the_exit_codes() -> None:
    result = CliRunner().invoke(byoc, ["--help"], prog_name="byoc")
    assert result.exit_code == 0
    for group in ("collections", "tiles", "files", "auth", "emulator", "demo", "completion"):
        assert group in result.stdout
    assert "Exit codes" in result.stdout


def test_every_command_has_help() -> None:
    groups = {"collections": ("list", "get", "create", "update", "delete", "copy-tiles")}
    groups["tiles"] = ("list", "get", "create", "update", "delete", "reingest", "failures")
    groups["files"] = ("ls", "get", "size")
    groups["auth"] = ("check",)
    groups["emulator"] = ("serve",)
    for group, commands in groups.items():
        for command in commands:
            result = CliRunner().invoke(byoc, [group, command, "--help"], prog_name="byoc")
            assert result.exit_code == 0, (group, command)
            assert f"byoc {group} {command}" in result.stdout
            assert "\\b" not in result.stdout  # click's no-rewrap mark was taken as text


def test_missing_credentials_is_one_line_and_exit_3(run: Byoc) -> None:
    result = run.bare("collections", "list")
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("byoc: error: no Sentinel Hub credentials found")
    assert "SH_CLIENT_ID" in lines[0]
    assert "Traceback" not in result.stderr


def test_rejected_credentials_are_exit_3(run: Byoc) -> None:
    result = run("collections", "list", env={"SH_CLIENT_SECRET": "wrong-secret"})
    assert result.exit_code == 3
    assert "wrong-secret" not in result.stderr
    assert "byoc auth check" in result.stderr


def test_unknown_deployment_is_a_usage_error(run: Byoc) -> None:
    result = run.bare(
        "--deployment", "mars", "collections", "list", env={"SH_CLIENT_ID": "a", "SH_CLIENT_SECRET": "b"}
    )
    assert result.exit_code == 2
    assert "unknown deployment 'mars'" in result.stderr


def test_deployment_help_names_every_preset() -> None:
    from sentinelhub_byoc.deployments import DEPLOYMENTS

    top = CliRunner().invoke(byoc, ["--help"], prog_name="byoc", terminal_width=200).stdout
    line = next(line for line in top.splitlines() if "--deployment" in line)
    assert [name for name in DEPLOYMENTS if name not in line.replace(",", " ").split()] == []
    assert "location id" in line


def test_contradicting_options_are_usage_errors(run: Byoc) -> None:
    for arguments in (
        ("--deployment", "eu", "--base-url", "http://127.0.0.1:1"),
        ("--emulator", "--deployment", "eu"),
        ("--token-url", "http://127.0.0.1:1/token"),
    ):
        result = run.bare(*arguments, "collections", "list")
        assert result.exit_code == 2, arguments


def test_base_url_and_token_url(run: Byoc) -> None:
    token_url = run.server.base_url + "/oauth/token"
    result = run("--token-url", token_url, "auth", "check")
    assert result.exit_code == 0, result.stderr
    assert token_url in result.stdout


def test_profile_from_the_profiles_file(run: Byoc) -> None:
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "sentinelhub" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        f'[local]\nsh_client_id = "{DEMO_CLIENT_ID}"\nsh_client_secret = "{DEMO_CLIENT_SECRET}"\n'
        f'sh_base_url = "{run.server.base_url}"\n'
        f'sh_token_url = "{run.server.token_url}"\n'
    )
    result = run.bare("-o", "json", "--profile", "local", "auth", "check")
    assert result.exit_code == 0, result.stderr
    checked = json.loads(result.stdout)
    assert checked["ok"] is True
    assert "profile 'local'" in checked["credentials"]
    unknown = run.bare("--profile", "elsewhere", "collections", "list")
    assert unknown.exit_code == 3
    assert "profile 'elsewhere' is not in" in unknown.stderr


def test_auth_check(run: Byoc) -> None:
    result = run("auth", "check")
    assert result.exit_code == 0, result.stderr
    assert "environment" in result.stdout
    assert DEMO_CLIENT_SECRET not in result.stdout


def test_debug_logs_requests_without_secrets(run: Byoc) -> None:
    result = run("--debug", "collections", "list")
    assert result.exit_code == 0
    assert "GET http://127.0.0.1" in result.stderr
    assert "-> 200" in result.stderr
    assert DEMO_CLIENT_SECRET not in result.stderr
    assert "Bearer" not in result.stderr
    quiet = run("collections", "list")
    assert quiet.stderr == ""


def test_emulator_runs_one_command() -> None:
    result = CliRunner().invoke(byoc, ["--emulator", "-o", "json", "auth", "check"], prog_name="byoc")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["credentials"] == "embedded emulator"


def test_emulator_state_keeps_collections_between_commands(tmp_path: Path) -> None:
    state = str(tmp_path / "emulator")
    created = CliRunner().invoke(
        byoc,
        ["--emulator-state", state, "collections", "create", "--name", "kept", "--bucket", "kept-bucket"],
    )
    assert created.exit_code == 0, created.stderr
    listed = CliRunner().invoke(byoc, ["--emulator-state", state, "-o", "json", "collections", "list"])
    assert [item["name"] for item in json.loads(listed.stdout)] == ["kept"]
    with Emulator(state_dir=state) as emulator:
        assert emulator.bucket_dir("kept-bucket").parent == Path(state) / "buckets"


def test_emulator_state_must_be_a_folder(tmp_path: Path) -> None:
    afile = tmp_path / "file"
    afile.write_text("")
    result = CliRunner().invoke(byoc, ["--emulator-state", str(afile), "collections", "list"])
    assert result.exit_code == 2


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str) -> None:
    result = CliRunner().invoke(byoc, ["completion", shell], prog_name="byoc")
    assert result.exit_code == 0
    assert "_BYOC_COMPLETE" in result.stdout


def test_shell_completion_completes_commands() -> None:
    environment = {"_BYOC_COMPLETE": "bash_complete", "COMP_WORDS": "byoc til", "COMP_CWORD": "1"}
    result = CliRunner().invoke(byoc, [], env=environment, prog_name="byoc")
    assert "tiles" in result.stdout
    options = {"_BYOC_COMPLETE": "bash_complete", "COMP_WORDS": "byoc -o ge", "COMP_CWORD": "2"}
    assert "geojson" in CliRunner().invoke(byoc, [], env=options, prog_name="byoc").stdout


def test_output_may_follow_the_command(run: Byoc) -> None:
    run.collection("after")
    after = run("collections", "list", "-o", "ndjson")
    assert [json.loads(line)["name"] for line in after.stdout.splitlines()] == ["after"]
    # The one nearer the command wins.
    assert run("-o", "json", "collections", "list", "--output", "table").stdout.startswith("id")


# -- global options after the command -----------------------------------------------------------


def test_debug_may_follow_the_command(run: Byoc) -> None:
    result = run("collections", "list", "--debug")
    assert result.exit_code == 0, result.stderr
    assert "GET http://127.0.0.1" in result.stderr
    assert DEMO_CLIENT_SECRET not in result.stderr
    failed = run("collections", "get", "0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b", "--debug")
    assert failed.exit_code == 1
    assert "Traceback (most recent call last)" in failed.stderr
    assert failed.stderr.splitlines()[-1].startswith("byoc: error: 404")


def test_where_commands_go_may_be_said_after_the_command(run: Byoc) -> None:
    credentials = {"SH_CLIENT_ID": DEMO_CLIENT_ID, "SH_CLIENT_SECRET": DEMO_CLIENT_SECRET}
    result = run.bare("-o", "json", "collections", "list", "--base-url", run.server.base_url, env=credentials)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == []
    # Given twice, the one after the command wins, as the last of a repeated option does.
    both = run.bare(
        "--base-url",
        "http://127.0.0.1:9",
        "collections",
        "list",
        "--base-url",
        run.server.base_url,
        env=credentials,
    )
    assert both.exit_code == 0, both.stderr


def test_a_name_is_looked_up_where_options_after_it_say(run: Byoc) -> None:
    collection = run.collection("late")
    credentials = {"SH_CLIENT_ID": DEMO_CLIENT_ID, "SH_CLIENT_SECRET": DEMO_CLIENT_SECRET}
    result = run.bare(
        "collections", "get", "late", "-o", "json", "--base-url", run.server.base_url, env=credentials
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == collection


def test_options_after_the_command_are_checked_like_the_others() -> None:
    result = CliRunner().invoke(byoc, ["--emulator", "collections", "list", "--deployment", "eu"])
    assert result.exit_code == 2
    assert "leave out --deployment" in result.stderr
    emulated = CliRunner().invoke(byoc, ["collections", "list", "--emulator", "-o", "json"])
    assert emulated.exit_code == 0, emulated.stderr
    assert json.loads(emulated.stdout) == []
    unknown = CliRunner().invoke(byoc, ["collections", "list", "--output", "yaml"])
    assert unknown.exit_code == 2
    assert "'yaml' is not one of" in unknown.stderr


def test_output_may_follow_a_command_without_its_own(run: Byoc) -> None:
    result = run("auth", "check", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True


def test_help_still_lists_the_global_options() -> None:
    top = CliRunner().invoke(byoc, ["--help"], prog_name="byoc").stdout
    for option in (
        "--deployment",
        "--profile",
        "--base-url",
        "--token-url",
        "--emulator",
        "--output",
        "--debug",
    ):
        assert option in top
    leaf = CliRunner().invoke(byoc, ["collections", "list", "--help"], prog_name="byoc").stdout
    assert "Global options (byoc --help) may come after the command too" in leaf
    # They are listed once, by the group, not in every command's own list.
    assert "--base-url" not in leaf
