"""Files behind HTTP(S) URLs as a storage, read with ``Range`` requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentinelhub_byoc.storage._errors import StorageError, StorageKeyError, http_status_failure
from sentinelhub_byoc.storage._protocol import check_range, exists_by_size

if TYPE_CHECKING:
    import httpx

__all__ = ["HttpStorage"]


class HttpStorage:
    """Read access to files by URL: each key is a whole ``http(s)://`` URL.

    Sizes come from ``HEAD`` (or from the ``Content-Range`` of a one-byte ``GET`` when a
    server leaves out ``Content-Length``), bytes from ``GET`` with a ``Range`` header, so a
    TIFF header is read without downloading the file. A server that ignores ``Range`` still
    works, but then sends the whole file. Listing is not possible over plain HTTP.
    """

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        # Files of servers that ignore Range arrive whole; one download serves every read.
        self._whole: dict[str, bytes] = {}

    def __repr__(self) -> str:
        return "HttpStorage()"

    def _get(self, url: str, method: str, headers: dict[str, str] | None = None) -> httpx.Response:
        import httpx

        try:
            response = self.client.request(method, url, headers=headers)
        except httpx.HTTPError as error:
            raise StorageError(f"could not reach {url}: {error}") from None
        failure = http_status_failure(url, response.status_code, response.reason_phrase)
        if failure is not None:
            raise failure
        return response

    def list_keys(self, prefix: str) -> list[str]:
        """Refuse: HTTP has no way to list the files under a URL."""
        raise StorageError(f"cannot list the files under {prefix}: HTTP(S) URLs cannot be listed")

    def size(self, key: str) -> int:
        """Return the file's size in bytes; raise :class:`StorageKeyError` if it is missing."""
        if key in self._whole:
            return len(self._whole[key])
        try:
            head = self._get(key, "HEAD")
        except StorageKeyError:
            raise
        except StorageError:
            # Some servers refuse HEAD (a presigned S3 URL is signed for GET only).
            head = None
        length = None if head is None else head.headers.get("content-length")
        if head is not None and length is not None and length.isdigit() and head.status_code == 200:
            return int(length)
        probe = self._get(key, "GET", {"Range": "bytes=0-0"})
        total = probe.headers.get("content-range", "").rpartition("/")[2]
        if total.isdigit():
            return int(total)
        if probe.status_code == 200:
            self._whole[key] = probe.content
            return len(probe.content)
        raise StorageError(f"could not learn the size of {key}: the server sends no Content-Length")

    def read(self, key: str, start: int = 0, end: int | None = None) -> bytes:
        """Return the bytes ``[start, end)`` of the file, fewer where it ends sooner."""
        check_range(start, end)
        if end is not None and end == start:
            return b""
        if key in self._whole:
            return self._whole[key][start:end]
        byte_range = f"bytes={start}-" if end is None else f"bytes={start}-{end - 1}"
        response = self._get(key, "GET", {"Range": byte_range})
        if response.status_code == 416:
            return b""
        if response.status_code == 206:
            return response.content
        # The server ignored the range and sent the whole file.
        self._whole[key] = response.content
        return response.content[start:end]

    def read_head(self, key: str, length: int) -> tuple[bytes, int]:
        """Return the first ``length`` bytes of the file and its size, with one ranged GET.

        The size comes from ``Content-Range``; a server that ignores ``Range`` sends the
        whole file, which then serves every later read.
        """
        if key in self._whole:
            content = self._whole[key]
            return content[:length], len(content)
        if length <= 0:
            return b"", self.size(key)
        response = self._get(key, "GET", {"Range": f"bytes=0-{length - 1}"})
        total = response.headers.get("content-range", "").rpartition("/")[2]
        if response.status_code == 416:
            if total.isdigit():
                return b"", int(total)
            return b"", self.size(key)
        if response.status_code == 206:
            if total.isdigit():
                return response.content, int(total)
            return response.content, self.size(key)
        # The server ignored the range and sent the whole file.
        self._whole[key] = response.content
        return response.content[:length], len(response.content)

    def exists(self, key: str) -> bool:
        """Return whether the URL answers with a file."""
        return exists_by_size(self.size, key)
