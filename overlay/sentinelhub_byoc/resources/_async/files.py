"""``client.files``: the files of tiles in Planet-delivered collections (list, size, read, download)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sentinelhub_byoc import _operations as ops
from sentinelhub_byoc._ids import as_uuid
from sentinelhub_byoc.errors import ValidationError
from sentinelhub_byoc.resources._async.runner import AsyncRunner
from sentinelhub_byoc.resources._downloads import (
    check_complete,
    destination_path,
    part_file,
    resume_offset,
)


class AsyncTileFiles:
    """Files of tiles in collections delivered by a Planet order or subscription.

    >>> names = await client.files.list(collection, tile)  # doctest: +SKIP
    >>> await client.files.download(collection, tile, names[0], "scene.tif")  # doctest: +SKIP
    """

    def __init__(self, client: AsyncRunner) -> None:
        self._client = client

    async def list(self, collection: Any, tile: Any) -> list[str]:
        """The names of the tile's files, as :meth:`read` and :meth:`download` take them."""
        return await self._client._send(
            ops.list_tile_files(as_uuid(collection, "collection"), as_uuid(tile, "tile"))
        )

    async def size(self, collection: Any, tile: Any, name: str) -> int:
        """A file's size in bytes."""
        collection_id, tile_id = as_uuid(collection, "collection"), as_uuid(tile, "tile")
        return await self._client._send(ops.head_tile_file(collection_id, tile_id, name))

    async def read(self, collection: Any, tile: Any, name: str, *, start: int = 0) -> bytes:
        """A (small) file's bytes from *start*; use :meth:`download` for large files."""
        operation = ops.get_tile_file(
            as_uuid(collection, "collection"), as_uuid(tile, "tile"), name, start=start
        )
        async with self._client._stream(operation) as response:
            content = bytes(await response.aread())
            if ops.range_past_end(response, start):
                return b""
            # A server that ignores Range sends the whole file.
            return content[start:] if start and response.status_code == 200 else content

    async def download(
        self,
        collection: Any,
        tile: Any,
        name: str,
        destination: str | os.PathLike[str],
        *,
        resume: bool = True,
        size: int | None = None,
    ) -> Path:
        """Stream a file to *destination* without holding it in memory; return the path.

        Data goes to ``destination + ".part"`` and is renamed into place only when complete. An
        interrupted download leaves the ``.part`` file, and the next call resumes from where it
        stopped (with an HTTP ``Range`` request) unless ``resume=False``; a ``.part`` file that
        already holds the whole file is just renamed.

        *size*, the file's size when known (from :meth:`size`), is checked before renaming: a
        shorter ``.part`` file is kept for the next call to resume and a longer one is removed,
        and either raises :class:`~sentinelhub_byoc.errors.DownloadError`. A ``.part`` file
        already longer than *size* is stale and the download starts over.

        >>> size = await client.files.size(collection, tile, "scene.tif")  # doctest: +SKIP
        >>> await client.files.download(collection, tile, "scene.tif", "a.tif", size=size)  # doctest: +SKIP
        """
        return await self._download(collection, tile, name, destination, resume=resume, size=size)

    async def _download(
        self,
        collection: Any,
        tile: Any,
        name: str,
        destination: str | os.PathLike[str],
        *,
        resume: bool = True,
        size: int | None = None,
        on_bytes: Callable[[int], None] | None = None,
    ) -> Path:
        # on_bytes hears of every chunk written, so the download workflow can report bytes as
        # they arrive rather than one jump per file.
        if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
            raise ValidationError(f"size must be a whole number of bytes (0 or more), got {size!r}")
        target = destination_path(destination)
        part = part_file(target)
        offset = resume_offset(part, resume, size)
        # An empty file has no .part yet even when nothing is missing.
        if size is None or offset < size or not part.is_file():
            await self._fetch(collection, tile, name, part, offset, on_bytes)
        check_complete(part, size, name)
        os.replace(part, target)
        return target

    async def _fetch(
        self,
        collection: Any,
        tile: Any,
        name: str,
        part: Path,
        offset: int,
        on_bytes: Callable[[int], None] | None,
    ) -> None:
        operation = ops.get_tile_file(
            as_uuid(collection, "collection"), as_uuid(tile, "tile"), name, start=offset
        )
        async with self._client._stream(operation) as response:
            if response.status_code == 416:
                await response.aread()
                ops.range_past_end(response, offset)  # raises unless the part file is complete
            else:
                mode = "ab" if response.status_code == 206 else "wb"
                with part.open(mode) as stream:
                    async for chunk in response.aiter_bytes():
                        stream.write(chunk)
                        if on_bytes is not None:
                            on_bytes(len(chunk))
