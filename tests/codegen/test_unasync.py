"""The blocking code generated from the asyncio code: the word table, and the committed output is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from codegen import unasync


@pytest.mark.parametrize(
    ("asyncio", "blocking"),
    [
        ("async def get(self) -> Tile:", "def get(self) -> Tile:"),
        ("return await self._client._send(operation)", "return self._client._send(operation)"),
        ("async for chunk in response.aiter_bytes():", "for chunk in response.iter_bytes():"),
        ("async with self._client._stream(op) as response:", "with self._client._stream(op) as response:"),
        ("content = await response.aread()", "content = response.read()"),
        ("-> AsyncIterator[Page[Tile]]:", "-> Iterator[Page[Tile]]:"),
        ("-> AbstractAsyncContextManager[httpx.Response]:", "-> AbstractContextManager[httpx.Response]:"),
        ("http_client: httpx.AsyncClient | None", "http_client: httpx.Client | None"),
        ("transport: httpx.AsyncBaseTransport | None", "transport: httpx.BaseTransport | None"),
        ("return _pagination.async_pages(fetch, token)", "return _pagination.pages(fetch, token)"),
        ("return _pagination.async_items(pages, limit)", "return _pagination.items(pages, limit)"),
        ("http = sending.async_pool(timeout=t)", "http = sending.sync_pool(timeout=t)"),
        ("async def __aenter__(self) -> Self:", "def __enter__(self) -> Self:"),
        ("await self.aclose()", "self.close()"),
        ("[c.name async for c in client.collections.list()]", "[c.name for c in client.collections.list()]"),
        (
            "from sentinelhub_byoc._transport._async.sending import AsyncSender",
            "from sentinelhub_byoc._transport._sync.sending import Sender",
        ),
        ("class AsyncTileFiles:", "class TileFiles:"),
        ("self.tiles = AsyncTiles(self)", "self.tiles = Tiles(self)"),
        ("class AsyncBYOCClient(ClientBase):", "class BYOCClient(ClientBase):"),
        (
            "from sentinelhub_byoc.workflows._tasks import run_bounded",
            "from sentinelhub_byoc.workflows._threads import run_bounded",
        ),
        ("await run_bounded(files, fetch, concurrency=4)", "run_bounded(files, fetch, concurrency=4)"),
        ("async def async_download_tile_files(", "def download_tile_files("),
    ],
)
def test_asyncio_words_become_blocking_words(asyncio: str, blocking: str) -> None:
    assert unasync.unasync_text(asyncio) == blocking


@pytest.mark.parametrize(
    "text",
    [
        "AsyncTilesView",  # a longer name that merely starts with one in the table
        "MyAsyncTiles",
        "self.awaited",  # "await" inside a word
        "my_aclose()",
        "asyncio.run(main())",
        "sentinelhub_byoc._asyncio",
    ],
)
def test_only_whole_words_are_replaced(text: str) -> None:
    assert unasync.unasync_text(text) == text


def test_a_replacement_is_not_rewritten_again() -> None:
    # "async_pool" becomes "sync_pool", which must not then lose anything else.
    assert unasync.unasync_text("async_pool(); async_pages()") == "sync_pool(); pages()"


def test_the_committed_sync_code_matches_its_async_source() -> None:
    # Fails after an edit under an _async folder without `nox -s unasync`, or an edit under _sync.
    assert unasync.stale() == []


def _tree(root: Path, source: str) -> Path:
    package = root / "package"
    (package / "_async").mkdir(parents=True)
    (package / "_async" / "__init__.py").write_text('"""Asyncio code."""\n', encoding="utf-8")
    (package / "_async" / "shapes.py").write_text(source, encoding="utf-8")
    return package


def test_a_fresh_generation_writes_the_sync_twin_with_a_header(tmp_path: Path) -> None:
    package = _tree(tmp_path, "async def area(shape: AsyncTiles) -> int:\n    return await shape.area()\n")
    unasync.write(package)
    generated = (package / "_sync" / "shapes.py").read_text(encoding="utf-8")
    header, _, body = generated.partition("\n")
    source = package / "_async" / "shapes.py"
    assert header == f"# Generated from {source} by codegen/unasync.py; do not edit."
    assert body == "def area(shape: Tiles) -> int:\n    return shape.area()\n"
    assert unasync.stale(package) == []


def test_check_names_each_stale_missing_or_orphaned_sync_file(tmp_path: Path) -> None:
    package = _tree(tmp_path, "async def area() -> int:\n    return 1\n")
    unasync.write(package)
    (package / "_sync" / "shapes.py").write_text("def area() -> int:\n    return 2\n", encoding="utf-8")
    (package / "_sync" / "__init__.py").unlink()
    (package / "_sync" / "leftover.py").write_text("", encoding="utf-8")
    found = unasync.stale(package)
    assert [line.rsplit("/", 1)[-1] for line in found] == [
        "__init__.py: missing",
        "shapes.py: differs",
        "leftover.py: not generated from any _async module",
    ]
    unasync.write(package)
    assert unasync.stale(package) == []
    assert not (package / "_sync" / "leftover.py").exists()
