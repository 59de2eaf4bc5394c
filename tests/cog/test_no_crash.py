"""No header, however broken, makes the checks or the emulator's ingestion raise.

Hypothesis mutates the headers of a few small real TIFFs: the type, count and value (or
offset) fields of IFD entries, random bytes in the first KiBs, truncation. Whatever comes
out, ``check_cog`` and ``check_tile`` give a report and ``ingest_tile`` an outcome, and the
two agree. Nothing is printed on stderr either.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sentinelhub_byoc.cog import CogReport, TileCheck, check_cog, check_prefix, check_tile
from sentinelhub_byoc.testing.cogs import write_cog_bytes
from sentinelhub_byoc.testing.ingestion import LocalStorage, ingest_tile

from tests.cog_cases import UTM_BOUNDS

hypothesis = pytest.importorskip("hypothesis")
tifffile = pytest.importorskip("tifffile")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@dataclass(frozen=True)
class Seed:
    """A small real TIFF and where its IFD entries lie."""

    name: str
    content: bytes
    entries: tuple[int, ...]


def _entries(content: bytes) -> tuple[int, ...]:
    with tifffile.TiffFile(io.BytesIO(content)) as tif:
        offsets = [tag.offset for page in tif.pages for tag in page.tags]
    return tuple(offsets)


def _gdal_cog() -> bytes | None:
    try:
        from rasterio.io import MemoryFile
    except ImportError:
        return None
    from affine import Affine

    profile = {
        "driver": "COG",
        "width": 600,
        "height": 600,
        "count": 1,
        "dtype": "uint16",
        "crs": "EPSG:32633",
        "transform": Affine(10.0, 0.0, 500000.0, 0.0, -10.0, 5006000.0),
        "blocksize": 256,
        "compress": "deflate",
        "nodata": 0,
    }
    with MemoryFile() as memory:
        with memory.open(**profile) as dataset:
            dataset.write(np.arange(360000, dtype=np.uint16).reshape(1, 600, 600) % 1000)
        return bytes(memory.read())


def _seeds() -> list[Seed]:
    contents = {
        "cog": write_cog_bytes(np.ones((600, 600), np.uint16), epsg=32633, bounds=UTM_BOUNDS, nodata=0),
        "strips": write_cog_bytes(np.ones((300, 300), np.uint8), epsg=32633, bounds=UTM_BOUNDS, tiled=False),
        "planar": write_cog_bytes(
            np.ones((3, 300, 300), np.int16), epsg=4326, bounds=(14.0, 45.0, 15.0, 46.0)
        ),
    }
    gdal = _gdal_cog()
    if gdal is not None:
        contents["gdal"] = gdal
    return [Seed(name, content, _entries(content)) for name, content in contents.items()]


SEEDS = _seeds()
_TYPES = [*range(20), 0xFFFF]
_NUMBERS = st.one_of(
    st.sampled_from([0, 1, 2, 3, 7, 8, 255, 256, 2048, 65535, 2**31, 2**32 - 1]),
    st.integers(0, 2**32 - 1),
)


@st.composite
def _mutated(draw: Any) -> bytes:
    seed = draw(st.sampled_from(SEEDS))
    data = bytearray(seed.content)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["type", "count", "value", "bytes", "truncate"]))
        entry = draw(st.sampled_from(seed.entries))
        if entry + 12 > len(data):
            # A truncation came first; only further truncation is left to do.
            kind = "truncate"
        if kind == "type":
            struct.pack_into("<H", data, entry + 2, draw(st.sampled_from(_TYPES)))
        elif kind == "count":
            struct.pack_into("<I", data, entry + 4, draw(_NUMBERS))
        elif kind == "value":
            struct.pack_into("<I", data, entry + 8, draw(_NUMBERS))
        elif kind == "bytes":
            start = draw(st.integers(0, max(0, min(len(data), 4096) - 1)))
            junk = draw(st.binary(min_size=1, max_size=16))
            data[start : start + len(junk)] = junk
        else:
            del data[draw(st.integers(0, min(len(data), 8192))) :]
    return bytes(data)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mutated")


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(content=_mutated(), rules=st.sampled_from(["sentinel-hub", "cdse"]))
def test_mutated_headers_never_raise(folder: Path, content: bytes, rules: Any) -> None:
    path = folder / "tile" / "B04.tif"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    report = check_cog(path, rules=rules)
    assert isinstance(report, CogReport)
    assert all(p.message and p.fix and p.rule for p in report.problems)
    if any(p.rule == "unreadable" for p in report.problems):
        assert not report.ok
    check = check_tile({"B04": path}, rules=rules)
    assert isinstance(check, TileCheck)
    outcome = ingest_tile(LocalStorage(folder), "tile", None, cdse=rules == "cdse")
    assert outcome.ok == check.ok, (outcome.failure_cause, check.format())
    if not outcome.ok:
        assert outcome.failure_cause
        # The failure cause is the first error the checks report, with its own words.
        assert outcome.failure_cause == check.errors[0].message.replace(str(path), "tile/B04.tif")


def test_a_wrong_tile_width_count_is_unreadable_everywhere(tmp_path: Path) -> None:
    seed = SEEDS[0]
    data = bytearray(seed.content)
    with tifffile.TiffFile(io.BytesIO(seed.content)) as tif:
        entry = tif.pages[0].tags[322].offset
    struct.pack_into("<I", data, entry + 4, 2)
    bad = tmp_path / "scenes" / "a" / "B04.tif"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(bytes(data))
    good = tmp_path / "scenes" / "b" / "B04.tif"
    good.parent.mkdir()
    good.write_bytes(seed.content)
    report = check_cog(bad)
    assert [p.rule for p in report.errors] == ["unreadable"]
    assert "TileWidth tag holds 2 values" in report.errors[0].message
    assert report.errors[0].fixed_by_convert
    assert "if GDAL reads it" in report.errors[0].fix
    assert [p.rule for p in check_tile([bad]).errors] == ["unreadable"]
    # One bad file hides nothing: the folder's other tile is checked and passes.
    checks = check_prefix(tmp_path / "scenes")
    assert [c.ok for c in checks] == [False, True]
    outcome = ingest_tile(LocalStorage(tmp_path), "scenes/a", None)
    assert outcome.failure_cause == report.errors[0].message.replace(str(bad), "scenes/a/B04.tif")


def test_nothing_is_printed_on_stderr(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    import logging

    # tifffile logs a warning for a GDAL_NODATA that is not a number; the logger is left as
    # an application without logging configuration has it.
    path = tmp_path / "tile" / "B04.tif"
    path.parent.mkdir()
    path.write_bytes(
        write_cog_bytes(
            np.ones((300, 300), np.uint16),
            epsg=32633,
            bounds=UTM_BOUNDS,
            extra_tags=[(42113, "s", 0, "abc", True)],
        )
    )
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    # pytest's own capturing handler would hide a print by the last-resort handler.
    root.handlers = []
    try:
        report = check_cog(path)
        check_tile([path])
        check_prefix(tmp_path)
        ingest_tile(LocalStorage(tmp_path), "tile", None)
    finally:
        root.handlers, root.level = handlers, level
    assert [p.rule for p in report.errors] == ["nodata"]
    captured = capfd.readouterr()
    assert captured.err == ""
    assert captured.out == ""


def test_an_application_still_gets_tifffile_records(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "B04.tif"
    path.write_bytes(
        write_cog_bytes(
            np.ones((300, 300), np.uint16),
            epsg=32633,
            bounds=UTM_BOUNDS,
            extra_tags=[(42113, "s", 0, "abc", True)],
        )
    )
    with caplog.at_level("WARNING", logger="tifffile"):
        check_cog(path)
    assert any(record.name == "tifffile" for record in caplog.records)
