"""download_tile_files against the emulator over loopback, blocking and asyncio.

Each test runs with the blocking workflow (``download_tile_files`` and ``BYOCClient``) and the
asyncio one (``async_download_tile_files`` and ``AsyncBYOCClient``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sentinelhub_byoc import APIConnectionError, NotFoundError
from sentinelhub_byoc.errors import DownloadError, ValidationError
from sentinelhub_byoc.testing import Emulator, EmulatorServer, async_client_for, client_for, serve
from sentinelhub_byoc.workflows import (
    DownloadReport,
    Progress,
    async_download_tile_files,
    download_tile_files,
)
from sentinelhub_byoc.workflows._downloading import file_destination

pytestmark = pytest.mark.anyio

BUCKET = "planet-bucket"
#: Each tile's folder holds these files; bigger than a chunk so bodies arrive in pieces.
FILES = {
    "scene.tif": bytes(range(256)) * 1024,  # 256 KiB
    "scene_metadata.json": b'{"cloud_cover": 0.1}',
    "udm/udm2.tif": b"mask" * 5000,
}


class Planet:
    """A Planet-delivered collection with tiles ``order-0``, ``order-1``, ... served on loopback."""

    def __init__(self, emulator: Emulator, server: EmulatorServer, tiles: int = 3) -> None:
        self.emulator = emulator
        self.server = server
        with client_for(server) as client:
            self.collection = client.collections.create(name="planet", s3_bucket=BUCKET).id
        emulator.mark_planet(str(self.collection))
        folder = emulator.bucket_dir(BUCKET)
        paths = [f"order-{index}" for index in range(tiles)]
        for path in paths:
            for name, content in FILES.items():
                (folder / path / name).parent.mkdir(parents=True, exist_ok=True)
                (folder / path / name).write_bytes(content + path.encode())
        self.tiles = emulator.add_tiles(str(self.collection), paths)

    def content(self, tile_index: int, name: str) -> bytes:
        return FILES[name] + f"order-{tile_index}".encode()

    def file(self, tile_index: int, name: str) -> Path:
        return self.emulator.bucket_dir(BUCKET) / f"order-{tile_index}" / name

    def downloads(self, kind: str, tiles: Any, destination: Path, **options: Any) -> DownloadReport:
        """Run the workflow of *kind* ("sync" or "async") to its end."""
        if kind == "sync":
            with client_for(self.server) as client:
                return download_tile_files(client, self.collection, tiles, destination, **options)

        async def run() -> DownloadReport:
            async with async_client_for(self.server) as client:
                return await async_download_tile_files(client, self.collection, tiles, destination, **options)

        import anyio

        return anyio.run(run)


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def planet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Planet]:
    # The buckets live apart from tmp_path, where the tests download to.
    with Emulator(data_dir=tmp_path_factory.mktemp("buckets")) as emulator, serve(emulator) as server:
        yield Planet(emulator, server)


def leftovers(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*.part"))


def test_every_file_of_every_tile_is_downloaded_in_parallel(
    kind: str, planet: Planet, tmp_path: Path
) -> None:
    destination = tmp_path / "downloads"
    seen: list[Progress] = []
    report = planet.downloads(kind, planet.tiles, destination, concurrency=3, on_progress=seen.append)

    assert report.ok
    expected = [destination / tile / name for tile in planet.tiles for name in FILES]
    assert list(report.written) == expected
    assert report.skipped == ()
    for index, tile in enumerate(planet.tiles):
        for name in FILES:
            assert (destination / tile / name).read_bytes() == planet.content(index, name)
    total = sum(len(planet.content(index, name)) for index in range(3) for name in FILES)
    assert report.bytes == total
    assert leftovers(destination) == []

    in_bytes = [p for p in seen if p.unit == "bytes"]
    assert {p.stage for p in seen} == {"download"}
    assert in_bytes[-1].done == in_bytes[-1].total == total
    assert [p.done for p in in_bytes] == sorted(p.done for p in in_bytes)
    in_files = [p for p in seen if p.unit == "files"]
    assert [p.done for p in in_files] == list(range(1, 10))
    assert {p.total for p in in_files} == {9}
    assert {p.item for p in in_files} == {f"{tile}/{name}" for tile in planet.tiles for name in FILES}
    assert all(p.message is None for p in in_files)


def test_one_tile_and_chosen_names(kind: str, planet: Planet, tmp_path: Path) -> None:
    tile = planet.tiles[1]
    report = planet.downloads(kind, tile, tmp_path, names=["udm/udm2.tif", "scene.tif"])
    assert list(report.written) == [tmp_path / tile / "udm/udm2.tif", tmp_path / tile / "scene.tif"]
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == [
        f"{tile}/scene.tif",
        f"{tile}/udm/udm2.tif",
    ]
    # No listing was asked for, only the sizes and the files.
    assert [r.method for r in planet.emulator.requests if "/files" in r.path].count("GET") == 2


def test_complete_files_are_skipped(kind: str, planet: Planet, tmp_path: Path) -> None:
    first = planet.downloads(kind, planet.tiles[:2], tmp_path)
    # A file that changed size since is fetched again.
    changed = tmp_path / planet.tiles[0] / "scene.tif"
    changed.write_bytes(b"old")
    seen: list[Progress] = []
    again = planet.downloads(kind, planet.tiles[:2], tmp_path, on_progress=seen.append)
    assert again.written == (changed,)
    assert set(again.skipped) == set(first.written) - {changed}
    assert again.bytes == len(planet.content(0, "scene.tif"))
    assert changed.read_bytes() == planet.content(0, "scene.tif")
    messages = [p.message for p in seen if p.unit == "files"]
    assert messages.count("skipped: already complete") == 5
    assert set(again.paths) == set(first.written)


def test_a_partial_file_is_resumed(kind: str, planet: Planet, tmp_path: Path) -> None:
    tile = planet.tiles[0]
    content = planet.content(0, "scene.tif")
    part = tmp_path / tile / "scene.tif.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(content[:100_000])
    planet.emulator.clear_requests()
    seen: list[Progress] = []

    report = planet.downloads(kind, tile, tmp_path, names=["scene.tif"], on_progress=seen.append)

    assert report.written == (tmp_path / tile / "scene.tif",)
    assert (tmp_path / tile / "scene.tif").read_bytes() == content
    assert report.bytes == len(content) - 100_000
    assert not part.exists()
    gets = [r for r in planet.emulator.requests if r.method == "GET"]
    assert [r.status for r in gets] == [206]
    # The bytes already held count as done from the start.
    assert next(p for p in seen if p.unit == "bytes").done > 100_000


def test_a_connection_dropped_mid_body_is_resumed_by_the_next_call(
    kind: str, planet: Planet, tmp_path: Path
) -> None:
    tile = planet.tiles[2]
    content = planet.content(2, "scene.tif")
    target = tmp_path / tile / "scene.tif"
    # The size (HEAD) is answered, then the body is cut off half-way.
    planet.emulator.script_faults([None, "lost"])

    report = planet.downloads(kind, tile, tmp_path, names=["scene.tif"])

    assert not report.ok
    (failure,) = report.failed
    assert (failure.tile, failure.name) == (tile, "scene.tif")
    assert isinstance(failure.error, APIConnectionError)
    assert failure.cause.startswith("APIConnectionError: ")
    # Nothing half-written under the real name; what arrived is kept for resuming.
    assert not target.exists()
    kept = target.with_name("scene.tif.part").read_bytes()
    assert 0 < len(kept) < len(content)
    assert content.startswith(kept)

    again = planet.downloads(kind, tile, tmp_path, names=["scene.tif"])
    assert again.ok
    assert again.bytes == len(content) - len(kept)
    assert target.read_bytes() == content
    assert leftovers(tmp_path) == []


def test_failures_are_reported_or_raised(kind: str, planet: Planet, tmp_path: Path) -> None:
    planet.emulator.script_faults([None, "lost"])
    with pytest.raises(DownloadError, match="1 file") as caught:
        planet.downloads(kind, planet.tiles[0], tmp_path, names=["scene.tif"], raise_on_failure=True)
    report = caught.value.report
    assert isinstance(report, DownloadReport)
    assert [f.name for f in report.failed] == ["scene.tif"]

    # A file the service does not have fails alone; the others are written.
    report = planet.downloads(kind, planet.tiles[0], tmp_path, names=["nope.tif", "scene_metadata.json"])
    assert [(f.name, type(f.error)) for f in report.failed] == [("nope.tif", NotFoundError)]
    assert report.written == (tmp_path / planet.tiles[0] / "scene_metadata.json",)


def test_a_tile_whose_files_cannot_be_listed_is_a_failure(kind: str, planet: Planet, tmp_path: Path) -> None:
    planet.emulator.mark_planet(str(planet.collection), planet=False)
    report = planet.downloads(kind, planet.tiles[:2], tmp_path)
    assert [(f.tile, f.name, type(f.error)) for f in report.failed] == [
        (tile, None, NotFoundError) for tile in planet.tiles[:2]
    ]
    assert report.written == ()


def test_a_file_that_changed_after_its_size_was_asked_is_a_download_error(
    kind: str, planet: Planet, tmp_path: Path
) -> None:
    tile = planet.tiles[0]
    grown = planet.file(0, "udm/udm2.tif")

    def change_the_second_file(progress: Progress) -> None:
        # Called while the first file arrives, after every size was asked.
        if progress.unit == "bytes" and not grown.read_bytes().endswith(b"extra"):
            grown.write_bytes(grown.read_bytes() + b"extra")

    report = planet.downloads(
        kind,
        tile,
        tmp_path,
        names=["scene.tif", "udm/udm2.tif"],
        concurrency=1,
        on_progress=change_the_second_file,
    )
    assert report.written == (tmp_path / tile / "scene.tif",)
    (failure,) = report.failed
    assert isinstance(failure.error, DownloadError)
    assert "more than" in str(failure.error)
    # A part longer than the announced size cannot be resumed: it is removed.
    assert leftovers(tmp_path) == []
    assert not (tmp_path / tile / "udm/udm2.tif").exists()


@pytest.mark.parametrize(
    "name", ["../escape.tif", "/etc/passwd", "a/../../b", "", "sub//x", "C:\\x", "a\\..\\b"]
)
def test_names_that_leave_the_tile_folder_are_refused_before_any_request(
    kind: str, planet: Planet, tmp_path: Path, name: str
) -> None:
    planet.emulator.clear_requests()
    with pytest.raises(ValidationError):
        planet.downloads(kind, planet.tiles[0], tmp_path / "out", names=["scene.tif", name])
    assert [r for r in planet.emulator.requests if "/files" in r.path] == []
    assert not (tmp_path / "out").exists()


@given(st.text(alphabet=st.sampled_from("ab./\\:\0"), max_size=12))
def test_an_accepted_name_stays_inside_the_tile_folder(name: str) -> None:
    root = Path("/downloads")
    try:
        path = file_destination(root, "tile", name)
    except ValidationError:
        return
    assert os.path.normpath(path).startswith("/downloads/tile/")
    assert path.relative_to(root / "tile").as_posix() == name


@pytest.mark.parametrize(
    ("tiles", "destination", "concurrency"),
    [("not-a-uuid", "out", 4), (None, "out", 4), ("TILE", 5, 4), ("TILE", "out", 0)],
)
def test_arguments_are_checked_before_any_request(
    kind: str, planet: Planet, tmp_path: Path, tiles: Any, destination: Any, concurrency: int
) -> None:
    tiles = planet.tiles[0] if tiles == "TILE" else tiles
    destination = tmp_path / destination if isinstance(destination, str) else destination
    planet.emulator.clear_requests()
    with pytest.raises(ValidationError):
        planet.downloads(kind, tiles, destination, concurrency=concurrency)
    assert [r for r in planet.emulator.requests if "/files" in r.path] == []


# files.download(size=...) on its own


def test_files_download_checks_the_size(kind: str, planet: Planet, tmp_path: Path) -> None:
    tile = planet.tiles[0]
    content = planet.content(0, "scene.tif")
    target = tmp_path / "scene.tif"
    part = tmp_path / "scene.tif.part"

    def download(**options: Any) -> Path:
        if kind == "sync":
            with client_for(planet.server) as client:
                return client.files.download(planet.collection, tile, "scene.tif", target, **options)

        async def run() -> Path:
            async with async_client_for(planet.server) as client:
                return await client.files.download(planet.collection, tile, "scene.tif", target, **options)

        import anyio

        return anyio.run(run)

    # The file is shorter than announced: what came is kept to resume from.
    with pytest.raises(DownloadError, match=f"received {len(content)} of its {len(content) + 10} bytes"):
        download(size=len(content) + 10)
    assert not target.exists()
    assert part.read_bytes() == content

    # Longer than announced: a part that cannot be a prefix is removed.
    part.unlink()
    with pytest.raises(DownloadError, match="more than"):
        download(size=len(content) - 10)
    assert not target.exists()
    assert not part.exists()

    # A part already holding the announced size is renamed without a request.
    part.write_bytes(content)
    planet.emulator.clear_requests()
    assert download(size=len(content)) == target
    assert target.read_bytes() == content
    assert [r.method for r in planet.emulator.requests if "/files" in r.path] == []

    # Without size= nothing is checked, as before.
    target.unlink()
    assert download() == target
    assert target.read_bytes() == content

    with pytest.raises(ValidationError, match="size"):
        download(size=-1)
