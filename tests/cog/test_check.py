"""check_cog, check_tile and check_prefix: every problem at once, both rule sets, typed errors."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sentinelhub_byoc.cog import CogReport, Problem, TileCheck, check_cog, check_prefix, check_tile
from sentinelhub_byoc.errors import StorageAccessError, ValidationError
from sentinelhub_byoc.testing.cogs import write_cog

from tests.cog_cases import CASES, UTM_BOUNDS

CASES_BY_NAME = {case.name: case for case in CASES}


def _put(path: Path, array: Any = None, **options: Any) -> str:
    data = np.ones((300, 300), np.uint16) if array is None else array
    options.setdefault("epsg", 32633)
    options.setdefault("bounds", UTM_BOUNDS)
    return str(write_cog(path, data, **options))


def _case_file(name: str, tmp_path: Path) -> str:
    case = CASES_BY_NAME[name]
    case.write(tmp_path)
    return str(tmp_path / next(iter(case.files)))


def test_a_good_cog_passes_with_its_facts(tmp_path: Path) -> None:
    report = check_cog(_put(tmp_path / "B04.tif", nodata=0))
    assert report.ok
    assert report.problems == ()
    assert report.epsg == 32633
    assert report.bbox == pytest.approx(UTM_BOUNDS)
    assert report.pixel_size == pytest.approx((20.0, 50 / 3))
    assert (report.samples, report.bit_depth, report.sample_format, report.nodata) == (1, 16, "UINT", 0)
    assert str(report).endswith("B04.tif: OK")


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path = _put(
        tmp_path / "bad.tif",
        np.ones((600, 300), np.float64),
        tiled=False,
        compression=None,
        epsg=2056,
        bounds=(2600000.0, 1200000.0, 2603000.0, 1206000.0),
        extra_tags=[(42113, "s", 0, "abc", True)],
    )
    report = check_cog(path)
    assert not report.ok
    assert [p.rule for p in report.errors] == ["not-tiled", "compression", "data-type", "crs", "nodata"]
    assert report.warnings == ()
    assert all(p.file == path and p.fix and p.message.startswith(path) for p in report.problems)
    # What the service would say: its first error.
    assert report.errors[0].message.startswith(f"{path} is not tiled")
    lines = report.format().splitlines()
    assert lines[0] == f"{path}: 5 errors"
    # One line per problem, without the file name the first line gives.
    assert lines[1:6] == [
        "  error [not-tiled] is not tiled (it is stored in strips)",
        "  error [compression] is not compressed (DEFLATE, ZSTD, LZW, PACKBITS or PIXTIFF_ZIP)",
        "  error [data-type] holds 64-bit FLOAT data, not 8, 16 or 32-bit integers or 32-bit floats",
        "  error [crs] is in EPSG:2056, not one of EPSG:4326, EPSG:3857, "
        "EPSG:32601-32660, EPSG:32701-32760, EPSG:3035 (and EPSG:6933 on CDSE)",
        "  error [nodata] has GDAL_NODATA 'abc', which is not a number",
    ]
    # Each fix once: the GDAL step converting cannot take, then one convert command for the rest.
    assert lines[6:] == [
        f"  fix: gdal_edit.py -a_nodata <value> {path}",
        f"  fix: byoc cog convert {path} --out DIR --reproject utm",
    ]
    assert "gdal_translate" not in "\n".join(lines)


def test_the_facts_that_could_be_read_are_kept_beside_the_errors(tmp_path: Path) -> None:
    report = check_cog(_put(tmp_path / "B04.tif", tiled=False, epsg=None))
    assert [p.rule for p in report.errors] == ["not-tiled", "crs"]
    assert report.epsg is None
    assert report.bbox == pytest.approx(UTM_BOUNDS)
    assert report.bit_depth == 16


def test_warnings_do_not_fail_a_file(tmp_path: Path) -> None:
    path = _put(tmp_path / "B04.tif", np.ones((600, 300), np.float32), overviews=False, nodata=float("nan"))
    report = check_cog(path)
    assert report.ok
    assert [(p.rule, p.severity) for p in report.problems] == [
        ("nodata", "warning"),
        ("overviews", "warning"),
    ]
    assert report.warnings == report.problems
    assert report.nodata is None
    assert str(report).splitlines()[0].endswith(": 2 warnings")


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("strips", "not-tiled"),
        ("tile-128", "tile-size"),
        ("uncompressed", "compression"),
        ("header-1mb", "header-size"),
        ("dtype-float64", "data-type"),
        ("swiss", "crs"),
        ("no-georeference", "georeference"),
        ("nodata-text", "nodata"),
        ("not-a-tiff", "unreadable"),
    ],
)
def test_each_file_rule_has_its_id(name: str, rule: str, tmp_path: Path) -> None:
    report = check_cog(_case_file(name, tmp_path))
    assert [p.rule for p in report.errors] == [rule]
    assert isinstance(report.errors[0], Problem)


def test_jpeg_is_refused(tmp_path: Path) -> None:
    pytest.importorskip("imagecodecs")
    report = check_cog(_case_file("jpeg", tmp_path))
    assert [p.rule for p in report.errors] == ["compression"]


def test_a_pole_crossing_file_passes_alone_but_not_as_a_tile(tmp_path: Path) -> None:
    path = _case_file("north-pole", tmp_path)
    assert check_cog(path).ok
    check = check_tile([path])
    assert [(p.rule, p.file) for p in check.errors] == [("bounds", str(tmp_path / "tile" / "(BAND).tif"))]


@pytest.mark.parametrize("name", ["ease2", "photometric-palette", "chunky-11-bands"])
def test_the_rule_sets_differ(name: str, tmp_path: Path) -> None:
    path = _case_file(name, tmp_path)
    sentinel_hub, cdse = check_cog(path), check_cog(path, rules="cdse")
    if name == "ease2":
        assert [p.rule for p in sentinel_hub.errors] == ["crs"]
        assert cdse.ok
        assert cdse.epsg == 6933
    else:
        assert sentinel_hub.ok
        assert [p.rule for p in cdse.errors] == ["photometric" if "palette" in name else "band-count"]


def test_cdse_accepts_ten_chunky_bands_rgb_and_many_planar_bands(tmp_path: Path) -> None:
    for name in ("chunky-10-bands-on-cdse", "rgb-on-cdse", "planar-11-bands-on-cdse"):
        assert check_cog(_case_file(name, tmp_path / name), rules="cdse").ok, name


def test_check_tile_reports_every_file_then_the_tile(tmp_path: Path) -> None:
    b04 = _put(tmp_path / "t" / "B04.tif", compression=None)
    b08 = _put(tmp_path / "t" / "B08.tif", tiled=False)
    check = check_tile({"B08": b08, "B04": b04})
    assert isinstance(check, TileCheck)
    assert list(check.files) == ["B04", "B08"]
    assert [p.rule for p in check.errors] == ["compression", "not-tiled"]
    assert all(isinstance(r, CogReport) for r in check.files.values())
    assert check.path == str(tmp_path / "t" / "(BAND).tif")
    assert "tile " in check.format()


def test_check_tile_reports_disagreeing_files(tmp_path: Path) -> None:
    b04 = _put(tmp_path / "B04.tif")
    b08 = _put(tmp_path / "B08.tif", bounds=(600000.0, 5000000.0, 606000.0, 5005000.0))
    check = check_tile([b04, b08])
    assert [p.rule for p in check.errors] == ["bounds", "bounds"]
    assert check.tile_problems == check.errors
    good = check_tile([b04])
    assert good.ok
    assert good.epsg == 32633
    assert good.wgs84_bounds is not None


def test_a_missing_band_file_is_a_problem_of_the_tile(tmp_path: Path) -> None:
    b04 = _put(tmp_path / "B04.tif")
    check = check_tile({"B04": b04, "B08": str(tmp_path / "B08.tif")})
    assert [p.rule for p in check.errors] == ["missing-band"]


def test_check_prefix_groups_tiles_and_compares_bands_across_them(tmp_path: Path) -> None:
    _put(tmp_path / "a" / "B04.tif")
    _put(tmp_path / "a" / "B08.tif")
    _put(tmp_path / "b" / "B04.tif", np.ones((300, 300), np.uint8))
    _put(tmp_path / "b" / "B08.tif", tiled=False)
    (tmp_path / "b" / "notes.txt").write_text("not a band")
    checks = check_prefix(tmp_path)
    assert [c.path for c in checks] == [
        str(tmp_path / "a" / "(BAND).tif"),
        str(tmp_path / "b" / "(BAND).tif"),
    ]
    assert checks[0].ok
    assert [p.rule for p in checks[1].errors] == ["not-tiled", "bit-depth"]
    assert checks[1].errors[1].file == str(tmp_path / "b" / "B04.tif")
    scenes = check_prefix(tmp_path, layout="a/(BAND).tif")
    assert [sorted(c.files) for c in scenes] == [["B04", "B08"]]
    assert check_prefix(tmp_path / "a", layout="*.txt/(BAND).tif") == []


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: check_cog("x.tif", rules="eu"), "rules must be"),
        (lambda: check_cog(42), "not int"),  # type: ignore[arg-type]
        (lambda: check_cog(""), "is empty"),
        (lambda: check_cog("ftp://host/x.tif"), "only local paths"),
        (lambda: check_cog("s3://Bad_Bucket/x.tif"), "is not valid"),
        (lambda: check_cog("s3://bucket"), "names no object"),
        (lambda: check_tile([]), "is empty"),
        (lambda: check_tile("B04.tif"), "mapping of band name"),  # type: ignore[arg-type]
        (lambda: check_tile(["a/B04.tif", "b/B04.tif"]), "both give band B04"),
        (lambda: check_prefix("/tmp", layout="no-band.tif"), "holding (BAND)"),
        (lambda: check_prefix("https://example.com/x/"), "only a local folder"),
        (lambda: check_prefix("/tmp", concurrency=0), "concurrency must be"),
        (lambda: check_prefix("/tmp", concurrency=True), "concurrency must be"),
        (lambda: check_prefix("/tmp", concurrency="8"), "concurrency must be"),  # type: ignore[arg-type]
    ],
)
def test_bad_arguments_raise_validation_errors_before_any_read(call: Any, fragment: str) -> None:
    with pytest.raises(ValidationError, match=None) as raised:
        call()
    assert fragment in str(raised.value)


def test_missing_files_and_folders_raise_storage_access_errors(tmp_path: Path) -> None:
    with pytest.raises(StorageAccessError, match="does not exist"):
        check_cog(tmp_path / "missing.tif")
    with pytest.raises(StorageAccessError, match="not a folder"):
        check_prefix(tmp_path / "missing")


def test_without_tifffile_the_error_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _put(tmp_path / "B04.tif")
    monkeypatch.setitem(sys.modules, "tifffile", None)
    with pytest.raises(ImportError, match=r"sentinelhub-byoc\[cog\]"):
        check_cog(path)


@pytest.mark.parametrize(
    ("name", "rules", "fixed"),
    [
        ("strips", "sentinel-hub", True),
        ("tile-128", "sentinel-hub", True),
        ("overview-tiles-128", "sentinel-hub", True),
        ("uncompressed", "sentinel-hub", True),
        ("header-1mb", "sentinel-hub", True),
        ("overviews-after-data", "sentinel-hub", True),
        ("dtype-float64", "sentinel-hub", True),
        ("one-bit", "sentinel-hub", True),
        ("miniswhite-on-cdse", "cdse", True),
        ("chunky-11-bands-on-cdse", "cdse", True),
        ("swiss", "sentinel-hub", True),
        ("rotated", "sentinel-hub", True),
        ("not-a-tiff", "sentinel-hub", True),
        ("no-crs", "sentinel-hub", False),
        ("no-georeference", "sentinel-hub", False),
        ("nodata-text", "sentinel-hub", False),
    ],
)
def test_each_problem_says_whether_convert_fixes_it(
    name: str, rules: Any, fixed: bool, tmp_path: Path
) -> None:
    path = _case_file(name, tmp_path)
    problem = check_cog(path, rules=rules).errors[0]
    assert problem.rule == CASES_BY_NAME[name].rule
    assert problem.fixed_by_convert is fixed
    if fixed:
        assert problem.fix.startswith(f"byoc cog convert {path} --out DIR")
        # Warping is what fixes a CRS or a rotation, so the command asks for it.
        assert ("--reproject utm" in problem.fix) == (problem.rule in ("crs", "georeference"))
    else:
        assert not problem.fix.startswith("byoc cog convert")


def test_problems_keep_their_positional_fields_and_default_to_not_fixed() -> None:
    problem = Problem("B04.tif", "bounds", "message", "fix", "error")
    assert problem.fixed_by_convert is False
    assert Problem("B04.tif", "not-tiled", "m", "f", "error", True).fixed_by_convert


def test_tile_rules_are_not_fixed_by_convert(tmp_path: Path) -> None:
    b04 = _put(tmp_path / "B04.tif")
    b08 = _put(tmp_path / "B08.tif", bounds=(600000.0, 5000000.0, 606000.0, 5005000.0))
    check = check_tile([b04, b08, str(tmp_path / "4B.tif")])
    assert check.errors
    assert not any(p.fixed_by_convert for p in check.errors)
    named = check_tile({"B04": b04, "var": _put(tmp_path / "x" / "var.tif")})
    assert [p.rule for p in named.errors] == ["band-name"]
    assert not named.errors[0].fixed_by_convert


@pytest.mark.parametrize("concurrency", [1, 3, 16])
def test_check_prefix_keeps_path_order_at_any_concurrency(tmp_path: Path, concurrency: int) -> None:
    for i in range(7):
        _put(tmp_path / f"t{i}" / "B04.tif", tiled=i % 3 != 1)
    checks = check_prefix(tmp_path, concurrency=concurrency)
    assert [c.path for c in checks] == [str(tmp_path / f"t{i}" / "(BAND).tif") for i in range(7)]
    assert [c.ok for c in checks] == [i % 3 != 1 for i in range(7)]
