"""The workflows; see :mod:`sentinelhub_byoc.workflows`."""
