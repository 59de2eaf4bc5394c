# Generated from overlay/sentinelhub_byoc/_async/__init__.py by codegen/unasync.py; do not edit.
"""The client class; see :mod:`sentinelhub_byoc.client`."""
