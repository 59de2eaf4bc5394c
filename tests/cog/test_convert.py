"""sentinelhub_byoc.cog.convert on the odd-file corpus: every output passes our checks,
rio-cogeo's validator and the emulator's ingestion; lossless ones keep every pixel."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

rasterio = pytest.importorskip("rasterio")
pytest.importorskip("rio_cogeo")

import tifffile  # noqa: E402
from rio_cogeo.cogeo import cog_validate  # noqa: E402
from sentinelhub_byoc.cog import Conversion, ConvertOptions, check_cog, convert, needs_conversion  # noqa: E402
from sentinelhub_byoc.errors import ConversionError, ValidationError  # noqa: E402
from sentinelhub_byoc.testing import Emulator, ManualClock, client_for  # noqa: E402

from tests.cog.corpus import NAMES, RULES, CorpusFile, build_corpus, from_origin  # noqa: E402

Key = tuple[str, str]
REPROJECTED_UTM = {"crs_2154": 32631, "crs_27700": 32630, "rotated": 32633}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CorpusFile]:
    return build_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def buckets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("buckets")


@pytest.fixture(scope="module")
def converted(corpus: dict[str, CorpusFile], buckets: Path) -> dict[Key, Conversion]:
    """Every file that converts, once per rule set (with reproject=True where it needs it).

    Each output is ``<rules>/<name>/data.tif``: one tile per file in a bucket per rule set.
    """
    results = {}
    for name, file in corpus.items():
        for rules in RULES:
            if rules in file.convertible:
                options = None
            elif file.reprojectable:
                options = ConvertOptions(reproject=True)
            else:
                continue
            results[name, rules] = convert(
                file.path, buckets / rules / name / "data.tif", rules=rules, options=options
            )
    return results


@pytest.fixture(scope="module")
def ingested(converted: dict[Key, Conversion], buckets: Path) -> dict[Key, Any]:
    """Each output as a tile of its own collection, in an emulator of its rule set's flavour."""
    tiles = {}
    for rules in RULES:
        clock = ManualClock()
        with Emulator(clock=clock, flavour=rules, bucket_folders={"corpus": buckets / rules}) as emulator:
            ids = {}
            for name, kept in converted:
                if kept == rules:
                    collection = emulator.create_collection(name, "corpus")
                    ids[name] = (collection, emulator.add_tiles(collection, [name])[0])
            emulator.wait_idle()
            with client_for(emulator) as client:
                for name, (collection, tile) in ids.items():
                    tiles[name, rules] = client.tiles.get(collection, tile)
    return tiles


CASES = [(name, rules) for name in NAMES if name != "no_crs" for rules in RULES]


@pytest.mark.parametrize(("name", "rules"), CASES)
def test_each_output_passes_the_checks_rio_cogeo_and_the_emulator(
    name: str, rules: str, converted: dict[Key, Conversion], ingested: dict[Key, Any]
) -> None:
    conversion = converted[name, rules]
    assert not conversion.up_to_date
    [output] = conversion.outputs
    report = check_cog(output, rules=rules)  # type: ignore[arg-type]
    assert report.ok, report
    valid, errors, _ = cog_validate(output, quiet=True)
    assert valid, errors
    assert not errors
    tile = ingested[name, rules]
    assert tile.status == "INGESTED", tile.failure_cause


@pytest.mark.parametrize("name", [name for name in NAMES if name != "no_crs"])
def test_every_corpus_file_needs_converting_but_one(name: str, corpus: dict[str, CorpusFile]) -> None:
    # The one that passes as it is: tiled, DEFLATE, in EPSG:4326, only its overviews missing (a warning).
    assert needs_conversion(corpus[name].path) is (name != "no_overviews")


def _read(path: Path | str) -> tuple[Any, Any, Any]:
    with rasterio.open(path) as dataset:
        return dataset.read(), dataset.bounds, dataset.crs


