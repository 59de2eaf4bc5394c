"""Sync's inputs, attacked: links out of the folder, links to nothing, files that change or vanish
between the listing and the upload or during it, and keys a URL would read as other keys.

S3 is moto's server; the service is the emulator over loopback, reading the same bucket. Every
test lists the bucket and the collection afterwards: nothing refused reaches either.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sentinelhub_byoc import workflows
from sentinelhub_byoc.errors import SourceChangedError, StorageAccessError, ValidationError
from sentinelhub_byoc.storage._local import list_folder
from sentinelhub_byoc.storage._stat import StoredFile
from sentinelhub_byoc.storage._upload import upload_file
from sentinelhub_byoc.storage._urls import S3Location, parse_s3_url
from sentinelhub_byoc.testing import Emulator, EmulatorServer, async_client_for, client_for, serve
from sentinelhub_byoc.workflows._sources import key_problem

from tests.s3_fixtures import new_bucket
from tests.workflows._workflow_helpers import BANDS, FAST, write_scene


@pytest.fixture
def s3_server(moto_endpoint: str) -> Iterator[EmulatorServer]:
    from sentinelhub_byoc.testing.ingestion import s3_buckets

    with Emulator(buckets=s3_buckets(moto_endpoint), delays=FAST) as emulator, serve(emulator) as server:
        yield server


def _objects(s3_client: Any, bucket: str) -> dict[str, bytes]:
    listed = s3_client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        item["Key"]: s3_client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read() for item in listed
    }


def _tile_paths(client: Any, collection: Any) -> list[str]:
    return sorted(tile.path for tile in client.tiles.list(collection))


def _hostile_folder(root: Path) -> tuple[Path, Path]:
    """A folder of scenes with every kind of link, and the outside folder some of them lead to.

    ``good`` and ``inner`` (whose B08 is a link to ``good``'s: inside, followed) are sound;
    ``leak``'s B08 leads outside, ``dangling``'s to nothing, ``linked`` is a link to an outside
    folder, ``pipe``'s B08 is a named pipe (reading it would block forever).
    """
    outside = root / "outside"
    write_scene(outside / "secret", index=9)
    folder = root / "scenes"
    write_scene(folder / "good", index=0)
    write_scene(folder / "inner", index=0, bands=("B04",))
    (folder / "inner" / "B08.tif").symlink_to(Path("..", "good", "B08.tif"))
    write_scene(folder / "leak", index=2, bands=("B04",))
    (folder / "leak" / "B08.tif").symlink_to(outside / "secret" / "B08.tif")
    write_scene(folder / "dangling", index=3, bands=("B04",))
    (folder / "dangling" / "B08.tif").symlink_to(root / "nowhere" / "B08.tif")
    (folder / "linked").symlink_to(outside / "secret", target_is_directory=True)
    write_scene(folder / "pipe", index=4, bands=("B04",))
    os.mkfifo(folder / "pipe" / "B08.tif")
    # A name in another encoding than UTF-8 (no key can hold it): listed as 'notes\udcff.txt'.
    with open(os.path.join(os.fsencode(folder), b"notes\xff.txt"), "wb") as file:
        file.write(b"notes")
    return folder, outside


def _check_hostile_report(report: workflows.SyncReport, folder: Path, outside: Path) -> None:
    assert report.created == ("up/good/(BAND).tif", "up/inner/(BAND).tif")
    assert set(report.failed) == {"up/leak/(BAND).tif", "up/dangling/(BAND).tif", "up/pipe/(BAND).tif"}
    leak = report.failed["up/leak/(BAND).tif"]
    assert "up/leak/B08.tif" in leak
    assert "outside the folder" in leak
    assert str(outside / "secret" / "B08.tif") in leak
    # A link to nothing names the link, not its folder.
    dangling = report.failed["up/dangling/(BAND).tif"]
    assert str(folder / "dangling" / "B08.tif") in dangling
    assert "does not exist" in dangling
    assert "not a regular file" in report.failed["up/pipe/(BAND).tif"]
    assert "does not follow" in report.refused["up/linked/"]
    assert "not valid UTF-8" in report.refused["up/notes\udcff.txt"]
    assert not report.ok
    text = str(report)
    assert "REFUSED 'up/leak/B08.tif'" in text
    assert "FAILED up/dangling/(BAND).tif" in text


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_links_out_of_the_folder_to_nothing_or_to_folders_are_refused_and_never_uploaded(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any, mode: str
) -> None:
    folder, outside = _hostile_folder(tmp_path)
    bucket = new_bucket(s3_client, "inputs")
    collection = s3_server.emulator.create_collection("inputs", bucket, bands=BANDS)
    upload_to = f"s3://{bucket}/up"

    if mode == "sync":
        with client_for(s3_server) as client:
            report = workflows.sync(client, collection, folder, upload_to=upload_to, s3_client=s3_client)
    else:

        async def run() -> workflows.SyncReport:
            async with async_client_for(s3_server) as client:
                return await workflows.async_sync(
                    client, collection, folder, upload_to=upload_to, s3_client=s3_client, timeout=60
                )

        report = asyncio.run(run())

    _check_hostile_report(report, folder, outside)
    objects = _objects(s3_client, bucket)
    assert sorted(objects) == ["up/good/B04.tif", "up/good/B08.tif", "up/inner/B04.tif", "up/inner/B08.tif"]
    secrets = {path.read_bytes() for path in (outside / "secret").iterdir()}
    assert not secrets & set(objects.values())
    # The link inside the folder was followed: its key holds its target's bytes.
    assert objects["up/inner/B08.tif"] == (folder / "good" / "B08.tif").read_bytes()
    with client_for(s3_server) as client:
        assert _tile_paths(client, collection) == ["up/good/(BAND).tif", "up/inner/(BAND).tif"]
        assert report.ingestion is not None
        assert len(report.ingestion.ingested) == 2

        # Fixed, the tile is picked up by the next run; what is still refused stays refused.
        (folder / "leak" / "B08.tif").unlink()
        write_scene(folder / "leak", index=2, bands=("B08",))
        again = workflows.sync(client, collection, folder, upload_to=upload_to, s3_client=s3_client)
        assert again.created == ("up/leak/(BAND).tif",)
        assert set(again.failed) == {"up/dangling/(BAND).tif", "up/pipe/(BAND).tif"}
    assert "up/dangling/B04.tif" not in _objects(s3_client, bucket)


def test_the_dry_run_shows_what_is_refused(tmp_path: Path, s3_server: EmulatorServer, s3_client: Any) -> None:
    folder, _ = _hostile_folder(tmp_path)
    bucket = new_bucket(s3_client, "inputs")
    collection = s3_server.emulator.create_collection("inputs", bucket, bands=BANDS)
    with client_for(s3_server) as client:
        plan = workflows.plan_sync(
            client, collection, folder, upload_to=f"s3://{bucket}/up", s3_client=s3_client
        )
    assert [tile.path for tile in plan.of("create")] == ["up/good/(BAND).tif", "up/inner/(BAND).tif"]
    assert "up/leak/B04.tif" not in plan.uploads
    assert set(plan.refused_tiles) == {"up/leak/(BAND).tif", "up/dangling/(BAND).tif", "up/pipe/(BAND).tif"}
    text = str(plan)
    assert "refused  'up/leak/B08.tif'" in text
    assert "3 tile(s) are left alone" in text
    assert _objects(s3_client, bucket) == {}


def test_a_folder_that_is_the_bucket_registers_no_link_out_of_it_and_deletes_nothing_behind_a_link(
    local_server: EmulatorServer, client: Any, tmp_path: Path
) -> None:
    bucket = local_server.emulator.bucket_dir("linked-bucket")
    write_scene(bucket / "a", index=0)
    write_scene(bucket / "b", index=1)
    write_scene(tmp_path / "elsewhere", index=2)
    (bucket / "c").mkdir()
    for band in ("B04", "B08"):
        (bucket / "c" / f"{band}.tif").symlink_to(tmp_path / "elsewhere" / f"{band}.tif")
    collection = local_server.emulator.create_collection("linked", "linked-bucket", bands=BANDS)
    report = workflows.sync(client, collection, bucket, bucket_dir=True, timeout=30)
    assert report.created == ("a/(BAND).tif", "b/(BAND).tif")
    assert "outside the folder" in report.failed["c/(BAND).tif"]
    assert _tile_paths(client, collection) == ["a/(BAND).tif", "b/(BAND).tif"]

    # A folder swapped for a link to one elsewhere: its tile is not taken for gone.
    moved = tmp_path / "moved-b"
    (bucket / "b").rename(moved)
    (bucket / "b").symlink_to(moved, target_is_directory=True)
    pruned = workflows.sync(client, collection, bucket, bucket_dir=True, delete_missing=True, timeout=30)
    assert pruned.deleted == ()
    assert "b/" in pruned.refused
    assert _tile_paths(client, collection) == ["a/(BAND).tif", "b/(BAND).tif"]


# --- files that change between the listing and the upload, or during it --------------------------


@pytest.mark.parametrize("workers", [None, 2], ids=["in-process", "executor"])
def test_files_changed_vanished_or_swapped_after_the_listing_fail_only_their_tiles(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any, workers: int | None
) -> None:
    folder = tmp_path / "scenes"
    for index in range(4):
        write_scene(folder / f"s{index}", index=index)
    secret = tmp_path / "secret.tif"
    secret.write_bytes(b"not for the bucket")
    bucket = new_bucket(s3_client, "changing")
    collection = s3_server.emulator.create_collection("changing", bucket, bands=BANDS)

    def meanwhile(event: workflows.Progress) -> None:
        # The plan is made: the files were listed and compared with the bucket, none is uploaded yet.
        if event.stage == "plan":
            with (folder / "s1" / "B04.tif").open("ab") as file:
                file.write(b"appended")
            (folder / "s2" / "B08.tif").unlink()
            (folder / "s3" / "B04.tif").unlink()
            (folder / "s3" / "B04.tif").symlink_to(secret)

    # On an executor's workers, the upload is checked against the listing the calling process made.
    executor = ThreadPoolExecutor(workers) if workers else None
    with client_for(s3_server) as client, executor or contextlib.nullcontext():
        report = workflows.sync(
            client,
            collection,
            folder,
            upload_to=f"s3://{bucket}/up",
            s3_client=s3_client,
            concurrency=1,
            executor=executor,
            on_progress=meanwhile,
        )
        assert report.created == ("up/s0/(BAND).tif",)
        assert set(report.failed) == {"up/s1/(BAND).tif", "up/s2/(BAND).tif", "up/s3/(BAND).tif"}
        assert "changed since it was listed" in report.failed["up/s1/(BAND).tif"]
        assert "size went from" in report.failed["up/s1/(BAND).tif"]
        assert "vanished since it was listed" in report.failed["up/s2/(BAND).tif"]
        assert "became a symbolic link" in report.failed["up/s3/(BAND).tif"]
        assert _tile_paths(client, collection) == ["up/s0/(BAND).tif"]
        objects = _objects(s3_client, bucket)
        assert b"not for the bucket" not in objects.values()
        assert {"up/s1/B04.tif", "up/s2/B08.tif", "up/s3/B04.tif"}.isdisjoint(objects)

        # Once the files are settled, the next run picks them up as they are.
        write_scene(folder / "s1", index=1)
        write_scene(folder / "s2", index=2, bands=("B08",))
        (folder / "s3" / "B04.tif").unlink()
        write_scene(folder / "s3", index=3, bands=("B04",))
        again = workflows.sync(client, collection, folder, upload_to=f"s3://{bucket}/up", s3_client=s3_client)
        assert again.created == ("up/s1/(BAND).tif", "up/s2/(BAND).tif", "up/s3/(BAND).tif")
        assert again.ok, str(again)


class _WriterDuringUpload:
    """moto's client, with a writer appending to one file while its upload is under way.

    Only the timing is arranged: the file really changes on disk between the upload's first
    read and its end.
    """

    def __init__(self, s3_client: Any, path: Path) -> None:
        self._client = s3_client
        self._path = path

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def upload_fileobj(self, fileobj: Any, bucket: str, key: str, **kwargs: Any) -> None:
        if key.endswith(f"{self._path.parent.name}/{self._path.name}"):
            with self._path.open("ab") as writer:
                writer.write(b"written meanwhile")
        self._client.upload_fileobj(fileobj, bucket, key, **kwargs)


def test_a_file_changed_during_its_upload_is_removed_from_the_bucket_and_fails_its_tile(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any
) -> None:
    folder = tmp_path / "scenes"
    for index in range(2):
        write_scene(folder / f"s{index}", index=index)
    bucket = new_bucket(s3_client, "during")
    collection = s3_server.emulator.create_collection("during", bucket, bands=BANDS)
    changing = _WriterDuringUpload(s3_client, folder / "s1" / "B08.tif")
    with client_for(s3_server) as client:
        report = workflows.sync(client, collection, folder, upload_to=f"s3://{bucket}/up", s3_client=changing)
        assert report.created == ("up/s0/(BAND).tif",)
        assert "changed while it was uploaded" in report.failed["up/s1/(BAND).tif"]
        assert "the copy was removed" in report.failed["up/s1/(BAND).tif"]
        assert "up/s1/B08.tif" not in _objects(s3_client, bucket)
        assert _tile_paths(client, collection) == ["up/s0/(BAND).tif"]


def test_upload_file_opens_what_was_listed_or_raises_a_typed_error(tmp_path: Path, s3_client: Any) -> None:
    location = S3Location(new_bucket(s3_client, "opened"), "")
    path = tmp_path / "B04.tif"
    path.write_bytes(b"listed")
    files, refused = list_folder(tmp_path)
    assert refused == {}
    listed = files["B04.tif"]
    assert listed.identity is not None
    # Written again with the same size: only its modification time tells.
    path.write_bytes(b"listed")
    os.utime(path, ns=(listed.identity.mtime_ns + 10**9,) * 2)
    with pytest.raises(SourceChangedError, match="changed since it was listed"):
        upload_file(s3_client, location, listed)
    path.unlink()
    with pytest.raises(SourceChangedError, match="vanished"):
        upload_file(s3_client, location, listed)
    os.mkfifo(path)
    with pytest.raises(SourceChangedError, match="no longer a regular file"):
        upload_file(s3_client, location, StoredFile("B04.tif", 0, None, path))
    assert issubclass(SourceChangedError, StorageAccessError)
    assert _objects(s3_client, location.bucket) == {}


# --- keys a URL would read as other keys ---------------------------------------------------------


BAD_KEYS = {
    "src/dot/../B04.tif": "'.' or '..' segment",
    "src/here/./B04.tif": "'.' or '..' segment",
    "src/empty//B04.tif": "empty",
    "src/band/(BAND).tif": "(BAND)",
    "src/control/B04\x01.tif": "'\\x01'",
    "src/backslash/B\\04.tif": "'\\\\'",
}


def test_an_s3_source_with_keys_that_cannot_be_tiles_registers_only_the_sound_ones(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any
) -> None:
    scene = tmp_path / "scene"
    write_scene(scene, index=0)
    bucket = new_bucket(s3_client, "keys")
    for folder in ("src/ok", "src/band"):
        for band in ("B04", "B08"):
            s3_client.upload_file(str(scene / f"{band}.tif"), bucket, f"{folder}/{band}.tif")
    for key in BAD_KEYS:
        s3_client.upload_file(str(scene / "B04.tif"), bucket, key)
    collection = s3_server.emulator.create_collection("keys", bucket, bands=BANDS)
    with client_for(s3_server) as client:
        report = workflows.sync(client, collection, f"s3://{bucket}/src", s3_client=s3_client, timeout=60)
        assert report.created == ("src/ok/(BAND).tif",)
        for key, reason in BAD_KEYS.items():
            assert reason in report.refused[key], (key, report.refused[key])
        # The files beside a refused one are not registered without it.
        assert "src/band/(BAND).tif" in report.failed["src/band/(BAND).tif"]
        assert "src/dot/../(BAND).tif" in report.failed
        assert not report.ok
        assert _tile_paths(client, collection) == ["src/ok/(BAND).tif"]
        assert report.plan.unmatched == ()


def test_listed_keys_that_a_url_would_read_otherwise_are_refused(
    local_server: EmulatorServer, client: Any
) -> None:
    bucket = local_server.emulator.bucket_dir("listed-bucket")
    write_scene(bucket / "a", index=0)
    collection = local_server.emulator.create_collection("listed", "listed-bucket", bands=BANDS)
    report = workflows.sync(client, collection, ["a/(BAND).tif", "a/../a/(BAND).tif", "b//(BAND).tif"])
    assert report.created == ("a/(BAND).tif",)
    assert set(report.refused) == {"a/../a/(BAND).tif", "b//(BAND).tif"}
    assert _tile_paths(client, collection) == ["a/(BAND).tif"]


def test_key_rules() -> None:
    assert key_problem("2024/05/B04.tif") is None
    assert key_problem("2024/05/(BAND).tif", pattern=True) is None
    assert key_problem("a/\udcffb.tif") is not None  # a name in another encoding than UTF-8
    assert key_problem("a/" + "x" * 1100) is not None
    for key in BAD_KEYS:
        assert key_problem(key) is not None, key
    with pytest.raises(ValidationError, match="segment"):
        parse_s3_url("s3://bucket/a/../b", "upload_to")
    with pytest.raises(ValidationError, match="segment"):
        parse_s3_url("s3://bucket/a//b/")
    assert parse_s3_url("s3://bucket/a/b/").prefix == "a/b/"


# --- the converted copies read the same listing --------------------------------------------------


def test_convert_reads_only_the_listed_files_and_stages_links_inside_under_their_own_keys(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any
) -> None:
    pytest.importorskip("rasterio")
    outside = tmp_path / "outside"
    write_scene(outside, index=1, tiled=False)
    folder = tmp_path / "scenes"
    write_scene(folder / "a", index=0)
    write_scene(folder / "b", index=1, bands=("B04",), tiled=False)
    (folder / "b" / "B08.tif").symlink_to(outside / "B08.tif")
    write_scene(folder / "c", index=2, bands=("B04",), tiled=False)
    (folder / "c" / "B08.tif").symlink_to(Path("..", "d", "B08.tif"))
    write_scene(folder / "d", index=2, tiled=False)
    staging = tmp_path / "staging"
    bucket = new_bucket(s3_client, "convert-inputs")
    collection = s3_server.emulator.create_collection("convert-inputs", bucket, bands=BANDS)
    with client_for(s3_server) as client:
        report = workflows.sync(
            client,
            collection,
            folder,
            upload_to=f"s3://{bucket}/up",
            s3_client=s3_client,
            convert=True,
            staging=staging,
            timeout=60,
        )
        assert report.created == ("up/a/(BAND).tif", "up/c/(BAND).tif", "up/d/(BAND).tif"), str(report)
        assert "outside the folder" in report.failed["up/b/(BAND).tif"]
        assert _tile_paths(client, collection) == ["up/a/(BAND).tif", "up/c/(BAND).tif", "up/d/(BAND).tif"]
    staged = sorted(path.relative_to(staging).as_posix() for path in staging.rglob("*.tif"))
    assert staged == ["c/B04.tif", "c/B08.tif", "d/B04.tif", "d/B08.tif"]
    assert not any(key.startswith("up/b/") for key in _objects(s3_client, bucket))


def test_a_file_changed_before_its_conversion_is_not_converted(
    tmp_path: Path, s3_server: EmulatorServer, s3_client: Any
) -> None:
    pytest.importorskip("rasterio")
    folder = tmp_path / "scenes"
    for index in range(2):
        write_scene(folder / f"s{index}", index=index, tiled=False)
    bucket = new_bucket(s3_client, "convert-changing")
    collection = s3_server.emulator.create_collection("convert-changing", bucket, bands=BANDS)

    def meanwhile(event: workflows.Progress) -> None:
        # One file at a time, in key order: the first is converted, the last not yet started.
        if event.stage == "convert" and event.done == 1:
            with (folder / "s1" / "B08.tif").open("ab") as file:
                file.write(b"appended")

    with client_for(s3_server) as client:
        report = workflows.sync(
            client,
            collection,
            folder,
            upload_to=f"s3://{bucket}/up",
            s3_client=s3_client,
            convert=True,
            staging=tmp_path / "staging",
            concurrency=1,
            on_progress=meanwhile,
            timeout=60,
        )
        assert report.created == ("up/s0/(BAND).tif",)
        assert "s1/B08.tif changed since it was listed" in report.failed["up/s1/(BAND).tif"]
        assert not (tmp_path / "staging" / "s1" / "B08.tif").exists()
        assert "up/s1/B08.tif" not in _objects(s3_client, bucket)
