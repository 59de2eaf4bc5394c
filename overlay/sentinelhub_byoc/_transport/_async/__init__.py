"""The sender; see :mod:`sentinelhub_byoc._transport`."""
