"""A read-only, seekable file over one object of a :class:`Storage`, fetched in ranges."""

from __future__ import annotations

import io
import os

from sentinelhub_byoc.storage._errors import StorageError
from sentinelhub_byoc.storage._protocol import Storage, reads_head

_BLOCK = 64 * 1024
# The first read: two blocks hold the whole header of nearly every COG (GDAL's COG driver
# puts every IFD first), so one request usually serves the whole check.
FIRST_READ = 2 * _BLOCK


class ReadBudgetExceededError(Exception):
    """More bytes were needed than the reader was allowed to fetch."""


class StorageFile(io.RawIOBase):
    """Reads ``key`` on demand in aligned blocks, fetching each block at most once.

    Only what a reader asks for is fetched, so parsing a TIFF header in S3 costs a few
    ranged GETs instead of a download. A storage that can read an object's head and learn
    its size in one request (:func:`~sentinelhub_byoc.storage._protocol.reads_head`) is asked for
    the first :data:`FIRST_READ` bytes at once; others for the size, then for blocks.
    ``budget`` caps the bytes fetched in all, so a file whose header never ends cannot make
    ingestion read gigabytes.

    A failed fetch raises, and is also kept in ``failure``: a parser that catches
    exceptions of its own must not turn a storage failure into a verdict on the file.
    """

    def __init__(self, storage: Storage, key: str, *, budget: int) -> None:
        super().__init__()
        self._storage = storage
        self._key = key
        self._position = 0
        self._blocks: dict[int, bytes] = {}
        self._budget = budget
        self.failure: Exception | None = None
        self.fetched = 0
        head = reads_head(storage)
        if head is None:
            self._size = storage.size(key)
            return
        wanted = min(FIRST_READ, budget)
        first, self._size = head(key, wanted)
        first = first[:wanted]
        self.fetched = len(first)
        for index in range(0, len(first), _BLOCK):
            block = first[index : index + _BLOCK]
            # Only whole blocks (or the object's last one) can stand for their block.
            if len(block) == _BLOCK or index + len(block) >= self._size:
                self._blocks[index // _BLOCK] = block

    def raise_failure(self) -> None:
        """Raise the first failure of a fetch again, if there was one."""
        if self.failure is not None:
            raise self.failure

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
        bases = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self._size}
        if whence not in bases:
            raise ValueError(f"invalid whence {whence!r}")
        base = bases[whence]
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
            try:
                if self.fetched + end - start > self._budget:
                    raise ReadBudgetExceededError(
                        f"reading {self._key!r} needed more than {self._budget} bytes"
                    )
                block = self._storage.read(self._key, start, end)
            except (ReadBudgetExceededError, StorageError) as failure:
                if self.failure is None:
                    self.failure = failure
                raise
            self.fetched += len(block)
            self._blocks[index] = block
        return block
