"""``client.files``: the files of tiles in Planet-delivered collections (list, size, read, download)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sentinelhub_byoc import _operations as ops
from sentinelhub_byoc._ids import as_uuid
from sentinelhub_byoc.resources._async.runner import AsyncRunner
from sentinelhub_byoc.resources._downloads import destination_path, part_file, resume_offset


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
    ) -> Path:
        """Stream a file to *destination* without holding it in memory; return the path.

        Data goes to ``destination + ".part"`` and is renamed into place only when complete. An
        interrupted download leaves the ``.part`` file, and the next call resumes from where it
        stopped (with an HTTP ``Range`` request) unless ``resume=False``; a ``.part`` file that
        already holds the whole file is just renamed.
        """
        target = destination_path(destination)
        part = part_file(target)
        offset = resume_offset(part, resume)
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
        os.replace(part, target)
        return target
