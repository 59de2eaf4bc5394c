"""Where files are: local folders, ``s3://`` buckets and ``http(s)://`` URLs, behind one layer.

The COG checks, the emulator's ingestion, sync and the conversions all read, list, look at
and upload files through here. Each kind of place is one backend module (``_local``, ``_s3``,
``_http``) giving the :class:`~sentinelhub_byoc.storage._protocol.Storage` protocol, so
another scheme is one more module. ``_ranges`` reads an object in ranges as a file,
``_urls`` parses bucket names, URLs and keys, ``_stat`` is what a listing knows of a file,
``_upload`` copies local files in (verified by ETag), and ``_errors`` is the one mapping of
botocore, httpx and ``OSError`` failures to the package's typed errors. Nothing here is public.
"""

__all__: list[str] = []
