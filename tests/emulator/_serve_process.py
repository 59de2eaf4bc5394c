"""Running ``byoc emulator serve`` as a real process and reading where it listens."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
from sentinelhub_byoc.deployments import TOKEN_PATH

ROOT = Path(__file__).resolve().parents[2]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(ROOT / "overlay"), str(ROOT / "generated")]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")])
    return env


@dataclass
class Served:
    process: subprocess.Popen[str]
    base_url: str
    banner: str

    def token(self, client_id: str, secret: str) -> str:
        response = httpx.post(
            self.base_url + TOKEN_PATH,
            data={"grant_type": "client_credentials"},
            auth=(client_id, secret),
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def api(self, client_id: str, secret: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.token(client_id, secret)}"},
            timeout=30,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def start(*arguments: str) -> Served:
    """Start ``byoc emulator serve --port 0 ARGUMENTS`` and wait until it listens."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sentinelhub_byoc.cli", "emulator", "serve", "--port", "0", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    banner = "".join(lines)
    match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner)
    if match is None:
        process.kill()
        _, errors = process.communicate(timeout=10)
        raise AssertionError(f"the emulator did not start:\n{banner}\n{errors}")
    return Served(process, match.group(1), banner)
