# Generated from overlay/sentinelhub_byoc/workflows/_async/__init__.py by codegen/unasync.py; do not edit.
"""The workflows; see :mod:`sentinelhub_byoc.workflows`."""
