"""Footprint maps: real tiles from the emulator drawn to a PNG, failed ones marked."""

from __future__ import annotations

from pathlib import Path

import pytest
from sentinelhub_byoc.geometry import plot_footprints
from sentinelhub_byoc.testing import Emulator, IngestionDelays, client_for
from sentinelhub_byoc.testing.cogs import write_cog

pytest.importorskip("matplotlib")
np = pytest.importorskip("numpy")


def test_map_of_ingested_and_failed_tiles(tmp_path: Path) -> None:
    fast = IngestionDelays(waiting=0, queued=0, ingesting=0)
    with Emulator(data_dir=tmp_path / "buckets", delays=fast) as emulator, client_for(emulator) as client:
        bucket = emulator.bucket_dir("map-bucket")
        data = np.ones((256, 256), dtype=np.uint16)
        for index in range(3):
            west = 500_000.0 + index * 2_560.0
            write_cog(
                bucket / f"s{index}" / "B04.tif",
                data,
                epsg=32633,
                bounds=(west, 5_100_000.0, west + 2_560.0, 5_102_560.0),
                tiled=index != 1,
            )
        collection = client.collections.create(name="map", s3_bucket="map-bucket")
        cover = {
            "type": "Polygon",
            "coordinates": [
                [
                    [502_600, 5_100_100],
                    [505_000, 5_100_100],
                    [505_000, 5_102_500],
                    [502_600, 5_102_500],
                    [502_600, 5_100_100],
                ]
            ],
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}},
        }
        for index in range(3):
            client.tiles.create(
                collection, f"s{index}/(BAND).tif", cover_geometry=cover if index == 1 else None
            )
        client.tiles.create(collection, "nowhere/(BAND).tif")
        emulator.settle()
        tiles = list(client.tiles.list(collection))
        assert sorted(str(t.status) for t in tiles).count("FAILED") == 2
        out = plot_footprints(tiles, tmp_path / "maps" / "footprints.png", title="map")
    assert out == tmp_path / "maps" / "footprints.png"
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in out.parent.iterdir()] == ["footprints.png"]


def test_missing_matplotlib_is_one_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import builtins

    from sentinelhub_byoc.geometry import MissingExtraError

    real_import = builtins.__import__

    def no_matplotlib(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(MissingExtraError, match=r"sentinelhub-byoc\[plot\]"):
        plot_footprints([], tmp_path / "x.png")
