"""Plans are decided from listings alone: layouts, sensing times, what changed, dry runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sentinelhub_byoc.cog import group_band_files
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.workflows._plan import KnownTile, make_plan, sensing_time_reader
from sentinelhub_byoc.workflows._sources import StoredFile

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _files(*keys: str, modified: datetime = T0) -> dict[str, StoredFile]:
    return {key: StoredFile(key, 10, modified) for key in keys}


@pytest.mark.parametrize(
    ("layout", "keys", "expected"),
    [
        (
            "**/(BAND).tif",
            ["a/B04.tif", "a/B08.tif", "b/c/B04.tif"],
            {"a/(BAND).tif": 2, "b/c/(BAND).tif": 1},
        ),
        ("*_(BAND).tif", ["S2_1_B04.tif", "S2_1_B8A.tif", "x/S2_1_B04.tif"], {"S2_1_(BAND).tif": 2}),
        ("(BAND)/*.tif", ["B04/t1.tif", "B08/t1.tif"], {"(BAND)/t1.tif": 2}),
        ("**/(BAND).tiff", ["a/B04.tif", "a/notes.txt"], {}),
    ],
)
def test_layouts_group_band_files_into_tiles(layout: str, keys: list[str], expected: dict[str, int]) -> None:
    tiles = group_band_files(keys, layout)
    assert {tile.path: len(tile.files) for tile in tiles} == expected


@pytest.mark.parametrize("layout", ["*.tif", "(BAND)/(BAND).tif", "/abs/(BAND).tif", ""])
def test_bad_layouts_are_refused_with_the_fix(layout: str) -> None:
    with pytest.raises(ValidationError, match=r"\(BAND\)|relative"):
        group_band_files(["a/B04.tif"], layout)


def test_prefix_is_kept_in_tile_paths_and_other_prefixes_left_out() -> None:
    tiles = group_band_files(["p/a/B04.tif", "q/a/B04.tif"], prefix="p/")
    assert [tile.path for tile in tiles] == ["p/a/(BAND).tif"]


@pytest.mark.parametrize(
    ("format_", "path", "expected"),
    [
        ("%Y%m%d", "scenes/20240507/x/(BAND).tif", datetime(2024, 5, 7, tzinfo=UTC)),
        ("%Y/%m/%d", "2024/05/07/(BAND).tif", datetime(2024, 5, 7, tzinfo=UTC)),
        ("%Y%m%dT%H%M%S", "S2_20240507T101559_(BAND).tif", datetime(2024, 5, 7, 10, 15, 59, tzinfo=UTC)),
        ("%Y-%j", "t/2024-128/(BAND).tif", datetime(2024, 5, 7, tzinfo=UTC)),
    ],
)
def test_sensing_time_formats(format_: str, path: str, expected: datetime) -> None:
    assert sensing_time_reader(format_)(path) == expected


def test_sensing_time_errors_say_what_to_fix() -> None:
    with pytest.raises(ValidationError, match="holds no date"):
        sensing_time_reader("%Y%m%d")("scenes/x/(BAND).tif")
    with pytest.raises(ValidationError, match="not a valid time"):
        sensing_time_reader("%Y%m%d")("scenes/20241345/(BAND).tif")
    with pytest.raises(ValidationError, match="uses %Q"):
        sensing_time_reader("%Y%Q")
    with pytest.raises(ValidationError, match="strptime format"):
        sensing_time_reader("yyyy-mm-dd")
    assert sensing_time_reader(lambda path: T0)("x") == T0
    assert sensing_time_reader(None)("x") is None


def test_plan_creates_skips_reingests_and_deletes_only_when_asked() -> None:
    files = _files("new/B04.tif", "same/B04.tif")
    files |= _files("changed/B04.tif", modified=T0 + timedelta(hours=2))
    files |= _files("uploaded/B04.tif")
    groups = group_band_files(files)
    ids = {name: uuid4() for name in ("same", "changed", "uploaded", "gone", "failed")}
    known = {f"{name}/(BAND).tif": KnownTile(ids[name], "INGESTED", T0 + timedelta(hours=1)) for name in ids}
    known["failed/(BAND).tif"] = KnownTile(ids["failed"], "FAILED", T0 + timedelta(hours=1), "broken")
    files |= _files("failed/B04.tif")
    groups = group_band_files(files)
    plan = make_plan("c", "src", groups, files, known, changed_keys=["uploaded/B04.tif"])
    actions = {tile.path: tile.action for tile in plan.tiles}
    assert actions == {
        "changed/(BAND).tif": "reingest",
        "failed/(BAND).tif": "skip",
        "new/(BAND).tif": "create",
        "same/(BAND).tif": "skip",
        "uploaded/(BAND).tif": "reingest",
    }
    assert plan.failed_before == {"failed/(BAND).tif": "broken"}
    deleting = make_plan("c", "src", groups, files, known, delete_missing=True)
    assert [t.path for t in deleting.of("delete")] == ["gone/(BAND).tif"]
    assert deleting.counts == {"create": 1, "reingest": 1, "delete": 1, "skip": 3, "upload": 0}
    text = str(deleting)
    assert "1 to create, 1 to reingest, 1 to delete, 3 unchanged" in text
    assert "changed after ingestion" in text
    assert "already" not in text
    assert "FAILED from before" in text


def test_pending_tiles_are_marked_so_a_rerun_waits_for_them() -> None:
    files = _files("a/B04.tif")
    known = {"a/(BAND).tif": KnownTile(uuid4(), "QUEUED", T0 + timedelta(hours=1))}
    plan = make_plan("c", "src", group_band_files(files), files, known)
    assert [(t.action, t.pending) for t in plan.tiles] == [("skip", True)]
