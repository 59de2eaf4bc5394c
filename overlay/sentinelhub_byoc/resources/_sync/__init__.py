# Generated from overlay/sentinelhub_byoc/resources/_async/__init__.py by codegen/unasync.py; do not edit.
"""The resource classes; see :mod:`sentinelhub_byoc.resources`."""
