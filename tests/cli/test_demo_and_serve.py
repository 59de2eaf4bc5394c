"""``byoc demo`` and ``byoc emulator serve`` through the click command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sentinelhub_byoc.cli._app import byoc
from sentinelhub_byoc.cli._demo_scenes import SCENES
from sentinelhub_byoc.cog import check_prefix


def test_demo_tells_the_story_and_says_where_its_outputs_are(tmp_path: Path) -> None:
    geopandas = pytest.importorskip("geopandas")
    output = tmp_path / "new" / "folder"
    result = CliRunner().invoke(byoc, ["demo", "--output-dir", str(output)], prog_name="byoc")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "broken  S2/20240506T100029_T33TVM_E/(BAND).tif" in text
    assert "1 failed" in text
    assert "is not tiled" in text
    # The broken scene is fixed by the real command, run as a user runs it.
    assert "$ byoc cog convert " in text
    assert "strips -> 1024x1024 tiles" in text
    assert "1 reingested" in text
    assert "6 of 6 tiles ingested" in text
    assert "resumed with a Range request" in text
    assert "deleted 6 tiles and the collection" in text
    for made in ("cogs", "footprints.geojson", "footprints.png", "downloads"):
        assert str(output / made) in text
    assert (output / "footprints.png").read_bytes()[:4] == b"\x89PNG"
    assert all(check.ok for check in check_prefix(output / "cogs"))
    assert len(list((output / "downloads").rglob("B04.tif"))) == 1
    assert not list((output / "downloads").rglob("*.part"))

    # The footprints are the scenes' extents: side by side, none overlapping another.
    frame = geopandas.read_file(output / "footprints.geojson")
    assert len(frame) == 6
    assert set(frame["status"]) == {"INGESTED"}
    utm = frame.to_crs(32633).set_index("path")
    for scene in SCENES:
        west, south, east, north = utm.loc[f"{scene.folder}/(BAND).tif"].geometry.bounds
        assert (west, south, east, north) == pytest.approx(scene.bounds, abs=0.5)
    shapes = list(utm.geometry)
    for index, first in enumerate(shapes):
        for second in shapes[index + 1 :]:
            assert first.intersection(second).area < 1.0  # m², shared edges only


def test_demo_refuses_an_output_dir_it_cannot_use(tmp_path: Path) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("not a folder")
    result = CliRunner().invoke(byoc, ["demo", "--output-dir", str(a_file)], prog_name="byoc")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    earlier = tmp_path / "earlier"
    (earlier / "cogs").mkdir(parents=True)
    again = CliRunner().invoke(byoc, ["demo", "--output-dir", str(earlier)], prog_name="byoc")
    assert again.exit_code == 2
    assert "earlier demo's cogs" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1


def test_demo_without_its_extra_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import importlib.util

    real_find_spec = importlib.util.find_spec

    def without_tifffile(name: str, *args: object, **kwargs: object) -> object:
        return None if name == "tifffile" else real_find_spec(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", without_tifffile)
    result = CliRunner().invoke(byoc, ["demo", "--output-dir", str(tmp_path / "out")], prog_name="byoc")
    assert result.exit_code == 3
    assert result.stderr.strip() == (
        "byoc: error: byoc demo needs tifffile, which is not installed: pip install 'sentinelhub-byoc[demo]'"
    )
    assert not (tmp_path / "out").exists()


def test_serve_rejects_a_bad_port_and_flavour() -> None:
    port = CliRunner().invoke(byoc, ["emulator", "serve", "--port", "70000"], prog_name="byoc")
    assert port.exit_code == 2
    assert "--port" in port.stderr
    flavour = CliRunner().invoke(byoc, ["emulator", "serve", "--flavour", "aws"], prog_name="byoc")
    assert flavour.exit_code == 2
    assert "--flavour" in flavour.stderr