@pytest.mark.parametrize(
    ("name", "rules"),
    [
        (n, r)
        for n in NAMES
        for r in RULES
        if n
        in {
            "strips",
            "jpeg",
            "no_overviews",
            "overviews_after_data",
            "tiles_128",
            "tiles_4096",
            "chunky_11",
            "bit1",
            "miniswhite",
            "palette",
            "huge_header",
            "jpeg2000",
            "vrt",
        }
    ],
)
def test_lossless_conversions_keep_every_pixel_bounds_and_crs(
    name: str, rules: str, corpus: dict[str, CorpusFile], converted: dict[Key, Conversion]
) -> None:
    assert corpus[name].lossless
    source, bounds, crs = _read(corpus[name].path)
    output, output_bounds, output_crs = _read(converted[name, rules].outputs[0])
    assert output.dtype == source.dtype
    np.testing.assert_array_equal(output, source)
    assert output_bounds == bounds
    assert output_crs.to_epsg() == crs.to_epsg()
    assert not converted[name, rules].warnings


def test_float64_becomes_float32_with_a_warning(
    corpus: dict[str, CorpusFile], converted: dict[Key, Conversion]
) -> None:
    source, bounds, _ = _read(corpus["float64"].path)
    conversion = converted["float64", "sentinel-hub"]
    output, output_bounds, _ = _read(conversion.outputs[0])
    assert output.dtype == np.float32
    np.testing.assert_array_equal(output, source.astype(np.float32))
    assert output_bounds == bounds
    assert "float64 -> float32" in conversion.changes
    assert "float64 -> float32 may lose precision" in conversion.warnings


@pytest.mark.parametrize("name", ["crs_2154", "crs_27700", "rotated"])
def test_refused_crs_and_rotation_need_reproject_and_say_so(
    name: str, corpus: dict[str, CorpusFile], tmp_path: Path
) -> None:
    with pytest.raises(ConversionError) as raised:
        convert(corpus[name].path, tmp_path / "out.tif")
    assert "pass reproject" in raised.value.reason
    assert raised.value.source == str(corpus[name].path)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name", ["crs_2154", "crs_27700", "rotated"])
def test_reproject_warps_into_the_utm_zone_or_the_crs_named(
    name: str, corpus: dict[str, CorpusFile], converted: dict[Key, Conversion], tmp_path: Path
) -> None:
    for rules in RULES:
        with rasterio.open(converted[name, rules].outputs[0]) as dataset:
            assert dataset.crs.to_epsg() == REPROJECTED_UTM[name]
            assert dataset.transform.b == dataset.transform.d == 0
    conversion = convert(
        corpus[name].path, tmp_path / "wgs84.tif", options=ConvertOptions(reproject="EPSG:4326")
    )
    assert any("not pixel-identical" in warning for warning in conversion.warnings)
    assert check_cog(conversion.outputs[0]).ok
    assert cog_validate(conversion.outputs[0], quiet=True)[0]
    with rasterio.open(conversion.outputs[0]) as dataset:
        assert dataset.crs.to_epsg() == 4326
        left, bottom, right, top = dataset.bounds
        assert -10 < left < right < 20
        assert 45 < bottom < top < 55


def test_a_file_without_crs_is_refused_even_with_reproject(
    corpus: dict[str, CorpusFile], tmp_path: Path
) -> None:
    with pytest.raises(ConversionError, match="no CRS"):
        convert(corpus["no_crs"].path, tmp_path / "out.tif", options=ConvertOptions(reproject=True))


def test_an_explicit_crs_must_be_accepted_by_the_rules(corpus: dict[str, CorpusFile], tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="EPSG:6933"):
        convert(corpus["strips"].path, tmp_path / "out.tif", options=ConvertOptions(reproject=6933))
    conversion = convert(
        corpus["strips"].path, tmp_path / "out.tif", rules="cdse", options=ConvertOptions(reproject=6933)
    )
    assert check_cog(conversion.outputs[0], rules="cdse").ok


def test_cdse_specifics_one_bit_kept_miniswhite_and_interleaving(converted: dict[Key, Conversion]) -> None:
    def first_page(name: str, rules: str) -> Any:
        with tifffile.TiffFile(converted[name, rules].outputs[0]) as tif:
            page = tif.pages[0]
            return page.bitspersample, int(page.photometric), int(page.planarconfig)

    assert first_page("bit1", "cdse")[0] == 1
    assert first_page("bit1", "sentinel-hub")[0] == 8
    assert "1-bit -> 8-bit" in converted["bit1", "sentinel-hub"].changes
    for rules in RULES:
        assert first_page("miniswhite", rules)[1] == 1  # MINISBLACK, values kept (compared above)
        assert first_page("palette", rules)[1] == 1
    assert first_page("chunky_11", "cdse")[2] == 2  # band-interleaved
    assert first_page("chunky_11", "sentinel-hub")[2] == 1


