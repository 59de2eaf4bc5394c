"""Finding band files from tile paths, defining bands, and checking files against bands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sentinelhub_byoc.testing.cogs import write_cog
from sentinelhub_byoc.testing.ingestion import IngestionOutcome, LocalStorage, ingest_tile
from sentinelhub_byoc.testing.ingestion._bands import is_js_identifier

UTM_BOUNDS = (500000.0, 5000000.0, 506000.0, 5005000.0)
U16 = {"bandIndex": 1, "bitDepth": 16, "sampleFormat": "UINT"}


class Bucket:
    """A local bucket in a temporary folder, with a way to put COGs in it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.storage = LocalStorage(root)
        root.mkdir()

    def put(self, key: str, array: Any = None, **options: Any) -> Path:
        data = np.ones((500, 600), np.uint16) if array is None else array
        options.setdefault("epsg", 32633)
        options.setdefault("bounds", UTM_BOUNDS)
        return write_cog(self.root / key, data, **options)

    def ingest(self, path: str, bands: Any = None) -> IngestionOutcome:
        return ingest_tile(self.storage, path, bands)


@pytest.fixture
def bucket(tmp_path: Path) -> Bucket:
    return Bucket(tmp_path / "bkt")


def _cause(outcome: IngestionOutcome) -> str:
    assert not outcome.ok
    assert outcome.failure_cause is not None
    assert outcome.bands is None
    return outcome.failure_cause


def test_folder_discovery_takes_tif_and_tiff_files_directly_in_it(bucket: Bucket) -> None:
    bucket.put("t1/B04.tif")
    bucket.put("t1/B08.TIFF", np.ones((500, 600), np.uint8), nodata=255)
    bucket.put("t1/deeper/B02.tif")
    bucket.put("t10/B03.tif")
    (bucket.root / "t1" / "notes.txt").write_text("not a band")
    (bucket.root / "t1" / "B04.tif.aux.xml").write_text("<PAMDataset/>")
    outcome = bucket.ingest("t1")
    assert outcome.ok, outcome.failure_cause
    assert outcome.bands == {
        "B04": U16,
        "B08": {"bandIndex": 1, "bitDepth": 8, "sampleFormat": "UINT", "noData": 255},
    }


def test_a_trailing_slash_on_a_folder_is_tolerated(bucket: Bucket) -> None:
    bucket.put("t1/B04.tif")
    assert bucket.ingest("t1/").bands == {"B04": U16}


def test_the_bucket_root_is_a_folder_too(bucket: Bucket) -> None:
    bucket.put("B04.tiff")
    assert bucket.ingest("").bands == {"B04": U16}


def test_pattern_discovery_matches_keys_against_the_pattern(bucket: Bucket) -> None:
    bucket.put("t1/S2_B04_v1.tif")
    bucket.put("t1/S2_B08_v1.tif")
    bucket.put("t1/S2_B04_v2.tif")
    bucket.put("t1/x/S2_B02_v1.tif")
    outcome = bucket.ingest("t1/S2_(BAND)_v1.tif")
    assert outcome.ok, outcome.failure_cause
    assert outcome.bands == {"B04": U16, "B08": U16}


def test_a_repeated_placeholder_stands_for_one_name(bucket: Bucket) -> None:
    bucket.put("B04/tile_B04.tif")
    bucket.put("B08/tile_B08.tif")
    bucket.put("B08/tile_B04.tif")
    outcome = bucket.ingest("(BAND)/tile_(BAND).tif")
    assert outcome.bands == {"B04": U16, "B08": U16}


def test_multi_band_files_give_numbered_bands_with_source(bucket: Bucket) -> None:
    bucket.put("t1/RGB.tif", np.ones((3, 500, 600), np.uint8))
    bucket.put("t1/B08.tif")
    outcome = bucket.ingest("t1")
    assert outcome.bands == {
        "B08": U16,
        "RGB_1": {"source": "RGB", "bandIndex": 1, "bitDepth": 8, "sampleFormat": "UINT"},
        "RGB_2": {"source": "RGB", "bandIndex": 2, "bitDepth": 8, "sampleFormat": "UINT"},
        "RGB_3": {"source": "RGB", "bandIndex": 3, "bitDepth": 8, "sampleFormat": "UINT"},
    }


@pytest.mark.parametrize("name", ["B-04", "1st", "class", "two words"])
def test_file_names_that_are_not_identifiers_fail(bucket: Bucket, name: str) -> None:
    bucket.put(f"t1/{name}.tif")
    cause = _cause(bucket.ingest("t1"))
    assert f"t1/{name}.tif gives band name {name!r}" in cause
    assert "which is not a JavaScript identifier" in cause


