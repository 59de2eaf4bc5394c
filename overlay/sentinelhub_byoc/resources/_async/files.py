"""``client.files``: the files of tiles in Planet-delivered collections (list, size, read, download)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from sentinelhub_byoc import _operations as ops
from sentinelhub_byoc._ids import as_uuid
from sentinelhub_byoc._transport._async.sending import AsyncSender
from sentinelhub_byoc._transport.error_mapping import error_from_response, with_body
from sentinelhub_byoc.errors import DownloadError, ValidationError
from sentinelhub_byoc.resources._downloads import (
    Deadline,
    Folder,
    PartFile,
    accepted_span,
    check_deadline,
    destination_path,
    disk_errors,
)

#: What :meth:`AsyncTileFiles.read` holds at most unless told otherwise: 64 MiB.
DEFAULT_READ_LIMIT = 64 * 1024 * 1024
#: How much of a body of unannounced length a download writes before it asks the file's size.
_UNANNOUNCED_LIMIT = 16 * 1024 * 1024
#: The most of an error answer's body read (for its message) when a file download fails.
_ERROR_BODY_LIMIT = 64 * 1024


class AsyncTileFiles:
    """Files of tiles in collections delivered by a Planet order or subscription.

    >>> names = await client.files.list(collection, tile)  # doctest: +SKIP
    >>> await client.files.download(collection, tile, names[0], "scene.tif")  # doctest: +SKIP
    """

    def __init__(self, sender: AsyncSender) -> None:
        self._sender = sender

    async def list(self, collection: Any, tile: Any) -> list[str]:
        """The names of the tile's files, as :meth:`read` and :meth:`download` take them."""
        return await self._sender.send(
            ops.list_tile_files(as_uuid(collection, "collection"), as_uuid(tile, "tile"))
        )

    async def size(self, collection: Any, tile: Any, name: str) -> int:
        """A file's size in bytes."""
        collection_id, tile_id = as_uuid(collection, "collection"), as_uuid(tile, "tile")
        return await self._sender.send(ops.head_tile_file(collection_id, tile_id, name))

    async def read(
        self, collection: Any, tile: Any, name: str, *, start: int = 0, max_bytes: int = DEFAULT_READ_LIMIT
    ) -> bytes:
        """A (small) file's bytes from *start*; use :meth:`download` for large files.

        At most *max_bytes* (64 MiB by default) are held: a longer file raises
        :class:`~sentinelhub_byoc.errors.DownloadError` as soon as that is known, without
        reading the rest. A ``206`` answer must start at *start* (``Content-Range``), or the
        read fails with :class:`~sentinelhub_byoc.errors.DownloadError`; a server that ignores
        the range and sends the whole file is read from *start* on, the bytes before dropped.
        """
        if type(max_bytes) is not int or max_bytes < 0:
            raise ValidationError(f"max_bytes must be a whole number of bytes (0 or more), got {max_bytes!r}")
        operation = ops.get_tile_file(
            as_uuid(collection, "collection"), as_uuid(tile, "tile"), name, start=start
        )
        async with self._sender.stream(operation) as response:
            if response.status_code == 416:
                if ops.range_past_end(response, start):
                    return b""
                raise await _status_error(response)
            span = accepted_span(response, start, None)
            if span is None:
                raise DownloadError(
                    f"{name!r}: the server answered a read from byte {start} with another range "
                    f"(Content-Range {response.headers.get('content-range', '(none)')[:60]!r})"
                )
            # A server that ignores Range sends the whole file: the bytes before *start* go.
            skip = start - span.start
            if span.limit is not None and span.limit - start > max_bytes:
                raise _too_large(name, max_bytes)
            content = bytearray()
            async for chunk in response.aiter_bytes():
                if skip:
                    dropped = min(skip, len(chunk))
                    chunk, skip = chunk[dropped:], skip - dropped
                content += chunk
                if len(content) > max_bytes:
                    raise _too_large(name, max_bytes)
            return bytes(content)

    async def download(
        self,
        collection: Any,
        tile: Any,
        name: str,
        destination: str | os.PathLike[str],
        *,
        resume: bool = True,
        size: int | None = None,
        deadline: float | None = None,
    ) -> Path:
        """Stream a file to *destination* without holding it in memory; return the path.

        Data goes to ``destination + ".part"`` and is renamed into place only when complete. An
        interrupted download leaves the ``.part`` file, and the next call resumes from where it
        stopped (with an HTTP ``Range`` request) unless ``resume=False``; a ``.part`` file that
        already holds the whole file is just renamed. The folder of *destination* is created
        when missing.

        *size*, the file's size when known (from :meth:`size`), is checked before renaming: a
        shorter ``.part`` file is kept for the next call to resume and a longer one is removed,
        and either raises :class:`~sentinelhub_byoc.errors.DownloadError`. A ``.part`` file
        already longer than *size* is stale and the download starts over.

        Nothing the server says is trusted. The bytes are counted as they arrive: past the size
        announced (*size*, ``Content-Length`` or the ``Content-Range`` total; when none is, the
        size is asked with :meth:`size` once 16 MiB have arrived) the download is cut off, the
        ``.part`` file removed and :class:`~sentinelhub_byoc.errors.DownloadError` raised. A
        ``206`` must start where the ``.part`` file ends and give the announced total; otherwise
        the file is fetched again from its start, once. The ``.part`` file is opened without
        following links, only as a regular file of this user: anything else at its name raises
        :class:`~sentinelhub_byoc.errors.DownloadError`. With *deadline* (seconds), a download
        still running after that long raises :class:`~sentinelhub_byoc.errors.DownloadError`,
        keeping the ``.part`` file for the next call to resume.

        >>> size = await client.files.size(collection, tile, "scene.tif")  # doctest: +SKIP
        >>> await client.files.download(collection, tile, "scene.tif", "a.tif", size=size)  # doctest: +SKIP
        """
        return await self._download(
            collection, tile, name, destination, resume=resume, size=size, deadline=deadline
        )

    async def _download(
        self,
        collection: Any,
        tile: Any,
        name: str,
        destination: str | os.PathLike[str],
        *,
        resume: bool,
        size: int | None,
        deadline: float | None,
        root: Path | None = None,
        on_bytes: Callable[[int], None] | None = None,
    ) -> Path:
        # on_bytes hears of every chunk written, so the download workflow can report bytes as
        # they arrive rather than one jump per file. root, the workflow's destination folder, is
        # trusted; every folder between it and the file is opened without following links.
        if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
            raise ValidationError(f"size must be a whole number of bytes (0 or more), got {size!r}")
        clock = Deadline(check_deadline(deadline), name)
        ids = (as_uuid(collection, "collection"), as_uuid(tile, "tile"))
        ops.get_tile_file(*ids, name)  # the name is checked before anything is written
        target = destination_path(destination)
        with disk_errors(name, target), Folder.open(target.parent, root, create=True) as folder:
            part = PartFile(folder, target.name, name)
            offset = part.resume_offset(resume, size)
            # An empty file has no .part yet even when nothing is missing.
            if size is None or offset < size or part.held() is None:
                size = await self._fetch(ids, name, part, offset, size, clock, on_bytes)
            part.check_complete(size)
            part.commit()
        return target

    async def _fetch(
        self,
        ids: tuple[UUID, UUID],
        name: str,
        part: PartFile,
        offset: int,
        size: int | None,
        clock: Deadline,
        on_bytes: Callable[[int], None] | None,
    ) -> int | None:
        """Stream the file into *part* from *offset*; return its size as far as it is known.

        A ``206`` that answers another range than asked starts the file over from byte 0, once.
        """
        starts = (offset, 0) if offset else (0,)
        for start in starts:
            clock.check(start)
            async with self._sender.stream(ops.get_tile_file(*ids, name, start=start)) as response:
                if response.status_code == 416:
                    if ops.range_past_end(response, start):
                        return size
                    # The file is now shorter than the part file: it changed, which the caller
                    # must see (with size= given, such a part is never resumed).
                    raise await _status_error(response)
                span = accepted_span(response, start, size)
                if span is None:
                    continue
                with part.writer(span.start, span.limit) as writer:
                    async for chunk in response.aiter_bytes():
                        writer.write(chunk)
                        if on_bytes is not None:
                            on_bytes(len(chunk))
                        clock.check(writer.held)
                        if writer.limit is None and writer.held > _UNANNOUNCED_LIMIT:
                            # Nothing announced how long the body is, and it is long: ask,
                            # rather than write without end.
                            size = await self.size(*ids, name)
                            writer.bound(size)
                return size
        raise DownloadError(
            f"{name!r}: the server answered the request for bytes from {starts[-1]} with another "
            "range (its Content-Range starts elsewhere or gives another size); nothing was kept"
        )


def _too_large(name: str, max_bytes: int) -> DownloadError:
    return DownloadError(
        f"{name!r} is larger than max_bytes={max_bytes}; stream it to a file with "
        "client.files.download(), or pass a larger max_bytes"
    )


async def _status_error(response: httpx.Response) -> Exception:
    """The API error of an error answer whose body is read only up to a bound."""
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) >= _ERROR_BODY_LIMIT:
            break
    return error_from_response(with_body(response, bytes(body[:_ERROR_BODY_LIMIT])))
