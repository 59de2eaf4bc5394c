"""What the checks say: one line per problem, each fix once, the convert command where it fixes it.

The same messages are the emulator's failure causes (its first error's), so they are held short
here on every named case, and on files whose header values and names are hostile.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sentinelhub_byoc.cog import Problem, check_cog, check_prefix, check_tile
from sentinelhub_byoc.cog._problems import convert_fix, error, merge_fixes, summarize, warning
from sentinelhub_byoc.testing.cogs import write_cog
from sentinelhub_byoc.testing.ingestion import LocalStorage, ingest_tile

from tests.cog_cases import CASES, UTM_BOUNDS, CogCase

# What one problem's failure cause may take, the file name aside.
_CAUSE_LIMIT = 200


def _put(path: Path, array: Any = None, **options: Any) -> str:
    data = np.ones((300, 300), np.uint16) if array is None else array
    options.setdefault("epsg", 32633)
    options.setdefault("bounds", UTM_BOUNDS)
    return str(write_cog(path, data, **options))


def _fix_lines(text: str) -> list[str]:
    return [
        line.strip().removeprefix("fix: ") for line in text.splitlines() if line.strip().startswith("fix: ")
    ]


def _problem_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip().startswith(("error [", "warning ["))]


def _holds_its_promises(problems: tuple[Problem, ...], text: str) -> None:
    """One line per problem, no GDAL command, each fix once, convert named for what it fixes."""
    assert len(_problem_lines(text)) == len(problems)
    # Messages say what is wrong; a GDAL command is at most a fix converting cannot give.
    assert not any("gdal" in line for line in _problem_lines(text))
    assert "\n" not in "".join(problem.message for problem in problems)
    fixes = _fix_lines(text)
    assert len(fixes) == len(set(fixes)), text
    assert set(fixes) == {fix for fix, _ in merge_fixes(problems)}
    for problem in problems:
        if problem.fixed_by_convert:
            assert "gdal" not in problem.fix
            assert problem.fix.startswith(f"byoc cog convert {shlex.quote(problem.file)} --out DIR")
            # The file is named in the one convert command given for it.
            named = [shlex.split(fix) for fix in fixes if fix.startswith("byoc cog convert ")]
            assert any(problem.file in words for words in named)
        assert "byoc cog convert" not in problem.message


@pytest.mark.parametrize("case", [case for case in CASES if not case.ok], ids=lambda case: case.name)
def test_each_failure_cause_is_one_short_line_without_a_gdal_command(
    case: CogCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in case.needs:
        pytest.importorskip(module)
    case.write(tmp_path)
    outcome = ingest_tile(LocalStorage(tmp_path), case.tile, None, cdse=case.rules == "cdse")
    cause = outcome.failure_cause
    assert cause is not None
    assert "\n" not in cause
    assert len(cause) <= _CAUSE_LIMIT, cause
    assert "gdal_translate" not in cause
    assert "gdalwarp" not in cause
    # The checks of the same files keep their promises too.
    monkeypatch.chdir(tmp_path)
    check = check_tile(sorted(case.files), rules="cdse" if case.rules == "cdse" else "sentinel-hub")
    _holds_its_promises(check.problems, check.format())


def test_a_file_breaking_five_rules_gets_one_convert_command_and_one_gdal_step(tmp_path: Path) -> None:
    path = _put(
        tmp_path / "bad.tif",
        np.ones((600, 300), np.float64),
        tiled=False,
        compression=None,
        epsg=2056,
        bounds=(2_600_000.0, 1_200_000.0, 2_603_000.0, 1_206_000.0),
        extra_tags=[(42113, "s", 0, "abc", True)],
    )
    report = check_cog(path)
    text = report.format()
    _holds_its_promises(report.problems, text)
    assert _fix_lines(text) == [
        f"gdal_edit.py -a_nodata <value> {path}",
        f"byoc cog convert {path} --out DIR --reproject utm",
    ]
    assert len(text.replace(path, "F")) < 650
    # As one line (a workflow's failure cause): the count, the first problem, and its fix once.
    cause = summarize(report.errors)
    assert cause == (
        f"5 problems; first: {path} is not tiled (it is stored in strips); "
        f"fix: byoc cog convert {path} --out DIR --reproject utm (and 1 more fix)"
    )


def test_the_files_of_a_tile_that_converting_fixes_share_one_command(tmp_path: Path) -> None:
    for band in ("B04", "B08", "B11"):
        _put(tmp_path / "scene" / f"{band}.tif", tiled=False, compression=None, overviews=False)
    [tile] = check_prefix(tmp_path)
    text = tile.format()
    _holds_its_promises(tile.problems, text)
    files = [str(tmp_path / "scene" / f"{band}.tif") for band in ("B04", "B08", "B11")]
    assert _fix_lines(text) == [f"byoc cog convert {' '.join(files)} --out DIR"]
    assert text.count("byoc cog convert") == 1
    # Six errors over three files; the one-line cause stays short all the same.
    cause = summarize(tile.errors)
    assert cause.startswith(f"6 problems; first: {files[0]} is not tiled")
    assert cause.endswith(f"fix: byoc cog convert {' '.join(files)} --out DIR")
    assert cause.count("byoc cog convert") == 1


def test_a_cause_does_not_grow_with_the_number_of_problems() -> None:
    fix = convert_fix("B04.tif")
    many = [
        error("B04.tif", "not-tiled", f"B04.tif is not tiled ({i})", fix, fixed_by_convert=True)
        for i in range(500)
    ]
    assert len(summarize(many)) <= 120
    # Over many files, the command names the first and counts the others.
    files = [f"scene/B{i:02}.tif" for i in range(13)]
    stripped = [
        error(file, "not-tiled", f"{file} is not tiled", convert_fix(file), fixed_by_convert=True)
        for file in files
    ]
    assert summarize(stripped) == (
        "13 problems; first: scene/B00.tif is not tiled; "
        "fix: byoc cog convert scene/B00.tif --out DIR (the same for 12 more files)"
    )
    assert summarize(stripped[:3]).endswith(
        "fix: byoc cog convert scene/B00.tif scene/B01.tif scene/B02.tif --out DIR"
    )
    assert summarize([]) == ""


def test_converting_fixes_carry_the_options_that_matter(tmp_path: Path) -> None:
    # EPSG:6933 passes only the CDSE rules: converting must check the output against them.
    ease = _put(tmp_path / "ease.tif", tiled=False, epsg=6933, bounds=(1e6, 5e6, 1.003e6, 5.003e6))
    [problem] = check_cog(ease, rules="cdse").errors
    assert problem.fix == f"byoc cog convert {ease} --out DIR --rules cdse"
    report = check_cog(ease)
    assert [p.rule for p in report.errors] == ["not-tiled", "crs"]
    assert _fix_lines(report.format()) == [f"byoc cog convert {ease} --out DIR --reproject utm"]
    # Files in two CRSs: the odd one is converted into the CRS of the others.
    b04, b08, b11 = (
        _put(tmp_path / "two" / "B04.tif"),
        _put(tmp_path / "two" / "B08.tif", epsg=32634),
        _put(tmp_path / "two" / "B11.tif"),
    )
    [crs] = check_tile([b04, b08, b11]).errors
    assert crs.rule == "crs"
    assert crs.fix == f"byoc cog convert {b08} --out DIR --reproject EPSG:32633"
    # A band's data type across tiles: converting with --dtype.
    _put(tmp_path / "types" / "a" / "B04.tif")
    odd = _put(tmp_path / "types" / "b" / "B04.tif", np.ones((300, 300), np.uint8))
    depth = [p for tile in check_prefix(tmp_path / "types") for p in tile.errors]
    assert [(p.rule, p.fix) for p in depth] == [
        ("bit-depth", f"byoc cog convert {odd} --out DIR --dtype uint16")
    ]


def test_fixes_of_one_file_merge_into_the_command_with_every_option() -> None:
    plain = convert_fix("B04.tif")
    warp = convert_fix("B04.tif", reproject=True)
    unreadable = convert_fix("B09.tif", note="if GDAL reads it")
    problems = [
        error("B04.tif", "not-tiled", "B04.tif is not tiled", plain, fixed_by_convert=True),
        error("B04.tif", "crs", "B04.tif is in EPSG:2056", warp, fixed_by_convert=True),
        warning("B04.tif", "overviews", "B04.tif has no overviews", plain, fixed_by_convert=True),
        error("B08.tif", "not-tiled", "B08.tif is not tiled", convert_fix("B08.tif"), fixed_by_convert=True),
        error("B09.tif", "unreadable", "B09.tif is no TIFF", unreadable, fixed_by_convert=True),
        error("B10.tif", "crs", "B10.tif has no CRS", "gdal_edit.py -a_srs EPSG:<code> B10.tif"),
        error("B11.tif", "not-tiled", "B11.tif is not tiled", convert_fix("B11.tif"), fixed_by_convert=True),
    ]
    merged = merge_fixes(problems)
    assert [fix for fix, _ in merged] == [
        "gdal_edit.py -a_srs EPSG:<code> B10.tif",
        "byoc cog convert B04.tif --out DIR --reproject utm",
        "byoc cog convert B08.tif B11.tif --out DIR",
        "byoc cog convert B09.tif --out DIR (if GDAL reads it)",
    ]
    assert [len(fixed) for _, fixed in merged] == [1, 3, 2, 1]


@pytest.mark.parametrize("name", ["my scene.tif", "a;rm -rf ~.tif", "it's (1).tif", "$(touch x).tif"])
def test_file_names_are_quoted_in_the_commands_to_copy(name: str, tmp_path: Path) -> None:
    path = _put(tmp_path / name, tiled=False)
    report = check_cog(path)
    [fix] = _fix_lines(report.format())
    assert shlex.split(fix) == ["byoc", "cog", "convert", path, "--out", "DIR"]
    no_crs = check_cog(_put(tmp_path / "crs" / name, epsg=None))
    assert shlex.split(no_crs.errors[0].fix)[-1] == str(tmp_path / "crs" / name)


def test_hostile_header_values_and_names_keep_messages_short(tmp_path: Path) -> None:
    text = "x" * 100_000
    path = _put(tmp_path / "B04.tif", extra_tags=[(42113, "s", 0, text, True)])
    [problem] = check_cog(path).errors
    assert problem.rule == "nodata"
    assert len(problem.message) < len(path) + 120
    name = "9" + "b" * 200
    _put(tmp_path / "tile" / f"{name}.tif")
    cause = ingest_tile(LocalStorage(tmp_path), "tile/(BAND).tif", None).failure_cause
    assert cause is not None
    assert len(cause) < len(f"tile/{name}.tif") + 120
