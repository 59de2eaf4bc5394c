"""Where files are: local folders, ``s3://`` and ``gs://`` buckets and ``http(s)://`` URLs, behind one layer.

The COG checks, the emulator's ingestion, sync and the conversions all read, list, look at
and upload files through here. Each kind of place is one backend module (``_local``, ``_s3``,
``_gcs``, ``_http``) giving the :class:`~sentinelhub_byoc.storage._protocol.Storage` protocol
(and, for buckets, the :class:`~sentinelhub_byoc.storage._protocol.ObjectStore` one the
workflows use), so another scheme is one more module; ``_objects`` holds the user's clients
and picks a backend by a URL's scheme. ``_ranges`` reads an object in ranges as a file,
``_urls`` parses bucket names, URLs and keys, ``_stat`` is what a listing knows of a file,
``_upload`` copies local files into S3 (verified by ETag; ``_gcs`` does the same for Cloud
Storage by MD5 and CRC32C), and ``_errors`` is the one mapping of botocore, Google Cloud, httpx
and ``OSError`` failures to the package's typed errors. Nothing here is public.
"""

__all__: list[str] = []