def test_more_than_100_bands_fail(bucket: Bucket) -> None:
    bucket.put("t1/many.tif", np.ones((101, 16, 16), np.uint8))
    assert "the tile has 101 bands; a collection may have at most 100" in _cause(bucket.ingest("t1"))


def test_exactly_100_bands_pass(bucket: Bucket) -> None:
    bucket.put("t1/many.tif", np.ones((100, 16, 16), np.uint8))
    outcome = bucket.ingest("t1")
    assert outcome.bands is not None
    assert len(outcome.bands) == 100
    assert outcome.bands["many_100"]["bandIndex"] == 100


def test_a_name_given_by_two_files_fails(bucket: Bucket) -> None:
    bucket.put("t1/B04.tif")
    bucket.put("t1/B04.tiff")
    assert "t1/B04.tif and t1/B04.tiff both give band B04" in _cause(bucket.ingest("t1"))


def test_an_empty_folder_fails(bucket: Bucket) -> None:
    (bucket.root / "t1").mkdir()
    (bucket.root / "t1" / "readme.txt").write_text("x")
    assert "there are no .tif or .tiff files in folder t1/" in _cause(bucket.ingest("t1"))


def test_a_pattern_matching_nothing_fails(bucket: Bucket) -> None:
    bucket.put("t1/B04.tif")
    assert "no key matches 't1/img_(BAND).tif'" in _cause(bucket.ingest("t1/img_(BAND).tif"))


def test_a_path_naming_one_file_gets_a_hint(bucket: Bucket) -> None:
    bucket.put("t1/B04.tif")
    cause = _cause(bucket.ingest("t1/B04.tif"))
    assert "'t1/B04.tif' is a file" in cause
    assert "(BAND)" in cause


def test_existing_bands_map_names_to_files_through_source(bucket: Bucket) -> None:
    bucket.put("t1/B04.tiff")
    bucket.put("t1/B08.tif", np.ones((500, 600), np.uint8))
    bands = {
        "red": {"source": "B04", "bitDepth": 16, "sampleFormat": "UINT", "noData": 0},
        "B08": {"bitDepth": 8, "sampleFormat": "UINT"},
    }
    outcome = bucket.ingest("t1", bands)
    assert outcome.ok, outcome.failure_cause
    assert outcome.bands == bands
    assert outcome.bands is not bands


def test_existing_bands_with_a_pattern(bucket: Bucket) -> None:
    bucket.put("t1/S2_B04.tif")
    bucket.put("t1/S2_RGB.tif", np.ones((3, 500, 600), np.uint16))
    bands = {
        "red": {"source": "B04", "bitDepth": 16, "sampleFormat": "UINT"},
        "blue": {"source": "RGB", "bandIndex": 3, "bitDepth": 16, "sampleFormat": "UINT"},
    }
    assert bucket.ingest("t1/S2_(BAND).tif", bands).ok


def test_tiff_is_preferred_to_tif_in_a_folder(bucket: Bucket) -> None:
    bucket.put("t1/B04.tiff")
    (bucket.root / "t1" / "B04.tif").write_bytes(b"broken")
    assert bucket.ingest("t1", {"B04": U16}).ok


def test_a_band_without_its_file_fails_naming_the_key(bucket: Bucket) -> None:
    bucket.put("t1/B04.tif")
    cause = _cause(bucket.ingest("t1", {"B04": U16, "B08": U16}))
    assert "band B08 needs 't1/B08.tiff' or 't1/B08.tif'" in cause
    assert "B04" not in cause
    cause = _cause(bucket.ingest("t1/(BAND).tif", {"B04": U16, "B08": U16}))
    assert "band B08 needs 't1/B08.tif'" in cause


def test_a_hundred_missing_band_files_make_a_short_cause(bucket: Bucket) -> None:
    bucket.put("t1/B000.tif")
    bands = {f"B{i:03}": U16 for i in range(100)}
    cause = _cause(bucket.ingest("t1/(BAND).tif", bands))
    assert cause.startswith("the tile's files are missing (band B001 needs 't1/B001.tif'; band B002 needs")
    assert "; and 97 more); upload them or fix the tile path" in cause
    assert len(cause) < 200


def test_a_file_with_another_bit_depth_than_its_band_fails(bucket: Bucket) -> None:
    bucket.put("t1/B04.tif", np.ones((500, 600), np.uint8))
    cause = _cause(bucket.ingest("t1", {"B04": U16}))
    assert "t1/B04.tif holds 8-bit UINT data but band B04 is 16-bit UINT" in cause
    assert "every file of a band must have its data type" in cause


