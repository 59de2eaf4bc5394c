"""``byoc emulator serve`` as a real process."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from sentinelhub_byoc.cli import main
from sentinelhub_byoc.cli._app import byoc

from tests.emulator._serve_process import start


def test_cli_serves_a_token_and_stops_on_sigint(tmp_path: Path) -> None:
    served = start("--data-dir", str(tmp_path))
    process, base, text = served.process, served.base_url, served.banner
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
        served.stop()


def test_cli_serves_the_cdse_flavour(tmp_path: Path) -> None:
    from sentinelhub_byoc import BYOCClient, Deployment

    served = start("--data-dir", str(tmp_path), "--flavour", "cdse")
    base, text = served.base_url, served.banner
    try:
        assert "Flavour:       cdse" in text
        assert "cdse=True" in text  # the printed Python snippet gives the deployment's rules
        deployment = Deployment.custom(base, cdse=True)
        with BYOCClient("demo-client-id", "demo-client-secret", deployment=deployment) as client:
            collection = client.collections.create(
                name="cdse", s3_bucket="a1b2c3d4:my-bucket", storage_identifier="waw3-2"
            )
            again = client.collections.get(collection)
        assert again.additional_data is not None
        assert again.additional_data.storage_identifier == "waw3-2"
        assert again.s3_bucket == "a1b2c3d4:my-bucket"
    finally:
        served.stop()


def test_cli_requires_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator"]) == 2
    assert "COMMAND" in capsys.readouterr().err


def test_cli_rejects_a_bad_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulator", "serve", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err


def test_help_lists_the_emulator_group() -> None:
    result = CliRunner().invoke(byoc, ["--help"])
    assert result.exit_code == 0
    assert "emulator" in result.stdout
