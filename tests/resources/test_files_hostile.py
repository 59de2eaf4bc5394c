"""``client.files`` against a hostile server on loopback: it may lie about sizes and ranges, never end
a body, trickle, or meet a planted link on disk. Each test runs with both clients.

What must hold: nothing past the announced size is written, a wrong range never ends up in the
file, nothing is written outside the destination, nothing wrong is returned as a success, and
every failure is a typed error.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from sentinelhub_byoc import APIConnectionError, APIError, APIResponseValidationError
from sentinelhub_byoc.errors import DownloadError, ValidationError

from tests.hostile_files import COLLECTION, TILE, VICTIM, FileScript, gets, honest, make_outside
from tests.scripted_server import Reply, Request, ScriptedServer, endless

CONTENT = bytes(range(256)) * 40  # 10,240 bytes
NAME = "scene.tif"


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    return make_outside(tmp_path)


def files_call(kind: str, server: ScriptedServer, method: str, *args: Any, **options: Any) -> Any:
    """``client.files.<method>(COLLECTION, TILE, *args, **options)`` with the client of *kind*."""
    if kind == "sync":
        with server.client() as client:
            return getattr(client.files, method)(COLLECTION, TILE, *args, **options)

    async def run() -> Any:
        async with server.async_client() as client:
            return await getattr(client.files, method)(COLLECTION, TILE, *args, **options)

    return anyio.run(run)


def serve(script: FileScript) -> Iterator[ScriptedServer]:
    with ScriptedServer(script) as server:
        yield server


def outside_untouched(folder: Path) -> None:
    assert (folder / "victim.txt").read_bytes() == VICTIM


# Names a URL would resolve to another resource are refused before any request.

NORMALISED = [
    "..",
    ".",
    "a/..",
    "../x",
    "a/./b",
    "a//b",
    "/x",
    "x/",
    "%2e%2e",
    "%252E%252e",
    "a\\..\\b",
    "x\0y",
]


@pytest.mark.parametrize("name", NORMALISED)
def test_names_a_url_would_normalise_are_refused_before_any_request(
    kind: str, tmp_path: Path, name: str
) -> None:
    with ScriptedServer(FileScript({NAME: CONTENT})) as server:
        for method, args in (
            ("read", ()),
            ("size", ()),
            ("download", (tmp_path / "out.bin",)),
        ):
            with pytest.raises(ValidationError, match="file name"):
                files_call(kind, server, method, name, *args)
        assert server.api_requests == []
    assert list(tmp_path.iterdir()) == []


# The body is cut off at the announced size.


def test_an_endless_body_is_cut_off_at_the_announced_size(kind: str, tmp_path: Path) -> None:
    script = FileScript({NAME: CONTENT}, bodies={NAME: lambda r: Reply(200, {}, endless())})
    target = tmp_path / "out.bin"
    with (
        ScriptedServer(script) as server,
        pytest.raises(DownloadError, match=f"more than the {len(CONTENT)} bytes"),
    ):
        files_call(kind, server, "download", NAME, target, size=len(CONTENT))
    assert list(tmp_path.iterdir()) == []


def test_an_endless_body_of_unannounced_length_is_cut_off_once_its_size_is_asked(
    kind: str, tmp_path: Path
) -> None:
    # No size given, no Content-Length: past 16 MiB the size is asked (HEAD) and enforced.
    script = FileScript({NAME: CONTENT}, bodies={NAME: lambda r: Reply(200, {}, endless())})
    with ScriptedServer(script) as server:
        with pytest.raises(DownloadError, match="more than"):
            files_call(kind, server, "download", NAME, tmp_path / "out.bin")
        assert [r.method for r in server.api_requests] == ["GET", "HEAD"]
    assert list(tmp_path.iterdir()) == []


def test_a_body_longer_than_its_content_range_is_cut_off(kind: str, tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.with_name("out.bin.part").write_bytes(CONTENT[:100])

    def longer(request: Request) -> Reply:
        end = len(CONTENT) - 1
        return Reply(206, {"Content-Range": f"bytes 100-{end}/{len(CONTENT)}"}, endless())

    with (
        ScriptedServer(FileScript({NAME: CONTENT}, bodies={NAME: longer})) as server,
        pytest.raises(DownloadError, match="more than"),
    ):
        files_call(kind, server, "download", NAME, target)
    assert list(tmp_path.iterdir()) == []


# A 206 must answer the range asked for.


@pytest.mark.parametrize(
    "content_range",
    [
        "bytes 0-10239/10240",  # from the start, not from the part's end
        "bytes 200-10239/10240",  # further on
        "bytes 100-10239/99999",  # another total
        "bytes 100-10239/*",  # no total, while the size is known
        "garbage",
        None,
    ],
)
def test_a_206_for_another_range_restarts_the_file_from_its_start(
    kind: str, tmp_path: Path, content_range: str | None
) -> None:
    target = tmp_path / "out.bin"
    target.with_name("out.bin.part").write_bytes(CONTENT[:100])

    def wrong_range(request: Request) -> Reply:
        if "range" not in request.headers:
            return honest(CONTENT, request)
        headers = {} if content_range is None else {"Content-Range": content_range}
        return Reply(206, headers, CONTENT[:500])

    with ScriptedServer(FileScript({NAME: CONTENT}, bodies={NAME: wrong_range})) as server:
        assert files_call(kind, server, "download", NAME, target, size=len(CONTENT)) == target
        assert [r.headers.get("range") for r in gets(server.api_requests)] == ["bytes=100-", None]
    assert target.read_bytes() == CONTENT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def test_a_server_that_always_answers_another_range_fails_the_file(kind: str, tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.with_name("out.bin.part").write_bytes(CONTENT[:100])
    always_wrong = lambda r: Reply(206, {"Content-Range": "bytes 5-9/10240"}, CONTENT[5:10])  # noqa: E731
    with ScriptedServer(FileScript({NAME: CONTENT}, bodies={NAME: always_wrong})) as server:
        with pytest.raises(DownloadError, match="another range"):
            files_call(kind, server, "download", NAME, target, size=len(CONTENT))
        assert len(gets(server.api_requests)) == 2
    assert not target.exists()


def test_a_200_to_a_range_request_replaces_the_part_file(kind: str, tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.with_name("out.bin.part").write_bytes(b"stale bytes of an old version")
    ignores_range = lambda r: Reply(200, {"Content-Length": str(len(CONTENT))}, CONTENT)  # noqa: E731
    with ScriptedServer(FileScript({NAME: CONTENT}, bodies={NAME: ignores_range})) as server:
        files_call(kind, server, "download", NAME, target, size=len(CONTENT))
    assert target.read_bytes() == CONTENT


# Part files and links.


def test_a_symlink_at_the_part_path_is_refused_and_not_written_through(
    kind: str, tmp_path: Path, outside: Path
) -> None:
    target = tmp_path / "out.bin"
    target.with_name("out.bin.part").symlink_to(outside / "victim.txt")
    with ScriptedServer(FileScript({NAME: CONTENT})) as server:
        for resume in (True, False):
            with pytest.raises(DownloadError, match="link"):
                files_call(kind, server, "download", NAME, target, resume=resume, size=len(CONTENT))
    outside_untouched(outside)
    assert not target.exists()


def test_a_hard_link_at_the_part_path_is_refused(kind: str, tmp_path: Path, outside: Path) -> None:
    target = tmp_path / "out.bin"
    os.link(outside / "victim.txt", target.with_name("out.bin.part"))
    with ScriptedServer(FileScript({NAME: CONTENT})) as server, pytest.raises(DownloadError):
        files_call(kind, server, "download", NAME, target, size=len(CONTENT))
    outside_untouched(outside)


def test_a_symlink_at_the_destination_is_replaced_not_followed(
    kind: str, tmp_path: Path, outside: Path
) -> None:
    target = tmp_path / "out.bin"
    target.symlink_to(outside / "victim.txt")
    with ScriptedServer(FileScript({NAME: CONTENT})) as server:
        files_call(kind, server, "download", NAME, target, size=len(CONTENT))
    assert not target.is_symlink()
    assert target.read_bytes() == CONTENT
    outside_untouched(outside)


def test_a_fifo_at_the_part_path_fails_the_download_without_blocking(kind: str, tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    os.mkfifo(target.with_name("out.bin.part"))
    with ScriptedServer(FileScript({NAME: CONTENT})) as server, pytest.raises(DownloadError):
        files_call(kind, server, "download", NAME, target, size=len(CONTENT))


# A deadline per file.


def test_a_trickling_server_fails_the_file_once_the_deadline_passes(kind: str, tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    trickle = lambda r: Reply(200, {"Content-Length": str(len(CONTENT))}, [b"x"] * 10_000, delay=0.02)  # noqa: E731
    with (
        ScriptedServer(FileScript({NAME: CONTENT}, bodies={NAME: trickle})) as server,
        pytest.raises(DownloadError, match=r"deadline of 0\.2 s"),
    ):
        files_call(kind, server, "download", NAME, target, size=len(CONTENT), deadline=0.2)
    # What arrived is kept for the next call to resume; nothing is under the real name.
    assert not target.exists()
    assert set(target.with_name("out.bin.part").read_bytes()) <= {ord("x")}


@pytest.mark.parametrize("deadline", [0, -1, float("nan"), float("inf"), "5", True])
def test_a_deadline_must_be_a_positive_number(kind: str, tmp_path: Path, deadline: Any) -> None:
    with ScriptedServer(FileScript({NAME: CONTENT})) as server:
        with pytest.raises(ValidationError, match="deadline"):
            files_call(kind, server, "download", NAME, tmp_path / "out.bin", deadline=deadline)
        assert server.api_requests == []


# files.read holds a bounded body.


def test_read_refuses_a_body_past_max_bytes_without_reading_it_all(kind: str) -> None:
    script = FileScript({NAME: CONTENT}, bodies={NAME: lambda r: Reply(200, {}, endless())})
    with ScriptedServer(script) as server, pytest.raises(DownloadError, match="max_bytes=1000"):
        files_call(kind, server, "read", NAME, max_bytes=1000)


def test_read_refuses_an_announced_length_past_max_bytes(kind: str) -> None:
    with ScriptedServer(FileScript({NAME: CONTENT})) as server:
        with pytest.raises(DownloadError, match="larger than max_bytes"):
            files_call(kind, server, "read", NAME, max_bytes=len(CONTENT) - 1)
        assert files_call(kind, server, "read", NAME, max_bytes=len(CONTENT)) == CONTENT
        assert (
            files_call(kind, server, "read", NAME, start=100, max_bytes=len(CONTENT) - 100) == CONTENT[100:]
        )


def test_read_drops_what_comes_before_start_when_the_range_is_ignored(kind: str) -> None:
    ignores_range = lambda r: Reply(200, {}, [CONTENT[:7], CONTENT[7:3000], CONTENT[3000:]])  # noqa: E731
    with ScriptedServer(FileScript({NAME: CONTENT}, bodies={NAME: ignores_range})) as server:
        assert (
            files_call(kind, server, "read", NAME, start=1000, max_bytes=len(CONTENT) - 1000)
            == CONTENT[1000:]
        )


def test_read_refuses_a_206_for_another_range(kind: str) -> None:
    elsewhere = lambda r: Reply(206, {"Content-Range": "bytes 0-99/10240"}, CONTENT[:100])  # noqa: E731
    with (
        ScriptedServer(FileScript({NAME: CONTENT}, bodies={NAME: elsewhere})) as server,
        pytest.raises(DownloadError, match="another range"),
    ):
        files_call(kind, server, "read", NAME, start=50)


def test_a_416_before_the_end_is_an_api_error_read_in_bounds(kind: str) -> None:
    refused = lambda r: Reply(416, {"Content-Range": "bytes */10"}, endless())  # noqa: E731
    with (
        ScriptedServer(FileScript({NAME: CONTENT}, bodies={NAME: refused})) as server,
        pytest.raises(APIError) as caught,
    ):
        files_call(kind, server, "read", NAME, start=50)
    assert caught.value.status == 416


# Sizes that cannot be read are typed errors.


@pytest.mark.parametrize("length", ["9" * 5000, "\u0662", "+5", "-1", "1e3"])
def test_a_head_size_that_is_not_a_byte_count_is_an_unreadable_answer(kind: str, length: str) -> None:
    def head(request: Request) -> Reply:
        return Reply(200, {"Content-Length": length})

    # h11 refuses some values itself (a connection error); none may leak as ValueError.
    with ScriptedServer(head) as server, pytest.raises((APIResponseValidationError, APIConnectionError)):
        files_call(kind, server, "size", NAME)