def test_a_file_with_another_sample_format_than_its_band_fails(bucket: Bucket) -> None:
    bucket.put("t1/B04.tif", np.ones((500, 600), np.int16))
    assert "holds 16-bit INT data but band B04 is 16-bit UINT" in _cause(bucket.ingest("t1", {"B04": U16}))


def test_one_band_file_with_another_bit_depth_among_two_fails(bucket: Bucket) -> None:
    bucket.put("t1/B04.tif")
    bucket.put("t1/B08.tif", np.ones((500, 600), np.uint32))
    cause = _cause(bucket.ingest("t1", {"B04": U16, "B08": U16}))
    assert "t1/B08.tif holds 32-bit UINT data but band B08 is 16-bit UINT" in cause


def test_a_band_index_beyond_the_file_fails(bucket: Bucket) -> None:
    bucket.put("t1/RGB.tif", np.ones((3, 500, 600), np.uint16))
    bands = {"nir": {"source": "RGB", "bandIndex": 4, "bitDepth": 16, "sampleFormat": "UINT"}}
    assert "band nir reads band 4 of t1/RGB.tif, which has 3 band(s)" in _cause(bucket.ingest("t1", bands))


def test_files_within_a_pixel_of_each_other_pass_with_the_intersection(bucket: Bucket) -> None:
    bucket.put("t1/B04.tif")
    # 10 m pixels; B08 is shifted by 6 m east and 4 m north.
    bucket.put("t1/B08.tif", bounds=(500006.0, 5000004.0, 506006.0, 5005004.0))
    outcome = bucket.ingest("t1")
    assert outcome.ok, outcome.failure_cause
    assert outcome.tile_geometry is not None
    assert outcome.tile_geometry["coordinates"][0] == [
        [500006.0, 5000004.0],
        [506000.0, 5000004.0],
        [506000.0, 5005000.0],
        [500006.0, 5005000.0],
        [500006.0, 5000004.0],
    ]


@pytest.mark.parametrize(
    "bounds",
    [
        (500020.0, 5000000.0, 506020.0, 5005000.0),
        (500000.0, 5000000.0, 506000.0, 5004980.0),
        (600000.0, 5000000.0, 606000.0, 5005000.0),
    ],
)
def test_files_more_than_a_pixel_apart_fail(
    bucket: Bucket, bounds: tuple[float, float, float, float]
) -> None:
    bucket.put("t1/B04.tif")
    bucket.put("t1/B08.tif", bounds=bounds)
    cause = _cause(bucket.ingest("t1"))
    assert "more than a pixel beyond" in cause
    assert "the area all the tile's files cover" in cause


def test_files_in_different_crs_fail(bucket: Bucket) -> None:
    bucket.put("t1/B04.tif")
    bucket.put("t1/B08.tif", epsg=32634)
    cause = _cause(bucket.ingest("t1"))
    assert "t1/B04.tif is in EPSG:32633, t1/B08.tif is in EPSG:32634" in cause


def test_warnings_of_all_files_are_kept(bucket: Bucket) -> None:
    bucket.put("t1/B04.tif", overviews=False)
    bucket.put("t1/B08.tif", overviews=False)
    outcome = bucket.ingest("t1")
    assert outcome.ok
    assert outcome.warnings is not None
    assert "t1/B04.tif is 600x500 pixels but has no overviews" in outcome.warnings
    assert "t1/B08.tif is 600x500 pixels but has no overviews" in outcome.warnings


def test_the_first_broken_file_fails_the_tile_with_its_name(bucket: Bucket) -> None:
    bucket.put("t1/B04.tif")
    bucket.put("t1/B08.tif", tiled=False)
    assert _cause(bucket.ingest("t1")).startswith("t1/B08.tif is not tiled")


def test_a_missing_bucket_fails_without_raising(tmp_path: Path) -> None:
    outcome = ingest_tile(LocalStorage(tmp_path / "gone"), "t1", None)
    assert "could not be read" in _cause(outcome)
    assert "does not exist" in _cause(outcome)


def test_a_path_escaping_the_bucket_fails_without_raising(bucket: Bucket) -> None:
    cause = _cause(bucket.ingest("../elsewhere/(BAND).tif", {"B04": U16}))
    assert "could not be read" in cause


@pytest.mark.parametrize("name", ["B04", "_x", "$a", "réd", "b2b", "letx"])
def test_identifiers(name: str) -> None:
    assert is_js_identifier(name)


@pytest.mark.parametrize("name", ["", "4B", "a-b", "a b", "a.b", "var", "null", "yield"])
def test_not_identifiers(name: str) -> None:
    assert not is_js_identifier(name)
