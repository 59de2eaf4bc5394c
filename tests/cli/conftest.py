"""The ``byoc`` command invoked as a user would, through click's runner, against an emulator on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sentinelhub_byoc.testing import Emulator, EmulatorServer, serve

from tests.cli._cli_helpers import BUCKET, Byoc, write_scene


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


@pytest.fixture
def scenes(run: Byoc) -> Path:
    """Two good scenes and one stored in strips (which fails ingestion) in the bucket."""
    bucket = run.emulator.bucket_dir(BUCKET)
    write_scene(bucket, "2024/05/01/a")
    write_scene(bucket, "2024/05/01/b", west=505_120.0)
    write_scene(bucket, "2024/05/02/strips", west=510_240.0, tiled=False)
    return bucket
