"""The resource classes; see :mod:`sentinelhub_byoc.resources`."""
