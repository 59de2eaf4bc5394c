"""Plans are decided from listings alone: layouts, sensing times, what changed, dry runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sentinelhub_byoc.cog import TileFiles, group_band_files
from sentinelhub_byoc.cog._layout import compile_layout, tile_keys
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.storage._stat import StoredFile
from sentinelhub_byoc.workflows._filters import key_filter
from sentinelhub_byoc.workflows._plan import KnownTile, Planner, hold_refused, make_plan, sensing_time_reader

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
    ("layout", "keys"),
    [
        ("**/(BAND).tif", ["b/B08.tif", "a/B8A.tif", "a/B04.tif", "b/B04.tif", "a/B10.tif", "a/B1.tif"]),
        ("*_(BAND).tif", ["S2_2_B04.tif", "S2_1_B8A.tif", "S2_1_B04.tif", "S2_1_B04.tif", "S2_10_B04.tif"]),
        ("(BAND)/*.tif", ["B08/t1.tif", "B04/t2.tif", "B04/t1.tif"]),
    ],
)
def test_tiles_come_sorted_by_path_with_their_files_in_band_order(layout: str, keys: list[str]) -> None:
    expected: dict[str, dict[str, str]] = {}
    pattern = compile_layout(layout)
    for key in keys:
        match = pattern.fullmatch(key)
        assert match is not None
        start, end = match.span("band")
        expected.setdefault(key[:start] + "(BAND)" + key[end:], {})[match.group("band")] = key
    tiles = group_band_files(keys, layout)
    assert [tile.path for tile in tiles] == sorted(expected)
    for tile in tiles:
        assert list(tile.files.items()) == sorted(expected[tile.path].items())
        assert tile.keys == [expected[tile.path][band] for band in sorted(expected[tile.path])]
    assert tile_keys(keys, layout) == {tile.path: tuple(tile.keys) for tile in tiles}
    assert list(tile_keys(keys, layout)) == sorted(expected)


def test_a_tile_of_files_in_any_order_lists_them_in_band_order() -> None:
    assert TileFiles("a/(BAND).tif", {"B08": "a/B08.tif", "B04": "a/B04.tif"}).keys == [
        "a/B04.tif",
        "a/B08.tif",
    ]
    assert TileFiles("a/(BAND).tif").keys == []


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


def test_the_plan_text_lists_every_upload_and_change_with_the_reason() -> None:
    files = _files(*(f"s{index:02d}/B04.tif" for index in range(30)))
    files |= _files("old/B04.tif", "up/B04.tif")
    known = {
        "old/(BAND).tif": KnownTile(uuid4(), "INGESTED", T0 + timedelta(hours=1)),
        "up/(BAND).tif": KnownTile(uuid4(), "INGESTED", T0 + timedelta(hours=1)),
        "gone/(BAND).tif": KnownTile(uuid4(), "INGESTED", T0),
    }
    plan = make_plan(
        "c",
        "src",
        group_band_files(files),
        files,
        known,
        delete_missing=True,
        changed_keys={"up/B04.tif": "modified after the bucket's copy"},
        uploads=["up/B04.tif"],
        excluded=["notes.xml"],
    )
    lines = str(plan).splitlines()
    assert lines[0].endswith("1 to upload, 30 to create, 1 to reingest, 1 to delete, 1 unchanged")
    assert "  upload   up/B04.tif  (modified after the bucket's copy)" in lines
    # Every tile, not the first twenty: a dry run is read to decide.
    assert sum(1 for line in lines if line.startswith("  create ")) == 30
    assert (
        "  reingest up/(BAND).tif  (up/B04.tif is uploaded again: modified after the bucket's copy)" in lines
    )
    assert "  delete   gone/(BAND).tif  (its files are gone)" in lines
    assert "  1 file(s) are left out by the include/exclude patterns" in lines
    assert plan.upload_reasons == {"up/B04.tif": "modified after the bucket's copy"}
    short = plan.format(limit=5).splitlines()
    assert "  ... and 25 more to create" in short


def test_force_reingests_what_exists_and_creates_what_does_not() -> None:
    files = _files("a/B04.tif", "b/B04.tif")
    known = {"a/(BAND).tif": KnownTile(uuid4(), "FAILED", T0 + timedelta(hours=1), "broken")}
    plan = make_plan("c", "src", group_band_files(files), files, known, force=True)
    assert [(t.path, t.action) for t in plan.tiles] == [
        ("a/(BAND).tif", "reingest"),
        ("b/(BAND).tif", "create"),
    ]
    assert plan.tiles[0].reason.startswith("forced")
    assert plan.failed_before == {}


def test_deletions_spare_tiles_left_out_and_count_against_max_delete() -> None:
    files = _files("2024/a/B04.tif")
    known = {
        path: KnownTile(uuid4(), "INGESTED", T0)
        for path in (
            "2024/a/(BAND).tif",
            "2024/gone/(BAND).tif",
            "2023/gone/(BAND).tif",
            "2023/out/(BAND).tif",
        )
    }
    chosen = key_filter(include="/2024/**")
    plan = make_plan(
        "c",
        "src",
        group_band_files(files),
        files,
        known,
        delete_missing=True,
        left_out=["2023/out/(BAND).tif"],
        selects=chosen.selects,
        max_delete=0,
    )
    assert [t.path for t in plan.of("delete")] == ["2024/gone/(BAND).tif"]
    assert plan.too_many_deletions
    assert "refused: 1 tile(s) to delete, more than max_delete=0" in str(plan)
    assert not make_plan("c", "src", [], {}, {}, delete_missing=True, max_delete=0).too_many_deletions


@pytest.mark.parametrize(
    ("include", "exclude", "taken", "left"),
    [
        ((), (), ["a.tif", "x/y/z.xml"], []),
        (("*.tif",), (), ["a.tif", "2024/05/B04.tif"], ["notes.xml", "a.tiff"]),
        ((), ("*.xml",), ["a.tif"], ["notes.xml", "2024/05/meta.xml"]),
        (("/2024/**",), (), ["2024/05/B04.tif", "2024/B04.tif"], ["old/2024/B04.tif", "2023/B04.tif"]),
        (("2024/**",), (), ["2024/05/B04.tif", "old/2024/B04.tif"], ["2023/B04.tif", "x2024/B04.tif"]),
        (("2024/",), (), ["2024/05/B04.tif"], ["2023/B04.tif"]),
        (("/*/B0?.tif",), (), ["a/B04.tif"], ["a/b/B04.tif", "a/B10.tif", "B04.tif"]),
        (("*_B0[48].tif",), (), ["s_B04.tif", "d/s_B08.tif"], ["s_B02.tif"]),
        (("*_B0[!48].tif",), (), ["s_B02.tif"], ["s_B04.tif", "s_B0/.tif"]),
        # An exclude wins over an include, whatever the order they were given in.
        (("*.tif",), ("/2023/**",), ["2024/a.tif"], ["2023/a.tif"]),
        (("**",), ("*",), [], ["a.tif", "2024/a.tif"]),
        # Characters a regular expression would read are themselves here.
        (("a+b (1).tif",), (), ["a+b (1).tif", "x/a+b (1).tif"], ["aab (1).tif", "a+b 1.tif"]),
    ],
)
def test_include_and_exclude_patterns(
    include: tuple[str, ...], exclude: tuple[str, ...], taken: list[str], left: list[str]
) -> None:
    chosen = key_filter(include, exclude)
    assert [key for key in taken if chosen.selects(key)] == taken
    assert [key for key in left if not chosen.selects(key)] == left
    assert chosen.active == bool(include or exclude)


@pytest.mark.parametrize("pattern", ["", "/", "//", None, 3])
def test_patterns_that_name_no_file_are_refused(pattern: object) -> None:
    with pytest.raises(ValidationError, match=r"names no file|must be text"):
        key_filter(include=[pattern])  # type: ignore[list-item]


def test_listed_keys_have_no_times_so_their_tiles_never_count_as_changed() -> None:
    # Keys a caller listed are not in the files: a tile of them is skipped whatever its time.
    tiles = tile_keys(["a/B04.tif", "b/B04.tif"])
    planner = Planner("c", "src", tiles, {})
    assert not planner.reads_times
    planner.add("a/(BAND).tif", KnownTile(uuid4(), "INGESTED", T0 - timedelta(days=1)))
    planner.add("b/(BAND).tif", KnownTile(uuid4(), "INGESTED", None))
    plan = planner.plan()
    assert [(t.action, t.reason, t.files) for t in plan.tiles] == [
        ("skip", "unchanged", ("a/B04.tif",)),
        ("skip", "unchanged", ("b/B04.tif",)),
    ]
    assert Planner("c", "src", tiles, _files("a/B04.tif")).reads_times


def test_tiles_with_a_refused_file_are_held_back_whole() -> None:
    tiles = {"a/(BAND).tif": ("a/B04.tif", "a/B08.tif"), "b/(BAND).tif": ("b/B04.tif",), "c/(BAND).tif": ()}
    held = hold_refused(tiles, {"a/B08.tif": "bad name", "c/(BAND).tif": "empty segment"})
    assert held == {
        "a/(BAND).tif": "refused 'a/B08.tif': bad name",
        "c/(BAND).tif": "refused 'c/(BAND).tif': empty segment",
    }
    assert tiles == {"b/(BAND).tif": ("b/B04.tif",)}
    assert hold_refused(tiles, {}) == {}


def test_a_plan_drawn_while_listing_keeps_the_source_order_and_the_last_tile_of_a_path() -> None:
    files = _files("a/B04.tif", "b/B04.tif", "c/B04.tif")
    planner = Planner("c", "src", tile_keys(files), files, delete_missing=True)
    first, last, gone = uuid4(), uuid4(), uuid4()
    # Listed in another order than the source's; "c" twice, the later one FAILED.
    planner.add("z/(BAND).tif", KnownTile(gone, "INGESTED", T0))
    planner.add("c/(BAND).tif", KnownTile(first, "INGESTED", T0 + timedelta(hours=1)))
    planner.add("a/(BAND).tif", KnownTile(uuid4(), "QUEUED", T0 + timedelta(hours=1)))
    planner.add("c/(BAND).tif", KnownTile(last, "FAILED", T0 + timedelta(hours=1), "broken"))
    plan = planner.plan()
    assert [(t.action, t.path) for t in plan.tiles] == [
        ("skip", "a/(BAND).tif"),
        ("create", "b/(BAND).tif"),
        ("skip", "c/(BAND).tif"),
        ("delete", "z/(BAND).tif"),
    ]
    assert plan.tiles[0].pending
    assert [t.tile_id for t in plan.tiles[2:]] == [last, gone]
    assert plan.failed_before == {"c/(BAND).tif": "broken"}