def _nodata(path: str) -> Any:
    with rasterio.open(path) as dataset:
        return dataset.nodata


@pytest.mark.parametrize(("nodata", "expected"), [("keep", 0), (None, None), (7, 7)])
def test_nodata_is_kept_unset_or_set(
    nodata: Any, expected: Any, corpus: dict[str, CorpusFile], tmp_path: Path
) -> None:
    conversion = convert(corpus["strips"].path, tmp_path / "out.tif", options=ConvertOptions(nodata=nodata))
    assert _nodata(conversion.outputs[0]) == expected
    assert (f"nodata 0 -> {expected if expected is not None else 'none'}" in conversion.changes) is (
        nodata != "keep"
    )


def test_a_nodata_the_type_cannot_hold_is_refused(corpus: dict[str, CorpusFile], tmp_path: Path) -> None:
    with pytest.raises(ConversionError, match="cannot be stored as uint16"):
        convert(corpus["strips"].path, tmp_path / "out.tif", options=ConvertOptions(nodata=-1))


def _predictor(path: str) -> int:
    with tifffile.TiffFile(path) as tif:
        return int(tif.pages[0].tags.valueof(317, 1))


def test_predictor_defaults_to_2_for_integers_and_3_for_floats(
    converted: dict[Key, Conversion], corpus: dict[str, CorpusFile], tmp_path: Path
) -> None:
    assert _predictor(converted["strips", "sentinel-hub"].outputs[0]) == 2
    assert _predictor(converted["tiles_128", "sentinel-hub"].outputs[0]) == 3
    assert _predictor(converted["bit1", "cdse"].outputs[0]) == 1
    off = convert(corpus["strips"].path, tmp_path / "off.tif", options=ConvertOptions(predictor=1))
    assert _predictor(off.outputs[0]) == 1


def _checkerboard(folder: Path, dtype: str) -> Path:
    rows, columns = np.mgrid[0:600, 0:600]
    data = (((rows + columns) % 2) * 100).astype(dtype)[np.newaxis]
    path = folder / f"checkerboard_{dtype}.tif"
    profile = {"driver": "GTiff", "width": 600, "height": 600, "count": 1, "dtype": dtype}
    with rasterio.open(
        path, "w", crs="EPSG:32633", transform=from_origin(500_000, 5_100_000, 10, 10), **profile
    ) as out:
        out.write(data)
    return path


def _first_overview(path: str) -> Any:
    with rasterio.open(path, OVERVIEW_LEVEL=0) as dataset:
        return dataset.read(1)


@pytest.mark.parametrize(
    ("dtype", "resampling", "averaged"),
    [
        ("uint16", None, False),
        ("float32", None, True),
        ("uint16", "average", True),
        ("float32", "nearest", False),
    ],
)
def test_overviews_are_nearest_for_integers_and_average_for_floats(
    dtype: str, resampling: str | None, averaged: bool, tmp_path: Path
) -> None:
    # A checkerboard of 0 and 100: averaging gives 50 everywhere, nearest only values it has.
    source = _checkerboard(tmp_path, dtype)
    options = ConvertOptions(blocksize=256, resampling=resampling)
    conversion = convert(source, tmp_path / "out.tif", options=options)
    found = set(np.unique(_first_overview(conversion.outputs[0])).tolist())
    assert found == {50} if averaged else found <= {0, 100}


def test_blocksize_sets_every_level_and_overviews_reach_one_block(
    corpus: dict[str, CorpusFile], tmp_path: Path
) -> None:
    conversion = convert(
        corpus["no_overviews"].path, tmp_path / "out.tif", options=ConvertOptions(blocksize=512)
    )
    with tifffile.TiffFile(conversion.outputs[0]) as tif:
        pages = list(tif.pages)
        assert {(page.tilewidth, page.tilelength) for page in pages} == {(512, 512)}
        assert [page.shape[:2] for page in pages] == [(1500, 2000), (750, 1000), (375, 500)]
    assert "512x512 tiles -> 1024x1024 tiles" not in conversion.changes


