"""The clients: :class:`BYOCClient` (blocking) and :class:`AsyncBYOCClient` (asyncio), same surface.

Both are thin shells: what to send and how to read the answer is decided by the I/O-free
operations in :mod:`sentinelhub_byoc._operations`; the shells only send and wait. The asyncio
client is written once, in :mod:`sentinelhub_byoc._async.client`; the blocking one is generated
from it by ``codegen/unasync.py``, so the two cannot drift apart.

>>> from sentinelhub_byoc import BYOCClient
>>> with BYOCClient() as client:  # doctest: +SKIP
...     for collection in client.collections.list():
...         print(collection.name, collection.s3_bucket)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentinelhub_byoc._lazy import lazy_getattr

if TYPE_CHECKING:
    from sentinelhub_byoc._async.client import AsyncBYOCClient
    from sentinelhub_byoc._sync.client import BYOCClient

# Imported on first use: a blocking client never loads the asyncio half, nor the other way round.
_EXPORTS = {
    "AsyncBYOCClient": "sentinelhub_byoc._async.client",
    "BYOCClient": "sentinelhub_byoc._sync.client",
}

__all__ = ["AsyncBYOCClient", "BYOCClient"]

__getattr__ = lazy_getattr(globals(), _EXPORTS)


def __dir__() -> list[str]:
    return __all__
