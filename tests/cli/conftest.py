"""The ``byoc`` command invoked as a user would, through click's runner, against an emulator on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner, Result
from sentinelhub_byoc.cli._app import byoc
from sentinelhub_byoc.testing import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, Emulator, EmulatorServer, serve
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
        return str(__import__("json").loads(result.stdout)["id"])


@pytest.fixture(autouse=True)
def _no_profiles(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # Neither the developer's profiles file nor their credentials take part.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    for name in ("SH_CLIENT_ID", "SH_CLIENT_SECRET", "SH_PROFILE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmulatorServer]:
    with Emulator(data_dir=tmp_path / "buckets") as emulator, serve(emulator) as served:
        yield served


@pytest.fixture
def run(server: EmulatorServer) -> Byoc:
    return Byoc(server)


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


@pytest.fixture
def scenes(run: Byoc) -> Path:
    """Two good scenes and one stored in strips (which fails ingestion) in the bucket."""
    bucket = run.emulator.bucket_dir(BUCKET)
    write_scene(bucket, "2024/05/01/a")
    write_scene(bucket, "2024/05/01/b", west=505_120.0)
    write_scene(bucket, "2024/05/02/strips", west=510_240.0, tiled=False)
    return bucket
