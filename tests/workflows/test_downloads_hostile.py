"""download_tile_files against a hostile server on loopback and a destination with planted links.

Each test runs the blocking and the asyncio workflow. What must hold: a file whose bytes did not
go where they belong is never reported written, nothing is written outside the destination, a
body never grows past its announced size, and each failure is that file's alone, typed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
from sentinelhub_byoc.errors import DownloadError, ValidationError
from sentinelhub_byoc.workflows import DownloadReport, async_download_tile_files, download_tile_files

from tests.hostile_files import COLLECTION, TILE, VICTIM, FileScript, make_outside
from tests.scripted_server import Reply, ScriptedServer, endless

A = b"A" * 3000
B = b"B" * 5000


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    return make_outside(tmp_path)


def download(kind: str, script: FileScript, destination: Path, **options: Any) -> DownloadReport:
    with ScriptedServer(script) as server:
        if kind == "sync":
            with server.client() as client:
                return download_tile_files(client, COLLECTION, TILE, destination, **options)

        async def run() -> DownloadReport:
            async with server.async_client() as client:
                return await async_download_tile_files(client, COLLECTION, TILE, destination, **options)

        return anyio.run(run)


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def untouched(outside: Path) -> None:
    assert files_under(outside) == {"victim.txt": VICTIM}


def test_a_listed_name_that_is_another_files_part_file_fails_alone(kind: str, tmp_path: Path) -> None:
    # Before: x's bytes went to x.part, then x.part's over them, and the report said ok.
    script = FileScript({"x": A, "x.part": B, "X.PART": B})
    report = download(kind, script, tmp_path)
    assert not report.ok
    assert report.written == (tmp_path / TILE / "x",)
    assert [(f.name, type(f.error)) for f in report.failed] == [
        ("x.part", ValidationError),
        ("X.PART", ValidationError),
    ]
    assert files_under(tmp_path) == {f"{TILE}/x": A}


@pytest.mark.parametrize(
    ("listing", "clashing"),
    [
        (["scene.tif", "SCENE.tif"], "SCENE.tif"),
        (["caf\u00e9.tif", "cafe\u0301.tif"], "cafe\u0301.tif"),
        (["a", "a/b"], "a/b"),
        (["a/b", "a"], "a"),
    ],
)
def test_names_that_land_on_one_file_fail_after_the_first(
    kind: str, tmp_path: Path, listing: list[str], clashing: str
) -> None:
    script = FileScript(dict(zip(listing, (A, B), strict=True)))
    report = download(kind, script, tmp_path)
    assert [(f.name, type(f.error)) for f in report.failed] == [(clashing, ValidationError)]
    assert len(report.written) == 1


def test_clashing_names_given_are_refused_before_any_request(kind: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="would be written where"):
        download(kind, FileScript({"a": A}), tmp_path / "out", names=["a", "A"])
    with pytest.raises(ValidationError, match=r"\.part"):
        download(kind, FileScript({"a": A}), tmp_path / "out", names=["a.part"])
    assert not (tmp_path / "out").exists()


def test_an_endless_body_fails_its_file_and_leaves_nothing(kind: str, tmp_path: Path) -> None:
    script = FileScript({"a": A, "b": B}, bodies={"b": lambda r: Reply(200, {}, endless())})
    destination = tmp_path / "out"
    report = download(kind, script, destination)
    ((failure),) = report.failed
    assert failure.name == "b"
    assert isinstance(failure.error, DownloadError)
    assert "more than the 5000 bytes" in failure.cause
    assert files_under(destination) == {f"{TILE}/a": A}


def test_a_lying_content_length_is_cut_off_at_the_head_size(kind: str, tmp_path: Path) -> None:
    script = FileScript(
        {"a": A}, bodies={"a": lambda r: Reply(200, {"Content-Length": str(10 * len(A))}, endless())}
    )
    report = download(kind, script, tmp_path)
    assert [type(f.error) for f in report.failed] == [DownloadError]
    assert files_under(tmp_path) == {}


def test_a_link_planted_as_the_tile_folder_fails_its_files(kind: str, tmp_path: Path, outside: Path) -> None:
    destination = tmp_path / "out"
    destination.mkdir()
    (destination / TILE).symlink_to(outside, target_is_directory=True)
    report = download(kind, FileScript({"a": A, "sub/b": B}), destination)
    assert report.written == ()
    assert [type(f.error) for f in report.failed] == [DownloadError, DownloadError]
    assert "link" in report.failed[0].cause
    untouched(outside)


def test_a_link_planted_as_a_folder_inside_fails_only_the_files_below_it(
    kind: str, tmp_path: Path, outside: Path
) -> None:
    destination = tmp_path / "out"
    (destination / TILE).mkdir(parents=True)
    (destination / TILE / "udm").symlink_to(outside, target_is_directory=True)
    report = download(kind, FileScript({"a": A, "udm/victim.txt": B}), destination)
    assert report.written == (destination / TILE / "a",)
    assert [(f.name, type(f.error)) for f in report.failed] == [("udm/victim.txt", DownloadError)]
    untouched(outside)


def test_a_link_planted_as_a_part_file_fails_its_file(kind: str, tmp_path: Path, outside: Path) -> None:
    destination = tmp_path / "out"
    (destination / TILE).mkdir(parents=True)
    (destination / TILE / "a.part").symlink_to(outside / "victim.txt")
    report = download(kind, FileScript({"a": A, "b": B}), destination)
    assert [(f.name, type(f.error)) for f in report.failed] == [("a", DownloadError)]
    assert report.written == (destination / TILE / "b",)
    untouched(outside)


def test_a_link_at_a_destination_is_never_skipped_as_complete(
    kind: str, tmp_path: Path, outside: Path
) -> None:
    # The link's target has the announced size: it would have been "already complete".
    destination = tmp_path / "out"
    (destination / TILE).mkdir(parents=True)
    (destination / TILE / "a").symlink_to(outside / "victim.txt")
    report = download(kind, FileScript({"a": b"7 bytes"}), destination)
    assert report.ok
    assert report.skipped == ()
    assert report.written == (destination / TILE / "a",)
    assert not (destination / TILE / "a").is_symlink()
    assert (destination / TILE / "a").read_bytes() == b"7 bytes"
    untouched(outside)


def test_a_trickling_file_fails_at_its_deadline_and_the_others_are_written(kind: str, tmp_path: Path) -> None:
    slow = lambda r: Reply(200, {"Content-Length": str(len(B))}, [b"B"] * len(B), delay=0.02)  # noqa: E731
    report = download(kind, FileScript({"a": A, "b": B}, bodies={"b": slow}), tmp_path, deadline=0.2)
    assert report.written == (tmp_path / TILE / "a",)
    ((failure),) = report.failed
    assert isinstance(failure.error, DownloadError)
    assert "deadline" in failure.cause
    # The partial file is kept to resume; nothing half-written under the real name.
    assert not (tmp_path / TILE / "b").exists()
    assert (tmp_path / TILE / "b.part").exists()


def test_a_deadline_is_checked_before_any_request(kind: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="deadline"):
        download(kind, FileScript({"a": A}), tmp_path / "out", deadline=-1)
    assert not (tmp_path / "out").exists()
