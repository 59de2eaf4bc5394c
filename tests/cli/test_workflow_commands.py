"""The commands over the workflows: tiles wait/sync/reingest --failed/map, collections delete
--force and copy-tiles --wait, files get of whole tiles; output, exit codes and bad input."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sentinelhub_byoc.testing import Emulator, serve
from sentinelhub_byoc.testing._lifecycle import IngestionDelays

from tests.cli._cli_helpers import BUCKET, Byoc, write_scene
from tests.s3_fixtures import moto_endpoint, s3_client

__all__ = ["moto_endpoint"]

STRIPS = "2024/05/02/strips/(BAND).tif"
GOOD = ["2024/05/01/a/(BAND).tif", "2024/05/01/b/(BAND).tif"]
UNKNOWN = "0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"


def _tiles(run: Byoc, collection: str) -> list[dict[str, Any]]:
    result = run("-o", "json", "tiles", "list", collection)
    assert result.exit_code == 0, result.stderr
    return list(json.loads(result.stdout))


def _one_line_error(result: Any, code: int) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith("byoc: error:"), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def synced(run: Byoc, scenes: Path) -> str:
    """A collection synced from the bucket folder: two INGESTED tiles, one FAILED."""
    collection = run.collection()
    result = run("tiles", "sync", collection, str(scenes), "--bucket-dir", "--timeout", "30")
    assert result.exit_code == 4, result.stderr
    return collection


# --- tiles sync ---------------------------------------------------------------------------------


def test_sync_reports_created_tiles_and_the_failure_cause(run: Byoc, scenes: Path) -> None:
    collection = run.collection()
    result = run(
        "tiles",
        "sync",
        collection,
        str(scenes),
        "--bucket-dir",
        "--sensing-time",
        "%Y/%m/%d",
        "--timeout",
        "30",
    )
    assert result.exit_code == 4, result.stderr
    assert "3 created" in result.stdout
    assert f"FAILED {STRIPS}:" in result.stdout
    assert "tiled" in result.stdout.lower()
    tiles = {tile["path"]: tile for tile in _tiles(run, collection)}
    assert tiles[GOOD[0]]["sensingTime"].startswith("2024-05-01T00:00:00")
    # Nothing changed, so a second run does nothing, and the old failure is mentioned.
    again = run("-o", "json", "tiles", "sync", collection, str(scenes), "--bucket-dir")
    assert again.exit_code == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["created"] == []
    assert sorted(report["skipped"]) == sorted([*GOOD, STRIPS])
    assert list(report["failedBefore"]) == [STRIPS]


def test_sync_json_report(run: Byoc, scenes: Path) -> None:
    collection = run.collection()
    result = run("-o", "json", "tiles", "sync", collection, str(scenes), "--bucket-dir", "--timeout", "30")
    assert result.exit_code == 4
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert sorted(report["created"]) == sorted([*GOOD, STRIPS])
    assert list(report["failed"]) == [STRIPS]
    assert sorted(report["ingestion"]["ingested"]) == GOOD
    assert report["plan"]["counts"]["create"] == 3


def test_sync_check_leaves_out_the_broken_tile(run: Byoc, scenes: Path) -> None:
    collection = run.collection()
    result = run("tiles", "sync", collection, str(scenes), "--bucket-dir", "--check", "--timeout", "30")
    assert result.exit_code == 4
    assert f"FAILED {STRIPS}" in result.stdout
    assert sorted(tile["path"] for tile in _tiles(run, collection)) == GOOD


def test_sync_dry_run_prints_the_plan_and_changes_nothing(run: Byoc, scenes: Path) -> None:
    collection = run.collection()
    result = run("tiles", "sync", collection, str(scenes), "--bucket-dir", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("dry run, nothing changed:")
    assert f"create   {GOOD[0]}" in result.stdout
    assert _tiles(run, collection) == []
    planned = json.loads(
        run("-o", "json", "tiles", "sync", collection, str(scenes), "--bucket-dir", "--dry-run").stdout
    )
    assert planned["dryRun"] is True
    assert sorted(tile["path"] for tile in planned["plan"]["tiles"]) == sorted([*GOOD, STRIPS])


def test_sync_no_wait_and_delete_missing(run: Byoc, scenes: Path) -> None:
    collection = run.collection()
    result = run(
        "-o",
        "json",
        "tiles",
        "sync",
        collection,
        str(scenes),
        "--bucket-dir",
        "--no-wait",
        "--concurrency",
        "2",
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["ingestion"] is None
    run.emulator.wait_idle()
    for band in ("B04", "B08"):
        (scenes / "2024/05/02/strips" / f"{band}.tif").unlink()
    pruned = run("-o", "json", "tiles", "sync", collection, str(scenes), "--bucket-dir", "--delete-missing")
    assert pruned.exit_code == 0, pruned.stderr
    assert json.loads(pruned.stdout)["deleted"] == [STRIPS]
    assert sorted(tile["path"] for tile in _tiles(run, collection)) == GOOD


def test_sync_cover_traces_geometries(run: Byoc) -> None:
    write_scene(run.emulator.bucket_dir(BUCKET), "a")
    collection = run.collection()
    result = run("tiles", "sync", collection, str(run.emulator.bucket_dir(BUCKET)), "--bucket-dir", "--cover")
    assert result.exit_code == 0, result.stderr
    [tile] = _tiles(run, collection)
    assert tile["coverGeometry"]["type"] in ("Polygon", "MultiPolygon")
    from_s3 = run("tiles", "sync", collection, f"s3://{BUCKET}/a/", "--cover")
    _one_line_error(from_s3, 2)
    assert "local folder" in from_s3.stderr


def test_sync_with_a_layout(run: Byoc) -> None:
    bucket = run.emulator.bucket_dir(BUCKET)
    write_scene(bucket, "flat")
    for band in ("B04", "B08"):
        (bucket / "flat" / f"{band}.tif").rename(bucket / f"S2_20240501_{band}.tif")
    collection = run.collection()
    result = run(
        "-o", "json", "tiles", "sync", collection, str(bucket), "--bucket-dir", "--layout", "*_(BAND).tif"
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["created"] == ["S2_20240501_(BAND).tif"]


def test_sync_bad_input(run: Byoc, scenes: Path, tmp_path: Path) -> None:
    collection = run.collection()
    _one_line_error(run("tiles", "sync", UNKNOWN, str(scenes), "--bucket-dir"), 1)
    _one_line_error(run("tiles", "sync", collection, str(scenes), "--bucket-dir", "--layout", "**/*.tif"), 2)
    missing = run("tiles", "sync", collection, str(tmp_path / "nowhere"))
    _one_line_error(missing, 2)
    assert "is not a folder" in missing.stderr
    _one_line_error(
        run("tiles", "sync", collection, str(scenes), "--bucket-dir", "--sensing-time", "no-format"), 2
    )
    assert run("tiles", "sync", collection, str(scenes), "--bucket-dir", "--concurrency", "0").exit_code == 2
    # GeoJSON is for tiles: refused before anything is done.
    assert run("-o", "geojson", "tiles", "sync", collection, str(scenes), "--bucket-dir").exit_code == 2
    assert _tiles(run, collection) == []


# --- tiles wait ---------------------------------------------------------------------------------


def test_wait_for_a_collection_shows_the_tiles_and_exits_4_on_failures(run: Byoc, synced: str) -> None:
    result = run("tiles", "wait", synced, "--poll-interval", "0.1")
    assert result.exit_code == 4
    assert "2 ingested, 1 failed" in result.stderr
    assert STRIPS in result.stdout
    assert "FAILED" in result.stdout
    tiles = json.loads(run("-o", "json", "tiles", "wait", synced).stdout)
    assert sorted(tile["path"] for tile in tiles) == sorted([*GOOD, STRIPS])
    lines = run("-o", "ndjson", "tiles", "wait", synced).stdout.splitlines()
    assert len(lines) == 3


def test_wait_for_given_tiles_from_stdin_exits_0(run: Byoc, synced: str) -> None:
    good = [tile for tile in _tiles(run, synced) if tile["status"] == "INGESTED"]
    piped = "\n".join(json.dumps(tile) for tile in good)
    result = run("-o", "json", "tiles", "wait", synced, "-", input=piped)
    assert result.exit_code == 0, result.stderr
    assert sorted(tile["path"] for tile in json.loads(result.stdout)) == GOOD
    by_argument = run("tiles", "wait", synced, good[0]["id"])
    assert by_argument.exit_code == 0
    assert "1 ingested, 0 failed" in by_argument.stderr


@pytest.fixture
def slow(tmp_path: Path) -> Iterator[Byoc]:
    """An emulator whose tiles stay WAITING for an hour."""
    delays = IngestionDelays(waiting=3600.0)
    with Emulator(data_dir=tmp_path / "slow", delays=delays) as emulator, serve(emulator) as served:
        yield Byoc(served)


def test_wait_times_out_with_exit_1(slow: Byoc) -> None:
    write_scene(slow.emulator.bucket_dir(BUCKET), "a")
    collection = slow.collection()
    assert slow("tiles", "create", collection, "a/(BAND).tif").exit_code == 0
    result = slow("tiles", "wait", collection, "--timeout", "0.3", "--poll-interval", "0.1")
    assert result.exit_code == 1
    assert "1 still ingesting (timed out)" in result.stderr
    assert "WAITING" in result.stdout


def test_wait_bad_input(run: Byoc, synced: str) -> None:
    _one_line_error(run("tiles", "wait", UNKNOWN), 1)
    _one_line_error(run("tiles", "wait", synced, "not-an-id"), 2)
    assert run("tiles", "wait", synced, "--timeout", "-1").exit_code == 2


# --- tiles reingest --failed --------------------------------------------------------------------


def test_reingest_failed_and_wait(run: Byoc, synced: str) -> None:
    result = run("tiles", "reingest", synced, "--failed", "--wait", "--timeout", "30")
    # The strips are still strips: the tile fails again.
    assert result.exit_code == 4
    assert "1 tile(s) reingested, 0 refused" in result.stdout
    assert f"FAILED {STRIPS}" in result.stdout
    report = json.loads(run("-o", "json", "tiles", "reingest", synced, "--failed").stdout)
    assert report["reingested"] == [STRIPS]
    assert report["ingestion"] is None


def test_reingest_failed_after_a_fix_exits_0(run: Byoc, synced: str) -> None:
    write_scene(run.emulator.bucket_dir(BUCKET), "2024/05/02/strips", west=510_240.0)
    result = run("-o", "json", "tiles", "reingest", synced, "--failed", "--wait")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["ingestion"]["ingested"] == [STRIPS]


def test_reingest_ids_with_wait(run: Byoc, synced: str) -> None:
    failed = next(tile for tile in _tiles(run, synced) if tile["status"] == "FAILED")
    result = run("tiles", "reingest", synced, failed["id"], "--wait")
    assert result.exit_code == 4
    assert f"FAILED {STRIPS}" in result.stdout


def test_reingest_failed_or_ids_not_both(run: Byoc, synced: str) -> None:
    result = run("tiles", "reingest", synced, UNKNOWN, "--failed")
    assert result.exit_code == 2
    assert "not both" in result.stderr
    _one_line_error(run("tiles", "reingest", UNKNOWN, "--failed"), 1)


# --- tiles map ----------------------------------------------------------------------------------


def test_map_writes_a_png(run: Byoc, synced: str, tmp_path: Path) -> None:
    picture = tmp_path / "footprints.png"
    result = run("tiles", "map", synced, "--out", str(picture), "--title", "My tiles")
    assert result.exit_code == 0, result.stderr
    assert f"wrote {picture} (3 tile(s))" in result.stderr
    data = picture.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 10_000
    failed_only = tmp_path / "failed.png"
    assert run("tiles", "map", synced, "--out", str(failed_only), "--status", "failed").exit_code == 0
    assert (
        "(1 tile(s))" in run("tiles", "map", synced, "--out", str(failed_only), "--status", "FAILED").stderr
    )


def test_map_without_matplotlib_is_exit_3(
    run: Byoc, synced: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "matplotlib", None)
    result = run("tiles", "map", synced, "--out", str(tmp_path / "x.png"))
    _one_line_error(result, 3)
    assert "sentinelhub-byoc[plot]" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_map_needs_out_and_a_known_collection(run: Byoc, tmp_path: Path) -> None:
    assert run("tiles", "map", UNKNOWN).exit_code == 2
    _one_line_error(run("tiles", "map", UNKNOWN, "--out", str(tmp_path / "x.png")), 1)


# --- collections delete --force, copy-tiles --wait ----------------------------------------------


def test_delete_force_deletes_the_tiles_first(run: Byoc, synced: str) -> None:
    result = run("collections", "delete", "--yes", "--force", synced)
    assert result.exit_code == 0, result.stderr
    assert f"deleted collection {synced} and its 3 tile(s)" in result.stderr
    assert json.loads(run("-o", "json", "collections", "list").stdout) == []


def test_delete_force_of_an_unknown_collection(run: Byoc) -> None:
    _one_line_error(run("collections", "delete", "--yes", "--force", UNKNOWN), 1)


def test_copy_tiles_wait(run: Byoc, synced: str) -> None:
    target = run.collection("copy")
    result = run("collections", "copy-tiles", synced, target, "--wait", "--timeout", "30")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("2 ingested, 0 failed")
    assert sorted(tile["path"] for tile in _tiles(run, target)) == GOOD
    again = run("-o", "json", "collections", "copy-tiles", synced, target, "--wait")
    assert again.exit_code == 0
    assert sorted(json.loads(again.stdout)["ingested"]) == GOOD


# --- files get of whole tiles -------------------------------------------------------------------


@pytest.fixture
def planet_tile(run: Byoc) -> tuple[str, str]:
    collection = run.collection("planet")
    run.emulator.mark_planet(collection)
    folder = run.emulator.bucket_dir(BUCKET) / "order1"
    (folder / "udm").mkdir(parents=True)
    (folder / "scene.tif").write_bytes(b"s" * 50_000)
    (folder / "udm" / "udm2.tif").write_bytes(b"u" * 300)
    created = run("-o", "json", "tiles", "create", collection, "order1")
    assert created.exit_code == 0, created.stderr
    return collection, json.loads(created.stdout)["id"]


def test_files_get_a_whole_tile(run: Byoc, planet_tile: tuple[str, str], tmp_path: Path) -> None:
    collection, tile = planet_tile
    result = run("files", "get", collection, tile, "--dest", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / tile / "scene.tif").read_bytes() == b"s" * 50_000
    assert (tmp_path / tile / "udm" / "udm2.tif").read_bytes() == b"u" * 300
    assert "2 file(s) written (50,300 bytes), 0 already complete, 0 failed" in result.stderr
    assert sorted(result.stdout.splitlines()) == sorted(
        [str(tmp_path / tile / "scene.tif"), str(tmp_path / tile / "udm" / "udm2.tif")]
    )
    # Complete files are skipped when run again.
    again = json.loads(run("-o", "json", "files", "get", collection, tile, "--dest", str(tmp_path)).stdout)
    assert again["written"] == []
    assert len(again["skipped"]) == 2
    assert again["bytes"] == 0


def test_files_get_names_into_a_folder_and_the_current_one(
    run: Byoc, planet_tile: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    collection, tile = planet_tile
    result = run(
        "files", "get", collection, tile, "udm/udm2.tif", "--dest", str(tmp_path), "--concurrency", "2"
    )
    assert result.exit_code == 0, result.stderr
    assert [path.name for path in (tmp_path / tile).rglob("*.tif")] == ["udm2.tif"]
    monkeypatch.chdir(tmp_path)
    assert run("files", "get", collection, tile).exit_code == 0
    assert (tmp_path / tile / "scene.tif").stat().st_size == 50_000


def test_files_get_failures(run: Byoc, planet_tile: tuple[str, str], tmp_path: Path) -> None:
    collection, tile = planet_tile
    result = run("files", "get", collection, tile, "nothing.tif", "scene.tif", "--dest", str(tmp_path))
    assert result.exit_code == 1
    assert "1 failed" in result.stderr
    assert "FAILED nothing.tif" in result.stderr
    assert (tmp_path / tile / "scene.tif").exists()
    assert run("files", "get", collection, tile, "a", "b", "c").exit_code == 2
    _one_line_error(run("files", "get", collection, tile, "../up.tif", "--dest", str(tmp_path)), 2)


# --- tiles sync through S3 ----------------------------------------------------------------------


@pytest.fixture
def s3_run(moto_endpoint: str) -> Iterator[Byoc]:
    """The emulator reading its buckets from moto's S3 server, and the AWS settings boto3 reads."""
    from sentinelhub_byoc.testing.ingestion import s3_buckets

    client = s3_client(moto_endpoint)
    # The module's tests share one moto store: the bucket may be there already (each test uses a
    # prefix of its own in it).
    if BUCKET not in {bucket["Name"] for bucket in client.list_buckets()["Buckets"]}:
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    with Emulator(buckets=s3_buckets(moto_endpoint)) as emulator, serve(emulator) as served:
        yield Byoc(served)


