"""``byoc demo`` and ``byoc emulator serve`` through the click command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sentinelhub_byoc.cli._app import byoc


def test_demo_tours_and_writes_geojson(tmp_path: Path) -> None:
    output = tmp_path / "new" / "folder"
    result = CliRunner().invoke(byoc, ["demo", "--output-dir", str(output)], prog_name="byoc")
    assert result.exit_code == 0, result.output
    assert "Done: the emulator stopped" in result.stdout
    exported = json.loads((output / "demo-tiles.geojson").read_text())
    assert exported["type"] == "FeatureCollection"
    assert len(exported["features"]) == 2


def test_serve_rejects_a_bad_port_and_flavour() -> None:
    port = CliRunner().invoke(byoc, ["emulator", "serve", "--port", "70000"], prog_name="byoc")
    assert port.exit_code == 2
    assert "--port" in port.stderr
    flavour = CliRunner().invoke(byoc, ["emulator", "serve", "--flavour", "aws"], prog_name="byoc")
    assert flavour.exit_code == 2
    assert "--flavour" in flavour.stderr
