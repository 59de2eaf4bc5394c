"""A read-only, seekable file over one object of a :class:`Storage`, fetched in ranges."""

from __future__ import annotations

import io
import os

from sentinelhub_byoc.cog._storage import Storage

_BLOCK = 64 * 1024


class ReadBudgetExceededError(Exception):
    """More bytes were needed than the reader was allowed to fetch."""


class StorageFile(io.RawIOBase):
    """Reads ``key`` on demand in aligned blocks, fetching each block at most once.

    Only what a reader asks for is fetched, so parsing a TIFF header in S3 costs a few
    ranged GETs instead of a download. ``budget`` caps the bytes fetched in all, so a file
    whose header never ends cannot make ingestion read gigabytes.
    """

    def __init__(self, storage: Storage, key: str, *, budget: int) -> None:
        super().__init__()
        self._storage = storage
        self._key = key
        self._size = storage.size(key)
        self._position = 0
        self._blocks: dict[int, bytes] = {}
        self._budget = budget
        self.fetched = 0

    def readable(self) -> bool:
        """Return True: the file can be read."""
        return True

    def seekable(self) -> bool:
        """Return True: the file can be positioned anywhere."""
        return True

    def tell(self) -> int:
        """Return the current position."""
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        """Move to ``offset`` relative to the start, the current position or the end."""
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        """Read into ``buffer`` from the current position; return the count of bytes read."""
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), max(0, self._size - self._position))
        done = 0
        while done < wanted:
            position = self._position + done
            index, within = divmod(position, _BLOCK)
            block = self._block(index)
            chunk = block[within : within + wanted - done]
            if not chunk:
                break
            view[done : done + len(chunk)] = chunk
            done += len(chunk)
        self._position += done
        return done

    def _block(self, index: int) -> bytes:
        block = self._blocks.get(index)
        if block is None:
            start = index * _BLOCK
            end = min(start + _BLOCK, self._size)
            if self.fetched + end - start > self._budget:
                raise ReadBudgetExceededError(f"reading {self._key!r} needed more than {self._budget} bytes")
            block = self._storage.read(self._key, start, end)
            self.fetched += len(block)
            self._blocks[index] = block
        return block