def test_sync_uploads_a_folder_to_s3_then_syncs_the_prefix(
    s3_run: Byoc, moto_endpoint: str, tmp_path: Path
) -> None:
    folder = tmp_path / "local"
    write_scene(folder, "20240501/a")
    write_scene(folder, "20240502/strips", west=505_120.0, tiled=False)
    env = {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }
    collection = s3_run.collection()
    upload = [str(folder), "--upload-to", f"s3://{BUCKET}/scenes/", "--sensing-time", "%Y%m%d", "--check"]
    result = s3_run("-o", "json", "tiles", "sync", collection, *upload, "--timeout", "30", env=env)
    assert result.exit_code == 4, result.stderr
    report = json.loads(result.stdout)
    assert len(report["uploaded"]) == 4
    assert report["created"] == ["scenes/20240501/a/(BAND).tif"]
    assert list(report["failed"]) == ["scenes/20240502/strips/(BAND).tif"]
    assert "not tiled" in report["failed"]["scenes/20240502/strips/(BAND).tif"]
    # Without --check the broken tile, left out before, is registered now and fails ingestion.
    again = s3_run("-o", "json", "tiles", "sync", collection, f"s3://{BUCKET}/scenes/", env=env)
    assert again.exit_code == 4, again.stderr
    second = json.loads(again.stdout)
    assert second["skipped"] == ["scenes/20240501/a/(BAND).tif"]
    assert second["created"] == ["scenes/20240502/strips/(BAND).tif"]
    assert "not tiled" in second["failed"]["scenes/20240502/strips/(BAND).tif"]
    wrong = s3_run("tiles", "sync", collection, "s3://other-bucket/scenes/", env=env)
    _one_line_error(wrong, 2)
    assert "sync into the collection's bucket" in wrong.stderr


