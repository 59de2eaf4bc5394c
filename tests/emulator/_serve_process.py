"""Running ``byoc emulator serve`` as a real process and reading where it listens."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

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
    # A file, not a pipe: a server writing much on stderr must never block on a full pipe.
    error_file: IO[str]

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

    def stderr(self) -> str:
        """What the server wrote on stderr so far."""
        self.error_file.flush()
        self.error_file.seek(0)
        return self.error_file.read()

    def interrupt(self) -> str:
        """Stop the server as Ctrl-C does; return its stderr once it has exited."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=10)
        return self.stderr()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.error_file.close()


def start(*arguments: str) -> Served:
    """Start ``byoc emulator serve --port 0 ARGUMENTS`` and wait until it listens."""
    # Kept open as long as the server runs; Served.stop closes it.
    error_file = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "sentinelhub_byoc.cli", "emulator", "serve", "--port", "0", *arguments],
        stdout=subprocess.PIPE,
        stderr=error_file,
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
    match = re.search(r"listening on (http://[^\s/]+:\d+)", banner)
    if match is None:
        process.kill()
        process.communicate(timeout=10)
        error_file.seek(0)
        errors = error_file.read()
        error_file.close()
        raise AssertionError(f"the emulator did not start:\n{banner}\n{errors}")
    return Served(process, match.group(1), banner, error_file)