def test_split_bands_writes_one_file_per_band(corpus: dict[str, CorpusFile], tmp_path: Path) -> None:
    source, _, _ = _read(corpus["vrt"].path)
    conversion = convert(
        corpus["vrt"].path, tmp_path / "scene" / "(BAND).tif", options=ConvertOptions(split_bands=True)
    )
    assert conversion.outputs == (str(tmp_path / "scene" / "B1.tif"), str(tmp_path / "scene" / "B2.tif"))
    for index, output in enumerate(conversion.outputs):
        data, _, _ = _read(output)
        np.testing.assert_array_equal(data[0], source[index])
    assert sorted(os.listdir(tmp_path / "scene")) == ["B1.tif", "B2.tif"]
    again = convert(
        corpus["vrt"].path, tmp_path / "scene" / "(BAND).tif", options=ConvertOptions(split_bands=True)
    )
    assert again.up_to_date
    assert again.outputs == conversion.outputs


def test_a_rerun_is_up_to_date_force_rewrites_and_a_changed_source_converts_again(
    corpus: dict[str, CorpusFile], tmp_path: Path
) -> None:
    source = tmp_path / "source.tif"
    source.write_bytes(corpus["strips"].path.read_bytes())
    out = tmp_path / "out" / "strips.tif"
    first = convert(source, out)
    written = out.stat()
    again = convert(source, out)
    assert again.up_to_date
    assert again.outputs == (str(out),)
    assert again.changes == ()
    assert out.stat().st_mtime_ns == written.st_mtime_ns
    assert out.stat().st_ino == written.st_ino
    forced = convert(source, out, force=True)
    assert not forced.up_to_date
    assert forced.changes == first.changes
    assert out.stat().st_ino != written.st_ino
    assert not convert(source, out, options=ConvertOptions(compression="ZSTD")).up_to_date
    assert convert(source, out, options=ConvertOptions(compression="ZSTD", threads=2)).up_to_date
    assert not convert(source, out, rules="cdse", options=ConvertOptions(compression="ZSTD")).up_to_date
    touched = source.stat().st_mtime_ns + 1_000_000_000
    os.utime(source, ns=(touched, touched))
    assert not convert(source, out, rules="cdse", options=ConvertOptions(compression="ZSTD")).up_to_date
    assert sorted(os.listdir(out.parent)) == ["strips.tif"]


