# Generated from overlay/sentinelhub_byoc/_transport/_async/__init__.py by codegen/unasync.py; do not edit.
"""The sender; see :mod:`sentinelhub_byoc._transport`."""