def test_sync_checksum_catches_a_fix_copied_in_with_cp_p(
    s3_run: Byoc, moto_endpoint: str, tmp_path: Path
) -> None:
    folder, fixes = tmp_path / "local", tmp_path / "fixes"
    write_scene(folder, "20240501/a")
    write_scene(folder, "20240502/b", west=505_120.0, tiled=False)
    write_scene(fixes, "b", west=505_120.0)
    for band in ("B04", "B08"):
        # One size for the broken and the fixed file (zeros at the end, which readers ignore):
        # only the content tells them apart.
        broken, fixed = folder / "20240502/b" / f"{band}.tif", fixes / "b" / f"{band}.tif"
        gap = broken.stat().st_size - fixed.stat().st_size
        with (fixed if gap > 0 else broken).open("ab") as file:
            file.write(b"\0" * abs(gap))
    env = {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }
    collection = s3_run.collection()
    args = [
        "tiles",
        "sync",
        collection,
        str(folder),
        "--upload-to",
        f"s3://{BUCKET}/cp-p/",
        "--timeout",
        "30",
    ]
    first = s3_run("-o", "json", *args, env=env)
    assert first.exit_code == 4, first.stderr
    assert list(json.loads(first.stdout)["failed"]) == ["cp-p/20240502/b/(BAND).tif"]
    # cp -p: the fixed bytes, with the old file's time (and here its size too).
    for band in ("B04", "B08"):
        broken = folder / "20240502/b" / f"{band}.tif"
        before = broken.stat()
        shutil.copy2(fixes / "b" / f"{band}.tif", broken)
        os.utime(broken, ns=(before.st_atime_ns, before.st_mtime_ns))
        assert broken.stat().st_size == before.st_size
    by_time = s3_run("-o", "json", *args, env=env)
    assert by_time.exit_code == 0, by_time.stderr
    unchanged = json.loads(by_time.stdout)
    assert unchanged["uploaded"] == []
    assert list(unchanged["failedBefore"]) == ["cp-p/20240502/b/(BAND).tif"]
    dry = s3_run(*args, "--checksum", "--dry-run", env=env)
    assert dry.exit_code == 0, dry.stderr
    assert "  upload   cp-p/20240502/b/B04.tif  (its content differs from the bucket's copy)" in dry.stdout
    assert "  reingest cp-p/20240502/b/(BAND).tif  (cp-p/20240502/b/B04.tif is uploaded again" in dry.stdout
    by_content = s3_run("-o", "json", *args, "--checksum", env=env)
    assert by_content.exit_code == 0, by_content.stderr
    fixed_report = json.loads(by_content.stdout)
    assert fixed_report["uploaded"] == ["cp-p/20240502/b/B04.tif", "cp-p/20240502/b/B08.tif"]
    assert fixed_report["reingested"] == ["cp-p/20240502/b/(BAND).tif"]
    assert fixed_report["ingestion"]["ingested"] == ["cp-p/20240502/b/(BAND).tif"]
    assert {tile["path"]: tile["status"] for tile in _tiles(s3_run, collection)} == {
        "cp-p/20240501/a/(BAND).tif": "INGESTED",
        "cp-p/20240502/b/(BAND).tif": "INGESTED",
    }


