"""What the command-line tests share: running ``byoc`` against a served emulator, writing COGs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from click.testing import CliRunner, Result
from sentinelhub_byoc.cli._app import byoc
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator, EmulatorServer
from sentinelhub_byoc.testing.cogs import write_cog

BUCKET = "cli-bucket"


@dataclass
class Byoc:
    """Runs ``byoc --base-url SERVER ARGS`` with the demo credentials in the environment."""

    server: EmulatorServer

    @property
    def emulator(self) -> Emulator:
        return self.server.emulator

    def __call__(self, *args: str, input: str | None = None, env: dict[str, Any] | None = None) -> Result:
        environment = {"SH_CLIENT_ID": DEMO_CLIENT_ID, "SH_CLIENT_SECRET": DEMO_CLIENT_SECRET, **(env or {})}
        return CliRunner().invoke(
            byoc, ["--base-url", self.server.base_url, *args], input=input, env=environment, prog_name="byoc"
        )

    def bare(self, *args: str, input: str | None = None, env: dict[str, Any] | None = None) -> Result:
        """``byoc ARGS`` as given: no --base-url, no credentials."""
        return CliRunner().invoke(byoc, list(args), input=input, env=env, prog_name="byoc")

    def collection(self, name: str = "cli") -> str:
        result = self("-o", "json", "collections", "create", "--name", name, "--bucket", BUCKET)
        assert result.exit_code == 0, result.stderr
        return str(json.loads(result.stdout)["id"])


def write_scene(bucket: Path, folder: str, *, west: float = 500_000.0, tiled: bool = True) -> None:
    """Two bands of a 256x256 COG in UTM 33N (20 m pixels) at *folder* of *bucket*."""
    rng = np.random.default_rng(3)
    for band in ("B04", "B08"):
        write_cog(
            bucket / folder / f"{band}.tif",
            rng.integers(1, 10_000, size=(256, 256), dtype=np.uint16),
            epsg=32633,
            bounds=(west, 5_100_000.0, west + 5_120.0, 5_105_120.0),
            tiled=tiled,
        )
