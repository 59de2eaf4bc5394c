"""The asyncio driver of the token flow; its blocking twin in ``_sync`` is generated from it."""