def test_sync_refuses_links_out_of_the_folder_and_names_a_link_to_nothing(
    s3_run: Byoc, moto_endpoint: str, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    write_scene(outside, "secret", west=510_240.0)
    folder = tmp_path / "local"
    write_scene(folder, "20240501/a")
    write_scene(folder, "20240501/leak", west=505_120.0)
    (folder / "20240501" / "leak" / "B08.tif").unlink()
    (folder / "20240501" / "leak" / "B08.tif").symlink_to(outside / "secret" / "B08.tif")
    (folder / "20240501" / "gone").mkdir()
    (folder / "20240501" / "gone" / "B04.tif").symlink_to(tmp_path / "nothing.tif")
    env = {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }
    collection = s3_run.collection()
    upload = f"s3://{BUCKET}/links/"
    args = ("tiles", "sync", collection, str(folder), "--upload-to", upload, "--timeout", "30")
    result = s3_run("-o", "json", *args, env=env)
    assert result.exit_code == 4, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["created"] == ["links/20240501/a/(BAND).tif"]
    leak = report["failed"]["links/20240501/leak/(BAND).tif"]
    assert "links/20240501/leak/B08.tif" in leak
    assert "outside the folder" in leak
    gone = report["failed"]["links/20240501/gone/(BAND).tif"]
    assert str(folder / "20240501" / "gone" / "B04.tif") in gone
    assert "does not exist" in gone
    assert "outside the folder" in report["refused"]["links/20240501/leak/B08.tif"]
    assert set(report["plan"]["refusedTiles"]) == set(report["failed"])
    listed = s3_client(moto_endpoint).list_objects_v2(Bucket=BUCKET, Prefix="links/")["Contents"]
    assert sorted(item["Key"] for item in listed) == ["links/20240501/a/B04.tif", "links/20240501/a/B08.tif"]
    # For people: the same, each refused file by name.
    again = s3_run(*args, env=env)
    assert again.exit_code == 4, again.stderr
    assert "REFUSED 'links/20240501/gone/B04.tif'" in again.stdout
    assert "FAILED links/20240501/leak/(BAND).tif" in again.stdout


def test_files_get_no_resume_starts_over(run: Byoc, planet_tile: tuple[str, str], tmp_path: Path) -> None:
    collection, tile = planet_tile
    part = tmp_path / tile / "scene.tif.part"
    part.parent.mkdir(parents=True)
    # A partial file from an earlier download that does not match the file: only a fresh start helps.
    part.write_bytes(b"x" * 1000)
    args = ("files", "get", collection, tile, "scene.tif", "--dest", str(tmp_path))
    result = run(*args, "--no-resume")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / tile / "scene.tif").read_bytes() == b"s" * 50_000
    assert not part.exists()
    part.write_bytes(b"x" * 1000)
    (tmp_path / tile / "scene.tif").unlink()
    resumed = run(*args)
    assert resumed.exit_code == 0, resumed.stderr
    # Resuming keeps the 1,000 bytes already there (which are wrong here: hence --no-resume).
    assert (tmp_path / tile / "scene.tif").read_bytes()[:1000] == b"x" * 1000