def test_a_failure_leaves_no_file_and_prints_nothing(
    corpus: dict[str, CorpusFile], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    truncated = tmp_path / "truncated.tif"
    whole = corpus["strips"].path.read_bytes()
    truncated.write_bytes(whole[: len(whole) // 2])
    not_raster = tmp_path / "notes.tif"
    not_raster.write_text("not a raster")
    no_geotransform = tmp_path / "plain.tif"
    profile = {"driver": "GTiff", "width": 300, "height": 300, "count": 1, "dtype": "uint8"}
    with (
        pytest.warns(rasterio.errors.NotGeoreferencedWarning),
        rasterio.open(no_geotransform, "w", **profile) as plain,
    ):
        plain.write(np.ones((1, 300, 300), "uint8"))
    capfd.readouterr()
    out = tmp_path / "out"
    with pytest.raises(ConversionError, match="GDAL could not write"):
        convert(truncated, out / "truncated.tif")
    with pytest.raises(ConversionError, match="GDAL cannot read"):
        convert(not_raster, out / "notes.tif")
    with pytest.raises(ConversionError, match="not georeferenced"):
        convert(no_geotransform, out / "plain.tif")
    with pytest.raises(ConversionError, match="cannot be read"):
        convert(tmp_path / "missing.tif", out / "missing.tif")
    convert(corpus["jpeg"].path, out / "jpeg.tif")
    assert os.listdir(out) == ["jpeg.tif"]
    assert capfd.readouterr() == ("", "")


def test_many_bands_for_cdse_are_warped_and_band_interleaved(tmp_path: Path) -> None:
    source = tmp_path / "many.tif"
    profile = {"driver": "GTiff", "width": 700, "height": 500, "count": 12, "dtype": "uint16"}
    with rasterio.open(
        source, "w", crs="EPSG:2154", transform=from_origin(650_000, 6_860_000, 10, 10), **profile
    ) as out:
        out.write(np.arange(12 * 500 * 700, dtype="uint32").reshape(12, 500, 700).astype("uint16"))
    options = ConvertOptions(blocksize=256, reproject=True)
    conversion = convert(source, tmp_path / "out.tif", rules="cdse", options=options)
    assert check_cog(conversion.outputs[0], rules="cdse").ok
    assert cog_validate(conversion.outputs[0], quiet=True)[:2] == (True, [])
    with tifffile.TiffFile(conversion.outputs[0]) as tif:
        assert {int(page.planarconfig) for page in tif.pages} == {2}
        assert {page.tilewidth for page in tif.pages} == {256}
    with rasterio.open(conversion.outputs[0]) as dataset:
        assert dataset.crs.to_epsg() == 32631
        assert dataset.count == 12
    assert convert(source, tmp_path / "out.tif", rules="cdse", options=options).up_to_date


def test_64_bit_integers_narrow_only_when_every_value_fits(tmp_path: Path) -> None:
    def write(name: str, values: Any) -> Path:
        path = tmp_path / name
        profile = {"driver": "GTiff", "width": 300, "height": 200, "count": 1, "dtype": "int64"}
        with rasterio.open(
            path, "w", crs="EPSG:32633", transform=from_origin(500_000, 5_100_000, 10, 10), **profile
        ) as out:
            out.write(np.broadcast_to(values, (1, 200, 300)).astype("int64"))
        return path

    fits = convert(write("fits.tif", np.arange(300) * 1000 - 5), tmp_path / "fits_out.tif")
    assert "int64 -> int32 (every value fits)" in fits.changes
    data, _, _ = _read(fits.outputs[0])
    assert data.dtype == np.int32
    assert data[0, 0, -1] == 299_000 - 5
    with pytest.raises(ConversionError, match="do not fit a 32-bit integer"):
        convert(write("wide.tif", np.arange(300) * 2**40), tmp_path / "wide_out.tif")


@pytest.mark.parametrize(
    "options",
    [
        {"blocksize": 100},
        {"blocksize": 768},
        {"blocksize": 4096},
        {"compression": "JPEG"},
        {"compression": "LZW", "level": 5},
        {"compression": "DEFLATE", "level": 13},
        {"predictor": 4},
        {"resampling": "wavelet"},
        {"dtype": "float64"},
        {"reproject": "UTM"},
        {"reproject": -5},
        {"threads": 0},
        {"nodata": "none"},
    ],
)
def test_bad_options_are_refused_on_creation(options: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ConvertOptions(**options)


def test_bad_arguments_are_refused_before_any_work(corpus: dict[str, CorpusFile], tmp_path: Path) -> None:
    source = corpus["strips"].path
    with pytest.raises(ValidationError, match=r"\(BAND\)"):
        convert(source, tmp_path / "out.tif", options=ConvertOptions(split_bands=True))
    with pytest.raises(ValidationError, match="split_bands=True"):
        convert(source, tmp_path / "(BAND).tif")
    with pytest.raises(ValidationError, match="is the source"):
        convert(source, source)
    with pytest.raises(ValidationError, match="rules"):
        convert(source, tmp_path / "out.tif", rules="planet")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="URL"):
        convert("s3://bucket/key.tif", tmp_path / "out.tif")
    assert os.listdir(tmp_path) == []


def test_options_conversions_and_errors_survive_pickling() -> None:
    options = ConvertOptions(blocksize=512, nodata=float("nan"), reproject="EPSG:32633")
    assert pickle.loads(pickle.dumps(options)).blocksize == 512
    error = pickle.loads(pickle.dumps(ConversionError("a.tif", "it has no CRS")))
    assert (error.source, error.reason, str(error)) == (
        "a.tif",
        "it has no CRS",
        "cannot convert a.tif: it has no CRS",
    )


def test_importing_the_package_does_not_import_rasterio() -> None:
    code = (
        "import sys, sentinelhub_byoc.cog as cog; cog.ConvertOptions(); cog.convert; "
        "assert 'rasterio' not in sys.modules, 'rasterio imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
