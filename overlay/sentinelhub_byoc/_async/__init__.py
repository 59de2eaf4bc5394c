"""The client class; see :mod:`sentinelhub_byoc.client`."""