# --- tiles sync --convert -----------------------------------------------------------------------


def _write_strips(path: Path) -> None:
    """A band as GDAL writes a GeoTIFF by default: in strips, uncompressed (ingestion refuses it)."""
    rasterio = pytest.importorskip("rasterio")
    import numpy as np
    from affine import Affine

    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "GTiff",
        "width": 256,
        "height": 256,
        "count": 1,
        "dtype": "uint16",
        "crs": "EPSG:32633",
        "transform": Affine(20.0, 0.0, 505_120.0, 0.0, -20.0, 5_105_120.0),
    }
    with rasterio.open(path, "w", **profile) as dataset:
        dataset.write((np.arange(256 * 256).reshape(1, 256, 256) % 997 + 1).astype("uint16"))


def test_sync_convert_uploads_converted_copies_and_converts_nothing_twice(
    s3_run: Byoc, moto_endpoint: str, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    from sentinelhub_byoc.cog import check_cog

    folder = tmp_path / "local"
    write_scene(folder, "20240501/a")
    for band in ("B04", "B08"):
        _write_strips(folder / "20240502" / "strips" / f"{band}.tif")
    original = (folder / "20240502" / "strips" / "B04.tif").read_bytes()
    staging = tmp_path / "staging"
    env = {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }
    collection = s3_run.collection()
    args = ["tiles", "sync", collection, str(folder), "--upload-to", f"s3://{BUCKET}/converted/", "--convert"]
    args += ["--staging", str(staging), "--timeout", "30"]
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        result = s3_run("-o", "json", *args, "--dask-scheduler", str(cluster.scheduler_address), env=env)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert sorted(report["created"]) == [
        "converted/20240501/a/(BAND).tif",
        "converted/20240502/strips/(BAND).tif",
    ]
    assert report["failed"] == {}
    assert sorted(report["ingestion"]["ingested"]) == sorted(report["created"])
    # The converted copy went up under the original's key; the original is left as it was.
    assert (folder / "20240502" / "strips" / "B04.tif").read_bytes() == original
    client = s3_client(moto_endpoint)
    assert check_cog(f"s3://{BUCKET}/converted/20240502/strips/B04.tif", s3_client=client).ok
    converted = {path: path.stat().st_mtime_ns for path in staging.rglob("*.tif")}
    assert converted
    again = s3_run("-o", "json", *args, env=env)
    assert again.exit_code == 0, again.stderr
    second = json.loads(again.stdout)
    assert second["uploaded"] == []
    assert second["created"] == []
    assert {path: path.stat().st_mtime_ns for path in staging.rglob("*.tif")} == converted


def test_sync_convert_from_s3_stages_the_tiles_to_convert(
    s3_run: Byoc, moto_endpoint: str, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    from sentinelhub_byoc.cog import check_cog

    client = s3_client(moto_endpoint)
    write_scene(tmp_path, "20240501/a")
    for band in ("B04", "B08"):
        _write_strips(tmp_path / "20240502" / "strips" / f"{band}.tif")
    for path in sorted(tmp_path.rglob("*.tif")):
        client.upload_file(str(path), BUCKET, f"s3src/{path.relative_to(tmp_path).as_posix()}")
    env = {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }
    collection = s3_run.collection()
    args = ["-o", "json", "tiles", "sync", collection, f"s3://{BUCKET}/s3src/", "--convert"]
    args += ["--staging", f"s3://{BUCKET}/s3staged/", "--timeout", "30"]
    # The workers of a Dask cluster check, convert and copy, each with an S3 client of its own.
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        result = s3_run(*args, "--dask-scheduler", str(cluster.scheduler_address), env=env)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert sorted(report["created"]) == ["s3src/20240501/a/(BAND).tif", "s3staged/20240502/strips/(BAND).tif"]
    assert sorted(report["uploaded"]) == [
        "s3staged/20240502/strips/B04.tif",
        "s3staged/20240502/strips/B08.tif",
    ]
    assert sorted(report["ingestion"]["ingested"]) == sorted(report["created"])
    assert check_cog(f"s3://{BUCKET}/s3staged/20240502/strips/B04.tif", s3_client=client).ok
    again = s3_run(*args, env=env)
    assert again.exit_code == 0, again.stderr
    second = json.loads(again.stdout)
    assert (second["uploaded"], second["created"], second["reingested"]) == ([], [], [])


def test_sync_convert_bad_input(run: Byoc, scenes: Path, tmp_path: Path) -> None:
    collection = run.collection()
    staging = run("tiles", "sync", collection, str(scenes), "--bucket-dir", "--staging", str(tmp_path / "s"))
    assert staging.exit_code == 2
    assert "add --convert" in staging.stderr
    dask = run(
        "tiles", "sync", collection, str(scenes), "--bucket-dir", "--dask-scheduler", "tcp://127.0.0.1:8786"
    )
    assert dask.exit_code == 2
    assert "add --convert" in dask.stderr
    # The converted files replace the originals in an upload: a folder that is the bucket has none.
    in_place = run("tiles", "sync", collection, str(scenes), "--bucket-dir", "--convert")
    assert in_place.exit_code == 2
    assert "--convert needs a local folder and --upload-to" in in_place.stderr
    for more in ([], ["--staging", str(tmp_path / "s")]):
        from_s3 = run("tiles", "sync", collection, f"s3://{BUCKET}/x/", "--convert", *more)
        assert from_s3.exit_code == 2
        assert "needs --staging s3://bucket/prefix" in from_s3.stderr
    assert _tiles(run, collection) == []
    assert not (tmp_path / "s").exists()
