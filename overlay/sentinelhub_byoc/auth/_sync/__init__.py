# Generated from overlay/sentinelhub_byoc/auth/_async/__init__.py by codegen/unasync.py; do not edit.
"""The asyncio driver of the token flow; its blocking twin in ``_sync`` is generated from it."""
