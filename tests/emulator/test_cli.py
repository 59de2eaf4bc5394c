"""``byoc emulator serve`` as a real process."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sentinelhub_byoc.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def _start(*arguments: str) -> tuple[subprocess.Popen[str], str, str]:
    """Start ``byoc emulator serve`` as a user would; return it, its base URL and what it printed."""
    env = dict(os.environ)
    paths = [str(ROOT / "overlay"), str(ROOT / "generated")]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")])
    process = subprocess.Popen(
        [sys.executable, "-m", "sentinelhub_byoc.cli", "emulator", "serve", "--port", "0", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    text = "".join(lines)
    match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", text)
    if match is None:
        process.kill()
        raise AssertionError(text + process.communicate()[1])
    return process, match.group(1), text


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def test_cli_serves_a_token_and_stops_on_sigint(tmp_path: Path) -> None:
    process, base, text = _start("--data-dir", str(tmp_path))
    try:
        assert f"{base}/api/v1/byoc" in text
        assert f"{base}/byoc/v1" in text
        assert "demo-client-id" in text
        assert "demo-client-secret" in text
        response = httpx.post(
            f"{base}/auth/realms/main/protocol/openid-connect/token",
            data={"grant_type": "client_credentials"},
            auth=("demo-client-id", "demo-client-secret"),
        )
        assert response.status_code == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert process.stdout is not None
        assert "stopped" in process.stdout.read()
    finally:
        _stop(process)


def test_cli_serves_the_cdse_flavour(tmp_path: Path) -> None:
    from sentinelhub_byoc import BYOCClient, Collection, CollectionAdditionalData, Deployment

    process, base, text = _start("--data-dir", str(tmp_path), "--flavour", "cdse")
    try:
        assert "Flavour:       cdse" in text
        assert "cdse=True" in text  # the printed Python snippet gives the deployment's rules
        deployment = Deployment.custom(base, cdse=True)
        with BYOCClient("demo-client-id", "demo-client-secret", deployment=deployment) as client:
            collection = client.collections.create(
                Collection(
                    name="cdse",
                    s3_bucket="a1b2c3d4:my-bucket",
                    additional_data=CollectionAdditionalData(storage_identifier="waw3-2"),
                )
            )
            again = client.collections.get(collection)
        assert again.additional_data is not None
        assert again.additional_data.storage_identifier == "waw3-2"
        assert again.s3_bucket == "a1b2c3d4:my-bucket"
    finally:
        _stop(process)


def test_cli_requires_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["emulator"])
    assert exit_info.value.code == 2
    assert "COMMAND" in capsys.readouterr().err


def test_cli_rejects_a_bad_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator", "serve", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err


def test_parser_lists_the_emulator_group() -> None:
    assert "emulator" in build_parser().format_help()
