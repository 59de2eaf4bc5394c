"""The installed ``byoc`` script and ``python -m sentinelhub_byoc`` as real processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sentinelhub_byoc import __version__

ROOT = Path(__file__).resolve().parents[2]


def _environment(config: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SH_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "overlay"), str(ROOT / "generated")])
    env["XDG_CONFIG_HOME"] = str(config)
    return env


def _run(arguments: list[str], config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(arguments, capture_output=True, text=True, env=_environment(config), timeout=120)


def _script() -> str:
    beside = Path(sys.executable).with_name("byoc")
    found = str(beside) if beside.exists() else shutil.which("byoc")
    if found is None:
        pytest.skip("the byoc script is not installed in this environment")
    return found


def test_script_version(tmp_path: Path) -> None:
    result = _run([_script(), "--version"], tmp_path)
    assert result.returncode == 0
    assert result.stdout == f"byoc {__version__}\n"


def test_module_runs_an_api_command_against_the_emulator(tmp_path: Path) -> None:
    state = tmp_path / "state"
    module = [sys.executable, "-m", "sentinelhub_byoc", "--emulator-state", str(state)]
    created = _run([*module, "collections", "create", "--name", "p", "--bucket", "p-bucket"], tmp_path)
    assert created.returncode == 0, created.stderr
    listed = _run([*module, "-o", "json", "collections", "list"], tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert [item["name"] for item in json.loads(listed.stdout)] == ["p"]


def test_script_error_is_one_line(tmp_path: Path) -> None:
    result = _run([_script(), "collections", "list"], tmp_path)
    assert result.returncode == 3
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("byoc: error: no Sentinel Hub credentials found")


def test_debug_gives_the_traceback_in_a_process(tmp_path: Path) -> None:
    result = _run([sys.executable, "-m", "sentinelhub_byoc", "--debug", "collections", "list"], tmp_path)
    assert result.returncode == 3
    assert "Traceback (most recent call last)" in result.stderr
    assert "ConfigurationError" in result.stderr


def test_cli_module_still_runs(tmp_path: Path) -> None:
    result = _run([sys.executable, "-m", "sentinelhub_byoc.cli", "--version"], tmp_path)
    assert result.stdout == f"byoc {__version__}\n"


def test_malformed_json_in_a_pipe(tmp_path: Path) -> None:
    module = [sys.executable, "-m", "sentinelhub_byoc", "--emulator"]
    result = subprocess.run(
        [*module, "collections", "create", "--json", "-"],
        input="{not json",
        capture_output=True,
        text=True,
        env=_environment(tmp_path),
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("byoc: error: --json: malformed JSON in stdin")
    assert len(result.stderr.splitlines()) == 1


def test_script_syncs_a_folder_and_exits_4_with_the_cause(tmp_path: Path) -> None:
    from tests.cli._cli_helpers import write_scene

    state = tmp_path / "state"
    bucket = state / "buckets" / "s-bucket"
    write_scene(bucket, "2024/05/01/a")
    write_scene(bucket, "2024/05/02/strips", west=510_240.0, tiled=False)
    byoc = [_script(), "--emulator-state", str(state)]
    created = _run(
        [*byoc, "-o", "json", "collections", "create", "--name", "s", "--bucket", "s-bucket"], tmp_path
    )
    assert created.returncode == 0, created.stderr
    collection = json.loads(created.stdout)["id"]
    result = _run([*byoc, "tiles", "sync", collection, str(bucket), "--timeout", "60"], tmp_path)
    assert result.returncode == 4, result.stderr
    assert "2 created" in result.stdout
    assert "FAILED 2024/05/02/strips/(BAND).tif: 2024/05/02/strips/B04.tif is not tiled" in result.stdout
    # stderr is not a terminal here: no progress bars, no control characters.
    assert "\x1b[" not in result.stderr
    again = _run([*byoc, "-o", "json", "tiles", "sync", collection, str(bucket)], tmp_path)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["created"] == []
